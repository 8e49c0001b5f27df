import { Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs';
import { UnsupportedKernelInputError } from '../errors';
import { as4d, convGeometry } from './conv-geometry';
import type { KernelFunction } from './kernel-ops';
import { withOps } from './kernel-ops';

/**
 * Filter gradient of a 2-D convolution as ONE forward convolution:
 *   dW[a,b,ci,co] = Σ_{n,p,q} x[n, p·s + a − top, q·s + b − left, ci] · dy[n,p,q,co]
 * is a convolution whose "batch" is Ci and whose "channels" are N: input x as [Ci,H,W,N], filter dy
 * as [Ho,Wo,N,Co] dilated by the forward stride, padded top/left like the forward pass. The result
 * [Ci,kh',kw',Co] is cropped to the filter size and transposed to [kh,kw,Ci,Co]. XNNPACK does the
 * heavy part, so this runs near forward-conv speed.
 */
export function makeConv2DBackpropFilter(backendName: string, stock: ReadonlyMap<string, KernelFunction>): KernelFunction {
  return ({ inputs, attrs, backend }) => {
    const x = inputs['x'];
    const dy = inputs['dy'];
    if (x === undefined || dy === undefined) throw new UnsupportedKernelInputError('Conv2DBackpropFilter: needs inputs x and dy');
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
      throw new UnsupportedKernelInputError(`Conv2DBackpropFilter: float32 only, got ${x.dtype}/${dy.dtype}`);
    }
    const a = attrs as unknown as Conv2DBackpropFilterAttrs;
    const filterShape = as4d(a.filterShape, 'Conv2DBackpropFilter filterShape');
    const g = convGeometry(as4d(x.shape, 'Conv2DBackpropFilter x'), filterShape, a);
    return withOps(backend, backendName, stock, (ops) => {
      const xT = ops.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
      const dyT = ops.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
      // Pad bottom/right just enough that the correlation yields at least kh × kw positions.
      const bottom = Math.max(0, g.kh - 1 + (g.outH - 1) * g.strideH + 1 - g.inH - g.padTop);
      const right = Math.max(0, g.kw - 1 + (g.outW - 1) * g.strideW + 1 - g.inW - g.padLeft);
      let r = ops.run(
        'Conv2D',
        { x: xT, filter: dyT },
        {
          strides: [1, 1],
          dilations: [g.strideH, g.strideW],
          pad: [
            [0, 0],
            [g.padTop, bottom],
            [g.padLeft, right],
            [0, 0],
          ],
          dataFormat: 'NHWC',
        },
      );
      if (r.shape[1] !== g.kh || r.shape[2] !== g.kw) {
        r = ops.run('Slice', { x: r }, { begin: [0, 0, 0, 0], size: [g.inC, g.kh, g.kw, g.outC] });
      }
      return ops.run('Transpose', { x: r }, { perm: [1, 2, 0, 3] });
    });
  };
}

export const conv2DBackpropFilterName = Conv2DBackpropFilter;
