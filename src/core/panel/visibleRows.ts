/**
 * Flattens one trace into the rows the panel shows: depth-first in the tree's (already sorted) order, skipping
 * spans that neither match the filter nor lead to a match, and the insides of collapsed nodes. Iterative, so a
 * 10,000-deep chain does not overflow the stack.
 */
import type { ForestStats, Row, RowMark, SpanRow, TraceSummary } from './forestTypes';
import { spanHaystack, type CompiledFilter } from './panelFilter';
import type { SpanNode, TraceState } from './traceState';

export interface FlattenInput {
  state: TraceState;
  summary: TraceSummary;
  filter: CompiledFilter;
  collapsed: ReadonlySet<string>;
  marksFor(node: SpanNode): RowMark[];
  stats: ForestStats;
}

/** The trace row followed by its visible span rows; empty when no span of the trace matches. */
export function flattenTrace(input: FlattenInput): Row[] {
  const { state, summary, filter, collapsed, stats } = input;
  stats.flattenedTraces++;
  if (!filter.matchesAll) {
    computeMatches(state, filter, stats);
    if (!state.topLevel.some((node) => node.subtreeMatches)) {
      return [];
    }
  } else if (state.topLevel.length === 0) {
    return [];
  }
  const traceExpanded = !collapsed.has(state.traceId);
  const rows: Row[] = [{ kind: 'trace', key: state.traceId, trace: summary, expanded: traceExpanded }];
  if (!traceExpanded) {
    return rows;
  }

  const shown = filter.matchesAll ? (_node: SpanNode) => true : (node: SpanNode) => node.subtreeMatches;
  const nodes: SpanNode[] = [];
  const depths: number[] = [];
  pushChildren(state.topLevel, 0, shown, nodes, depths);
  while (nodes.length > 0) {
    const node = nodes.pop() as SpanNode;
    const depth = depths.pop() as number;
    stats.visitedNodes++;
    const span = node.span;
    const key = node.key;
    const hasChildren = filter.matchesAll ? node.children.length > 0 : node.children.some(shown);
    const expanded = !collapsed.has(key);
    const row: SpanRow = {
      kind: 'span',
      key,
      span,
      depth,
      hasChildren,
      expanded,
      trace: summary,
      matches: filter.matchesAll || node.matches,
      marks: input.marksFor(node),
    };
    const parent = node.parent;
    if (parent !== undefined && parent.span.service !== span.service) {
      row.boundary = { fromService: parent.span.service, transport: span.transport || parent.span.transport };
    }
    rows.push(row);
    if (hasChildren && expanded) {
      pushChildren(node.children, depth + 1, shown, nodes, depths);
    }
  }
  return rows;
}

/** Pushed in reverse so the stack pops them in order. */
function pushChildren(
  children: readonly SpanNode[],
  depth: number,
  shown: (node: SpanNode) => boolean,
  nodes: SpanNode[],
  depths: number[],
): void {
  for (let i = children.length - 1; i >= 0; i--) {
    if (shown(children[i])) {
      nodes.push(children[i]);
      depths.push(depth);
    }
  }
}

/** Sets each node's `matches` and `subtreeMatches` for this filter, once per trace version. */
function computeMatches(state: TraceState, filter: CompiledFilter, stats: ForestStats): void {
  const matchKey = `${state.version}|${filter.signature}`;
  if (state.matchKey === matchKey) {
    return;
  }
  const order: SpanNode[] = [];
  const stack: SpanNode[] = [];
  for (let i = state.topLevel.length - 1; i >= 0; i--) {
    stack.push(state.topLevel[i]);
  }
  while (stack.length > 0) {
    const node = stack.pop() as SpanNode;
    stats.visitedNodes++;
    order.push(node);
    node.matches = filter.matches(node.span, () => (node.haystack ??= spanHaystack(node.span)));
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push(node.children[i]);
    }
  }
  // Children come after their parent in pre-order, so walking backwards settles every subtree before its root.
  for (const node of order) {
    node.subtreeMatches = node.matches;
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    if (node.subtreeMatches && node.parent !== undefined) {
      node.parent.subtreeMatches = true;
    }
  }
  state.matchKey = matchKey;
}
