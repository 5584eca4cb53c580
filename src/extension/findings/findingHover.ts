/** Hover on a blamed line: the findings there, their evidence and links to open the traces. */
import * as vscode from 'vscode';
import { FindingsController } from './findingsController';
import { FINDING_HOVER_COMMANDS, findingHoverMarkdown } from './findingHoverText';
import { findingsByLine } from './findingText';

export class FindingHoverProvider implements vscode.HoverProvider {
  constructor(private readonly findings: FindingsController) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (document.uri.scheme !== 'file') {
      return undefined;
    }
    const onLine = findingsByLine(this.findings.findings(), document.uri.fsPath).get(position.line + 1);
    if (!onLine || onLine.length === 0) {
      return undefined;
    }
    const md = new vscode.MarkdownString(findingHoverMarkdown(onLine, Date.now()), true);
    md.isTrusted = { enabledCommands: FINDING_HOVER_COMMANDS };
    md.supportHtml = false;
    return new vscode.Hover(md, document.lineAt(position.line).range);
  }
}
