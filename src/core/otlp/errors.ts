/** Thrown for any OTLP payload that cannot be decoded; the receiver answers it with 400 and a google.rpc.Status. */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
