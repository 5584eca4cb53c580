/**
 * The trace panel's model: every span the panel holds, as one tree per trace, and the flattened rows to draw.
 * Pure TypeScript (no DOM, no Node): the webview bundles it, and the unit tests run it in Node.
 *
 * Spans arrive in any order. One whose parent is not held yet is a top-level row with a neutral `awaiting-parent`
 * mark, and moves under its parent when that arrives: the tree never shows a false break and never loses a span.
 */
import type {
  ForestOptions,
  ForestStats,
  MarkRow,
  Row,
  RowMark,
  TraceSummary,
  ViewState,
} from './forestTypes';
import { compileFilter } from './panelFilter';
import type { PanelBrokenLink, PanelSessionMark, PanelSpan } from './protocol';
import { TraceState, type SpanNode } from './traceState';
import { flattenTrace } from './visibleRows';

export type {
  ForestOptions,
  ForestStats,
  MarkRow,
  PanelFilter,
  Row,
  RowMark,
  SpanRow,
  TraceRow,
  TraceSummary,
  ViewState,
} from './forestTypes';
export { EMPTY_FILTER } from './panelFilter';

const NO_MARKS: RowMark[] = Object.freeze([]) as unknown as RowMark[];

interface TraceCache {
  summaryVersion: number;
  summary: TraceSummary | undefined;
  rowsKey: string | undefined;
  rows: Row[];
}

export class TraceForest {
  /** Work counters (see ForestStats): tests read them to check that an operation did not redo everything. */
  readonly stats: ForestStats = { comparisons: 0, flattenedTraces: 0, visitedNodes: 0 };

  private maxSpans: number;
  /** In arrival order: the first entry is the oldest trace, the one evicted first. */
  private readonly traces = new Map<string, TraceState>();
  private readonly caches = new Map<TraceState, TraceCache>();
  /** traceId → spanId → broken marks, from the current findings. */
  private brokenMarks = new Map<string, Map<string, RowMark[]>>();
  /** traceId → ids of the findings with evidence in it. */
  private brokenLinkIds = new Map<string, Set<string>>();
  private spans = 0;
  private evicted = 0;
  private seq = 0;
  private changes = 0;
  private lastRows: { version: number; viewKey: string; rows: Row[] } | undefined;
  private servicesCache: { version: number; services: string[] } | undefined;

  constructor(options: ForestOptions) {
    this.maxSpans = sanitizeMax(options.maxSpans);
  }

  get spanCount(): number {
    return this.spans;
  }

  get traceCount(): number {
    return this.traces.size;
  }

  get evictedSpans(): number {
    return this.evicted;
  }

  /** Bumps on every change, so the UI can skip work when nothing changed. */
  get version(): number {
    return this.changes;
  }

  /** Adds spans in any order; a duplicate (same trace+span id) is ignored. Evicts oldest traces beyond maxSpans. */
  add(spans: readonly PanelSpan[]): void {
    let added = false;
    for (const span of spans) {
      if (!isUsableSpan(span)) {
        continue;
      }
      let state = this.traces.get(span.traceId);
      if (state === undefined) {
        state = new TraceState(span.traceId, ++this.seq, this.stats);
        this.traces.set(span.traceId, state);
      }
      if (state.add(span, ++this.seq)) {
        this.spans++;
        if (!added) {
          this.changes++;
          added = true;
        }
        state.version = this.changes;
      }
    }
    if (added) {
      this.evict();
    }
  }

  /** Replaces the broken links (findings) shown as marks on the spans they name. */
  setBrokenLinks(links: readonly PanelBrokenLink[]): void {
    const marks = new Map<string, Map<string, RowMark[]>>();
    const ids = new Map<string, Set<string>>();
    for (const link of links) {
      for (const evidence of link.evidence) {
        const other = link.evidence.find((candidate) => candidate.traceId !== evidence.traceId);
        const mark: RowMark = {
          kind: 'broken',
          code: link.code,
          findingKind: link.kind,
          role: evidence.role,
          message: link.message,
        };
        if (link.blame !== undefined) {
          mark.blame = link.blame;
        }
        if (other !== undefined) {
          mark.jump = { traceId: other.traceId, spanId: other.spanId };
        }
        let bySpan = marks.get(evidence.traceId);
        if (bySpan === undefined) {
          bySpan = new Map();
          marks.set(evidence.traceId, bySpan);
        }
        const list = bySpan.get(evidence.spanId);
        if (list === undefined) {
          bySpan.set(evidence.spanId, [mark]);
        } else if (!list.some((existing) => existing.kind === 'broken' && sameBroken(existing, mark))) {
          list.push(mark);
        }
        let traceIds = ids.get(evidence.traceId);
        if (traceIds === undefined) {
          traceIds = new Set();
          ids.set(evidence.traceId, traceIds);
        }
        traceIds.add(link.id);
      }
    }
    this.changes++;
    // Both the traces that had marks and those that get them now show something different.
    for (const traceId of new Set([...this.brokenMarks.keys(), ...marks.keys()])) {
      const state = this.traces.get(traceId);
      if (state !== undefined) {
        state.version = this.changes;
      }
    }
    this.brokenMarks = marks;
    this.brokenLinkIds = ids;
  }

