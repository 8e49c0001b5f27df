/**
 * Public API of @lfe/edit-language: the single source of truth for what users can say.
 * Schema → lexicon → tokenizer → parser; vocabulary for the text encoder and captioner; caption
 * grammar for training data; JSGF grammar and word list for libs/speech.
 */
export * from './schema';
export type { Edit, EditOp } from './edit';
export {
  DEFAULT_DEGREE,
  DEGREES,
  ORDINAL_STEP_LEVELS,
  SLIGHT_DEGREE,
  STRONG_DEGREE,
  applyEdits,
  canonicalEdit,
  isRemovable,
  levelsOf,
  ordinalSetValue,
} from './edit';
export { CommandError, InputTooLongError, InvalidCommandError, UnknownWordError, UnsupportedEditError } from './errors';
export type { ControlAction, Lang } from './lexicon';
export type { RandomSource } from './random-source';
export { seededRandom } from './random-source';
export { MAX_COMMAND_LENGTH, joinTokens, tokenize } from './tokenizer';
export type { ParsedCommand } from './parser';
export { parseCommand } from './parser';
export {
  END,
  END_ID,
  PAD,
  PAD_ID,
  START,
  START_ID,
  UNK,
  UNK_ID,
  VOCABULARY,
  VOCABULARY_FINGERPRINT,
  VOCABULARY_SIZE,
  decodeIds,
  encodeTokens,
  tokenId,
} from './vocabulary';
export type { DescribeOptions } from './captions';
export { commandForEdits, describeAttributes, describeFace, editCommandFor, editsBetween, randomEdits } from './captions';
export { speechGrammar, speechWords, spokenCommands } from './speech-grammar';
export type { SpokenCommand } from './speech-grammar';
export { attributesFromCaptions } from './read-captions';
export { CELEBA_LABELS, CELEBA_FOR_LEVEL, CELEBA_FOR_IDENTITY, REAL_WORLD_LEVELS, checkSupported, meetsCeleba } from './celeba';
export { celebaFaceDescription, celebaGender, celebaMentions, describeCelebaFace, type CelebaCaptionOptions, type CelebaMention } from './celeba-captions';
export type { CelebaLabel, CelebaCondition } from './celeba';
