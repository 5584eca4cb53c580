import { SpanKind, type Span } from '../model/span';
import { endOf, messagingDestination, processKey } from './spanFacts';
import { Fifo } from '../util/fifo';
import { SpanTimeline } from './spanTimeline';

export { SpanTimeline };

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
  /**
   * How many of the latest span ids are remembered at least, held or dropped (a late child still finds its parent);
   * up to twice as many are.
   */
  rememberedIds: number;
}

export function spanKey(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}

/**
 * The recent spans, indexed by id, by parent, by link target and by process (time-sorted). Bounded by age and
 * count; `add` and eviction are O(1) amortized per span, apart from the sorted insert in its process's timeline.
 */
export class SpanWindow {
  private readonly byKey = new Map<string, WindowEntry>();
  /** Sets, so dropping one child of a wide parent (a server span with 500 children) is O(1). */
  private readonly childrenByParent = new Map<string, Set<WindowEntry>>();
  private readonly linksByTarget = new Map<string, number>();
  private readonly timelines = new Map<string, SpanTimeline>();
  /** CLIENT spans, and root SERVER spans, of every process: the two sides of a call that lost its context. */
  readonly clients = new SpanTimeline();
  readonly rootServers = new SpanTimeline();
  /** PRODUCER spans and root CONSUMER spans by messaging destination. */
  private readonly producers = new Map<string, SpanTimeline>();
  private readonly rootConsumers = new Map<string, SpanTimeline>();
  private readonly arrivals = new Fifo<WindowEntry>();
  /**
   * Ids of spans received, kept longer than the spans themselves: two generations, the older one dropped whole when
   * the newer fills, so forgetting costs nothing per id.
   */
  private seen = new Set<string>();
  private seenBefore = new Set<string>();

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
    if (span.parentSpanId) {
      const parentKey = spanKey(span.traceId, span.parentSpanId);
      const siblings = this.childrenByParent.get(parentKey);
      if (siblings) siblings.add(entry);
      else this.childrenByParent.set(parentKey, new Set([entry]));
    }
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
    const key = spanKey(traceId, spanId);
    return this.seen.has(key) || this.seenBefore.has(key);
  }

  children(entry: WindowEntry): readonly WindowEntry[] {
    const children = this.childrenByParent.get(entry.key);
    return children ? [...children] : [];
  }

  /** Any one child still held. */
  firstChild(entry: WindowEntry): WindowEntry | undefined {
    const children = this.childrenByParent.get(entry.key);
    return children ? children.values().next().value : undefined;
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
    for (let oldest = this.arrivals.peek(); oldest; oldest = this.arrivals.peek()) {
      if (this.byKey.size <= this.options.maxSpans && oldest.arrivedMs > nowMs - this.options.maxAgeMs) break;
      this.arrivals.shift();
      this.drop(oldest);
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
    this.arrivals.clear();
    this.seen = new Set();
    this.seenBefore = new Set();
  }

  private drop(entry: WindowEntry): void {
    entry.alive = false;
    this.byKey.delete(entry.key);
    const span = entry.span;
    if (span.parentSpanId) {
      const parentKey = spanKey(span.traceId, span.parentSpanId);
      const siblings = this.childrenByParent.get(parentKey);
      if (siblings?.delete(entry) && siblings.size === 0) this.childrenByParent.delete(parentKey);
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
    if (this.seen.size >= this.options.rememberedIds) {
      this.seenBefore = this.seen;
      this.seen = new Set();
    }
    this.seen.add(key);
  }
}
