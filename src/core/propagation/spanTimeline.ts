import type { WindowEntry } from './spanWindow';

/** Entries per chunk after a rebuild; a chunk splits in two at twice this. */
const CHUNK = 256;

/** A position in the chunked list. */
interface Cursor {
  chunk: number;
  index: number;
}

/**
 * Spans sorted by start time (one process's, or one kind's), for "which spans contain this instant" queries.
 * Kept in chunks of a few hundred, so a span arriving out of start order (a parent after its children, a late
 * exporter, a replayed file) costs a splice within one chunk, not a shift of the whole window.
 * Dropped entries are skipped and swept out once they are the majority, so a drop costs O(1) amortized.
 */
export class SpanTimeline {
  private chunks: WindowEntry[][] = [];
  private total = 0;
  private dead = 0;
  /** Longest span held: how far back a containment scan has to look. */
  private longestMs = 0;

  /** `service`: the service of a process's timeline ('' for the others). */
  constructor(readonly service: string = '') {}

  get size(): number {
    return this.total - this.dead;
  }

  insert(entry: WindowEntry): void {
    const start = entry.span.startTimeUnixMs;
    const chunks = this.chunks;
    const last = chunks[chunks.length - 1];
    if (!last) {
      chunks.push([entry]);
    } else if (last[last.length - 1].span.startTimeUnixMs <= start) {
      // Spans mostly arrive in start order.
      if (last.length < CHUNK * 2) last.push(entry);
      else chunks.push([entry]);
    } else {
      const c = this.chunkFor(start);
      const chunk = chunks[c];
      insertAt(chunk, upperBound(chunk, start), entry);
      if (chunk.length > CHUNK * 2) chunks.splice(c, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
    }
    this.total++;
    if (entry.span.durationMs > this.longestMs) this.longestMs = entry.span.durationMs;
  }

  clear(): void {
    this.chunks = [];
    this.total = 0;
    this.dead = 0;
    this.longestMs = 0;
  }

  dropped(): void {
    this.dead++;
    if (this.dead > 64 && this.dead * 2 > this.total) this.sweep();
  }

  /** Live spans with start <= `fromMs` and end >= `toMs` (both widened by `slackMs`). */
  *containing(fromMs: number, toMs: number, slackMs: number): Iterable<WindowEntry> {
    const earliest = toMs - slackMs - this.longestMs;
    const at = this.firstAfter(fromMs + slackMs);
    for (let c = at.chunk, i = at.index - 1; c >= 0; c--, i = c >= 0 ? this.chunks[c].length - 1 : 0) {
      const chunk = this.chunks[c];
      for (; i >= 0; i--) {
        const entry = chunk[i];
        if (entry.span.startTimeUnixMs < earliest) return;
        if (entry.alive && entry.endMs + slackMs >= toMs) yield entry;
      }
    }
  }

  /** Live spans starting in [fromMs, toMs]. */
  *startingBetween(fromMs: number, toMs: number): Iterable<WindowEntry> {
    const at = this.firstAtOrAfter(fromMs);
    for (let c = at.chunk, i = at.index; c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c];
      for (; i < chunk.length; i++) {
        const entry = chunk[i];
        if (entry.span.startTimeUnixMs > toMs) return;
        if (entry.alive) yield entry;
      }
    }
  }

  /** The chunk a span starting at `start` goes into: the last whose first span starts at or before it. */
  private chunkFor(start: number): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.chunks[mid][0].span.startTimeUnixMs <= start) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(0, lo - 1);
  }

  /** The first entry starting after `ms` (chunk = length when none). */
  private firstAfter(ms: number): Cursor {
    const c = this.chunkFor(ms);
    const chunk = this.chunks[c];
    if (!chunk) return { chunk: 0, index: 0 };
    return { chunk: c, index: upperBound(chunk, ms) };
  }

  /** The first entry starting at or after `ms`. */
  private firstAtOrAfter(ms: number): Cursor {
    // The chunk before the one `ms` would go into can end with spans starting exactly at `ms`.
    let c = this.chunkFor(ms);
    while (c > 0 && this.chunks[c][0].span.startTimeUnixMs >= ms) c--;
    const chunk = this.chunks[c];
    if (!chunk) return { chunk: 0, index: 0 };
    const index = lowerBound(chunk, ms);
    return index < chunk.length ? { chunk: c, index } : { chunk: c + 1, index: 0 };
  }

  private sweep(): void {
    const live: WindowEntry[] = [];
    let longest = 0;
    for (const chunk of this.chunks) {
      for (const entry of chunk) {
        if (!entry.alive) continue;
        live.push(entry);
        if (entry.span.durationMs > longest) longest = entry.span.durationMs;
      }
    }
    this.chunks = [];
    for (let i = 0; i < live.length; i += CHUNK) this.chunks.push(live.slice(i, i + CHUNK));
    this.total = live.length;
    this.dead = 0;
    this.longestMs = longest;
  }
}

/** `splice(at, 0, entry)` without the array of removed elements splice allocates on every call. */
function insertAt(chunk: WindowEntry[], at: number, entry: WindowEntry): void {
  let i = chunk.length;
  chunk.push(entry);
  for (; i > at; i--) chunk[i] = chunk[i - 1];
  chunk[at] = entry;
}

/** First index whose span starts after `ms`. */
function upperBound(chunk: readonly WindowEntry[], ms: number): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chunk[mid].span.startTimeUnixMs <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose span starts at or after `ms`. */
function lowerBound(chunk: readonly WindowEntry[], ms: number): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chunk[mid].span.startTimeUnixMs < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
