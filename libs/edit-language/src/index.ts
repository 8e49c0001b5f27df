/** Public API of @lfe/edit-language: the attribute schema (more to come: vocabulary, parser, captions). */
export * from './schema';
