/** Public API of @lfe/trainer. Nothing here yet: see README.md for what this project will hold. */
export const projectName = 'trainer';
