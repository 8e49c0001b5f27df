import { MediaStreamTrack, RTCPeerConnection } from 'werift';
import { BadInputError } from '../errors';
import type { Logger } from '../util/log';
import { peerConfig } from './codecs';
import { checkOffer } from './sdp-check';

export interface ViewerPeer {
  readonly pc: RTCPeerConnection;
  readonly answer: string;
  readonly track: MediaStreamTrack;
  close(): Promise<void>;
}

export interface ViewerHandlers {
  onPictureLoss(): void;
  /** DTLS up: a keyframe now lets the viewer start at once. */
  onReady(): void;
  onGone(reason: string): void;
}

/** A WHEP viewer: sends the session's processed VP8; any offered audio is answered inactive. */
export async function createViewerPeer(offer: string, handlers: ViewerHandlers, log: Logger, disconnectedMs = 10_000): Promise<ViewerPeer> {
  const summary = checkOffer(offer);
  if (summary.video === undefined) throw new BadInputError('sdp: offer has no video m-line');
  if (summary.video.direction !== 'recvonly' && summary.video.direction !== 'sendrecv') throw new BadInputError('sdp: video must be recvonly for WHEP');
  if (!summary.video.codecs.includes('vp8')) throw new BadInputError('sdp: WHEP viewers must accept VP8');
  const pc = new RTCPeerConnection(peerConfig());
  const cleanups: Array<() => void> = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const c of cleanups.splice(0)) c();
    await pc.close().catch(() => undefined);
  };
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  } catch (err) {
    await close();
    throw new BadInputError(`sdp: offer rejected: ${err instanceof Error ? err.message : String(err)}`);
  }
  const vt = pc.getTransceivers().find((t) => t.kind === 'video');
  if (vt === undefined) {
    await close();
    throw new BadInputError('sdp: offer has no video m-line');
  }
  vt.codecs = vt.codecs.filter((c) => c.mimeType.toLowerCase() === 'video/vp8').slice(0, 1);
  for (const t of pc.getTransceivers()) if (t !== vt) t.setDirection('inactive');
  const track = new MediaStreamTrack({ kind: 'video' });
  vt.setDirection('sendonly');
  await vt.sender.replaceTrack(track);
  const pli = vt.sender.onPictureLossIndication.subscribe(() => handlers.onPictureLoss());
  const ready = vt.sender.onReady.subscribe(() => handlers.onReady());
  let timer: NodeJS.Timeout | undefined;
  const state = pc.connectionStateChange.subscribe((s) => {
    log.debug('viewer connection state', { state: s });
    if (s === 'failed' || s === 'closed') handlers.onGone(`peer connection ${s}`);
    else if (s === 'disconnected') timer ??= setTimeout(() => handlers.onGone('peer connection disconnected'), disconnectedMs);
    else if (s === 'connected') {
      clearTimeout(timer);
      timer = undefined;
    }
  });
  cleanups.push(() => {
    pli.unSubscribe();
    ready.unSubscribe();
    state.unSubscribe();
    clearTimeout(timer);
    track.stop();
  });
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  const sdp = pc.localDescription?.sdp;
  if (sdp === undefined) {
    await close();
    throw new BadInputError('sdp: could not build an answer');
  }
  return { pc, answer: sdp, track, close };
}
