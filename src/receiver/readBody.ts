/** Reads a request body into memory of its own (transferable to a worker), refusing it as soon as it passes a limit. */
import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { kind: 'ok'; body: Uint8Array }
  /** Over the limit: reading stopped, the rest of the body is still on the wire. */
  | { kind: 'too-large' }
  /** The client went away or the stream failed: nobody is left to answer. */
  | { kind: 'aborted' };

const PREALLOCATE_MAX = 1024 * 1024;

export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) {
    return undefined;
  }
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const expected = declaredLength(req);
    if (expected !== undefined && expected > limit) {
      resolve({ kind: 'too-large' });
      return;
    }
    // A declared length up to PREALLOCATE_MAX lands in one buffer sized up front; larger or chunked bodies are joined
    // at the end, so a client that declares a big body and sends nothing holds no memory.
    const whole = expected !== undefined && expected <= PREALLOCATE_MAX ? new Uint8Array(expected) : undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) {
        return;
      }
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      if (received + chunk.byteLength > limit || (whole && received + chunk.byteLength > whole.byteLength)) {
        req.pause();
        settle({ kind: 'too-large' });
        return;
      }
      if (whole) {
        whole.set(chunk, received);
      } else {
        chunks.push(chunk);
      }
      received += chunk.byteLength;
    };
    const onEnd = (): void => {
      if (whole) {
        settle({ kind: 'ok', body: received === whole.byteLength ? whole : whole.subarray(0, received) });
        return;
      }
      const body = new Uint8Array(received);
      let offset = 0;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.byteLength;
      }
      settle({ kind: 'ok', body });
    };
    const onAbort = (): void => settle({ kind: 'aborted' });
    const onClose = (): void => {
      if (!req.complete) {
        settle({ kind: 'aborted' });
      }
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
  });
}
