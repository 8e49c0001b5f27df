/** Errors of the runtime. Callers match on class, never on message text. */

/** A backend was asked for but cannot be used here (not installed, failed to initialise). */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

/** A kernel was called with something it does not support (dtype, data format). */
export class UnsupportedKernelInputError extends TypeError {
  override name = 'UnsupportedKernelInputError';
}
