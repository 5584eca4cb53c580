/**
 * One trace's spans as a tree that is kept sorted as spans arrive: every child list (and the top-level list) is
 * ordered by start time, then arrival, by binary insertion, so showing the trace never sorts it.
 */
import type { ForestStats } from './forestTypes';
import type { PanelSpan } from './protocol';

export interface SpanNode {
  span: PanelSpan;
  /** Forest-wide arrival order: the tie-breaker after start time. */
  seq: number;
  /** The node it is shown under; undefined while it is top-level in its trace. */
  parent: SpanNode | undefined;
  children: SpanNode[];
  /** Its row key, `${traceId}/${spanId}`, built once. */
  key: string;
  /** Lower-cased text the text filter searches, built on first use. */
  haystack: string | undefined;
  /** Filter results, valid while the trace's `matchKey` is the current one. */
  matches: boolean;
  subtreeMatches: boolean;
}

export class TraceState {
  readonly nodes = new Map<string, SpanNode>();
  /** Spans without a held parent (roots, spans awaiting their parent, cycle breakers), sorted. */
  readonly topLevel: SpanNode[] = [];
  /** parentSpanId → top-level spans waiting for it to arrive. */
  private readonly waiting = new Map<string, SpanNode[]>();
  private awaiting = 0;
  private readonly serviceCounts = new Map<string, number>();
  private readonly sessionIds = new Set<string>();
  private errors = 0;
  private minStart = Infinity;
  private maxEnd = -Infinity;
  /** The earliest span without a parent id, if any: the trace's name. */
  private root: SpanNode | undefined;
  /** Bumped (to the forest's version) whenever what this trace shows changes. */
  version = 0;
  /** `${version}|${filter signature}` the nodes' match flags were computed for. */
  matchKey: string | undefined;

  constructor(
    readonly traceId: string,
    readonly arrival: number,
    private readonly stats: ForestStats,
  ) {}

  get size(): number {
    return this.nodes.size;
  }

  get awaitingParents(): number {
    return this.awaiting;
  }

  get errorCount(): number {
    return this.errors;
  }

  get startUnixMs(): number {
    return Number.isFinite(this.minStart) ? this.minStart : 0;
  }

  get durationMs(): number {
    return Number.isFinite(this.minStart) && Number.isFinite(this.maxEnd) ? Math.max(0, this.maxEnd - this.minStart) : 0;
  }

  services(): string[] {
    return [...this.serviceCounts.keys()].sort();
  }

  sessions(): string[] {
    return [...this.sessionIds].sort();
  }

  /** The span that names the trace: its earliest root, else its earliest top-level span. */
  rootNode(): SpanNode | undefined {
    return this.root ?? this.topLevel[0];
  }

  has(spanId: string): boolean {
    return this.nodes.has(spanId);
  }

  /** True when the span's parent id is set but the parent is not held. */
  isAwaiting(node: SpanNode): boolean {
    const parentId = node.span.parentSpanId;
    return node.parent === undefined && parentId !== '' && parentId !== node.span.spanId && !this.nodes.has(parentId);
  }

  /** Adds a span not held yet; returns false for a duplicate. */
  add(span: PanelSpan, seq: number): boolean {
    if (this.nodes.has(span.spanId)) {
      return false;
    }
    const node: SpanNode = {
      span,
      seq,
      key: `${this.traceId}/${span.spanId}`,
      parent: undefined,
      children: [],
      haystack: undefined,
      matches: false,
      subtreeMatches: false,
    };
    this.nodes.set(span.spanId, node);
    this.count(span);

    const parentId = span.parentSpanId;
    const parent = parentId !== '' && parentId !== span.spanId ? this.nodes.get(parentId) : undefined;
    if (parent !== undefined) {
      // The node is new, so it has no descendants yet: placing it under a held parent cannot close a cycle.
      node.parent = parent;
      this.insertSorted(parent.children, node);
    } else {
      this.insertSorted(this.topLevel, node);
      if (parentId !== '' && parentId !== span.spanId) {
        const list = this.waiting.get(parentId);
        if (list) {
          list.push(node);
        } else {
          this.waiting.set(parentId, [node]);
        }
        this.awaiting++;
      }
    }
    this.adoptWaitingChildren(node);
    return true;
  }

  /** Spans that arrived before this one and name it as parent move under it, unless that would close a cycle. */
  private adoptWaitingChildren(node: SpanNode): void {
    const waiting = this.waiting.get(node.span.spanId);
    if (waiting === undefined) {
      return;
    }
    this.waiting.delete(node.span.spanId);
    this.awaiting -= waiting.length;
    for (const child of waiting) {
      if (this.isAncestorOrSelf(child, node)) {
        // Bad data (a parent cycle): the child stays top-level so the cycle is shown once, not lost.
        continue;
      }
      this.removeSorted(this.topLevel, child);
      child.parent = node;
      this.insertSorted(node.children, child);
    }
  }

  private isAncestorOrSelf(candidate: SpanNode, node: SpanNode): boolean {
    for (let at: SpanNode | undefined = node; at !== undefined; at = at.parent) {
      if (at === candidate) {
        return true;
      }
    }
    return false;
  }

  private count(span: PanelSpan): void {
    this.serviceCounts.set(span.service, (this.serviceCounts.get(span.service) ?? 0) + 1);
    if (span.sessionId !== undefined && span.sessionId !== '') {
      this.sessionIds.add(span.sessionId);
    }
    if (span.status === 2) {
      this.errors++;
    }
    const start = Number.isFinite(span.startUnixMs) ? span.startUnixMs : 0;
    const duration = Number.isFinite(span.durationMs) && span.durationMs > 0 ? span.durationMs : 0;
    this.minStart = Math.min(this.minStart, start);
    this.maxEnd = Math.max(this.maxEnd, start + duration);
    if (span.parentSpanId === '') {
      const node = this.nodes.get(span.spanId);
      if (node !== undefined && (this.root === undefined || this.compare(node, this.root) < 0)) {
        this.root = node;
      }
    }
  }

  /** Start time, then arrival: a total order, so every node has exactly one place. */
  private compare(a: SpanNode, b: SpanNode): number {
    this.stats.comparisons++;
    const byStart = startOf(a.span) - startOf(b.span);
    return byStart !== 0 ? byStart : a.seq - b.seq;
  }

  private insertSorted(list: SpanNode[], node: SpanNode): void {
    // Spans mostly arrive in start order: one comparison appends them.
    if (list.length === 0 || this.compare(list[list.length - 1], node) <= 0) {
      list.push(node);
      return;
    }
    let low = 0;
    let high = list.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(list[middle], node) <= 0) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    list.splice(low, 0, node);
  }

  private removeSorted(list: SpanNode[], node: SpanNode): void {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(list[middle], node) < 0) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    if (list[low] === node) {
      list.splice(low, 1);
      return;
    }
    // Unreachable while the order is total; kept so a bug cannot duplicate a span.
    const index = list.indexOf(node);
    if (index >= 0) {
      list.splice(index, 1);
    }
  }
}

function startOf(span: PanelSpan): number {
  return Number.isFinite(span.startUnixMs) ? span.startUnixMs : 0;
}
