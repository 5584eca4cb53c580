import { locationKey, SpanKind, type SourceLocation, type Span, type SpanLocator } from '../model/span';
import { Emitter, type Disposable, type Listener } from '../util/emitter';
import { Fifo } from '../util/fifo';
import { CallerVotes } from './callerVotes';
import { FindingBook, type FaultObservation } from './findingBook';
import { findingMessages } from './findingTexts';
import type { BlameRefiner, Finding, FindingEvidence, FindingKind } from './findingTypes';
import {
  clientTarget,
  endedCanceled,
  isLikelyOwnPeer,
  isServiceCall,
  messagingDestination,
  peerName,
  serverTarget,
  targetsAgree,
  type CallTarget,
} from './spanFacts';
import { spanKey, SpanWindow, type WindowEntry } from './spanWindow';

export interface PropagationDetectorOptions {
  locator: SpanLocator;
  refiner?: BlameRefiner;
  /** How long after a span's arrival its missing counterpart may still come. Default 5000. */
  graceMs?: number;
  /** Milliseconds; the grace window is measured on it. Default Date.now. */
  clock?: () => number;
  /** How long received spans stay available as evidence. Default 2 minutes. */
  windowMs?: number;
  /** Most spans held as evidence. Default 50 000. */
  maxSpans?: number;
}

/** VS Code's event shape: subscribe with a listener, dispose to stop. */
export type FindingsEvent = (listener: Listener<{ findings: Finding[] }>) => Disposable;

/** What became of the spans the detector was given (see `PropagationDetector.counters`). */
export interface PropagationCounters {
  checkedSpans: number;
  checkedWithinTraceSpans: number;
  uncheckedSpans: number;
  notAdmittedSpans: number;
}

const DEFAULT_GRACE_MS = 5000;
const DEFAULT_WINDOW_MS = 120_000;
const DEFAULT_MAX_SPANS = 50_000;
/** Span ids remembered (between this many and twice as many of the latest). */
const REMEMBERED_IDS = 100_000;
/**
 * Share of the window that spans waiting out their grace may fill before new traces are turned away: the rest is
 * headroom for the traces already taken in, whose later spans are always taken.
 */
const ADMISSION_SHARE = 0.8;
/** Trace ids turned away that are remembered (between this many and twice as many of the latest). */
const REFUSED_TRACES = 100_000;
/**
 * Services on one machine share its clock, but caller and callee take their timestamps at slightly different
 * points. Kept small: a wide slack lets a short unrelated span "contain" a call that ran next to it.
 */
const CLOCK_SLACK_MS = 2;
/** Work started this soon after a request ended still counts as started by it. */
const AFTER_REQUEST_MS = 1000;
/** Longest time between a publish and its consumption that still pairs the two. */
const MAX_QUEUE_DELAY_MS = 60_000;
const MAX_ANCESTORS = 64;
const MAX_CACHED_BLAMES = 5000;
const MAX_REPORTERS = 10_000;
const MAX_TRACKED_CALLERS = 5000;
const MAX_CALLERS_PER_FINDING = 64;

/**
 * Finds broken trace-context propagation in the spans received, across traces and services. Each span is
 * checked once its grace window has elapsed (`settle`), against the spans received around it.
 */
export class PropagationDetector implements Disposable {
  private locator: SpanLocator;
  private readonly refiner: BlameRefiner | undefined;
  private readonly graceMs: number;
  private readonly clock: () => number;
  private readonly window: SpanWindow;
  private readonly book = new FindingBook();
  private readonly callerVotes = new CallerVotes();
  /**
   * uninstrumented-client finding id → the callee and every calling code blamed on that line (the refiner maps
   * several spans of one function to its one uninstrumented call), to check one of them still dominates.
   */
  private readonly uninstrumentedCallers = new Map<string, { callee: string; callers: Set<string> }>();
  /** Spans waiting out their grace window, in arrival order (each is due at arrival + grace). */
  private readonly pending = new Fifo<WindowEntry>();
  private checkedSpans = 0;
  private checkedWithinTraceSpans = 0;
  private uncheckedSpans = 0;
  private notAdmittedSpans = 0;
  /** Spans waiting out their grace beyond which a new trace is turned away. */
  private readonly admissionBudget: number;
  /** Traces turned away, in two generations: every later span of one is turned away too. */
  private refusedTraces = new Set<string>();
  private refusedBefore = new Set<string>();
  /** When a trace was last turned away: checks across traces near then would miss what was turned away. */
  private lastRefusalMs = Number.NEGATIVE_INFINITY;
  /** The last span's trace and its admission: a batch's spans mostly share a trace. */
  private lastTraceId: string | undefined;
  private lastTraceAdmitted = false;
  /** Ports and names that SERVER spans were reported for: such a peer is not silent. */
  private readonly reportingPorts = new Set<number>();
  private readonly reportingNames = new Set<string>();
  private readonly blames = new Map<string, SourceLocation | null>();
  private readonly changed = new Emitter<{ findings: Finding[] }>();
  private dirty = false;

