import { SpanKind, type Span } from '../model/span';
import { messagingDestination, processKey } from './spanFacts';
import { Fifo } from '../util/fifo';
import { SpanTimeline } from './spanTimeline';

/**
 * A received span while it is recent enough to serve as evidence. Hundreds of thousands are made a minute, so it
 * holds no doubles (each would be a separate boxed number): its end is worked out, its arrival is a small integer.
 */
export class WindowEntry {
  alive = true;
  /** Already used as evidence of a broken call, so the other side's check does not report it again. */
  explained = false;

  constructor(
    readonly span: Span,
    /** Milliseconds from the window's first arrival to this one's (the grace window counts from arrival). */
    readonly arrivedAfterMs: number,
    readonly process: string,
  ) {}

  get endMs(): number {
    return this.span.startTimeUnixMs + this.span.durationMs;
  }
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

/** One trace's spans in the window, by id and by parent id. */
interface TraceIndex {
  spans: Map<string, WindowEntry>;
  /**
   * Sets, so dropping one child of a wide parent (a server span with 500 children) is O(1). Made with the trace's
   * first child: many traces are a single span.
   */
  children: Map<string, Set<WindowEntry>> | undefined;
}

/** Span ids received, per trace: the id itself while a trace has one (many traces are a single span), else a set. */
type SeenIds = Map<string, string | Set<string>>;

/**
 * The recent spans, indexed by id, by parent, by link target and by process (time-sorted). Bounded by age and
 * count; `add` and eviction are O(1) amortized per span, apart from the sorted insert in its process's timeline.
 */
export class SpanWindow {
  /**
   * By trace, then by span id: the spans of one batch share their trace id string, so the outer lookup hashes it
   * once, and no "trace/span" key string is built per span.
   */
  private readonly traces = new Map<string, TraceIndex>();
  private held = 0;
  /** Clock time of the first arrival; entries keep theirs relative to it. */
  private epochMs: number | undefined;
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
  private seen: SeenIds = new Map();
  private seenBefore: SeenIds = new Map();
  private seenCount = 0;

  constructor(private readonly options: SpanWindowOptions) {}

  get size(): number {
    return this.held;
  }

  /** Undefined for a span already held (an exporter's retry). */
  add(span: Span, nowMs: number): WindowEntry | undefined {
    let trace = this.traces.get(span.traceId);
    if (!trace) this.traces.set(span.traceId, (trace = { spans: new Map(), children: undefined }));
    else if (trace.spans.has(span.spanId)) return undefined;
    this.epochMs ??= nowMs;
    const entry = new WindowEntry(span, nowMs - this.epochMs, processKey(span));
    trace.spans.set(span.spanId, entry);
    this.held++;
    this.arrivals.push(entry);
    this.remember(span.traceId, span.spanId);
    if (span.parentSpanId) {
      trace.children ??= new Map();
      const siblings = trace.children.get(span.parentSpanId);
      if (siblings) siblings.add(entry);
      else trace.children.set(span.parentSpanId, new Set([entry]));
    }
    // Indexed: `for...of` over the shared frozen empty array allocates an iterator per span.
    const links = span.links;
    for (let i = 0; i < links.length; i++) {
      const target = spanKey(links[i].traceId, links[i].spanId);
      this.linksByTarget.set(target, (this.linksByTarget.get(target) ?? 0) + 1);
    }
    let timeline = this.timelines.get(entry.process);
    if (!timeline) this.timelines.set(entry.process, (timeline = new SpanTimeline(span.resource.serviceName)));
    timeline.insert(entry);
    this.kindTimeline(span, true)?.insert(entry);
    return entry;
  }

  /**
   * The one timeline besides its process's that a span is in, by kind: clients, root servers, or producers / root
   * consumers of its destination. Undefined for the rest, and (unless `create`) for a destination not held.
   */
  private kindTimeline(span: Span, create: boolean): SpanTimeline | undefined {
    if (span.kind === SpanKind.Client) return this.clients;
    if (span.kind === SpanKind.Server) return span.parentSpanId ? undefined : this.rootServers;
    const byDestination = span.kind === SpanKind.Producer ? this.producers : span.kind === SpanKind.Consumer && !span.parentSpanId ? this.rootConsumers : undefined;
    const destination = byDestination && messagingDestination(span);
    if (!byDestination || destination === undefined) return undefined;
    let list = byDestination.get(destination);
    if (!list && create) byDestination.set(destination, (list = new SpanTimeline()));
    return list;
  }

