/**
 * The one errors module of @lfe/speech. Callers match on class (`instanceof`), never on message text.
 */

/** Audio that cannot be used: not a WAV, unsupported encoding, wrong sample rate, empty. */
export class BadAudioError extends Error {
  override readonly name = 'BadAudioError';
}

/** A call that the object's state forbids (e.g. `write()` after `close()`). */
export class InvalidStateError extends Error {
  override readonly name = 'InvalidStateError';
}

/** The recogniser process could not be started (binary missing, model missing, bad arguments). */
export class RecognizerStartError extends Error {
  override readonly name = 'RecognizerStartError';
}

/** Vocabulary words that the pronunciation dictionary cannot pronounce. */
export class MissingPronunciationError extends Error {
  override readonly name = 'MissingPronunciationError';
  constructor(readonly words: readonly string[]) {
    super(`speech: no pronunciation for ${words.length} word(s): ${words.join(', ')}`);
  }
}

/** A required external tool (espeak-ng, sox) failed. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

/** Something this lib needs from another is not available (e.g. the vocabulary's speech exports). */
export class UnsupportedError extends Error {
  override readonly name = 'UnsupportedError';
}
