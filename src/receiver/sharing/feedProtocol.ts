/**
 * The wire format of the feed one Span Lens process (the port's owner) serves to the others on a local socket.
 * Every message is a frame: 4-byte big-endian payload length, 1-byte type, payload. The owner speaks first with a
 * HELLO (who it is, which ports it holds); a subscriber answers SUBSCRIBE and from then on gets one BATCH per accepted
 * request: the raw body as the client sent it, so the subscriber decodes it with its own pool and the owner does no
 * work per span. Pure functions only: unit-tested without sockets.
 */
import type { PayloadEncoding } from '../decodeProtocol';

export const FEED_PRODUCT = 'span-lens';
/** Bumped on any incompatible change; a subscriber refuses an owner with another version. */
export const FEED_PROTOCOL_VERSION = 1;

export const FrameType = { hello: 1, subscribe: 2, batch: 3 } as const;
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

const HEADER_BYTES = 5;
/** BATCH payload: 1 flags byte, then the body. */
const FLAG_JSON = 1;
const FLAG_GZIP = 2;

export interface FeedHello {
  product: typeof FEED_PRODUCT;
  protocol: number;
  pid: number;
  /** What the owner is, for the subscriber's UI: e.g. "VS Code window (shop)" or "spanlens receive". */
  label: string;
  host: string;
  httpPort: number;
  /** null when the owner does not receive OTLP/gRPC. */
  grpcPort: number | null;
}

export interface FeedSubscribe {
  pid: number;
  label: string;
}

/** One accepted request body, as it came over the wire (gRPC messages arrive already decompressed). */
export interface FeedBatch {
  encoding: PayloadEncoding;
  gzip: boolean;
  body: Uint8Array;
}

export interface Frame {
  type: number;
  payload: Buffer;
}

export function encodeFrame(type: FrameTypeCode, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.byteLength);
  frame.writeUInt32BE(payload.byteLength, 0);
  frame.writeUInt8(type, 4);
  frame.set(payload, HEADER_BYTES);
  return frame;
}

export function encodeHello(hello: Omit<FeedHello, 'product' | 'protocol'>): Buffer {
  return encodeFrame(FrameType.hello, Buffer.from(JSON.stringify({ product: FEED_PRODUCT, protocol: FEED_PROTOCOL_VERSION, ...hello }), 'utf8'));
}

export function encodeSubscribe(subscribe: FeedSubscribe): Buffer {
  return encodeFrame(FrameType.subscribe, Buffer.from(JSON.stringify(subscribe), 'utf8'));
}

/** Header and flags as one small buffer, the body as is: written back to back, the body is never copied. */
export function encodeBatchParts(batch: FeedBatch): [Buffer, Uint8Array] {
  const head = Buffer.allocUnsafe(HEADER_BYTES + 1);
  head.writeUInt32BE(batch.body.byteLength + 1, 0);
  head.writeUInt8(FrameType.batch, 4);
  head.writeUInt8((batch.encoding === 'json' ? FLAG_JSON : 0) | (batch.gzip ? FLAG_GZIP : 0), 5);
  return [head, batch.body];
}

export function decodeBatch(payload: Buffer): FeedBatch {
  if (payload.byteLength < 1) {
    throw new FeedProtocolError('empty batch frame');
  }
  const flags = payload[0];
  return { encoding: flags & FLAG_JSON ? 'json' : 'protobuf', gzip: (flags & FLAG_GZIP) !== 0, body: payload.subarray(1) };
}

/** The owner's hello, checked: anything that is not a Span Lens feed of our protocol version is refused. */
export function parseHello(payload: Buffer): FeedHello {
  const value = parseJson(payload, 'hello');
  if (value.product !== FEED_PRODUCT) {
    throw new FeedProtocolError(`not a Span Lens feed (product ${JSON.stringify(value.product)})`);
  }
  if (value.protocol !== FEED_PROTOCOL_VERSION) {
    throw new FeedProtocolError(`Span Lens feed protocol ${String(value.protocol)}, this version speaks ${FEED_PROTOCOL_VERSION}`);
  }
  if (!isCount(value.pid) || typeof value.host !== 'string' || !isCount(value.httpPort) || !(value.grpcPort === null || isCount(value.grpcPort))) {
    throw new FeedProtocolError('malformed Span Lens feed hello');
  }
  return {
    product: FEED_PRODUCT,
    protocol: FEED_PROTOCOL_VERSION,
    pid: value.pid,
    label: typeof value.label === 'string' ? value.label : `pid ${value.pid}`,
    host: value.host,
    httpPort: value.httpPort,
    grpcPort: value.grpcPort,
  };
}

export function parseSubscribe(payload: Buffer): FeedSubscribe {
  const value = parseJson(payload, 'subscribe');
  if (!isCount(value.pid)) {
    throw new FeedProtocolError('malformed feed subscribe');
  }
  return { pid: value.pid, label: typeof value.label === 'string' ? value.label : `pid ${value.pid}` };
}

export class FeedProtocolError extends Error {
  override readonly name = 'FeedProtocolError';
}

/**
 * Cuts a byte stream into frames, whatever the chunking. A frame longer than `maxPayloadBytes` is a protocol error
 * (the peer is not what it claims, or is broken): refused before it is buffered.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxPayloadBytes: number) {}

  /** Adds bytes; returns the frames they complete, in order. Throws FeedProtocolError on an oversized frame. */
  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < HEADER_BYTES) {
        return frames;
      }
      const head = this.peek(HEADER_BYTES);
      const length = head.readUInt32BE(0);
      if (length > this.maxPayloadBytes) {
        throw new FeedProtocolError(`feed frame of ${length} bytes exceeds the limit of ${this.maxPayloadBytes}`);
      }
      if (this.buffered < HEADER_BYTES + length) {
        return frames;
      }
      const whole = this.take(HEADER_BYTES + length);
      frames.push({ type: whole[4], payload: whole.subarray(HEADER_BYTES) });
    }
  }

  /** Bytes received that do not make a whole frame yet. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private peek(bytes: number): Buffer {
    if (this.chunks[0].byteLength < bytes) {
      this.chunks = [Buffer.concat(this.chunks)];
    }
    return this.chunks[0];
  }

  private take(bytes: number): Buffer {
    const first = this.peek(bytes);
    const taken = first.subarray(0, bytes);
    const rest = first.subarray(bytes);
    if (rest.byteLength > 0) {
      this.chunks[0] = rest;
    } else {
      this.chunks.shift();
    }
    this.buffered -= bytes;
    return taken;
  }
}

function parseJson(payload: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new FeedProtocolError(`the feed's ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FeedProtocolError(`the feed's ${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
