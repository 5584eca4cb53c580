import { Disposable, Emitter } from '../util/emitter';
import { DEFAULT_RECENT_SPANS_PER_LOCATION, LocationStats, LocationStatsSnapshot } from './locationStats';
import { Span, SourceLocation, SpanLocator } from './span';
import type { SpanPack } from './spanPack';
import { TapeArena } from './tapeArena';
import { AssembledTrace, assembleTrace } from './traceAssembly';
import { TraceSpans } from './traceSpans';

export interface SpanStoreOptions {
  /** Most spans kept at once; whole traces are evicted oldest-first (by first arrival) beyond it. */
  maxSpans: number;
  /** Size of each location's ring of recent spans (for hovers). Default 10. */
  recentSpansPerLocation?: number;
  locator: SpanLocator;
  /** Where packed batches keep their numbers (default: the store's own). */
  arena?: TapeArena;
}

export interface StoreChange {
  /** New spans stored by this change (duplicates not included). */
  addedSpans: number;
  /** `locationKey()`s whose statistics changed (after clear or relocate: every key that existed before or after). */
  changedLocations: string[];
  /** Spans evicted by this change. */
  evictedSpans: number;
  cleared?: boolean;
  relocated?: boolean;
}

export interface StoreTotals {
  /** Distinct spans accepted since the last clear (a re-sent span id within a retained trace counts once). */
  spansReceived: number;
  /** Re-sent spans that were recognised and dropped (exporter retries). */
  duplicateSpans: number;
  /** Spans held now. */
  spansStored: number;
  /** Traces held now. */
  traces: number;
  evictedSpans: number;
  evictedTraces: number;
  /** Received spans the locator could not place (after a relocate: of the retained spans). */
  unmappedSpans: number;
  /** Locator calls that threw; those spans count as unmapped. */
  locatorErrors: number;
  /** Every `service.name` received since the last clear, sorted. */
  services: string[];
}

/**
 * Holds received spans by trace, with per-source-line statistics.
 *
 * - Cost: `add` is O(batch) — statistics update incrementally, eviction pops from a FIFO of traces; only `relocate`,
 *   `clear`, `allStats` and `getTrace` walk more than the batch.
 * - Memory: a batch that comes with its `SpanPack` is held packed: its numbers and its strings in the store's
 *   `TapeArena` (recycled memory outside the JavaScript heap), and nothing per span on the heap; a span is
 *   rebuilt when asked for (`getTrace`, `getSpan`, `relocate`). Other spans are kept by reference. No per-span
 *   location is kept: statistics are cumulative, not recomputed from retained spans.
 * - Statistics are cumulative over every span received since the last `clear`: evicting a trace does not reduce them.
 *   After `relocate` (the workspace index changed, so spans may map elsewhere) they are rebuilt from the retained
 *   spans only, since evicted spans are gone; counts can then drop.
 * - A span id received twice within a retained trace is stored and counted once. Once its trace has been evicted,
 *   a late duplicate cannot be recognised and counts as new.
 */
export class SpanStore implements Disposable {
  private maxSpans: number;
  private readonly recentPerLocation: number;
  private locator: SpanLocator;

  private readonly traces = new Map<string, TraceSpans>();
  private readonly arena: TapeArena;
  /**
   * Traces in first-arrival order; entries before `evictionHead` are gone and their slots cleared, so an evicted
   * trace's spans are garbage at once rather than when the queue is next compacted.
   */
  private evictionQueue: (TraceSpans | undefined)[] = [];
  private evictionHead = 0;
  /** file -> line -> statistics, so a file's annotations need no scan over other files. */
  private readonly stats = new Map<string, Map<number, LocationStats>>();
  private readonly services = new Set<string>();

  private spansStored = 0;
  private spansReceived = 0;
  private duplicateSpans = 0;
  private evictedSpans = 0;
  private evictedTraces = 0;
  private unmappedSpans = 0;
  private locatorErrors = 0;