  producersTo(destination: string): SpanTimeline | undefined {
    return this.producers.get(destination);
  }

  rootConsumersOf(destination: string): SpanTimeline | undefined {
    return this.rootConsumers.get(destination);
  }

  /** Clock time the entry arrived at. */
  arrivedMs(entry: WindowEntry): number {
    return (this.epochMs ?? 0) + entry.arrivedAfterMs;
  }

  get(traceId: string, spanId: string): WindowEntry | undefined {
    return this.traces.get(traceId)?.spans.get(spanId);
  }

  parentOf(entry: WindowEntry): WindowEntry | undefined {
    return entry.span.parentSpanId ? this.get(entry.span.traceId, entry.span.parentSpanId) : undefined;
  }

  /** Whether a span of this trace is held. */
  holdsTrace(traceId: string): boolean {
    return this.traces.has(traceId);
  }

  /** Whether a span with this id was ever received (still held, or dropped not too long ago). */
  wasSeen(traceId: string, spanId: string): boolean {
    return holds(this.seen.get(traceId), spanId) || holds(this.seenBefore.get(traceId), spanId);
  }

  children(entry: WindowEntry): readonly WindowEntry[] {
    const children = this.childrenOf(entry);
    return children ? [...children] : [];
  }

  /** Any one child still held. */
  firstChild(entry: WindowEntry): WindowEntry | undefined {
    return this.childrenOf(entry)?.values().next().value;
  }

  isLinkedTo(entry: WindowEntry): boolean {
    return this.linksByTarget.size > 0 && this.linksByTarget.has(spanKey(entry.span.traceId, entry.span.spanId));
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
      if (this.held <= this.options.maxSpans && this.arrivedMs(oldest) > nowMs - this.options.maxAgeMs) break;
      this.arrivals.shift();
      this.drop(oldest);
    }
  }

  clear(): void {
    this.traces.clear();
    this.held = 0;
    this.linksByTarget.clear();
    this.timelines.clear();
    this.clients.clear();
    this.rootServers.clear();
    this.producers.clear();
    this.rootConsumers.clear();
    this.arrivals.clear();
    this.seen = new Map();
    this.seenBefore = new Map();
    this.seenCount = 0;
  }

  private childrenOf(entry: WindowEntry): Set<WindowEntry> | undefined {
    return this.traces.get(entry.span.traceId)?.children?.get(entry.span.spanId);
  }

  private drop(entry: WindowEntry): void {
    entry.alive = false;
    const span = entry.span;
    const trace = this.traces.get(span.traceId);
    if (trace?.spans.delete(span.spanId)) {
      this.held--;
      if (span.parentSpanId && trace.children) {
        const siblings = trace.children.get(span.parentSpanId);
        if (siblings?.delete(entry) && siblings.size === 0) trace.children.delete(span.parentSpanId);
      }
      if (trace.spans.size === 0 && !trace.children?.size) this.traces.delete(span.traceId);
    }
    const links = span.links;
    for (let i = 0; i < links.length; i++) {
      const target = spanKey(links[i].traceId, links[i].spanId);
      const count = (this.linksByTarget.get(target) ?? 1) - 1;
      if (count > 0) this.linksByTarget.set(target, count);
      else this.linksByTarget.delete(target);
    }
    const timeline = this.timelines.get(entry.process);
    timeline?.dropped();
    if (timeline?.size === 0) this.timelines.delete(entry.process);
    const byKind = this.kindTimeline(span, false);
    byKind?.dropped();
    if (byKind?.size === 0 && byKind !== this.clients && byKind !== this.rootServers) {
      const destination = messagingDestination(span) as string;
      if (this.producers.get(destination) === byKind) this.producers.delete(destination);
      else this.rootConsumers.delete(destination);
    }
  }

  private remember(traceId: string, spanId: string): void {
    if (this.seenCount >= this.options.rememberedIds) {
      this.seenBefore = this.seen;
      this.seen = new Map();
      this.seenCount = 0;
    }
    const ids = this.seen.get(traceId);
    if (ids === undefined) this.seen.set(traceId, spanId);
    else if (typeof ids === 'string') this.seen.set(traceId, new Set([ids, spanId]));
    else ids.add(spanId);
    this.seenCount++;
  }
}

function holds(ids: string | Set<string> | undefined, spanId: string): boolean {
  return typeof ids === 'string' ? ids === spanId : ids?.has(spanId) === true;
}
