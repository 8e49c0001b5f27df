/** Public API of @lfe/speech. Nothing here yet: see README.md for what this project will hold. */
export const projectName = 'speech';
