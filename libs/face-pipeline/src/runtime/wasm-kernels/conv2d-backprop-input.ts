import { Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type TensorInfo } from '@tensorflow/tfjs';
import { UnsupportedKernelInputError } from '../errors';
import { as4d, convGeometry } from './conv-geometry';
import type { KernelFunction } from './kernel-ops';
import { withOps } from './kernel-ops';

/**
 * Input gradient of a 2-D convolution (also conv2dTranspose) as a stride-1 forward convolution:
 *   dx[i] = Σ_k dyUp[i + top − k] · W[k]  =  correlation of dyUp with the flipped filter,
 * where dyUp is dy with (stride − 1) zeros inserted between samples, and the filter is flipped
 * spatially with in/out channels swapped. Negative "padding" (rare explicit-pad cases) is a crop.
 */
export function makeConv2DBackpropInput(backendName: string, stock: ReadonlyMap<string, KernelFunction>): KernelFunction {
  return ({ inputs, attrs, backend }) => {
    const dy = inputs['dy'];
    const filter = inputs['filter'];
    if (dy === undefined || filter === undefined) {
      throw new UnsupportedKernelInputError('Conv2DBackpropInput: needs inputs dy and filter');
    }
    if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
      throw new UnsupportedKernelInputError(`Conv2DBackpropInput: float32 only, got ${dy.dtype}/${filter.dtype}`);
    }
    const a = attrs as unknown as Conv2DBackpropInputAttrs;
    const xShape = as4d(a.inputShape, 'Conv2DBackpropInput inputShape');
    const g = convGeometry(xShape, as4d(filter.shape, 'Conv2DBackpropInput filter'), a);
    const dy4 = as4d(dy.shape, 'Conv2DBackpropInput dy');
    if (dy4[1] !== g.outH || dy4[2] !== g.outW) {
      throw new UnsupportedKernelInputError(
        `Conv2DBackpropInput: dy is ${dy4[1]}x${dy4[2]} but the forward conv gives ${g.outH}x${g.outW}`,
      );
    }
    return withOps(backend, backendName, stock, (ops) => {
      const flipped = ops.run('Reverse', { x: filter }, { dims: [0, 1] });
      const wT = ops.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
      let up: TensorInfo = dy;
      const sh = g.strideH;
      const sw = g.strideW;
      if (sh > 1 || sw > 1) {
        // Zero insertion: [N,Ho,1,Wo,1,C] padded to [N,Ho,sh,Wo,sw,C], then folded back.
        const r6 = ops.run('Reshape', { x: dy }, { shape: [g.batch, g.outH, 1, g.outW, 1, g.outC] });
        const p6 = ops.run(
          'PadV2',
          { x: r6 },
          { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 },
        );
        up = ops.run('Reshape', { x: p6 }, { shape: [g.batch, g.outH * sh, g.outW * sw, g.outC] });
      }
      // Padding of the upsampled dy; it already carries (s − 1) trailing zeros per axis.
      let top = g.kh - 1 - g.padTop;
      let left = g.kw - 1 - g.padLeft;
      let bottom = g.inH + g.padTop - ((g.outH - 1) * sh + 1) - (sh - 1);
      let right = g.inW + g.padLeft - ((g.outW - 1) * sw + 1) - (sw - 1);
      if (top < 0 || left < 0 || bottom < 0 || right < 0) {
        const cropTop = Math.max(0, -top);
        const cropLeft = Math.max(0, -left);
        const h = up.shape[1]! - cropTop - Math.max(0, -bottom);
        const w = up.shape[2]! - cropLeft - Math.max(0, -right);
        up = ops.run('Slice', { x: up }, { begin: [0, cropTop, cropLeft, 0], size: [g.batch, h, w, g.outC] });
        top = Math.max(0, top);
        left = Math.max(0, left);
        bottom = Math.max(0, bottom);
        right = Math.max(0, right);
      }
      return ops.run(
        'Conv2D',
        { x: up, filter: wT },
        {
          strides: [1, 1],
          dilations: [1, 1],
          pad: [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ],
          dataFormat: 'NHWC',
        },
      );
    });
  };
}

export const conv2DBackpropInputName = Conv2DBackpropInput;
