/**
 * The shapes the trace panel's model hands to its view. Pure types: the webview bundle imports them through
 * traceForest.ts, the host-side tests through the same path.
 */
import type { PanelSessionMark, PanelSpan, PanelTransport } from './protocol';

export interface ForestOptions {
  maxSpans: number;
}

export interface TraceSummary {
  traceId: string;
  rootName: string;
  rootService: string;
  /** Sorted. */
  services: string[];
  spanCount: number;
  startUnixMs: number;
  durationMs: number;
  errorCount: number;
  /** Spans whose parent id is set but not held (yet). */
  awaitingParents: number;
  /** Distinct broken links with evidence in this trace. */
  brokenLinks: number;
  /** Distinct sessionIds of its spans, sorted. */
  sessionIds: string[];
  /** Order the trace was first seen (monotonic), for newest-first listing. */
  arrival: number;
}

export interface PanelFilter {
  /** Empty = all. */
  services: string[];
  /** 'ok' = not error. */
  status: 'all' | 'error' | 'ok';
  /** Case-insensitive substring of name, service, span/trace id, source label, attribute keys/values. */
  text: string;
  /** 0 = any. */
  minDurationMs: number;
  /** Show only spans of this debug session (undefined = all spans). */
  sessionId?: string;
}

export interface ViewState {
  filter: PanelFilter;
  /** Ids of collapsed nodes: a traceId collapses a trace, `${traceId}/${spanId}` a span. Everything else is expanded. */
  collapsed: ReadonlySet<string>;
  /** Session marks (stopped/continued …) to interleave between trace rows by time; may be empty. */
  sessionMarks: readonly PanelSessionMark[];
}

export interface TraceRow {
  kind: 'trace';
  /** The traceId. */
  key: string;
  trace: TraceSummary;
  expanded: boolean;
}

export interface SpanRow {
  kind: 'span';
  /** `${traceId}/${spanId}`. */
  key: string;
  span: PanelSpan;
  /** 0 = top-level in its trace. */
  depth: number;
  /** Has children that the current filter shows. */
  hasChildren: boolean;
  expanded: boolean;
  trace: TraceSummary;
  /** true when the span itself matches the filter (ancestors of matches are shown dimmed with false). */
  matches: boolean;
  /** Set when the parent is in another service: who called and how. */
  boundary?: { fromService: string; transport: PanelTransport };
  /** Shared and frozen when empty: treat as read-only. */
  marks: RowMark[];
}

export interface MarkRow {
  kind: 'mark';
  /** `mark:${atUnixMs}:${kind}`. */
  key: string;
  mark: PanelSessionMark;
}

export type Row = TraceRow | SpanRow | MarkRow;

export type RowMark =
  /** Parent id set but the parent is not here yet: neutral, NOT a break (no finding says so). */
  | { kind: 'awaiting-parent'; parentSpanId: string }
  /** A finding names this span as evidence. `jump` = the other end when it is in another trace. */
  | {
      kind: 'broken';
      code: string;
      findingKind: string;
      role: string;
      message: string;
      blame?: string;
      jump?: { traceId: string; spanId: string };
    };

/** Work counters, so tests can check the cost of an operation without timing it. */
export interface ForestStats {
  /** Calls of the span-order comparator (start time, then arrival). */
  comparisons: number;
  /** Traces whose rows were rebuilt by rows() (a cache miss). */
  flattenedTraces: number;
  /** Span nodes visited while rebuilding rows. */
  visitedNodes: number;
}
