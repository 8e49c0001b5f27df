/**
 * Public API of @lfe/media: the frame path without a browser, a session or a model.
 * - rtp/: incoming video RTP → decodable frames (VideoReceiveChain: jitter buffer, padding filter,
 *   depacketizer, keyframe gate), encoded VP8 → RTP (Vp8Packetizer, Vp8RtpSender);
 * - codec/: ffmpeg children that decode compressed video to RGB (VideoDecoder), encode RGB to VP8
 *   (VideoEncoder) and turn Opus payloads into 16 kHz PCM (AudioPcmStream), and the container
 *   readers/writers they use (IVF, PPM, Ogg/Opus);
 * - ffmpeg/: which ffmpeg to run (resolveFfmpeg) and one child with a typed lifetime (FfmpegProcess).
 * Test helpers (a stamped test picture, Opus tone packets) are in `@lfe/media/testing`.
 */
export type { RgbFrame } from './frame';
export { FfmpegExitError, FfmpegStartError, InvalidStateError, MediaError } from './errors';
export { type MediaLogger, silentMediaLogger } from './logger';
export { SafeEmitter } from './safe-emitter';

export { type FfmpegBinary, passthroughTimingArgs, resolveFfmpeg } from './ffmpeg/ffmpeg-path';
export { FfmpegProcess, type FfmpegProcessEvents, type FfmpegProcessOptions } from './ffmpeg/ffmpeg-process';

export { type InputVideoCodec, VideoDecoder, type VideoDecoderEvents, type VideoDecoderOptions } from './codec/video-decoder';
export { type EncodedFrame, VideoEncoder, type VideoEncoderEvents, type VideoEncoderOptions } from './codec/video-encoder';
export { AudioPcmStream, type AudioPcmEvents } from './codec/audio-pcm';
export { IVF_FILE_HEADER_BYTES, IVF_FRAME_HEADER_BYTES, type IvfFrame, type IvfHeader, IvfReader, ivfFileHeader, ivfFrameHeader } from './codec/ivf';
export { PpmReader } from './codec/ppm-reader';
export { OggOpusWriter, oggCrc } from './codec/ogg-opus-writer';
export { opusPacketSamples } from './codec/opus-toc';

export { type VideoReceiveHandlers, VideoReceiveChain, type VideoReceiveStats } from './rtp/video-receive-chain';
export { type GateDecision, KeyframeGate, type KeyframeGateOptions, type KeyframeGateStats } from './rtp/keyframe-gate';
export { PaddingFilter } from './rtp/padding-filter';
export { type Vp8Descriptor, parseVp8Descriptor } from './rtp/vp8-descriptor';
export { VP8_DESCRIPTOR_BYTES, type Vp8Packet, Vp8Packetizer, isVp8Keyframe } from './rtp/vp8-packetizer';
export { type RtpSink, Vp8RtpSender, type Vp8RtpSenderOptions } from './rtp/rtp-sender';
