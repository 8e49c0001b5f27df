import { backend_util, type Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs';
import { UnsupportedKernelInputError } from '../errors';

/** Forward-convolution geometry shared by both gradient kernels (NHWC, dilation 1). */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

export function convGeometry(
  xShape: readonly [number, number, number, number],
  filterShape: readonly [number, number, number, number],
  attrs: Pick<Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'>,
): ConvGeometry {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new UnsupportedKernelInputError(`conv gradient: dataFormat must be NHWC, got ${attrs.dataFormat}`);
  }
  const info = backend_util.computeConv2DInfo(
    [...xShape],
    [...filterShape],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

export function as4d(shape: readonly number[], what: string): [number, number, number, number] {
  if (shape.length !== 4) throw new UnsupportedKernelInputError(`${what} must be rank 4, got shape [${shape.join(',')}]`);
  return [shape[0]!, shape[1]!, shape[2]!, shape[3]!];
}
