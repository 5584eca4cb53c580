/** Hover on an annotated line: the statistics and the most recent spans, with links to copy or open each trace. */
import * as vscode from 'vscode';
import { LocationStatsSnapshot, MappingStrategy, Span, SpanStore } from '../core/model';
import { COMMANDS } from './commandIds';
import { formatAgo, formatCount, formatDuration, plural } from './format';
import { commandUri, escapeMarkdown } from './markdownText';
import { errorMessage, keyAttributes, shortTraceId, statusText } from './spanSummary';

const MAX_SPANS_SHOWN = 6;

const MAPPED_VIA: Record<MappingStrategy, string> = {
  'code-attributes': '`code.*` attributes',
  stacktrace: 'a stack trace',
  'span-name': 'the span name',
  route: 'the HTTP route',
  'function-name': '`code.function.name`',
};

export class SpanHoverProvider implements vscode.HoverProvider {
  constructor(private readonly store: SpanStore) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (document.uri.scheme !== 'file') {
      return undefined;
    }
    const stats = this.store.statsAt(document.uri.fsPath, position.line + 1);
    if (!stats || stats.count === 0) {
      return undefined;
    }
    return new vscode.Hover(hoverMarkdown(stats, Date.now()), document.lineAt(position.line).range);
  }
}

/** Only our two trace commands may run from this hover's links: telemetry text is escaped, links are ours. */
export function hoverMarkdown(stats: LocationStatsSnapshot, nowMs: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = { enabledCommands: [COMMANDS.copyTraceId, COMMANDS.openTrace] };
  md.supportHtml = false;

  const names = stats.spanNames.map((name) => `**${escapeMarkdown(name, 80)}**`).join(', ');
  md.appendMarkdown(`$(pulse) Span Lens · ${names}\n\n`);
  const summary = [
    `${formatCount(stats.count)}×`,
    `p50 ${formatDuration(stats.p50Ms)}`,
    `p95 ${formatDuration(stats.p95Ms)}`,
    `max ${formatDuration(stats.maxMs)}`,
  ];
  if (stats.errors > 0) {
    summary.push(`**${plural(stats.errors, 'error')}**`);
  }
  md.appendMarkdown(`${summary.join(' · ')} · last ${formatAgo(stats.lastSeenUnixMs, nowMs)}\n\n`);

  const recent = stats.recent.slice(0, MAX_SPANS_SHOWN);
  if (recent.length > 0) {
    md.appendMarkdown('Recent spans:\n\n');
    for (const span of recent) {
      md.appendMarkdown(`- ${spanLine(span)}\n`);
    }
    md.appendMarkdown('\n');
  }
  md.appendMarkdown(
    `Mapped by ${MAPPED_VIA[stats.location.via] ?? escapeMarkdown(stats.location.via)} · services: ${stats.services
      .map((s) => escapeMarkdown(s, 60))
      .join(', ')}`,
  );
  return md;
}

/** One span: `12 ms · Error: timeout · order-service · trace 4bf92f35 · http.route=/orders/:id · Copy trace id · Open trace` (status only for errors). */
function spanLine(span: Span): string {
  const status = statusText(span);
  const message = status === 'Error' ? errorMessage(span) : undefined;
  const parts = [
    `**${formatDuration(span.durationMs)}**`,
    ...(status === 'Error' ? [`$(error) Error${message ? `: ${escapeMarkdown(message, 80)}` : ''}`] : []),
    escapeMarkdown(span.resource.serviceName, 40),
    `trace ${escapeMarkdown(shortTraceId(span.traceId))}`,
    ...keyAttributes(span, 3).map(({ key, value }) => `${escapeMarkdown(key)}=${escapeMarkdown(value, 60)}`),
    `[Copy trace id](${commandUri(COMMANDS.copyTraceId, [span.traceId])})`,
    `[Open trace](${commandUri(COMMANDS.openTrace, [span.traceId])})`,
  ];
  return parts.join(' · ');
}
