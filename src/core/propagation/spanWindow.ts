import { SpanKind, type Span } from '../model/span';
import { endOf, messagingDestination, processKey } from './spanFacts';

/** A received span while it is recent enough to serve as evidence. */
export interface WindowEntry {
  readonly span: Span;
  readonly key: string;
  readonly endMs: number;
  /** Clock time it arrived at (the grace window counts from here, not from span timestamps). */
  readonly arrivedMs: number;
  readonly process: string;
  alive: boolean;
  /** Already used as evidence of a broken call, so the other side's check does not report it again. */
  explained: boolean;
  /** Every timeline that holds it, told when it is dropped. */
  readonly timelines: SpanTimeline[];
}

export interface SpanWindowOptions {
  /** Spans older than this (by arrival) are dropped. */
  maxAgeMs: number;
  /** Most spans kept at once; the oldest go first. */
  maxSpans: number;
  /** How many span ids are remembered after their span was dropped (a late child still finds its parent). */
  rememberedIds: number;
}

export function spanKey(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}

/**
 * Spans sorted by start time (one process's, or one kind's), for "which spans contain this instant" queries.
 * Dropped entries are skipped and swept out once they are the majority, so a drop costs O(1) amortized.
 */
export class SpanTimeline {
  private entries: WindowEntry[] = [];
  private dead = 0;
  /** Longest span held: how far back a containment scan has to look. */
  private longestMs = 0;

  /** `service`: the service of a process's timeline ('' for the others). */
  constructor(readonly service: string = '') {}

  get size(): number {
    return this.entries.length - this.dead;
  }

  insert(entry: WindowEntry): void {
    const start = entry.span.startTimeUnixMs;
    let lo = 0;
    let hi = this.entries.length;
    // Spans mostly arrive in start order: check the end first.
    if (hi > 0 && this.entries[hi - 1].span.startTimeUnixMs <= start) lo = hi;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid].span.startTimeUnixMs <= start) lo = mid + 1;
      else hi = mid;
    }
    this.entries.splice(lo, 0, entry);
    entry.timelines.push(this);
    if (entry.span.durationMs > this.longestMs) this.longestMs = entry.span.durationMs;
  }

  clear(): void {
    this.entries = [];
    this.dead = 0;
    this.longestMs = 0;
  }

  dropped(): void {
    this.dead++;
    if (this.dead > 64 && this.dead * 2 > this.entries.length) {
      this.entries = this.entries.filter((e) => e.alive);
      this.dead = 0;
      this.longestMs = this.entries.reduce((max, e) => Math.max(max, e.span.durationMs), 0);
    }
  }

  /** Live spans with start <= `fromMs` and end >= `toMs` (both widened by `slackMs`). */
  *containing(fromMs: number, toMs: number, slackMs: number): Iterable<WindowEntry> {
    let hi = this.upperBound(fromMs + slackMs);
    const earliest = toMs - slackMs - this.longestMs;
    while (--hi >= 0) {
      const entry = this.entries[hi];
      if (entry.span.startTimeUnixMs < earliest) return;
      if (entry.alive && entry.endMs + slackMs >= toMs) yield entry;
    }
  }

  /** Live spans starting in [fromMs, toMs]. */
  *startingBetween(fromMs: number, toMs: number): Iterable<WindowEntry> {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid].span.startTimeUnixMs < fromMs) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (entry.span.startTimeUnixMs > toMs) return;
      if (entry.alive) yield entry;
    }
  }

  /** First index whose start is > `ms`. */
  private upperBound(ms: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid].span.startTimeUnixMs <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The recent spans, indexed by id, by parent, by link target and by process (time-sorted). Bounded by age and
 * count; `add` and eviction are O(1) amortized per span, apart from the sorted insert in its process's timeline.
 */
export class SpanWindow {
  private readonly byKey = new Map<string, WindowEntry>();
  private readonly childrenByParent = new Map<string, WindowEntry[]>();
  private readonly linksByTarget = new Map<string, number>();
  private readonly timelines = new Map<string, SpanTimeline>();
  /** CLIENT spans, and root SERVER spans, of every process: the two sides of a call that lost its context. */
  readonly clients = new SpanTimeline();
  readonly rootServers = new SpanTimeline();
  /** PRODUCER spans and root CONSUMER spans by messaging destination. */
  private readonly producers = new Map<string, SpanTimeline>();
  private readonly rootConsumers = new Map<string, SpanTimeline>();
  private arrivals: WindowEntry[] = [];
  private arrivalsHead = 0;
  /** Ids of spans received, kept longer than the spans themselves (FIFO). */
  private readonly seen = new Set<string>();
  private seenOrder: string[] = [];
  private seenHead = 0;

  constructor(private readonly options: SpanWindowOptions) {}

  get size(): number {
    return this.byKey.size;
  }