  private readonly changeEmitter = new Emitter<StoreChange>();
  /** Fires at most once per `add`, `clear`, `relocate` or `setMaxSpans` call, and only when something changed. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(options: SpanStoreOptions) {
    this.maxSpans = validMaxSpans(options.maxSpans);
    this.recentPerLocation = options.recentSpansPerLocation ?? DEFAULT_RECENT_SPANS_PER_LOCATION;
    this.locator = options.locator;
    this.arena = options.arena ?? new TapeArena();
  }

  /**
   * Stores a batch in any arrival order (children before parents, across batches), then evicts if over the cap.
   * With `pack` (the same batch, packed: `pack.spanAt(i)` equals `spans[i]`) the spans are held packed.
   */
  add(spans: readonly Span[], pack?: SpanPack): void {
    const changed = new Set<LocationStats>();
    let added = 0;
    if (pack && pack.size !== spans.length) {
      pack = undefined;
    }
    // Usually one trace, or a few: the last one is looked up by id only when the trace id changes.
    const touched: TraceSpans[] = [];
    let trace: TraceSpans | undefined;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      if (trace?.traceId !== span.traceId) {
        trace = this.traces.get(span.traceId);
        if (trace === undefined) {
          trace = new TraceSpans(span.traceId);
          this.traces.set(span.traceId, trace);
          this.evictionQueue.push(trace);
        }
        if (!trace.inBatch) {
          touched.push(trace);
          trace.beginBatch();
        }
      }
      if (!trace.addIfNew(span, pack, i)) {
        this.duplicateSpans++;
        continue;
      }
      added++;
      this.services.add(span.resource.serviceName);
      const stats = this.record(span);
      if (stats) {
        changed.add(stats);
      }
    }
    for (const done of touched) {
      done.endBatch();
    }
    this.spansStored += added;
    this.spansReceived += added;
    const evicted = this.evictOverCap();
    // After eviction: a batch evicted at once (a cap below its size) is not copied for nothing.
    pack?.keepIn(this.arena);
    if (added > 0 || evicted > 0) {
      this.changeEmitter.fire({ addedSpans: added, changedLocations: [...changed].map((s) => s.key), evictedSpans: evicted });
    }
  }

  getTrace(traceId: string): AssembledTrace | undefined {
    const trace = this.traces.get(traceId);
    return trace ? assembleTrace(traceId, trace.spans()) : undefined;
  }

  /** Whether the trace is held, without rebuilding it. */
  hasTrace(traceId: string): boolean {
    return this.traces.has(traceId);
  }

  getSpan(traceId: string, spanId: string): Span | undefined {
    return this.traces.get(traceId)?.get(spanId);
  }

  /** Ids of the retained traces, oldest first. */
  traceIds(): string[] {
    return this.evictionQueue.slice(this.evictionHead).map((t) => (t as TraceSpans).traceId);
  }

  statsAt(file: string, line: number): LocationStatsSnapshot | undefined {
    return this.stats.get(file)?.get(line)?.snapshot();
  }

  /** Every annotated line of one file, by line. */
  statsForFile(file: string): LocationStatsSnapshot[] {
    const lines = this.stats.get(file);
    if (!lines) {
      return [];
    }
    return [...lines.values()].map((s) => s.snapshot()).sort((a, b) => a.location.line - b.location.line);
  }

  /** Files that have statistics. */
  files(): string[] {
    return [...this.stats.keys()];
  }

  /** Every location's statistics, by file then line. */
  allStats(): LocationStatsSnapshot[] {
    return [...this.stats.keys()].sort().flatMap((file) => this.statsForFile(file));
  }

  totals(): StoreTotals {
    return {
      spansReceived: this.spansReceived,
      duplicateSpans: this.duplicateSpans,
      spansStored: this.spansStored,
      traces: this.traces.size,
      evictedSpans: this.evictedSpans,
      evictedTraces: this.evictedTraces,
      unmappedSpans: this.unmappedSpans,
      locatorErrors: this.locatorErrors,
      services: [...this.services].sort(),
    };
  }

  /** Forgets every span, statistic and counter. */
  clear(): void {
    const before = this.allKeys();
    for (const trace of this.traces.values()) {
      trace.release();
    }
    this.traces.clear();
    this.evictionQueue = [];
    this.evictionHead = 0;
    this.stats.clear();
    this.services.clear();
    this.spansStored = 0;
    this.spansReceived = 0;
    this.duplicateSpans = 0;
    this.evictedSpans = 0;
    this.evictedTraces = 0;
    this.unmappedSpans = 0;
    this.locatorErrors = 0;
    this.changeEmitter.fire({ addedSpans: 0, changedLocations: before, evictedSpans: 0, cleared: true });
  }

  /** Uses `locator` from now on and re-maps the retained spans with it (see `relocate`). */
  setLocator(locator: SpanLocator): void {
    this.locator = locator;
    this.relocate();
  }

  /**
   * Re-runs the locator over every retained span, for when the workspace index changed. Statistics are rebuilt from
   * the retained spans: contributions of evicted spans are lost, and `unmappedSpans` then counts retained spans.
   * O(retained spans).
   */
  relocate(): void {
    const keys = new Set(this.allKeys());
    this.stats.clear();
    this.unmappedSpans = 0;
    for (let i = this.evictionHead; i < this.evictionQueue.length; i++) {
      for (const span of (this.evictionQueue[i] as TraceSpans).spans()) {
        this.record(span);
      }
    }
    for (const key of this.allKeys()) {
      keys.add(key);
    }
    this.changeEmitter.fire({ addedSpans: 0, changedLocations: [...keys], evictedSpans: 0, relocated: true });
  }

  /** Changes the cap (a setting changed); evicts at once if now over it. */
  setMaxSpans(maxSpans: number): void {
    this.maxSpans = validMaxSpans(maxSpans);
    const evicted = this.evictOverCap();
    if (evicted > 0) {
      this.changeEmitter.fire({ addedSpans: 0, changedLocations: [], evictedSpans: evicted });
    }
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  private record(span: Span): LocationStats | undefined {
    let location: SourceLocation | undefined;
    try {
      location = this.locator.locate(span);
    } catch {
      // A mapper bug must not lose the span or stop the batch; it is counted and visible in totals.
      this.locatorErrors++;
    }
    if (!location) {
      this.unmappedSpans++;
      return undefined;
    }
    let lines = this.stats.get(location.file);
    if (!lines) {
      lines = new Map();
      this.stats.set(location.file, lines);
    }
    let stats = lines.get(location.line);
    if (!stats) {
      stats = new LocationStats(location, this.recentPerLocation);
      lines.set(location.line, stats);
    }
    stats.record(span);
    return stats;
  }

  /** Evicts whole traces, oldest first, until at most maxSpans remain; returns the number of spans evicted. */
  private evictOverCap(): number {
    let evicted = 0;
    while (this.spansStored > this.maxSpans && this.evictionHead < this.evictionQueue.length) {
      const trace = this.evictionQueue[this.evictionHead] as TraceSpans;
      this.evictionQueue[this.evictionHead] = undefined;
      this.evictionHead++;
      this.traces.delete(trace.traceId);
      trace.release();
      this.spansStored -= trace.size;
      evicted += trace.size;
      this.evictedTraces++;
    }
    this.evictedSpans += evicted;
    // Drop the consumed front of the queue once it is most of the array, so this stays amortised O(1) per trace.
    if (this.evictionHead > 1024 && this.evictionHead * 2 > this.evictionQueue.length) {
      this.evictionQueue = this.evictionQueue.slice(this.evictionHead);
      this.evictionHead = 0;
    }
    return evicted;
  }

  private allKeys(): string[] {
    const keys: string[] = [];
    for (const lines of this.stats.values()) {
      for (const stats of lines.values()) {
        keys.push(stats.key);
      }
    }
    return keys;
  }
}

function validMaxSpans(maxSpans: number): number {
  if (!(Number.isFinite(maxSpans) && maxSpans >= 1)) {
    throw new RangeError(`maxSpans must be a positive number, got ${maxSpans}`);
  }
  return Math.floor(maxSpans);
}
