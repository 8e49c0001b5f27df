import { MediaStreamTrack, RTCPeerConnection } from 'werift';
import { BadInputError } from '../errors';
import type { Logger } from '../util/log';
import { type IceOptions, peerConfig } from './codecs';
import { checkOffer, filterCandidates } from './sdp-check';

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

export interface ViewerTimeouts {
  /** No connection within this → gone (default 15 s): a viewer that never completes ICE holds a socket. */
  connectMs?: number;
  /** Disconnected this long → gone (default 10 s). */
  disconnectedMs?: number;
  ice?: IceOptions;
}

/** A WHEP viewer: sends the session's processed VP8; any offered audio is answered inactive. */
export async function createViewerPeer(offer: string, handlers: ViewerHandlers, log: Logger, timeouts: ViewerTimeouts & { ice?: IceOptions } = {}): Promise<ViewerPeer> {
  const connectMs = timeouts.connectMs ?? 15_000;
  const disconnectedMs = timeouts.disconnectedMs ?? 10_000;
  const summary = checkOffer(offer);
  if (summary.video === undefined) throw new BadInputError('sdp: offer has no video m-line');
  if (summary.video.direction !== 'recvonly' && summary.video.direction !== 'sendrecv') throw new BadInputError('sdp: video must be recvonly for WHEP');
  if (!summary.video.codecs.includes('vp8')) throw new BadInputError('sdp: WHEP viewers must accept VP8');
  const filtered = timeouts.ice?.candidates !== undefined ? filterCandidates(offer, timeouts.ice.candidates) : { sdp: offer, dropped: [] };
  if (filtered.dropped.length > 0) log.info('remote candidates dropped', { addresses: filtered.dropped });
  const pc = new RTCPeerConnection(peerConfig(timeouts.ice ? { ice: timeouts.ice } : {}));
  const cleanups: Array<() => void> = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const c of cleanups.splice(0)) c();
    await pc.close().catch(() => undefined);
  };
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: filtered.sdp });
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
  let everConnected = false;
  const connectTimer = setTimeout(() => {
    if (!everConnected) handlers.onGone(`ice: no connection within ${connectMs} ms`);
  }, connectMs);
  connectTimer.unref();
  const state = pc.connectionStateChange.subscribe((s) => {
    log.debug('viewer connection state', { state: s });
    if (s === 'failed' || s === 'closed') handlers.onGone(`peer connection ${s}`);
    else if (s === 'disconnected') timer ??= setTimeout(() => handlers.onGone('peer connection disconnected'), disconnectedMs);
    else if (s === 'connected') {
      everConnected = true;
      clearTimeout(connectTimer);
      clearTimeout(timer);
      timer = undefined;
    }
  });
  cleanups.push(() => {
    pli.unSubscribe();
    ready.unSubscribe();
    state.unSubscribe();
    clearTimeout(timer);
    clearTimeout(connectTimer);
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
