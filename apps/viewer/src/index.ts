/** Public API of @lfe/viewer. Nothing here yet: see README.md for what this project will hold. */
export const projectName = 'viewer';