  readonly onDidChange: FindingsEvent = this.changed.event;

  constructor(options: PropagationDetectorOptions) {
    this.locator = options.locator;
    this.refiner = options.refiner;
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.clock = options.clock ?? Date.now;
    const maxSpans = options.maxSpans ?? DEFAULT_MAX_SPANS;
    this.window = new SpanWindow({
      maxAgeMs: Math.max(options.windowMs ?? DEFAULT_WINDOW_MS, this.graceMs * 2),
      maxSpans,
      rememberedIds: REMEMBERED_IDS,
    });
    this.admissionBudget = Math.max(1, Math.floor(maxSpans * ADMISSION_SHARE));
  }

  /**
   * Any arrival order, any batch split. Checks whose grace window has elapsed run right away.
   *
   * Under a load the window cannot hold through the grace period, whole traces are turned away rather than every span
   * being pushed out unchecked: the traces taken in are checked in full within themselves (orphans, canceled
   * contexts), and checks across traces wait until nothing has been turned away for a grace period either side.
   */
  add(spans: readonly Span[]): void {
    const now = this.clock();
    for (const span of spans) {
      // Every server counts as reporting, taken in or not: a service is not silent because its traces were turned away.
      this.noteReporter(span);
      if (!this.admits(span.traceId, now)) {
        this.notAdmittedSpans++;
        continue;
      }
      const entry = this.window.add(span, now);
      if (!entry) continue;
      this.pending.push(entry);
    }
    this.window.evict(now);
    this.runDue(now);
    this.announce();
  }

  /** Evaluates every span whose grace window has elapsed by `nowMs`. */
  settle(nowMs: number = this.clock()): void {
    this.runDue(nowMs);
    this.announce();
  }

  /** End of input: nothing more can arrive, so every pending check is decided now. */
  settleAll(): void {
    this.runDue(Number.POSITIVE_INFINITY);
    this.announce();
  }

  /**
   * Spans checked once their grace window elapsed (`checkedWithinTraceSpans` of them only within their own trace:
   * traces were being turned away around them), spans pushed out of the bounded window before it elapsed (a trace
   * taken in that outgrew the window), and spans of traces turned away under load: those could not show a broken link.
   */
  counters(): PropagationCounters {
    return {
      checkedSpans: this.checkedSpans,
      checkedWithinTraceSpans: this.checkedWithinTraceSpans,
      uncheckedSpans: this.uncheckedSpans,
      notAdmittedSpans: this.notAdmittedSpans,
    };
  }

  findings(): Finding[] {
    return this.book.list().filter((finding) => {
      if (finding.kind !== 'uninstrumented-client') return true;
      const call = this.uninstrumentedCallers.get(finding.id);
      return call !== undefined && this.anyDominates(call.callee, call.callers);
    });
  }

  /** The workspace changed: later blames use the new locator (findings already made keep their lines). */
  setLocator(locator: SpanLocator): void {
    this.locator = locator;
    this.blames.clear();
  }

  clear(): void {
    this.window.clear();
    this.pending.clear();
    this.refusedTraces = new Set();
    this.refusedBefore = new Set();
    this.lastRefusalMs = Number.NEGATIVE_INFINITY;
    this.lastTraceId = undefined;
    this.reportingPorts.clear();
    this.reportingNames.clear();
    this.blames.clear();
    this.callerVotes.clear();
    this.uninstrumentedCallers.clear();
    if (this.book.clear()) this.dirty = true;
    this.announce();
  }

  dispose(): void {
    this.clear();
    this.changed.dispose();
  }

