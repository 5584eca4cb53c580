import { EMPTY_FILTER, type PanelFilter, type Row, type SpanRow, type TraceRow, type ViewState } from '../../../src/core/panel/traceForest';
import type { PanelSpan } from '../../../src/core/panel/protocol';

export interface SpanSpec {
  trace?: string;
  id: string;
  parent?: string;
  name?: string;
  service?: string;
  start?: number;
  duration?: number;
  status?: number;
  sessionId?: string;
  attributes?: [string, string][];
  transport?: PanelSpan['transport'];
  sourceLabel?: string;
}

export const T1 = 'a'.repeat(32);
export const T2 = 'b'.repeat(32);
export const T3 = 'c'.repeat(32);

export function span(spec: SpanSpec): PanelSpan {
  const result: PanelSpan = {
    traceId: spec.trace ?? T1,
    spanId: spec.id,
    parentSpanId: spec.parent ?? '',
    name: spec.name ?? `op ${spec.id}`,
    service: spec.service ?? 'orders',
    kind: 1,
    startUnixMs: spec.start ?? 1_000,
    durationMs: spec.duration ?? 10,
    status: spec.status ?? 0,
    statusMessage: '',
    transport: spec.transport ?? '',
    attributes: spec.attributes ?? [],
    events: [],
    links: [],
  };
  if (spec.sessionId !== undefined) {
    result.sessionId = spec.sessionId;
  }
  if (spec.sourceLabel !== undefined) {
    result.source = { file: `/ws/${spec.sourceLabel}`, line: 1, label: spec.sourceLabel };
  }
  return result;
}

export function view(filter: Partial<PanelFilter> = {}, collapsed: string[] = [], sessionMarks: ViewState['sessionMarks'] = []): ViewState {
  return { filter: { ...EMPTY_FILTER, ...filter }, collapsed: new Set(collapsed), sessionMarks };
}

export function spanRows(rows: readonly Row[]): SpanRow[] {
  return rows.filter((row): row is SpanRow => row.kind === 'span');
}

export function traceRows(rows: readonly Row[]): TraceRow[] {
  return rows.filter((row): row is TraceRow => row.kind === 'trace');
}

/** `id@depth` per span row: the shape of the tree as shown. */
export function outline(rows: readonly Row[]): string[] {
  return spanRows(rows).map((row) => `${row.span.spanId}@${row.depth}`);
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

/**
 * A big trace that is both deep and wide: a chain `d0 → d1 → … → d(depth-1)`, and under each chain link `fanout`
 * leaf children, until `total` spans. Start times grow with the id so the expected order is known.
 */
export function bigTrace(total: number, depth: number, traceId = T1): PanelSpan[] {
  const spans: PanelSpan[] = [];
  for (let i = 0; i < depth && spans.length < total; i++) {
    spans.push(span({ trace: traceId, id: `d${i}`, parent: i === 0 ? '' : `d${i - 1}`, start: i * 2, duration: 1_000_000 }));
  }
  let leaf = 0;
  while (spans.length < total) {
    const parent = leaf % depth;
    spans.push(span({ trace: traceId, id: `l${leaf}`, parent: `d${parent}`, start: parent * 2 + 1 + leaf / 1e6, duration: 1 }));
    leaf++;
  }
  return spans;
}
