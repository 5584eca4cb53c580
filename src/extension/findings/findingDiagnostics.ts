/**
 * The Problems panel: one Warning per finding on the blamed line (its text, without the indentation), source
 * "Span Lens", a code per kind linking to its section of docs/broken-links.md. Bursts of detector changes become one
 * update; a file whose findings are gone loses its diagnostics.
 */
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { SpanLocator, SpanStore } from '../../core/model';
import type { Finding } from '../../core/propagation';
import { Coalescer } from '../coalescer';
import { Logger } from '../logger';
import { otherEvidenceLocations } from './evidenceLocations';
import { FindingsController } from './findingsController';
import { docsUrl } from './findingText';

export const DIAGNOSTIC_SOURCE = 'Span Lens';
const UPDATE_INTERVAL_MS = 250;

export class FindingDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('spanLens.findings');
  private readonly update: Coalescer;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** What was last set per file, so unchanged files are not set again. */
  private readonly signatures = new Map<string, string>();

  constructor(
    private readonly findings: FindingsController,
    private readonly store: SpanStore,
    private readonly locator: SpanLocator,
    logger: Logger,
  ) {
    this.update = new Coalescer(() => this.apply(), UPDATE_INTERVAL_MS, (error) => logger.error('Updating Span Lens problems failed:', error));
    this.subscriptions.push(findings.onDidChange(() => this.update.schedule()));
  }

  whenIdle(): Promise<void> {
    return this.update.whenIdle();
  }

  dispose(): void {
    this.update.dispose();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.collection.dispose();
  }

  private async apply(): Promise<void> {
    const perFile = new Map<string, Finding[]>();
    for (const finding of this.findings.findings()) {
      if (finding.location) {
        const list = perFile.get(finding.location.file) ?? [];
        list.push(finding);
        perFile.set(finding.location.file, list);
      }
    }
    for (const file of [...this.signatures.keys()]) {
      if (!perFile.has(file)) {
        this.collection.delete(vscode.Uri.file(file));
        this.signatures.delete(file);
      }
    }
    for (const [file, findings] of perFile) {
      const lines = await lineTexts(file);
      const diagnostics = findings.map((finding) => this.diagnostic(finding, lines));
      const signature = JSON.stringify(
        findings.map((f, i) => [f.id, diagnostics[i].range.start.character, diagnostics[i].range.end.character, f.message, diagnostics[i].relatedInformation?.length]),
      );
      if (this.signatures.get(file) !== signature) {
        this.collection.set(vscode.Uri.file(file), diagnostics);
        this.signatures.set(file, signature);
      }
    }
  }

  private diagnostic(finding: Finding, lines: readonly string[] | undefined): vscode.Diagnostic {
    const diagnostic = new vscode.Diagnostic(lineRange(finding.location?.line ?? 1, lines), finding.message, vscode.DiagnosticSeverity.Warning);
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = { value: finding.code, target: vscode.Uri.parse(docsUrl(finding.kind, finding.code)) };
    const related = otherEvidenceLocations(finding, this.store, this.locator);
    if (related.length > 0) {
      diagnostic.relatedInformation = related.map(
        ({ evidence, location }) =>
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(vscode.Uri.file(location.file), lineRange(location.line, undefined)),
            `${evidence.role}: ${evidence.name} (${evidence.service}, trace ${evidence.traceId.slice(0, 8)})`,
          ),
      );
    }
    return diagnostic;
  }
}

/** The line's text without its indentation; the whole line when the text is not known. */
function lineRange(line: number, lines: readonly string[] | undefined): vscode.Range {
  const index = Math.max(0, line - 1);
  const text = lines?.[index];
  if (text === undefined) {
    return new vscode.Range(index, 0, index, Number.MAX_SAFE_INTEGER);
  }
  const start = text.length - text.trimStart().length;
  return new vscode.Range(index, start, index, Math.max(start, text.trimEnd().length));
}

/** An open editor's text (it may be unsaved), else the file on disk. */
async function lineTexts(file: string): Promise<string[] | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.scheme === 'file' && document.uri.fsPath === file);
  if (open) {
    return open.getText().split(/\r?\n/);
  }
  try {
    return (await fs.readFile(file, 'utf8')).split(/\r?\n/);
  } catch {
    return undefined;
  }
}