  /**
   * A span of a trace with spans held is always taken (a late parent must not make its children orphans); one of a
   * trace turned away is always turned away; any other trace is taken while the spans waiting out their grace leave
   * room in the window. (A trace whose spans have all left the window may be taken again or turned away: neither can
   * make a false finding, as its remembered ids still say which parents came.)
   */
  private admits(traceId: string, nowMs: number): boolean {
    if (traceId !== this.lastTraceId) {
      this.lastTraceId = traceId;
      if (this.window.holdsTrace(traceId)) this.lastTraceAdmitted = true;
      else if (this.refusedTraces.has(traceId) || this.refusedBefore.has(traceId)) this.lastTraceAdmitted = false;
      else if (this.pending.size < this.admissionBudget) this.lastTraceAdmitted = true;
      else {
        this.lastTraceAdmitted = false;
        this.refuse(traceId);
      }
    }
    if (!this.lastTraceAdmitted) this.lastRefusalMs = nowMs;
    return this.lastTraceAdmitted;
  }

  private refuse(traceId: string): void {
    if (this.refusedTraces.size >= REFUSED_TRACES) {
      this.refusedBefore = this.refusedTraces;
      this.refusedTraces = new Set();
    }
    this.refusedTraces.add(traceId);
  }

  private runDue(nowMs: number): void {
    for (let entry = this.pending.peek(); entry && this.window.arrivedMs(entry) + this.graceMs <= nowMs; entry = this.pending.peek()) {
      this.pending.shift();
      if (entry.alive) {
        // What was turned away from a grace period before this span arrived to now could be its other side.
        const acrossTraces = this.lastRefusalMs < this.window.arrivedMs(entry) - this.graceMs;
        this.checkedSpans++;
        if (!acrossTraces) this.checkedWithinTraceSpans++;
        this.check(entry, nowMs, acrossTraces);
      } else {
        this.uncheckedSpans++;
      }
    }
  }

  private announce(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.changed.fire({ findings: this.findings() });
  }

  /** `acrossTraces`: also the checks that look for the span's other side in other traces. */
  private check(entry: WindowEntry, nowMs: number, acrossTraces: boolean): void {
    const span = entry.span;
    if (span.parentSpanId) this.checkChild(entry, nowMs);
    // A root's faults are all about other traces.
    else if (acrossTraces) this.checkRoot(entry, nowMs);
    if (span.kind === SpanKind.Client) this.checkCall(entry, nowMs, acrossTraces);
    else if (span.kind === SpanKind.Producer && acrossTraces) this.checkPublish(entry, nowMs);
  }

  private checkRoot(entry: WindowEntry, nowMs: number): void {
    if (entry.span.kind === SpanKind.Server) this.checkServerRoot(entry, nowMs);
    else if (entry.span.kind === SpanKind.Consumer) this.checkConsumerRoot(entry, nowMs);
    else this.checkDetached(entry, nowMs);
  }

  // ---- orphan-span, canceled-context (and healthy spans for detached-async)

  private checkChild(entry: WindowEntry, nowMs: number): void {
    const span = entry.span;
    if (!this.window.wasSeen(span.traceId, span.parentSpanId)) {
      this.fault(
        {
          kind: 'orphan-span',
          blamed: entry,
          message: findingMessages.orphan(span.resource.serviceName, span.name),
          evidence: [evidence('orphan', entry)],
        },
        nowMs,
      );
      return;
    }
    this.healthy('orphan-span', entry);
    const parent = this.window.parentOf(entry);
    if (parent && endedCanceled(span) && entry.endMs > parent.endMs) {
      this.fault(
        {
          kind: 'canceled-context',
          blamed: entry,
          message: findingMessages.canceled(span.name),
          evidence: [evidence('canceled', entry), evidence('parent', parent)],
        },
        nowMs,
      );
    } else if (parent) {
      this.healthy('canceled-context', entry);
    }
    this.healthy('detached-async', entry);
  }

  // ---- disconnected-server, uninstrumented-client, silent-service

  private checkServerRoot(server: WindowEntry, nowMs: number): void {
    if (server.explained) return;
    const caller = this.findCaller(server);
    if (caller) {
      this.disconnected(caller, server, nowMs);
      return;
    }
    this.checkUninstrumented(server, nowMs);
  }

