/** Errors the receiver reports to whoever starts it, typed so the UI can say exactly what went wrong. */

/** The address is taken by another process (EADDRINUSE): the UI offers "use another port". */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  readonly code = 'EADDRINUSE';

  constructor(
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(`${host}:${port} is already in use by another process`, options);
  }
}
