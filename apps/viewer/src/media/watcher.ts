import { deleteResource, whepWatch } from '../protocol/http';
import { completeOffer, preferVp8 } from './peer';

export interface Watch {
  readonly pc: RTCPeerConnection;
  readonly stream: Promise<MediaStream>;
  close(): Promise<void>;
}

/** Receive one session's processed video with a WHEP POST (recvonly, video only). */
export async function watch(base: string, session: string, token: string | undefined): Promise<Watch> {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  const stream = new Promise<MediaStream>((resolve) => {
    pc.addEventListener('track', (ev) => {
      if (ev.track.kind === 'video') resolve(ev.streams[0] ?? new MediaStream([ev.track]));
    });
  });
  try {
    preferVp8(pc.addTransceiver('video', { direction: 'recvonly' }));
    const offer = await completeOffer(pc);
    const res = await whepWatch(base, session, offer, token === undefined ? {} : { token });
    await pc.setRemoteDescription({ type: 'answer', sdp: res.answer });
    let closed = false;
    return {
      pc,
      stream,
      close: async () => {
        if (closed) return;
        closed = true;
        pc.close();
        await deleteResource(res.resource, token);
      },
    };
  } catch (err) {
    pc.close();
    throw err;
  }
}
