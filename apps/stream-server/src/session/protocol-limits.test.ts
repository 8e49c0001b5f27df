import { MAX_COMMAND_LENGTH } from '@lfe/edit-language';
import { MAX_COMMAND_CHARS } from '@lfe/protocol';
import { describe, expect, it } from 'vitest';

// @lfe/protocol depends on nothing in the repo, so it states the command limit itself; the server,
// which parses commands with edit-language, checks the two agree.
describe('protocol limits', () => {
  it('the page refuses a command exactly when the parser would (MAX_COMMAND_CHARS = MAX_COMMAND_LENGTH)', () => {
    expect(MAX_COMMAND_CHARS).toBe(MAX_COMMAND_LENGTH);
  });
});
