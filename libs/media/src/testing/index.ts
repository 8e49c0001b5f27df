/** Test helpers of @lfe/media: a moving, frame-stamped test picture and Opus packets of a tone. */
export { maxBlockDiff, meanAbsDiff, testPattern } from './test-pattern';
export { oggPackets, opusTonePackets } from './opus-source';
