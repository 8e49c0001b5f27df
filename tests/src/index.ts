/** Public API of @lfe/tests. Nothing here yet: see README.md for what this project will hold. */
export const projectName = 'tests';
