/**
 * Edit the faces in a photo with a command, at the photo's own size.
 *   npx nx run face-pipeline:edit -- --in photo.jpg --text "add glasses" --out out.jpg
 * See USAGE below; exit codes: 0 written, 2 usage (and an edit the chosen model's world cannot do,
 * e.g. "red hair" with --model real), 3 unreadable or undecodable input, 4 no face, 5 a command the
 * model cannot carry out (unknown word, too long), 6 image too large, 1 anything else (models
 * missing or not belonging together). Nothing is written unless the edit succeeded.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CommandError, UnsupportedEditError } from '@lfe/edit-language';
import { CheckpointError } from '../checkpoint/errors';
import type { RgbImageLike } from '../align/align';
import { ImageDecodeError, ImageTooLargeError, MAX_PHOTO_PIXELS, decodeImage, encodeImage, formatFromPath } from '../photo/image-io';
import { DEFAULT_MODEL, MODEL_ENV, MissingModelError, UnknownModelError, modelLevels, parseForModel, resolveModel, selectModel } from '../models/models';
import { NoFaceError, PhotoEditor } from '../photo/photo-editor';
import { initRuntime } from '../runtime/init-runtime';

const USAGE = `usage: npx nx run face-pipeline:edit -- --in PHOTO --text "COMMAND" --out OUT [options]

Edits the faces in a photo (PNG, JPEG or WebP; a JPEG's EXIF orientation is honoured) with the live
path's detection, alignment, model and paste, and writes the photo at its own size (the format
follows OUT's extension: .png, .jpg/.jpeg, .webp).

  --face N              edit the N-th largest face (default 1: the largest)
  --all-faces           edit every face found
  --side-by-side        write input | output side by side, at full size
  --aligned             the input already is an aligned face crop in the model's framing (a data
                        set's aligned faces, a face-synth render): no detection, the whole picture
                        is the face
  --strength S          edit strength 0…3 (default 1)
  --refine-edit N       captioner-guided edit refinement steps per face (default 10; 0 = off)
  --composite MODE      delta (default) | replace | local-replace   (as the live server)
  --no-localize         delta: add the change everywhere under the face mask
  --model NAME          synthetic (models/default) | real (models/real): the model's editor,
                        generator and captioner, and what it can do (default ${DEFAULT_MODEL}; env ${MODEL_ENV});
                        the real model refuses edits outside CelebA's labels + eye size + hair
                        length (e.g. "red hair") with exit code 2
  --editor DIR          default the model's editor/ (overrides --model's)
  --generator DIR       default the model's generator/ (framing.json beside its folder, when present,
                        sets the crop)
  --captioner DIR       default the model's captioner/ (for --refine-edit)
  --fusion NAME         residual | patent (default: the editor bundle's)
  --help

Exit codes: 0 written; 2 usage, or an edit the model cannot do (--model real: "red hair"); 3 input unreadable or not an image; 4 no face (or not the N-th);
5 a command the model cannot carry out (unknown word, too long); 6 image larger than ${MAX_PHOTO_PIXELS / 1e6} megapixels;
1 anything else (e.g. a missing model). Nothing is written on failure.`;

const EXIT = { usage: 2, input: 3, noFace: 4, command: 5, tooLarge: 6, other: 1 } as const;

function fail(msg: string, code: number): never {
  console.error(`edit: ${msg}`);
  process.exit(code);
}

let values: ReturnType<typeof parse>;
function parse(): ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'] {
  return parseArgs({ options: OPTIONS, strict: true }).values;
}
const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  in: { type: 'string' },
  text: { type: 'string' },
  out: { type: 'string' },
  face: { type: 'string' },
  'all-faces': { type: 'boolean', default: false },
  'side-by-side': { type: 'boolean', default: false },
  aligned: { type: 'boolean', default: false },
  strength: { type: 'string', default: '1' },
  'refine-edit': { type: 'string', default: '10' },
  composite: { type: 'string', default: 'delta' },
  'no-localize': { type: 'boolean', default: false },
  model: { type: 'string' },
  editor: { type: 'string' },
  generator: { type: 'string' },
  captioner: { type: 'string' },
  fusion: { type: 'string' },
} as const;
try {
  values = parse();
} catch (e) {
  fail(`${(e as Error).message}\n\n${USAGE}`, EXIT.usage);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.in === undefined || values.text === undefined || values.out === undefined) fail(`--in, --text and --out are required\n\n${USAGE}`, EXIT.usage);
const format = formatFromPath(values.out);
if (format === undefined) fail(`--out ${values.out}: the extension must be .png, .jpg, .jpeg or .webp`, EXIT.usage);
const strength = Number(values.strength);
if (!Number.isFinite(strength) || strength < 0 || strength > 3) fail(`--strength must be a number in 0…3, got "${values.strength}"`, EXIT.usage);
const refineEdit = Number(values['refine-edit']);
if (!Number.isInteger(refineEdit) || refineEdit < 0 || refineEdit > 1000) fail(`--refine-edit must be an integer in 0…1000, got "${values['refine-edit']}"`, EXIT.usage);
const composite = values.composite;
if (composite !== 'delta' && composite !== 'replace' && composite !== 'local-replace') fail(`--composite must be delta, replace or local-replace, got "${composite}"`, EXIT.usage);
if (values.face !== undefined && values['all-faces']) fail('--face and --all-faces: give one', EXIT.usage);
if (values.aligned && (values.face !== undefined || values['all-faces'])) fail('--aligned takes the whole picture as one face: no --face / --all-faces', EXIT.usage);
const faceN = values.face === undefined ? undefined : Number(values.face);
if (faceN !== undefined && (!Number.isInteger(faceN) || faceN < 1)) fail(`--face must be a positive integer, got "${values.face}"`, EXIT.usage);
let model: ReturnType<typeof resolveModel>;
try {
  const name = selectModel(values.model);
  // What the model can do is checked at the parse step, before any file or model is read.
  try {
    parseForModel(values.text, modelLevels(name));
  } catch (e) {
    if (e instanceof UnsupportedEditError) fail(e.message, EXIT.usage);
    if (!(e instanceof CommandError)) throw e; // other command errors: exit 5, below
  }
  model = resolveModel(name, { editor: values.editor, generator: values.generator, captioner: values.captioner, need: refineEdit > 0 ? ['editor', 'generator', 'captioner'] : ['editor', 'generator'] });
} catch (e) {
  if (e instanceof UnknownModelError) fail(`${e.message}\n\n${USAGE}`, EXIT.usage);
  if (e instanceof MissingModelError) fail(e.message, EXIT.other);
  throw e;
}

let bytes: Buffer;
try {
  bytes = readFileSync(values.in);
} catch (e) {
  fail(`cannot read ${values.in} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, EXIT.input);
}
let input: RgbImageLike;
try {
  input = await decodeImage(bytes!, values.in);
} catch (e) {
  if (e instanceof ImageTooLargeError) fail(e.message, EXIT.tooLarge);
  if (e instanceof ImageDecodeError) fail(e.message, EXIT.input);
  throw e;
}

await initRuntime();
let editor: PhotoEditor;
try {
  editor = await PhotoEditor.load({
    editorDir: model!.editor,
    generatorDir: model!.generator,
    captioner: model!.captioner,
    ...(model!.levels !== undefined ? { levels: model!.levels } : {}),
    refineEdit,
    composite,
    localize: !values['no-localize'],
    ...(values.fusion !== undefined ? { fusion: values.fusion } : {}),
  });
} catch (e) {
  if (e instanceof CheckpointError || e instanceof TypeError) fail(e.message, EXIT.other);
  throw e;
}
try {
  const r = values.aligned
    ? editor!.editAligned(input!, values.text, { strength })
    : await editor!.edit(input!, values.text, { strength, faces: values['all-faces'] ? 'all' : faceN !== undefined ? faceN - 1 : 'largest' });
  const out = values['side-by-side'] ? sideBySide(input!, r.image) : r.image;
  const tmp = `${values.out}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, encodeImage(out, format!));
    renameSync(tmp, values.out);
  } catch (e) {
    rmSync(tmp, { force: true });
    fail(`cannot write ${values.out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, EXIT.other);
  }
  const edited = r.faces.filter((f) => f.edited).length;
  console.error(
    `edit: "${values.text}" on ${edited} of ${r.faces.length} face(s) asked for (${r.found} found) in ${input!.width}×${input!.height}: detect ${r.ms.detect.toFixed(0)} ms, edit ${r.ms.edit.toFixed(0)} ms; wrote ${values.out}`,
  );
} catch (e) {
  if (e instanceof CommandError) fail(e.message, EXIT.command);
  if (e instanceof NoFaceError) fail(`${values.in}: ${e.message}`, EXIT.noFace);
  throw e;
} finally {
  editor!.dispose();
}

function sideBySide(a: RgbImageLike, b: RgbImageLike): RgbImageLike {
  const W = a.width + b.width;
  const data = new Uint8Array(W * a.height * 3);
  for (let y = 0; y < a.height; y++) {
    data.set(a.data.subarray(y * a.width * 3, (y + 1) * a.width * 3), y * W * 3);
    data.set(b.data.subarray(y * b.width * 3, (y + 1) * b.width * 3), (y * W + a.width) * 3);
  }
  return { width: W, height: a.height, data };
}
