/**
 * What a trace id in a log says about its trace: the link's tooltip and the hover (service, root span, duration,
 * span count, broken links) with a link that reveals the trace in the panel. Span names and finding messages are
 * telemetry, so they are escaped; the only command a link may run is ours. No vscode import: unit-tested.
 */
import type { AssembledTrace, Span, TraceNode } from '../../core/model';
import type { Finding } from '../../core/propagation';
import { COMMANDS } from '../commandIds';
import { formatDuration, plural } from '../format';
import { commandUri, escapeMarkdown } from '../markdownText';

/** Broken-link messages listed in the hover; the count says how many there are in all. */
const MAX_BROKEN_LINKS_SHOWN = 3;

/** The commands the hover's links may run. */
export const TRACE_LINK_COMMANDS = [COMMANDS.revealTraceInPanel];

export interface TraceLinkSummary {
  traceId: string;
  /** The root span (the earliest true root; the earliest span waiting for its parent when no root arrived). */
  rootName: string;
  /** The root span's service. */
  service: string;
  services: string[];
  durationMs: number;
  spanCount: number;
  errorCount: number;
  /** True when the trace's root has not arrived (every top span names a parent not held). */
  rootMissing: boolean;
  brokenLinks: { code: string; message: string }[];
  /** The span the log line named, when the trace holds it. */
  span?: { name: string; service: string; durationMs: number; error: boolean };
}

export function summarizeTrace(trace: AssembledTrace, findings: readonly Finding[], spanId?: string): TraceLinkSummary {
  const root = trace.roots.find((node) => !node.missingParent) ?? trace.roots[0];
  let errorCount = 0;
  let named: Span | undefined;
  walk(trace.roots, (span) => {
    if (span.status.code === 2) {
      errorCount++;
    }
    if (spanId !== undefined && span.spanId === spanId) {
      named = span;
    }
  });
  const brokenLinks = findings.filter((finding) => finding.traceIds.includes(trace.traceId)).map(({ code, message }) => ({ code, message }));
  const summary: TraceLinkSummary = {
    traceId: trace.traceId,
    rootName: root?.span.name ?? '',
    service: root?.span.resource.serviceName ?? '',
    services: trace.services,
    durationMs: trace.durationMs,
    spanCount: trace.spanCount,
    errorCount,
    rootMissing: root === undefined || root.missingParent === true,
    brokenLinks,
  };
  if (named) {
    summary.span = { name: named.name, service: named.resource.serviceName, durationMs: named.durationMs, error: named.status.code === 2 };
  }
  return summary;
}

/** `command:spanLens.revealTraceInPanel?…` with the trace id (and span id when known) as arguments. */
export function revealTraceUri(traceId: string, spanId?: string): string {
  return commandUri(COMMANDS.revealTraceInPanel, spanId === undefined ? [traceId] : [traceId, spanId]);
}

/** Plain text (tooltips are not Markdown): `Open trace in Span Lens (order-service · POST /orders · 12 ms)`. */
export function traceLinkTooltip(summary: TraceLinkSummary): string {
  const parts = [clip(summary.service, 40), clip(summary.rootName, 60), formatDuration(summary.durationMs)].filter((part) => part !== '');
  if (summary.brokenLinks.length > 0) {
    parts.push(plural(summary.brokenLinks.length, 'broken link'));
  }
  return `Open trace in Span Lens (${parts.join(' · ')})`;
}

export function traceHoverMarkdown(summary: TraceLinkSummary, spanId?: string): string {
  const lines: string[] = [];
  lines.push(`$(pulse) **Span Lens · trace ${escapeMarkdown(summary.traceId.slice(0, 8))}**`);
  const facts = [
    `**${escapeMarkdown(summary.service, 60)}**`,
    `${summary.rootMissing ? 'root not received yet, first span' : 'root'} **${escapeMarkdown(summary.rootName, 80)}**`,
    formatDuration(summary.durationMs),
    plural(summary.spanCount, 'span'),
  ];
  if (summary.errorCount > 0) {
    facts.push(`$(error) ${plural(summary.errorCount, 'error')}`);
  }
  lines.push(facts.join(' · '));
  if (summary.services.length > 1) {
    lines.push(`Services: ${summary.services.map((service) => escapeMarkdown(service, 40)).join(', ')}`);
  }
  if (summary.span) {
    const status = summary.span.error ? ' · $(error) error' : '';
    lines.push(`This span: **${escapeMarkdown(summary.span.name, 80)}** · ${escapeMarkdown(summary.span.service, 40)} · ${formatDuration(summary.span.durationMs)}${status}`);
  }
  if (summary.brokenLinks.length > 0) {
    const shown = summary.brokenLinks.slice(0, MAX_BROKEN_LINKS_SHOWN);
    const more = summary.brokenLinks.length - shown.length;
    lines.push(
      [
        `$(warning) ${plural(summary.brokenLinks.length, 'broken link')}:`,
        ...shown.map((link) => `- ${escapeMarkdown(link.code)} ${escapeMarkdown(link.message, 200)}`),
        ...(more > 0 ? [`- and ${more} more`] : []),
      ].join('\n'),
    );
  }
  lines.push(`[Open in Span Lens](${revealTraceUri(summary.traceId, spanId)})`);
  return lines.join('\n\n');
}

function walk(nodes: readonly TraceNode[], visit: (span: Span) => void): void {
  const stack = [...nodes];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    visit(node.span);
    stack.push(...node.children);
  }
}

function clip(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
