import { UnsupportedError } from './errors';
import { type FrameProcessor, PassthroughProcessor } from './media/frame-processor';

/**
 * `--effect` → FrameProcessor. `edit` (the face editor from libs/face-pipeline, in a worker
 * thread) plugs in here when it lands; nothing in the media path changes.
 */
export function createFrameProcessor(effect: 'none' | 'edit'): FrameProcessor {
  if (effect === 'none') return new PassthroughProcessor();
  throw new UnsupportedError('--effect edit: the face editor (libs/face-pipeline) is not wired in yet; use --effect none');
}
