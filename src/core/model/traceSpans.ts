import type { Span } from './span';
import type { SpanPack } from './spanPack';

/** Up to this many spans from earlier batches, a new span's id is checked by scanning them. */
const SCAN_LIMIT = 16;

/** Marks a run of one span held as the object itself rather than as places in a pack. */
const HELD_AS_OBJECT = -1;

/** Shared by every trace until its first span: never written to. */
const NO_RUNS: (SpanPack | Span | number)[] = Object.freeze([]) as unknown as (SpanPack | Span | number)[];

/** Fields per run in `runs`: source (pack or span), first index in the pack (or HELD_AS_OBJECT), count. */
const RUN_FIELDS = 3;

/**
 * The spans of one retained trace, in arrival order, with lookup by span id.
 *
 * Spans that came with a pack are held as runs (pack, first index, count): a trace whose spans arrived in one batch
 * is three array slots, whatever its size. Nothing is kept per span on the heap, since a store holding objects (or
 * growing arrays) per span is what made V8's young-generation collections slow. Ids are checked against the
 * batch being added through a set that dies with the batch; against earlier batches by scanning them, or, for a
 * large trace that keeps arriving in pieces, through an id set built once and kept.
 */
export class TraceSpans {
  /** Created with its first run, as a literal: exactly three slots (push on an empty array reserves seventeen). */
  private runs: (SpanPack | Span | number)[] = NO_RUNS;
  private count = 0;
  /** Ids of the batch being added (between beginBatch and endBatch), and how many spans came before it. */
  private batchIds: Set<string> | undefined;
  private before = 0;
  private batchOpen = false;
  /** Every id, once a large trace arrived in more than one batch. */
  private ids: Set<string> | undefined;

  constructor(readonly traceId: string) {}

  get size(): number {
    return this.count;
  }

  get(spanId: string): Span | undefined {
    const at = this.indexOf(spanId, this.count);
    return at === -1 ? undefined : this.spanAt(at);
  }

  /** The span at arrival position `at` (0 ≤ at < size). */
  spanAt(at: number): Span {
    if (!(Number.isInteger(at) && at >= 0 && at < this.count)) {
      throw new RangeError(`no span ${at} in a trace of ${this.count}`);
    }
    const runs = this.runs;
    for (let r = 0; ; r += RUN_FIELDS) {
      const count = runs[r + 2] as number;
      if (at < count) {
        const first = runs[r + 1] as number;
        return first === HELD_AS_OBJECT ? (runs[r] as Span) : (runs[r] as SpanPack).spanAt(first + at);
      }
      at -= count;
    }
  }

  /** Every span, in arrival order (packed ones rebuilt). */
  spans(): Span[] {
    const spans: Span[] = [];
    const runs = this.runs;
    for (let r = 0; r < runs.length; r += RUN_FIELDS) {
      const first = runs[r + 1] as number;
      if (first === HELD_AS_OBJECT) {
        spans.push(runs[r] as Span);
        continue;
      }
      const pack = runs[r] as SpanPack;
      const end = first + (runs[r + 2] as number);
      for (let index = first; index < end; index++) {
        spans.push(pack.spanAt(index));
      }
    }
    return spans;
  }

  /** Spans of one `SpanStore.add` call follow, until `endBatch`. */
  get inBatch(): boolean {
    return this.batchOpen;
  }

  beginBatch(): void {
    this.batchOpen = true;
    this.batchIds = undefined;
    this.before = this.count;
    if (this.ids === undefined && this.before > SCAN_LIMIT) {
      // A large trace arriving in pieces: index its ids once, then keep the index up to date.
      this.ids = new Set();
      for (let at = 0; at < this.count; at++) this.ids.add(this.idAt(at));
    }
  }

  /** The batch's ids are let go with the batch: kept, they would be objects per span again. */
  endBatch(): void {
    this.batchOpen = false;
    this.batchIds = undefined;
    this.before = this.count;
  }

  /**
   * Adds the span unless one with its id is already here; says whether it was added. Between `beginBatch` and
   * `endBatch`. With a pack, `span` must be `pack.spanAt(packIndex)` as delivered: only its place is kept, and the
   * pack is told it is held.
   */
  addIfNew(span: Span, pack?: SpanPack, packIndex?: number): boolean {
    const spanId = span.spanId;
    if (this.ids !== undefined) {
      if (this.ids.has(spanId)) return false;
      this.ids.add(spanId);
    } else {
      if (this.before > 0 && this.indexOf(spanId, this.before) !== -1) return false;
      if (this.batchIds?.has(spanId)) return false;
      (this.batchIds ??= new Set()).add(spanId);
    }
    if (pack !== undefined && packIndex !== undefined) {
      pack.hold();
      this.append(pack, packIndex);
    } else if (this.runs.length === 0) {
      this.runs = [span, HELD_AS_OBJECT, 1];
    } else {
      this.runs.push(span, HELD_AS_OBJECT, 1);
    }
    this.count++;
    return true;
  }

  /** The trace is dropped: every pack it held spans of is told, a run at a time, so their memory can be reused. */
  release(): void {
    const runs = this.runs;
    for (let r = 0; r < runs.length; r += RUN_FIELDS) {
      if (runs[r + 1] !== HELD_AS_OBJECT) {
        (runs[r] as SpanPack).release(runs[r + 2] as number);
      }
    }
  }

  /** Extends the last run when the span follows it in the same pack. */
  private append(pack: SpanPack, packIndex: number): void {
    const runs = this.runs;
    if (runs.length === 0) {
      this.runs = [pack, packIndex, 1];
      return;
    }
    const last = runs.length - RUN_FIELDS;
    if (runs[last] === pack && (runs[last + 1] as number) + (runs[last + 2] as number) === packIndex) {
      runs[last + 2] = (runs[last + 2] as number) + 1;
    } else {
      runs.push(pack, packIndex, 1);
    }
  }

  private idAt(at: number): string {
    const runs = this.runs;
    for (let r = 0; ; r += RUN_FIELDS) {
      const count = runs[r + 2] as number;
      if (at < count) {
        const first = runs[r + 1] as number;
        return first === HELD_AS_OBJECT ? (runs[r] as Span).spanId : (runs[r] as SpanPack).spanIdAt(first + at);
      }
      at -= count;
    }
  }

  /** Arrival position of `spanId` among the first `limit` spans, or -1. */
  private indexOf(spanId: string, limit: number): number {
    if (this.ids !== undefined && limit === this.count && !this.ids.has(spanId)) {
      return -1;
    }
    const runs = this.runs;
    let at = 0;
    for (let r = 0; r < runs.length && at < limit; r += RUN_FIELDS) {
      const first = runs[r + 1] as number;
      const count = runs[r + 2] as number;
      for (let i = 0; i < count && at < limit; i++, at++) {
        const id = first === HELD_AS_OBJECT ? (runs[r] as Span).spanId : (runs[r] as SpanPack).spanIdAt(first + i);
        if (id === spanId) return at;
      }
    }
    return -1;
  }
}
