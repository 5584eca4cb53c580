/** Messages between the decode pool (main thread) and its workers. Kept apart so both sides share one definition. */
import type { Span } from '../core/model/span';
import type { SpanTransfer } from '../core/otlp/spanTape';

export type PayloadEncoding = 'protobuf' | 'json';

export interface DecodeJob {
  id: number;
  /** Transferred, not copied: the main thread gives the body up. */
  body: ArrayBuffer;
  encoding: PayloadEncoding;
  gzip: boolean;
  /** Decompressed size limit: gunzip stops (and the job fails as too large) past it. */
  maxBytes: number;
  /**
   * Memory of finished tapes this worker wrote, handed back (transferred) once the main thread kept them: they ride
   * with the next job rather than costing a message (and a wake-up of the worker) each.
   */
  recycle?: ArrayBuffer[];
}

/** Fresh arena memory for the worker to write its pages in (touchChunkPages), so the main thread does not fault on them. */
export interface ChunkTouch {
  touch: SharedArrayBuffer;
}

/** What the pool sends a worker. */
export type WorkerMessage = DecodeJob | ChunkTouch;

/** `decode` → 400, `too-large` → 413. */
export type DecodeFailureKind = 'decode' | 'too-large';

/**
 * Decoded spans travel as a `transfer` tape (see src/core/otlp/spanTape.ts) or, when the tape cannot carry them exactly,
 * as `spans` by structured clone.
 */
export type DecodeReply =
  | { id: number; ok: true; transfer?: SpanTransfer; spans?: Span[]; rejectedSpans: number; rejectionMessage: string; decodedBytes: number }
  | { id: number; ok: false; kind: DecodeFailureKind; message: string };
