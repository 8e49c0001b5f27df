/**
 * The one errors module of @lfe/edit-language. Callers match on class (`instanceof`), never on
 * message text. Every error here is a `TypeError`: they all mean "this input is not a command we
 * accept", and the message names the field (`command: …`) and, where it can, what to say instead.
 */

/** Base class of every command rejection, so a caller can catch "bad command" with one check. */
export class CommandError extends TypeError {
  override readonly name: string = 'CommandError';
}

/** The text is longer than the parser accepts (checked before any work is done). */
export class InputTooLongError extends CommandError {
  override readonly name = 'InputTooLongError';
  constructor(
    readonly length: number,
    readonly limit: number,
  ) {
    super(`command: text longer than ${limit} characters (got ${length})`);
  }
}

/** A word (or, for Chinese, a run of characters) that is not in the lexicon. */
export class UnknownWordError extends CommandError {
  override readonly name = 'UnknownWordError';
  constructor(
    readonly word: string,
    /** Known words close to `word` by edit distance, closest first (may be empty). */
    readonly suggestions: readonly string[],
  ) {
    super(
      `command: unknown word ${JSON.stringify(word)}` +
        (suggestions.length > 0 ? ` (did you mean: ${suggestions.join(', ')}?)` : ' (no close known word)'),
    );
  }
}

/** Known words that do not make a command: empty text, "bigger glasses", "a bit" alone, "no long hair". */
export class InvalidCommandError extends CommandError {
  override readonly name = 'InvalidCommandError';
}

/** A command the loaded model cannot carry out (its world has no such attribute level); names what it can do. */
export class UnsupportedEditError extends CommandError {
  override readonly name = 'UnsupportedEditError';
  constructor(
    /** `attribute=level` of each edit it cannot do ("hairColor=red"). */
    readonly unsupported: readonly string[],
    /** `attribute=level` of everything it can do. */
    readonly supported: readonly string[],
  ) {
    super(`command: this model cannot do ${unsupported.join(', ')}; it can do: ${supported.join(', ')}`);
  }
}
