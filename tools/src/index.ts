/** Public API of @lfe/tools. Nothing here yet: see README.md for what this project will hold. */
export const projectName = 'tools';
