/** The running Span Lens extension as the suites see it: its exported API, and waiting on what it renders. */
import * as vscode from 'vscode';
import type { SpanLensApi } from '../../../src/extension/extension';

export const SPAN_LENS_ID = 'span-lens.span-lens';

export async function spanLensApi(): Promise<SpanLensApi> {
  const extension = vscode.extensions.getExtension<SpanLensApi>(SPAN_LENS_ID);
  if (!extension) {
    throw new Error(`${SPAN_LENS_ID} is not installed in this VS Code`);
  }
  const api = await extension.activate();
  if (!api || typeof api.annotationsFor !== 'function') {
    throw new Error(`${SPAN_LENS_ID} activated without exporting its API`);
  }
  return api;
}

export interface Annotation {
  line: number;
  text: string;
}

/**
 * Waits (settling the extension each round) until `accept` holds for the annotations rendered in `uri`'s editor;
 * returns the last annotations seen either way, so the caller's assertion shows what was there.
 */
export async function settledAnnotations(
  api: SpanLensApi,
  uri: vscode.Uri,
  accept: (annotations: Annotation[]) => boolean,
  timeoutMs = 20_000,
): Promise<Annotation[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await api.whenIdle();
    const annotations = api.annotationsFor(uri);
    if (accept(annotations) || Date.now() > deadline) {
      return annotations;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Opens `file` in the active editor with `line` (1-based) in the middle of the view. */
export async function showLine(file: string, line: number): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  const position = new vscode.Position(line - 1, 0);
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenter);
  return editor;
}

/** The Markdown of every hover shown at `line` (1-based), at the first non-blank character. */
export async function hoverTexts(uri: vscode.Uri, line: number): Promise<string[]> {
  const document = await vscode.workspace.openTextDocument(uri);
  const position = new vscode.Position(line - 1, document.lineAt(line - 1).firstNonWhitespaceCharacterIndex);
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
  return hovers.flatMap((hover) =>
    hover.contents.map((content) => (typeof content === 'string' ? content : 'value' in content ? content.value : '')),
  );
}

/** Hover Markdown as a reader sees it: CommonMark backslash escapes removed. */
export function markdownPlainText(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** Polls `read` (settling the extension each round) until `accept` holds or the time is up; returns the last value. */
export async function settled<T>(api: SpanLensApi, read: () => T, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await api.whenIdle();
    const value = read();
    if (accept(value) || Date.now() > deadline) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The Problems entries Span Lens reports for `uri`. */
export function spanLensDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Span Lens');
}
