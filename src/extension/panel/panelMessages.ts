/**
 * Acts on what a trace panel webview asks. Its messages are untrusted (the page shows data from any process that
 * exports spans): the shape is checked, and a source file opens only when it is inside a workspace folder.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isWebviewMessage } from '../../core/panel/protocol';
import { Logger } from '../logger';

/** What a message asks of the panel itself (the rest is handled here). */
export interface PanelActions {
  ready(): void;
  clearPanel(): void;
  openInEditor(): void;
}

export async function handlePanelMessage(message: unknown, actions: PanelActions, logger: Logger): Promise<void> {
  if (!isWebviewMessage(message)) {
    logger.debug(`Trace panel: ignored a message of unknown shape (type ${describeType(message)}).`);
    return;
  }
  switch (message.type) {
    case 'ready':
      actions.ready();
      return;
    case 'clearPanel':
      actions.clearPanel();
      return;
    case 'openInEditor':
      actions.openInEditor();
      return;
    case 'copy':
      await vscode.env.clipboard.writeText(message.text);
      return;
    case 'openSource':
      await openSource(message.file, message.line, logger);
      return;
  }
}

/** Opens the file at the line, in the active group as a preview; the panel keeps focus for keyboard navigation. */
async function openSource(file: string, line: number, logger: Logger): Promise<void> {
  if (!path.isAbsolute(file)) {
    logger.debug(`Trace panel: not opening ${JSON.stringify(file)}: not an absolute path.`);
    return;
  }
  const uri = vscode.Uri.file(path.resolve(file));
  if (!vscode.workspace.getWorkspaceFolder(uri)) {
    logger.debug(`Trace panel: not opening ${uri.fsPath}: outside the workspace folders.`);
    return;
  }
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    const position = new vscode.Position(Math.min(line, Math.max(1, document.lineCount)) - 1, 0);
    const range = new vscode.Range(position, position);
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.Active,
      preview: true,
      preserveFocus: true,
      selection: range,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
  } catch (error) {
    logger.warn(`Trace panel: could not open ${uri.fsPath}:${line}:`, error);
    void vscode.window.showWarningMessage(`Span Lens could not open ${vscode.workspace.asRelativePath(uri)}:${line}.`);
  }
}

function describeType(message: unknown): string {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : typeof type;
}
