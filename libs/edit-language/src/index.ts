/** Public API of @lfe/edit-language. Nothing here yet: see README.md for what this project will hold. */
export const projectName = 'edit-language';
