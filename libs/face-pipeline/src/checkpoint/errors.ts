/** A checkpoint folder is missing, damaged, or not the model the caller asked for. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
  constructor(
    message: string,
    /** The file the problem is in. */
    readonly file: string,
  ) {
    super(`${message} (${file})`);
  }
}
