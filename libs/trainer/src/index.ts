/** Public API of @lfe/trainer: nothing yet (see README.md for what this project will hold and which issue brings it). */
export {};
