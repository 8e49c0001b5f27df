import { deleteResource, whipPublish } from '../protocol/http';
import { completeOffer, preferVp8 } from './peer';

export interface Publication {
  readonly pc: RTCPeerConnection;
  readonly session: string;
  /** The processed video from the server, on the same peer connection. */
  readonly processed: Promise<MediaStream>;
  close(): Promise<void>;
}

/**
 * Publish the camera + mic with one WHIP POST. Video is sendrecv so the server can return the
 * processed frames on the same m-line; audio is sendonly (the server only listens).
 */
export async function publish(base: string, stream: MediaStream, options: { token?: string; session?: string } = {}): Promise<Publication> {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  let closed = false;
  const processed = new Promise<MediaStream>((resolve) => {
    pc.addEventListener('track', (ev) => {
      if (ev.track.kind === 'video') resolve(ev.streams[0] ?? new MediaStream([ev.track]));
    });
  });
  try {
    const video = stream.getVideoTracks()[0];
    if (video === undefined) throw new Error('publish: no video track');
    const vt = pc.addTransceiver(video, { direction: 'sendrecv', streams: [stream] });
    preferVp8(vt);
    const audio = stream.getAudioTracks()[0];
    if (audio !== undefined) pc.addTransceiver(audio, { direction: 'sendonly', streams: [stream] });
    // Chrome otherwise drops resolution on a cold bandwidth estimate; the server scales anyway.
    const params = vt.sender.getParameters();
    params.degradationPreference = 'maintain-resolution';
    await vt.sender.setParameters(params).catch(() => undefined);

    const offer = await completeOffer(pc);
    const res = await whipPublish(base, offer, options);
    await pc.setRemoteDescription({ type: 'answer', sdp: res.answer });
    return {
      pc,
      session: res.session,
      processed,
      close: async () => {
        if (closed) return;
        closed = true;
        pc.close();
        await deleteResource(res.resource, options.token);
      },
    };
  } catch (err) {
    closed = true;
    pc.close();
    throw err;
  }
}