  /** Undefined for a span already held (an exporter's retry). */
  add(span: Span, nowMs: number): WindowEntry | undefined {
    const key = spanKey(span.traceId, span.spanId);
    if (this.byKey.has(key)) return undefined;
    const entry: WindowEntry = {
      span,
      key,
      endMs: endOf(span),
      arrivedMs: nowMs,
      process: processKey(span),
      alive: true,
      explained: false,
      timelines: [],
    };
    this.byKey.set(key, entry);
    this.arrivals.push(entry);
    this.remember(key);
    if (span.parentSpanId) push(this.childrenByParent, spanKey(span.traceId, span.parentSpanId), entry);
    for (const link of span.links) {
      const target = spanKey(link.traceId, link.spanId);
      this.linksByTarget.set(target, (this.linksByTarget.get(target) ?? 0) + 1);
    }
    let timeline = this.timelines.get(entry.process);
    if (!timeline) this.timelines.set(entry.process, (timeline = new SpanTimeline(span.resource.serviceName)));
    timeline.insert(entry);
    if (span.kind === SpanKind.Client) this.clients.insert(entry);
    else if (span.kind === SpanKind.Server && !span.parentSpanId) this.rootServers.insert(entry);
    else if (span.kind === SpanKind.Producer || (span.kind === SpanKind.Consumer && !span.parentSpanId)) {
      const destination = messagingDestination(span);
      if (destination !== undefined) {
        const byDestination = span.kind === SpanKind.Producer ? this.producers : this.rootConsumers;
        let list = byDestination.get(destination);
        if (!list) byDestination.set(destination, (list = new SpanTimeline()));
        list.insert(entry);
      }
    }
    return entry;
  }

  producersTo(destination: string): SpanTimeline | undefined {
    return this.producers.get(destination);
  }

  rootConsumersOf(destination: string): SpanTimeline | undefined {
    return this.rootConsumers.get(destination);
  }

  get(traceId: string, spanId: string): WindowEntry | undefined {
    return this.byKey.get(spanKey(traceId, spanId));
  }

  parentOf(entry: WindowEntry): WindowEntry | undefined {
    return entry.span.parentSpanId ? this.get(entry.span.traceId, entry.span.parentSpanId) : undefined;
  }

  /** Whether a span with this id was ever received (still held, or dropped not too long ago). */
  wasSeen(traceId: string, spanId: string): boolean {
    return this.seen.has(spanKey(traceId, spanId));
  }

  children(entry: WindowEntry): readonly WindowEntry[] {
    return this.childrenByParent.get(entry.key) ?? [];
  }

  isLinkedTo(entry: WindowEntry): boolean {
    return this.linksByTarget.has(entry.key);
  }

  timeline(process: string): SpanTimeline | undefined {
    return this.timelines.get(process);
  }

  processTimelines(): Iterable<SpanTimeline> {
    return this.timelines.values();
  }

  /** Drops spans that arrived more than maxAge ago, and the oldest beyond maxSpans. */
  evict(nowMs: number): void {
    while (this.arrivalsHead < this.arrivals.length) {
      const oldest = this.arrivals[this.arrivalsHead];
      if (this.byKey.size <= this.options.maxSpans && oldest.arrivedMs > nowMs - this.options.maxAgeMs) break;
      this.arrivalsHead++;
      this.drop(oldest);
    }
    if (this.arrivalsHead > 1024 && this.arrivalsHead * 2 > this.arrivals.length) {
      this.arrivals = this.arrivals.slice(this.arrivalsHead);
      this.arrivalsHead = 0;
    }
  }

  clear(): void {
    this.byKey.clear();
    this.childrenByParent.clear();
    this.linksByTarget.clear();
    this.timelines.clear();
    this.clients.clear();
    this.rootServers.clear();
    this.producers.clear();
    this.rootConsumers.clear();
    this.arrivals = [];
    this.arrivalsHead = 0;
    this.seen.clear();
    this.seenOrder = [];
    this.seenHead = 0;
  }

  private drop(entry: WindowEntry): void {
    entry.alive = false;
    this.byKey.delete(entry.key);
    const span = entry.span;
    if (span.parentSpanId) {
      const parentKey = spanKey(span.traceId, span.parentSpanId);
      const siblings = this.childrenByParent.get(parentKey);
      if (siblings) {
        const rest = siblings.filter((e) => e !== entry);
        if (rest.length > 0) this.childrenByParent.set(parentKey, rest);
        else this.childrenByParent.delete(parentKey);
      }
    }
    for (const link of span.links) {
      const target = spanKey(link.traceId, link.spanId);
      const count = (this.linksByTarget.get(target) ?? 1) - 1;
      if (count > 0) this.linksByTarget.set(target, count);
      else this.linksByTarget.delete(target);
    }
    for (const timeline of entry.timelines) timeline.dropped();
    const timeline = this.timelines.get(entry.process);
    if (timeline?.size === 0) this.timelines.delete(entry.process);
    const destination = messagingDestination(span);
    if (destination !== undefined) {
      if (this.producers.get(destination)?.size === 0) this.producers.delete(destination);
      if (this.rootConsumers.get(destination)?.size === 0) this.rootConsumers.delete(destination);
    }
  }

  private remember(key: string): void {
    this.seen.add(key);
    this.seenOrder.push(key);
    while (this.seen.size > this.options.rememberedIds) this.seen.delete(this.seenOrder[this.seenHead++]);
    if (this.seenHead > 4096 && this.seenHead * 2 > this.seenOrder.length) {
      this.seenOrder = this.seenOrder.slice(this.seenHead);
      this.seenHead = 0;
    }
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
