import type { Span } from './span';
import type { TapeArena } from './tapeArena';

/**
 * A batch of received spans in a compact form (the decode worker's transfer tape), from which any of its spans can
 * be rebuilt, equal to the one delivered.
 *
 * Why: a store holding a million span objects makes V8 copy every new span through the young generation and mark
 * them all again and again; that garbage collection cost more than decoding. A store that keeps the pack instead
 * holds per batch a region of recycled memory outside the heap (numbers and strings) and a few small objects, and
 * the span objects delivered with the batch die young.
 */
export interface SpanPack {
  /** Spans in the batch. */
  readonly size: number;
  /** The batch's span at `index` (its position in the delivered array), built afresh on every call. */
  spanAt(index: number): Span;
  /** Its span id, without building the span. */
  spanIdAt(index: number): string;
  /** A store holds one more of its spans. */
  hold(): void;
  /**
   * The store keeps the pack: its numbers move into `arena`, its strings into one string, and what the decoder
   * handed over is let go. Called once, after the first `hold`; later calls do nothing.
   */
  keepIn(arena: TapeArena): void;
  /** The store let go of `count` of its spans (default one); when it holds none, the pack's arena memory is reused. */
  release(count?: number): void;
}
