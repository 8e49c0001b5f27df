import * as tf from '@tensorflow/tfjs';

/**
 * 2×2 average pooling (stride 2) with a hand-written gradient: each input pixel gets a quarter of
 * its output pixel's gradient (nearest-neighbour ×2 upsampling of dy): one cheap op, about half
 * the time of tfjs's AvgPoolGrad on wasm.
 *
 * Written when tfjs 4.22's ResizeBilinearGrad (the other way to pool: a half-size half-pixel
 * resize) was found to ignore `halfPixelCenters`; `initRuntime` now replaces that gradient
 * (face-pipeline runtime/resize-bilinear-grad.ts) and the test checks the two agree.
 */
export const pool2x: (x: tf.Tensor4D) => tf.Tensor4D = (() => {
  const f = tf.customGrad(((x: tf.Tensor) => {
    const x4 = x as tf.Tensor4D;
    if (x4.rank !== 4 || x4.shape[1] % 2 !== 0 || x4.shape[2] % 2 !== 0) throw new TypeError(`pool2x: input must be [B,H,W,C] with even H and W, got [${x4.shape.join(',')}]`);
    return {
      value: tf.avgPool(x4, 2, 2, 'valid'),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.mul(tf.image.resizeNearestNeighbor(dy as tf.Tensor4D, [x4.shape[1], x4.shape[2]]), 0.25),
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return (x: tf.Tensor4D): tf.Tensor4D => f(x) as tf.Tensor4D;
})();
