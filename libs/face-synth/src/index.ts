/** Public API of @lfe/face-synth. Nothing here yet: see README.md for what this project will hold. */
export const projectName = 'face-synth';
