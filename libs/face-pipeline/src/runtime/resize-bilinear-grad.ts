import * as tf from '@tensorflow/tfjs';

/**
 * tfjs 4.22's gradient of ResizeBilinear drops `halfPixelCenters` (core's ResizeBilinear_grad passes
 * only `alignCorners` to ResizeBilinearGrad), so models that resize with half-pixel centres — our
 * generator's ×2 upsampling, 2×2 average pooling as a half-size resize — train on a wrong gradient
 * (each output's gradient lands on the wrong input pixels).
 *
 * The fix: bilinear resizing is separable and linear, y = R_h · x · R_wᵀ per image and channel, so
 * dx = R_hᵀ · dy · R_w. The interpolation matrices are read off the forward kernel itself (resize an
 * identity basis), so the gradient is the exact transpose of whatever the backend's forward does,
 * whatever the sizes, `alignCorners` and `halfPixelCenters`.
 */
const matrices = new Map<string, Float32Array>();

/** R [out, in]: row o holds the weights output o takes from each input index. */
function interpolationMatrix(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  const key = `${inSize}:${outSize}:${alignCorners}:${halfPixelCenters}`;
  let m = matrices.get(key);
  if (m === undefined) {
    // x[0, i, 0, c] = δ(i, c): the resized column c is column c of R.
    const r = tf.tidy(() => tf.image.resizeBilinear(tf.reshape(tf.eye(inSize), [1, inSize, 1, inSize]) as tf.Tensor4D, [outSize, 1], alignCorners, halfPixelCenters));
    m = r.dataSync() as Float32Array; // [1, out, 1, in] = R[out][in]
    r.dispose();
    matrices.set(key, m);
  }
  return m;
}

export function resizeBilinearGrad(dy: tf.Tensor4D, inShape: readonly number[], alignCorners: boolean, halfPixelCenters: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, p, q, c] = dy.shape;
    const i = inShape[1]!;
    const j = inShape[2]!;
    const rh = tf.tensor2d(interpolationMatrix(i, p, alignCorners, halfPixelCenters), [p, i]);
    const rw = tf.tensor2d(interpolationMatrix(j, q, alignCorners, halfPixelCenters), [q, j]);
    // Contract over output columns q, then output rows p.
    const t1 = tf.matMul(tf.reshape(tf.transpose(dy, [0, 1, 3, 2]), [b * p * c, q]), rw); // [B·P·C, J]
    const t2 = tf.reshape(tf.transpose(tf.reshape(t1, [b, p, c, j]), [0, 2, 3, 1]), [b * c * j, p]); // [B·C·J, P]
    const t3 = tf.matMul(t2, rh); // [B·C·J, I]
    return tf.transpose(tf.reshape(t3, [b, c, j, i]), [0, 3, 2, 1]) as tf.Tensor4D;
  });
}

let registered = false;

/** Replace the ResizeBilinear gradient (global to tfjs, every backend). Idempotent. */
export function registerResizeBilinearGradFix(): void {
  if (registered) return;
  registered = true;
  const warn = console.warn;
  // tfjs warns when a gradient is overridden; that override is the point here.
  console.warn = () => {};
  try {
    tf.registerGradient({
      kernelName: tf.ResizeBilinear,
      inputsToSave: ['images'],
      gradFunc: (dy, saved, attrs) => {
        const [images] = saved as [tf.Tensor4D];
        const { alignCorners, halfPixelCenters } = attrs as unknown as tf.ResizeBilinearAttrs;
        return { images: () => resizeBilinearGrad(dy as tf.Tensor4D, images.shape, alignCorners, halfPixelCenters) };
      },
    });
  } finally {
    console.warn = warn;
  }
}
