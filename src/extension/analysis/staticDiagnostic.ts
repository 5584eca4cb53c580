/** One static finding as a Problems entry: a Warning from "Span Lens" on the fault's exact range, its code linking to the rule's docs. */
import * as vscode from 'vscode';
import type { CheckedFinding } from '../../core/analysis/types';
import { staticCheckDocsUrl } from '../../core/analysis/checkDocs';
import { DIAGNOSTIC_SOURCE } from '../findings/findingDiagnostics';

export function staticDiagnostic(finding: CheckedFinding): vscode.Diagnostic {
  const range = new vscode.Range(finding.line - 1, finding.column - 1, finding.endLine - 1, finding.endColumn - 1);
  const diagnostic = new vscode.Diagnostic(range, finding.message, vscode.DiagnosticSeverity.Warning);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = { value: finding.code, target: vscode.Uri.parse(staticCheckDocsUrl(finding.code, finding.rule)) };
  return diagnostic;
}

/** The code a diagnostic carries, whether written as a plain value or with a docs target. */
export function diagnosticCode(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}
