/**
 * What the trace panel's webviews are sent, and when: received spans batched (one message per interval, at once for
 * a big burst), a full `reset` for a webview that (re)loads, and the changes that replace a whole set. Also the
 * panel's own "clear": traces held at that moment are hidden from it while the store keeps them for annotations.
 * No vscode import: unit-tested with a real SpanStore.
 */
import type { Span, SpanStore, TraceNode } from '../../core/model';
import type { HostMessage, PanelBrokenLink, PanelSession, PanelSpan } from '../../core/panel/protocol';

/** One loaded webview page. */
export interface PanelTarget {
  /** Resolves when handed over (false or a rejection once the page is gone: nothing to do then). */
  post(message: HostMessage): PromiseLike<unknown>;
}

export interface PanelFeedSources {
  store: SpanStore;
  toPanelSpan(span: Span): PanelSpan;
  /** The panel's span cap (the store's, so the panel can show everything it holds). */
  maxSpans(): number;
  brokenLinks(): PanelBrokenLink[];
  sessions(): PanelSession[];
}

export interface PanelFeedOptions {
  /** Received spans are sent at most this often. Default 100 ms. */
  flushIntervalMs?: number;
  /** A batch above this many spans is sent at once. Default 2,000. */
  immediateSpans?: number;
  /** How long a reveal waits for a webview to load before it is dropped. Default 30 s. */
  revealWaitMs?: number;
}

interface PendingReveal {
  traceId: string;
  spanId?: string;
  untilUnixMs: number;
}

