/** A worker thread of the live editor failed, died or was closed; the caller passes the frame through. */
export class EditWorkerError extends Error {
  override readonly name = 'EditWorkerError';
}
