/**
 * Trace ids in logs (log files, the Output panel, JSON-lines files) become links that open their trace in the
 * panel, and show a summary on hover: only ids whose trace Span Lens holds, so a link always leads somewhere.
 */
import * as vscode from 'vscode';
import { SpanStore } from '../../core/model';
import { scanTraceIds, TraceIdMatch } from '../../core/logs/traceIdScanner';
import type { Finding } from '../../core/propagation';
import { revealTraceUri, summarizeTrace, TRACE_LINK_COMMANDS, traceHoverMarkdown, traceLinkTooltip } from './traceLinkText';

export const TRACE_LINK_SELECTOR: vscode.DocumentSelector = [
  { language: 'log' },
  { language: 'Log' },
  { scheme: 'output' },
  { pattern: '**/*.{log,jsonl,ndjson}' },
];

/** Links per document: enough for any screen of a log; a huge file does not turn into a huge link list. */
const MAX_LINKS = 5000;
/** Text scanned per document (from the start): a log far larger than this is read in pieces by its user anyway. */
const MAX_SCANNED_CHARS = 8_000_000;

export class TraceLinks implements vscode.DocumentLinkProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly registrations: vscode.Disposable[];

  constructor(
    private readonly store: SpanStore,
    private readonly findings: { findings(): Finding[] },
  ) {
    this.registrations = [
      vscode.languages.registerDocumentLinkProvider(TRACE_LINK_SELECTOR, this),
      vscode.languages.registerHoverProvider(TRACE_LINK_SELECTOR, this),
    ];
  }

  provideDocumentLinks(document: vscode.TextDocument, token: vscode.CancellationToken): vscode.DocumentLink[] {
    const text = document.getText();
    const matches = scanTraceIds(text.length > MAX_SCANNED_CHARS ? text.slice(0, MAX_SCANNED_CHARS) : text);
    const tooltips = new Map<string, string | undefined>();
    const findings = this.findings.findings();
    const links: vscode.DocumentLink[] = [];
    for (const match of matches) {
      if (links.length >= MAX_LINKS || token.isCancellationRequested) {
        break;
      }
      let tooltip = tooltips.get(match.traceId);
      if (!tooltips.has(match.traceId)) {
        const trace = this.store.getTrace(match.traceId);
        tooltip = trace ? traceLinkTooltip(summarizeTrace(trace, findings)) : undefined;
        tooltips.set(match.traceId, tooltip);
      }
      if (tooltip === undefined) {
        continue;
      }
      const range = new vscode.Range(document.positionAt(match.start), document.positionAt(match.end));
      const link = new vscode.DocumentLink(range, vscode.Uri.parse(revealTraceUri(match.traceId, match.spanId)));
      link.tooltip = tooltip;
      links.push(link);
    }
    return links;
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const line = document.lineAt(position.line).text;
    const match = scanTraceIds(line).find((m: TraceIdMatch) => m.start <= position.character && position.character <= m.end);
    if (!match) {
      return undefined;
    }
    const trace = this.store.getTrace(match.traceId);
    if (!trace) {
      return undefined;
    }
    const md = new vscode.MarkdownString(traceHoverMarkdown(summarizeTrace(trace, this.findings.findings(), match.spanId), match.spanId), true);
    md.isTrusted = { enabledCommands: TRACE_LINK_COMMANDS };
    md.supportHtml = false;
    return new vscode.Hover(md, new vscode.Range(position.line, match.start, position.line, match.end));
  }

  dispose(): void {
    for (const registration of this.registrations) {
      registration.dispose();
    }
  }
}
