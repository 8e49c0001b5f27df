import { MediaAccessError } from '../protocol/errors';

/** Camera + microphone, with getUserMedia's DOMException names mapped to what the page explains. */
export async function openCameraAndMic(): Promise<MediaStream> {
  if (!window.isSecureContext || navigator.mediaDevices === undefined) {
    throw new MediaAccessError('insecure', 'camera needs a secure context');
  }
  const video: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } };
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio: { echoCancellation: true, noiseSuppression: true } });
  } catch (err) {
    const name = err instanceof DOMException ? err.name : '';
    if (name === 'NotAllowedError' || name === 'SecurityError') throw new MediaAccessError('denied', 'camera or microphone permission denied');
    if (name === 'NotFoundError' || name === 'OverconstrainedError') {
      // A machine with a camera but no microphone can still edit by typing.
      try {
        return await navigator.mediaDevices.getUserMedia({ video });
      } catch {
        throw new MediaAccessError('no-device', 'no camera found');
      }
    }
    if (name === 'NotReadableError' || name === 'AbortError') throw new MediaAccessError('in-use', 'camera busy');
    throw new MediaAccessError('other', err instanceof Error ? err.message : String(err));
  }
}
