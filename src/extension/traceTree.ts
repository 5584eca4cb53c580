/** A trace as an indented JSON tree, for the read-only trace document. No vscode import: unit-tested. */
import { AssembledTrace, SourceLocation, Span, TraceNode } from '../core/model';
import { formatDuration } from './format';
import { statusText } from './spanSummary';

const KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

export interface TraceTreeNode {
  name: string;
  service: string;
  kind: string;
  spanId: string;
  /** Offset from the trace's first span start, and duration: humane text first, exact numbers after. */
  start: string;
  duration: string;
  durationMs: number;
  status: string;
  statusMessage?: string;
  /** `file:line` in the workspace, when the span maps to one. */
  source?: string;
  /** Set when the parent span never arrived (or was evicted): the trace is broken above this span. */
  missingParent?: string;
  attributes: Span['attributes'];
  events?: { name: string; at: string; attributes: Span['attributes'] }[];
  children: TraceTreeNode[];
}

export interface TraceTreeDocument {
  traceId: string;
  spans: number;
  services: string[];
  duration: string;
  orphans: number;
  roots: TraceTreeNode[];
}

export function traceTree(
  trace: AssembledTrace,
  locate: (span: Span) => SourceLocation | undefined = () => undefined,
  relativePath: (file: string) => string = (file) => file,
): TraceTreeDocument {
  const convert = (node: TraceNode): TraceTreeNode => {
    const { span } = node;
    const location = safeLocate(locate, span);
    // Key order is reading order in the document: identity and timing first, then details, then children.
    return {
      name: span.name,
      service: span.resource.serviceName,
      kind: KIND_NAMES[span.kind] ?? String(span.kind),
      spanId: span.spanId,
      start: `+${formatDuration(span.startTimeUnixMs - trace.startUnixMs)}`,
      duration: formatDuration(span.durationMs),
      durationMs: span.durationMs,
      status: statusText(span),
      ...(span.status.message ? { statusMessage: span.status.message } : {}),
      ...(location ? { source: `${relativePath(location.file)}:${location.line}` } : {}),
      ...(node.missingParent ? { missingParent: span.parentSpanId } : {}),
      attributes: span.attributes,
      ...(span.events.length > 0
        ? {
            events: span.events.map((event) => ({
              name: event.name,
              at: `+${formatDuration(event.timeUnixMs - span.startTimeUnixMs)}`,
              attributes: event.attributes,
            })),
          }
        : {}),
      children: node.children.map(convert),
    };
  };
  return {
    traceId: trace.traceId,
    spans: trace.spanCount,
    services: trace.services,
    duration: formatDuration(trace.durationMs),
    orphans: trace.orphanCount,
    roots: trace.roots.map(convert),
  };
}

/** A locator failure must not keep the user from seeing the trace. */
function safeLocate(locate: (span: Span) => SourceLocation | undefined, span: Span): SourceLocation | undefined {
  try {
    return locate(span);
  } catch {
    return undefined;
  }
}