  /** A CLIENT span of another trace, with no child, aimed at this server and lasting through it. */
  private findCaller(server: WindowEntry): WindowEntry | undefined {
    const target = serverTarget(server.span);
    let best: WindowEntry | undefined;
    for (const client of this.window.clients.containing(server.span.startTimeUnixMs, server.endMs, CLOCK_SLACK_MS)) {
      if (client.span.durationMs < server.span.durationMs || !this.isUnansweredCall(client, server)) continue;
      if (!targetsAgree(clientTarget(client.span), target, server.span.resource.serviceName)) continue;
      if (!best || client.span.durationMs < best.span.durationMs) best = client;
    }
    return best;
  }

  private isUnansweredCall(client: WindowEntry, server: WindowEntry): boolean {
    return client.span.traceId !== server.span.traceId && !client.explained && this.window.firstChild(client) === undefined;
  }

  private disconnected(caller: WindowEntry, server: WindowEntry, nowMs: number): void {
    caller.explained = true;
    server.explained = true;
    const callee = server.span.resource.serviceName;
    this.fault(
      {
        kind: 'disconnected-server',
        blamed: caller,
        peer: callee,
        message: findingMessages.disconnected(callee),
        evidence: [evidence('caller', caller), evidence('callee', server)],
      },
      nowMs,
    );
    this.healthy('silent-service', caller, peerName(clientTarget(caller.span)));
  }

  /**
   * A root SERVER span inside spans of other services, with no client span there. In each other process the
   * innermost containing span is a candidate caller; the one that contains most of the service's such requests
   * is where the uninstrumented call is made. Shown once it happened under two different calling spans.
   */
  private checkUninstrumented(server: WindowEntry, nowMs: number): void {
    const service = server.span.resource.serviceName;
    const candidates: WindowEntry[] = [];
    for (const timeline of this.window.processTimelines()) {
      if (timeline.service === service) continue;
      let innermost: WindowEntry | undefined;
      for (const outer of timeline.containing(server.span.startTimeUnixMs, server.endMs, CLOCK_SLACK_MS)) {
        // A caller waits for its callee: anything shorter merely ran next to it.
        if (outer.span.durationMs < server.span.durationMs) continue;
        if (!innermost || outer.span.durationMs < innermost.span.durationMs) innermost = outer;
      }
      // Inside a client span the call was instrumented: that is another kind of fault, or none.
      if (innermost && innermost.span.kind !== SpanKind.Client && innermost.span.kind !== SpanKind.Producer) {
        candidates.push(innermost);
      }
    }
    if (candidates.length === 0) return;
    const shownBefore = this.dominantCallers(service);
    this.callerVotes.vote(service, candidates.map(callerKey));
    for (const caller of candidates) {
      const id = this.fault(
        {
          kind: 'uninstrumented-client',
          blamed: caller,
          peer: service,
          message: findingMessages.uninstrumented(service),
          evidence: [evidence('caller', caller), evidence('callee', server)],
          distinctBy: spanKey(caller.span.traceId, caller.span.spanId),
        },
        nowMs,
      );
      let call = this.uninstrumentedCallers.get(id);
      if (!call) {
        if (this.uninstrumentedCallers.size >= MAX_TRACKED_CALLERS) this.uninstrumentedCallers.clear();
        call = { callee: service, callers: new Set() };
        this.uninstrumentedCallers.set(id, call);
      }
      if (call.callers.size < MAX_CALLERS_PER_FINDING) call.callers.add(callerKey(caller));
    }
    // The vote may have moved which caller dominates, and so which finding shows.
    if (this.dominantCallers(service) !== shownBefore) this.dirty = true;
  }

  private anyDominates(callee: string, callers: Set<string>): boolean {
    for (const caller of callers) if (this.callerVotes.isDominant(callee, caller)) return true;
    return false;
  }

  private dominantCallers(callee: string): string {
    const shown: string[] = [];
    for (const [id, call] of this.uninstrumentedCallers) {
      if (call.callee === callee && this.anyDominates(callee, call.callers)) shown.push(id);
    }
    return shown.join('\n');
  }