export class PanelFeed {
  private readonly flushIntervalMs: number;
  private readonly immediateSpans: number;
  private readonly revealWaitMs: number;
  private readonly live = new Set<PanelTarget>();
  /** Received, not yet sent; converted only when sent, once for every webview. */
  private pending: Span[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushWaiters: (() => void)[] = [];
  private readonly inFlight = new Set<PromiseLike<unknown>>();
  /** Traces the user cleared from the panel; the store still holds them. */
  private hidden = new Set<string>();
  private pendingReveal: PendingReveal | undefined;
  private disposed = false;

  constructor(
    private readonly sources: PanelFeedSources,
    options: PanelFeedOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.immediateSpans = options.immediateSpans ?? 2000;
    this.revealWaitMs = options.revealWaitMs ?? 30_000;
  }

  /** Webviews that loaded and have not been hidden or closed since. */
  get liveTargets(): number {
    return this.live.size;
  }

  isLive(target: PanelTarget): boolean {
    return this.live.has(target);
  }

  /** A webview loaded (or reloaded) and asked for everything: it gets a `reset`, then a reveal that waited for it. */
  ready(target: PanelTarget): void {
    if (this.disposed) {
      return;
    }
    // Sent to the others first: the reset below already holds these spans (the store took them before us).
    this.flush();
    this.live.add(target);
    this.send(target, this.resetMessage());
    const reveal = this.pendingReveal;
    this.pendingReveal = undefined;
    if (reveal && reveal.untilUnixMs >= Date.now()) {
      this.send(target, { type: 'revealTrace', traceId: reveal.traceId, ...(reveal.spanId ? { spanId: reveal.spanId } : {}) });
    }
  }

  /** The webview's page is gone (hidden without retained context, or closed); it says `ready` when it loads again. */
  detach(target: PanelTarget): void {
    this.live.delete(target);
    if (this.live.size === 0) {
      // Nobody to send to: a webview that loads gets everything in its reset.
      this.cancelTimer();
      this.pending = [];
      this.settleWaiters();
    }
  }

  /** A batch the store just took. */
  spansReceived(spans: readonly Span[]): void {
    if (this.disposed || this.live.size === 0) {
      return;
    }
    for (const span of spans) {
      if (!this.hidden.has(span.traceId)) {
        this.pending.push(span);
      }
    }
    if (this.pending.length > this.immediateSpans) {
      this.flush();
    } else if (this.pending.length > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
    }
  }

  /** Sends what is pending now. */
  flush(): void {
    this.cancelTimer();
    const spans = this.pending;
    this.pending = [];
    if (spans.length > 0 && this.live.size > 0) {
      this.broadcast({ type: 'spans', spans: spans.map((span) => this.sources.toPanelSpan(span)) });
    }
    this.settleWaiters();
  }

  /** The store forgot everything: so does every webview, and nothing stays hidden. */
  storeCleared(): void {
    this.pending = [];
    this.cancelTimer();
    this.hidden = new Set();
    this.pendingReveal = undefined;
    this.broadcast({ type: 'cleared' });
    this.settleWaiters();
  }

  /** The user cleared the panel: the traces held now stay out of it (later spans of them too); new traces show. */
  clearPanel(): void {
    this.pending = [];
    this.cancelTimer();
    this.hidden = new Set(this.sources.store.traceIds());
    // Every webview, the one that asked too: spans it was sent before its request arrived are hidden now.
    this.broadcast({ type: 'cleared' });
    this.settleWaiters();
  }

  brokenLinksChanged(): void {
    if (this.live.size > 0) {
      this.broadcast({ type: 'brokenLinks', brokenLinks: this.sources.brokenLinks() });
    }
  }

  sessionsChanged(): void {
    if (this.live.size > 0) {
      this.broadcast({ type: 'sessions', sessions: this.sources.sessions() });
    }
  }

  /** Sends every live webview a fresh `reset` (its configuration changed). */
  resetAll(): void {
    this.flush();
    for (const target of this.live) {
      this.send(target, this.resetMessage());
    }
  }

  /** True when the store holds the trace (whether or not the panel hid it). */
  holds(traceId: string): boolean {
    return this.sources.store.hasTrace(traceId);
  }

  /**
   * Selects the trace in every live webview, showing it again if the panel had hidden it. With `waitForReady` it is
   * also kept for the next webview that loads (the one about to be shown). False when the store does not hold it.
   */
  reveal(traceId: string, spanId: string | undefined, waitForReady: boolean): boolean {
    const trace = this.sources.store.getTrace(traceId);
    if (!trace) {
      return false;
    }
    if (this.hidden.delete(traceId) && this.live.size > 0) {
      this.flush();
      this.broadcast({ type: 'spans', spans: flattenTrace(trace.roots).map((span) => this.sources.toPanelSpan(span)) });
    }
    this.broadcast({ type: 'revealTrace', traceId, ...(spanId ? { spanId } : {}) });
    this.pendingReveal = waitForReady ? { traceId, spanId, untilUnixMs: Date.now() + this.revealWaitMs } : undefined;
    return true;
  }

  /** Traces the panel shows: the store's, less the ones the user cleared from the panel. */
  traceCount(): number {
    const store = this.sources.store;
    if (this.hidden.size === 0) {
      return store.totals().traces;
    }
    // Forget hidden traces the store evicted, so the set stays no larger than what the store holds.
    const held = store.traceIds();
    const stillHidden = new Set<string>();
    for (const traceId of held) {
      if (this.hidden.has(traceId)) {
        stillHidden.add(traceId);
      }
    }
    this.hidden = stillHidden;
    return held.length - stillHidden.size;
  }

  /** Resolves once nothing is waiting to be sent and every message sent has been handed over. */
  async whenIdle(): Promise<void> {
    while (this.timer !== undefined || this.inFlight.size > 0) {
      if (this.timer !== undefined) {
        await new Promise<void>((resolve) => this.flushWaiters.push(resolve));
      } else {
        await Promise.allSettled([...this.inFlight]);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
    this.pending = [];
    this.live.clear();
    this.settleWaiters();
  }

  /**
   * The newest traces that fit in the cap, whole, sent oldest first: the webview numbers traces by arrival and lists
   * the newest on top. Parents before children inside a trace, so nothing waits for a parent it already has.
   */
  private resetMessage(): HostMessage {
    const { store } = this.sources;
    const cap = this.sources.maxSpans();
    const traceIds = store.traceIds();
    const chosen: Span[][] = [];
    let total = 0;
    for (let i = traceIds.length - 1; i >= 0; i--) {
      if (this.hidden.has(traceIds[i])) {
        continue;
      }
      const trace = store.getTrace(traceIds[i]);
      if (!trace) {
        continue;
      }
      if (total + trace.spanCount > cap) {
        break;
      }
      total += trace.spanCount;
      chosen.push(flattenTrace(trace.roots));
    }
    const spans: PanelSpan[] = [];
    for (let i = chosen.length - 1; i >= 0; i--) {
      for (const span of chosen[i]) {
        spans.push(this.sources.toPanelSpan(span));
      }
    }
    return {
      type: 'reset',
      config: { maxSpans: cap },
      spans,
      brokenLinks: this.sources.brokenLinks(),
      sessions: this.sources.sessions(),
    };
  }

  private broadcast(message: HostMessage): void {
    for (const target of this.live) {
      this.send(target, message);
    }
  }

  private send(target: PanelTarget, message: HostMessage): void {
    let delivery: PromiseLike<unknown>;
    try {
      delivery = target.post(message);
    } catch {
      // A webview disposed under us: it is detached by its own dispose event.
      return;
    }
    const settled = Promise.resolve(delivery).then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private settleWaiters(): void {
    if (this.timer !== undefined) {
      return;
    }
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const resolve of waiters) {
      resolve();
    }
  }
}

/** Depth-first, parents before children; iterative, since a trace can be a 10,000-deep chain. */
export function flattenTrace(roots: readonly TraceNode[]): Span[] {
  const spans: Span[] = [];
  const stack: TraceNode[] = [];
  for (let i = roots.length - 1; i >= 0; i--) {
    stack.push(roots[i]);
  }
  while (stack.length > 0) {
    const node = stack.pop() as TraceNode;
    spans.push(node.span);
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push(node.children[i]);
    }
  }
  return spans;
}
