/**
 * The light bulb on Span Lens problems: each static finding's fixes, and the same fixes for a live broken link
 * (from the traces) whose blamed line matches a rule's pattern. Offsets become positions in exactly the text they
 * were computed from: nothing is offered for a document that changed since.
 */
import * as vscode from 'vscode';
import { fixesForLiveFinding } from '../../core/analysis';
import type { Fix } from '../../core/analysis/types';
import { FINDING_CODES, type FindingKind } from '../../core/propagation';
import type { CheckedFinding } from '../../core/analysis/types';
import { DIAGNOSTIC_SOURCE } from '../findings/findingDiagnostics';
import { Logger } from '../logger';
import { diagnosticCode } from './staticDiagnostic';
import { isGoFile, StaticChecks } from './staticChecks';

const KIND_BY_CODE = new Map<string, FindingKind>(Object.entries(FINDING_CODES).map(([kind, code]) => [code, kind as FindingKind]));

export class StaticCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(
    private readonly checks: StaticChecks,
    private readonly logger: Logger,
  ) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    if (!isGoFile(document) || !this.checks.active) return [];
    if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix) && !vscode.CodeActionKind.QuickFix.contains(context.only)) return [];
    const ours = context.diagnostics.filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const actions: vscode.CodeAction[] = [];
    const findings = this.checks.findingsFor(document);
    for (const diagnostic of ours) {
      const code = diagnosticCode(diagnostic);
      const finding = findings?.find((f) => f.code === code && sameRange(f, diagnostic.range));
      if (finding) {
        actions.push(...finding.fixes.map((fix) => toAction(document, fix, diagnostic)));
      }
    }
    const version = document.version;
    for (const diagnostic of ours) {
      const kind = KIND_BY_CODE.get(diagnosticCode(diagnostic) ?? '');
      if (!kind) continue;
      const fixes = await this.liveFixes(document, kind, diagnostic.range.start.line + 1);
      if (token.isCancellationRequested || document.version !== version) return [];
      actions.push(...fixes.map((fix) => toAction(document, fix, diagnostic)));
    }
    return actions;
  }

  /** The fixes of the rule whose pattern the blamed line shows, computed on the document's current text. */
  private async liveFixes(document: vscode.TextDocument, kind: FindingKind, line: number): Promise<Fix[]> {
    const text = document.getText();
    try {
      const { module, facts } = await this.checks.checker.contextOf(document.uri.fsPath, this.checks.sources());
      await this.checks.grammarLoaded();
      return this.checks.analyzer.withGoFile(document.uri.fsPath, text, module.info, facts, (goFile) => fixesForLiveFinding(kind, goFile, line));
    } catch (error) {
      this.logger.error(`Span Lens could not compute fixes for ${document.uri.fsPath}:${line}:`, error);
      return [];
    }
  }
}

function sameRange(finding: CheckedFinding, range: vscode.Range): boolean {
  return (
    range.start.line === finding.line - 1 &&
    range.start.character === finding.column - 1 &&
    range.end.line === finding.endLine - 1 &&
    range.end.character === finding.endColumn - 1
  );
}

function toAction(document: vscode.TextDocument, fix: Fix, diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  const edit = new vscode.WorkspaceEdit();
  for (const change of fix.edits) {
    edit.replace(document.uri, new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)), change.newText);
  }
  action.edit = edit;
  action.diagnostics = [diagnostic];
  action.isPreferred = fix.preferred;
  return action;
}