  clear(): void {
    this.traces.clear();
    this.caches.clear();
    this.spans = 0;
    this.evicted = 0;
    this.changes++;
  }

  setMaxSpans(n: number): void {
    this.maxSpans = sanitizeMax(n);
    this.evict();
  }

  trace(traceId: string): TraceSummary | undefined {
    const state = this.traces.get(traceId);
    return state === undefined ? undefined : this.summaryOf(state);
  }

  span(traceId: string, spanId: string): PanelSpan | undefined {
    return this.traces.get(traceId)?.nodes.get(spanId)?.span;
  }

  /** The span's parent as the tree shows it (undefined at top level), for keyboard "go to parent". */
  parentOf(traceId: string, spanId: string): PanelSpan | undefined {
    return this.traces.get(traceId)?.nodes.get(spanId)?.parent?.span;
  }

  /** Trace ids, newest first. */
  traceIds(): string[] {
    return [...this.traces.keys()].reverse();
  }

  /** Broken-link marks shown on this span's row. */
  marksFor(traceId: string, spanId: string): RowMark[] {
    const node = this.traces.get(traceId)?.nodes.get(spanId);
    if (node === undefined) {
      return [...(this.brokenMarks.get(traceId)?.get(spanId) ?? [])];
    }
    return [...this.marksOf(this.traces.get(traceId) as TraceState, node)];
  }

  /** Sorted, every service.name held. */
  services(): string[] {
    if (this.servicesCache?.version !== this.changes) {
      const all = new Set<string>();
      for (const state of this.traces.values()) {
        for (const service of state.services()) {
          all.add(service);
        }
      }
      this.servicesCache = { version: this.changes, services: [...all].sort() };
    }
    return [...this.servicesCache.services];
  }

  /**
   * The flattened, filtered rows to display: traces newest first (by start time, then arrival), each followed by its visible spans, with session
   * marks in between. Each trace's rows are cached until the trace or the view changes; when nothing changed at
   * all the same array is returned (treat it as read-only).
   */
  rows(view: ViewState): Row[] {
    const filter = compileFilter(view.filter);
    const collapsedByTrace = groupCollapsed(view.collapsed);
    const marks = [...view.sessionMarks].sort((a, b) => b.atUnixMs - a.atUnixMs);
    const collapsedKey = [...collapsedByTrace.values()].sort().join('\n');
    const marksKey = JSON.stringify(marks.map((mark) => [mark.atUnixMs, mark.kind, mark.detail ?? '']));
    const viewKey = `${filter.signature}\n${collapsedKey}\n${marksKey}`;
    if (this.lastRows !== undefined && this.lastRows.version === this.changes && this.lastRows.viewKey === viewKey) {
      return this.lastRows.rows;
    }

    const rows: Row[] = [];
    let nextMark = 0;
    // By start time, not arrival: the session marks (stopped, continued) are wall-clock times and must fall between the
    // traces that ran before and after them, even when an exporter delivers an older trace late.
    const states = [...this.traces.values()].sort(newestStartFirst);
    for (const state of states) {
      const traceRows = this.traceRows(state, filter, view.collapsed, collapsedByTrace.get(state.traceId) ?? '');
      if (traceRows.length === 0) {
        continue;
      }
      while (nextMark < marks.length && marks[nextMark].atUnixMs >= state.startUnixMs) {
        rows.push(markRow(marks[nextMark++]));
      }
      for (const row of traceRows) {
        rows.push(row);
      }
    }
    while (nextMark < marks.length) {
      rows.push(markRow(marks[nextMark++]));
    }
    this.lastRows = { version: this.changes, viewKey, rows };
    return rows;
  }

