/** Peer connection helpers shared by the publisher (WHIP) and the OBS watcher (WHEP). */

/** Put VP8 first: the server sends the processed video back only on a VP8 sendrecv m-line. */
export function preferVp8(transceiver: RTCRtpTransceiver): void {
  const caps = RTCRtpReceiver.getCapabilities('video');
  if (caps === null || typeof transceiver.setCodecPreferences !== 'function') return;
  const vp8 = caps.codecs.filter((c) => c.mimeType.toLowerCase() === 'video/vp8');
  const rest = caps.codecs.filter((c) => c.mimeType.toLowerCase() !== 'video/vp8');
  if (vp8.length > 0) transceiver.setCodecPreferences([...vp8, ...rest]);
}

/** Offer with every ICE candidate in it (the server does not take trickled candidates). */
export async function completeOffer(pc: RTCPeerConnection, timeoutMs = 3000): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', check);
        resolve();
      }
      function check(): void {
        if (pc.iceGatheringState === 'complete') done();
      }
      pc.addEventListener('icegatheringstatechange', check);
    });
  }
  const sdp = pc.localDescription?.sdp;
  if (sdp === undefined) throw new Error('peer: no local description');
  return sdp;
}

/** Resolves once the peer connection is connected; rejects when it fails or `timeoutMs` passes. */
export function whenConnected(pc: RTCPeerConnection, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('peer: not connected after ' + String(timeoutMs) + ' ms')), timeoutMs);
    function finish(err?: Error): void {
      clearTimeout(timer);
      pc.removeEventListener('connectionstatechange', check);
      if (err) reject(err);
      else resolve();
    }
    function check(): void {
      if (pc.connectionState === 'connected') finish();
      else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') finish(new Error(`peer: ${pc.connectionState}`));
    }
    pc.addEventListener('connectionstatechange', check);
    check();
  });
}
