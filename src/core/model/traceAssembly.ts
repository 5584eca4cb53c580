import { Span } from './span';

export interface TraceNode {
  span: Span;
  /** Child spans, ordered by start time (arrival order breaks ties). */
  children: TraceNode[];
  /**
   * Set on a root whose span names a parent this trace does not hold (not received yet, evicted, or in another
   * process that never exported it). Also set where a parent cycle in malformed data had to be cut.
   */
  missingParent?: boolean;
}

export interface AssembledTrace {
  traceId: string;
  /** True roots (no parent id) and orphans (`missingParent`), ordered by start time. */
  roots: TraceNode[];
  spanCount: number;
  /** Distinct `service.name`s in the trace, sorted. */
  services: string[];
  startUnixMs: number;
  endUnixMs: number;
  durationMs: number;
  /** Number of roots with `missingParent`. */
  orphanCount: number;
}

/**
 * Nests spans by parent id, whatever order they arrived in: the tree is built at query time from the retained spans,
 * so a child that arrived before its parent sits under it as soon as the parent is there. O(n log n) in the trace.
 */
export function assembleTrace(traceId: string, spans: readonly Span[]): AssembledTrace {
  const nodes = new Map<string, TraceNode>();
  const ordered: TraceNode[] = spans.map((span) => ({ span, children: [] }));
  for (const node of ordered) {
    nodes.set(node.span.spanId, node);
  }

  const roots: TraceNode[] = [];
  for (const node of ordered) {
    const parentId = node.span.parentSpanId;
    const parent = parentId === '' ? undefined : nodes.get(parentId);
    if (parentId === '') {
      roots.push(node);
    } else if (parent === undefined || parent === node) {
      node.missingParent = true;
      roots.push(node);
    } else {
      parent.children.push(node);
    }
  }

  cutParentCycles(ordered, roots);

  let start = Infinity;
  let end = -Infinity;
  const services = new Set<string>();
  for (const { span } of ordered) {
    start = Math.min(start, span.startTimeUnixMs);
    end = Math.max(end, span.startTimeUnixMs + Math.max(0, span.durationMs));
    services.add(span.resource.serviceName);
  }
  for (const node of ordered) {
    node.children.sort(byStartTime);
  }
  roots.sort(byStartTime);

  const empty = ordered.length === 0;
  return {
    traceId,
    roots,
    spanCount: ordered.length,
    services: [...services].sort(),
    startUnixMs: empty ? 0 : start,
    endUnixMs: empty ? 0 : end,
    durationMs: empty ? 0 : end - start,
    orphanCount: roots.filter((root) => root.missingParent).length,
  };
}

/**
 * Spans whose parent links form a loop (A under B under A) are reachable from no root; each loop is cut at its
 * earliest-arriving span, which becomes a root marked `missingParent`, so no span silently disappears.
 */
function cutParentCycles(all: TraceNode[], roots: TraceNode[]): void {
  const reached = new Set<TraceNode>();
  const visit = (from: TraceNode): void => {
    const stack = [from];
    while (stack.length > 0) {
      const node = stack.pop() as TraceNode;
      if (reached.has(node)) continue;
      reached.add(node);
      stack.push(...node.children);
    }
  };
  roots.forEach(visit);
  if (reached.size === all.length) {
    return;
  }
  const parentOf = new Map<TraceNode, TraceNode>();
  for (const node of all) {
    for (const child of node.children) parentOf.set(child, node);
  }
  for (const node of all) {
    if (reached.has(node)) continue;
    const parent = parentOf.get(node);
    if (parent) {
      parent.children.splice(parent.children.indexOf(node), 1);
    }
    node.missingParent = true;
    roots.push(node);
    visit(node);
  }
}

function byStartTime(a: TraceNode, b: TraceNode): number {
  return a.span.startTimeUnixMs - b.span.startTimeUnixMs;
}
