/** Public API of @lfe/stream-server. Nothing here yet: see README.md for what this project will hold. */
export const projectName = 'stream-server';
