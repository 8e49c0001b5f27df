import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, and the real-face models the tests load (trained by libs/trainer-torch). */
export const REPO = resolve(fileURLToPath(import.meta.url), '../../../../..');
export const REAL_GENERATOR_DIR = join(REPO, 'training/gan-real/generator');
export const REAL_ENCODER_DIR = join(REPO, 'training/encoder-real/encoder');
export const REAL_JUDGE_DIR = join(REPO, 'models/real/judge');
export const REAL_IDENTITY_FILE = join(REPO, 'models/real/identity.json');
/** The real-face bundle the product ships (scripts/real-editor.sh assembles it). */
export const REAL_MODEL_DIR = join(REPO, 'models/real');
export const REAL_CAPTIONER_DIR = join(REPO, 'models/real/captioner');