  private traceRows(state: TraceState, filter: ReturnType<typeof compileFilter>, collapsed: ReadonlySet<string>, collapsedKey: string): Row[] {
    const cache = this.cacheOf(state);
    const rowsKey = `${state.version}\n${filter.signature}\n${collapsedKey}`;
    if (cache.rowsKey !== rowsKey) {
      cache.rows = flattenTrace({
        state,
        summary: this.summaryOf(state),
        filter,
        collapsed,
        marksFor: (node) => this.marksOf(state, node),
        stats: this.stats,
      });
      cache.rowsKey = rowsKey;
    }
    return cache.rows;
  }

  private marksOf(state: TraceState, node: SpanNode): RowMark[] {
    const broken = this.brokenMarks.get(state.traceId)?.get(node.span.spanId);
    const awaiting = state.isAwaiting(node);
    if (!awaiting) {
      return broken ?? NO_MARKS;
    }
    const marks: RowMark[] = [{ kind: 'awaiting-parent', parentSpanId: node.span.parentSpanId }];
    return broken === undefined ? marks : marks.concat(broken);
  }

  private summaryOf(state: TraceState): TraceSummary {
    const cache = this.cacheOf(state);
    if (cache.summary === undefined || cache.summaryVersion !== state.version) {
      const root = state.rootNode();
      cache.summary = {
        traceId: state.traceId,
        rootName: root?.span.name ?? '',
        rootService: root?.span.service ?? '',
        services: state.services(),
        spanCount: state.size,
        startUnixMs: state.startUnixMs,
        durationMs: state.durationMs,
        errorCount: state.errorCount,
        awaitingParents: state.awaitingParents,
        brokenLinks: this.brokenLinkIds.get(state.traceId)?.size ?? 0,
        sessionIds: state.sessions(),
        arrival: state.arrival,
      };
      cache.summaryVersion = state.version;
    }
    return cache.summary;
  }

  private cacheOf(state: TraceState): TraceCache {
    let cache = this.caches.get(state);
    if (cache === undefined) {
      cache = { summaryVersion: -1, summary: undefined, rowsKey: undefined, rows: [] };
      this.caches.set(state, cache);
    }
    return cache;
  }

  /** Whole traces, oldest first, until the cap holds; the newest trace stays even when it alone exceeds the cap. */
  private evict(): void {
    let evictedAny = false;
    while (this.spans > this.maxSpans && this.traces.size > 1) {
      const [traceId, state] = this.traces.entries().next().value as [string, TraceState];
      this.traces.delete(traceId);
      this.caches.delete(state);
      this.spans -= state.size;
      this.evicted += state.size;
      evictedAny = true;
    }
    if (evictedAny) {
      this.changes++;
    }
  }
}

function isUsableSpan(span: PanelSpan): boolean {
  return (
    typeof span === 'object' &&
    span !== null &&
    typeof span.traceId === 'string' &&
    span.traceId !== '' &&
    typeof span.spanId === 'string' &&
    span.spanId !== '' &&
    typeof span.parentSpanId === 'string'
  );
}

function sanitizeMax(n: number): number {
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
}

function sameBroken(a: RowMark & { kind: 'broken' }, b: RowMark & { kind: 'broken' }): boolean {
  return a.code === b.code && a.role === b.role && a.message === b.message && a.jump?.traceId === b.jump?.traceId;
}

/** traceId → its collapsed keys joined, so a trace's cached rows survive collapsing a node in another trace. */
function groupCollapsed(collapsed: ReadonlySet<string>): Map<string, string> {
  const lists = new Map<string, string[]>();
  for (const key of collapsed) {
    const slash = key.indexOf('/');
    const traceId = slash < 0 ? key : key.slice(0, slash);
    const list = lists.get(traceId);
    if (list === undefined) {
      lists.set(traceId, [key]);
    } else {
      list.push(key);
    }
  }
  const grouped = new Map<string, string>();
  for (const [traceId, keys] of lists) {
    grouped.set(traceId, keys.sort().join('\n'));
  }
  return grouped;
}

function markKey(mark: PanelSessionMark): string {
  return `mark:${mark.atUnixMs}:${mark.kind}`;
}

function markRow(mark: PanelSessionMark): MarkRow {
  return { kind: 'mark', key: markKey(mark), mark };
}

function newestStartFirst(a: TraceState, b: TraceState): number {
  return b.startUnixMs - a.startUnixMs || b.arrival - a.arrival;
}