  private checkCall(client: WindowEntry, nowMs: number, acrossTraces: boolean): void {
    const target = clientTarget(client.span);
    const child = this.window.firstChild(client);
    if (child) {
      const callee = child.span.resource.serviceName;
      this.healthy('disconnected-server', client, callee);
      this.healthy('uninstrumented-client', client, callee);
      this.healthy('silent-service', client, peerName(target));
      return;
    }
    if (client.explained || !acrossTraces) return;
    const server = this.findRootServer(client, target);
    if (server) {
      this.disconnected(client, server, nowMs);
      return;
    }
    const peer = peerName(target);
    if (peer !== undefined && isServiceCall(client.span) && isLikelyOwnPeer(target) && !this.peerReports(target)) {
      this.fault(
        {
          kind: 'silent-service',
          blamed: client,
          peer,
          message: findingMessages.silent(peer),
          evidence: [evidence('caller', client)],
        },
        nowMs,
      );
    }
  }

  /** A root SERVER span of another trace that this unanswered call contains and aims at. */
  private findRootServer(client: WindowEntry, target: CallTarget): WindowEntry | undefined {
    const from = client.span.startTimeUnixMs - CLOCK_SLACK_MS;
    const to = client.endMs + CLOCK_SLACK_MS;
    for (const server of this.window.rootServers.startingBetween(from, to)) {
      const s = server.span;
      if (server.explained || s.traceId === client.span.traceId || server.endMs > to || s.durationMs > client.span.durationMs) continue;
      if (targetsAgree(target, serverTarget(s), s.resource.serviceName)) return server;
    }
    return undefined;
  }

  private noteReporter(span: Span): void {
    if (span.kind !== SpanKind.Server) return;
    if (this.reportingPorts.size + this.reportingNames.size > MAX_REPORTERS) {
      this.reportingPorts.clear();
      this.reportingNames.clear();
    }
    const target = serverTarget(span);
    if (target.port !== undefined) this.reportingPorts.add(target.port);
    this.reportingNames.add(span.resource.serviceName);
    const address = span.attributes['server.address'];
    if (typeof address === 'string') this.reportingNames.add(address);
  }

  private peerReports(target: CallTarget): boolean {
    if (target.peerService !== undefined && this.reportingNames.has(target.peerService)) return true;
    if (target.port !== undefined) return this.reportingPorts.has(target.port);
    return target.host !== undefined && this.reportingNames.has(target.host);
  }

  // ---- detached-async

  /** A root span of a process that starts while (or just after) that process serves a request of another trace. */
  private checkDetached(root: WindowEntry, nowMs: number): void {
    const timeline = this.window.timeline(root.process);
    if (!timeline) return;
    const start = root.span.startTimeUnixMs;
    let request: WindowEntry | undefined;
    for (const candidate of timeline.containing(start, start - AFTER_REQUEST_MS, CLOCK_SLACK_MS)) {
      if (candidate.span.kind !== SpanKind.Server || candidate.span.traceId === root.span.traceId) continue;
      if (!request || candidate.span.startTimeUnixMs > request.span.startTimeUnixMs) request = candidate;
    }
    if (!request) return;
    this.fault(
      {
        kind: 'detached-async',
        blamed: root,
        message: findingMessages.detached(root.span.resource.serviceName),
        evidence: [evidence('detached', root), evidence('request', request)],
      },
      nowMs,
    );
  }

  // ---- queue-without-context

  private checkPublish(producer: WindowEntry, nowMs: number): void {
    if (this.window.firstChild(producer) !== undefined || this.window.isLinkedTo(producer)) {
      this.healthy('queue-without-context', producer);
      return;
    }
    if (producer.explained) return;
    const destination = messagingDestination(producer.span);
    if (destination === undefined) return;
    const from = producer.span.startTimeUnixMs - CLOCK_SLACK_MS;
    for (const consumer of this.window.rootConsumersOf(destination)?.startingBetween(from, from + MAX_QUEUE_DELAY_MS) ?? []) {
      if (!consumer.explained && consumer.span.traceId !== producer.span.traceId) {
        this.queueBroken(producer, consumer, destination, nowMs);
        return;
      }
    }
  }

