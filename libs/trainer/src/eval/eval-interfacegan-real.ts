import * as tf from '@tensorflow/tfjs';
import { EDITABLE_ATTRIBUTES, meetsCeleba, type EditableAttributeName } from '@lfe/edit-language';
import { regionMask, type Editor } from '@lfe/face-pipeline';
import type { RealFaceDataset } from '@lfe/realface';
import { labelsOfRow, realFaceImages } from '../editor/real-pairs';
import { directionsFromLabels, interFaceGanEdit, type InterFaceGanDirections } from './eval-interfacegan';
import { realCommands, type RealEditCase, type RealCustomEdit } from './eval-editor-real';

/**
 * The InterFaceGAN baseline on the real generator (Shen et al.), fitted without any judge: real train
 * faces are inverted by the editor's encoder, their CelebA labels say which side of each command's
 * condition they are on, and one class-balanced linear SVM per command separates the layer-mean W
 * codes. Editing adds step·n to every W+ row, the step being the distance between the two classes'
 * mean projections (fixed per direction, as in the synthetic baseline). Keys are
 * `attribute=levelIndex` (`interFaceGanEdit`'s). Faces are the first `faces` of the train split.
 */
export function fitInterFaceGanReal(editor: Editor, set: RealFaceDataset, opts: { faces: number; iterations?: number; minPositives?: number; log?: (l: string) => void }): InterFaceGanDirections {
  const rows = set.rowsOf('train').slice(0, opts.faces);
  const n = rows.length;
  const wDim = editor.generator.config.wDim;
  const r = set.resolution;
  const ws = new Float32Array(n * wDim);
  for (let s = 0; s < n; s += 100) {
    const part = rows.slice(s, s + 100);
    const img = realFaceImages(set, part);
    const mean = tf.tidy(() => tf.mean(editor.invert(tf.tensor4d(img, [part.length, r, r, 3])), 1));
    ws.set(mean.dataSync(), s * wDim);
    mean.dispose();
    opts.log?.(`interfacegan: inverted ${Math.min(n, s + 100)}/${n} train faces`);
  }
  const labels = rows.map((row) => labelsOfRow(set, row));
  const labelings = realCommands().map((c) => [`${c.edit.attribute}=${c.edit.level}`, labels.map((l) => (meetsCeleba(c.target, l) ? 1 : -1))] as const);
  const directions = directionsFromLabels(ws, wDim, labelings, { iterations: opts.iterations ?? 300, minPositives: opts.minPositives ?? 20 });
  return { wDim, directions, samples: n };
}

/** The baseline as an edit method of `evaluateEditorReal`: invert, move along the command's direction, regenerate (the whole face, like the editor's "replace"). */
export function interFaceGanRealMethod(dirs: InterFaceGanDirections, composite: 'replace' | 'delta' = 'replace'): RealCustomEdit {
  return {
    customEdit: (editor: Editor, x: tf.Tensor4D, c: RealEditCase) =>
      tf.tidy(() => {
        const w = editor.invert(x);
        const target = { attribute: c.command.edit.attribute, level: c.command.edit.level ?? EDITABLE_ATTRIBUTES.find((s) => s.name === c.command.edit.attribute)!.defaultLevel };
        const edited = editor.generate(interFaceGanEdit(dirs, w, Array.from({ length: x.shape[0] }, () => [target])));
        if (composite === 'replace') return edited;
        // The product's composite: the input plus the change, where the edited attribute lives.
        const r = x.shape[1];
        const mask = tf.tensor4d(regionMask([c.command.edit.attribute as EditableAttributeName], r), [1, r, r, 1]);
        return tf.clipByValue(tf.add(x, tf.mul(tf.sub(edited, editor.generate(w)), mask)), -1, 1) as tf.Tensor4D;
      }),
  };
}