  private checkConsumerRoot(consumer: WindowEntry, nowMs: number): void {
    if (consumer.explained) return;
    const destination = messagingDestination(consumer.span);
    if (destination === undefined) return;
    const start = consumer.span.startTimeUnixMs;
    let latest: WindowEntry | undefined;
    for (const producer of this.window.producersTo(destination)?.startingBetween(start - MAX_QUEUE_DELAY_MS, start + CLOCK_SLACK_MS) ?? []) {
      if (producer.explained || producer.span.traceId === consumer.span.traceId) continue;
      if (this.window.firstChild(producer) !== undefined || this.window.isLinkedTo(producer)) continue;
      if (!latest || producer.span.startTimeUnixMs > latest.span.startTimeUnixMs) latest = producer;
    }
    if (latest) this.queueBroken(latest, consumer, destination, nowMs);
  }

  private queueBroken(producer: WindowEntry, consumer: WindowEntry, destination: string, nowMs: number): void {
    producer.explained = true;
    consumer.explained = true;
    this.fault(
      {
        kind: 'queue-without-context',
        blamed: producer,
        message: findingMessages.queue(destination),
        evidence: [evidence('producer', producer), evidence('consumer', consumer)],
      },
      nowMs,
    );
  }

  // ---- blame and bookkeeping

  /** Records one faulty occurrence; returns the finding's id. */
  private fault(
    observation: { kind: FindingKind; blamed: WindowEntry; peer?: string; message: string; evidence: FindingEvidence[]; distinctBy?: string },
    nowMs: number,
  ): string {
    const location = this.blame(observation.kind, observation.blamed);
    const full: FaultObservation = {
      id: findingId(observation.kind, location, observation.blamed, observation.peer),
      kind: observation.kind,
      location,
      message: observation.message,
      evidence: observation.evidence,
    };
    if (observation.distinctBy !== undefined) full.distinctBy = observation.distinctBy;
    if (this.book.fault(full, Number.isFinite(nowMs) ? nowMs : this.clock())) this.dirty = true;
    return full.id;
  }

  /** The same place as a finding saw its link intact: enough of these in a row and the finding goes away. */
  private healthy(kind: FindingKind, entry: WindowEntry, peer?: string): void {
    if (!this.book.tracks(kind)) return;
    const id = findingId(kind, this.blame(kind, entry), entry, peer);
    if (this.book.healthy(id, entry.span.startTimeUnixMs)) this.dirty = true;
  }

  /** The span's line, else its nearest mapped ancestor's in the same trace; then narrowed by the refiner. */
  private blame(kind: FindingKind, entry: WindowEntry): SourceLocation | undefined {
    let current: WindowEntry | undefined = entry;
    for (let depth = 0; current && depth < MAX_ANCESTORS; depth++) {
      const location = this.locate(current.span);
      if (location) return this.refine(kind, location, current.span.resource.serviceName);
      current = this.window.parentOf(current);
    }
    return undefined;
  }

  private locate(span: Span): SourceLocation | undefined {
    try {
      return this.locator.locate(span);
    } catch {
      return undefined;
    }
  }

  private refine(kind: FindingKind, location: SourceLocation, service: string): SourceLocation {
    if (!this.refiner) return location;
    const key = `${kind}\0${service}\0${locationKey(location)}`;
    let refined = this.blames.get(key);
    if (refined === undefined) {
      try {
        refined = this.refiner.refine(kind, location, { service }) ?? null;
      } catch {
        refined = null;
      }
      if (this.blames.size >= MAX_CACHED_BLAMES) this.blames.clear();
      this.blames.set(key, refined);
    }
    return refined ?? location;
  }
}

function findingId(kind: FindingKind, location: SourceLocation | undefined, blamed: WindowEntry, peer: string | undefined): string {
  const place = location ? locationKey(location) : `unmapped:${blamed.span.resource.serviceName}:${blamed.span.name}`;
  return peer === undefined ? `${kind}|${place}` : `${kind}|${place}|${peer}`;
}

/** The calling code a candidate stands for: its process's service and span name. */
function callerKey(entry: WindowEntry): string {
  return `${entry.span.resource.serviceName}\u0000${entry.span.name}`;
}

function evidence(role: FindingEvidence['role'], entry: WindowEntry): FindingEvidence {
  const span = entry.span;
  return {
    role,
    traceId: span.traceId,
    spanId: span.spanId,
    service: span.resource.serviceName,
    name: span.name,
    startTimeUnixMs: span.startTimeUnixMs,
    durationMs: span.durationMs,
  };
}
