/** Read-only JSON documents showing one trace as an indented tree (`span-lens-trace:` URIs). */
import * as vscode from 'vscode';
import { SpanLocator, SpanStore } from '../core/model';
import { traceTree } from './traceTree';

export const TRACE_SCHEME = 'span-lens-trace';

export class TraceDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly store: SpanStore,
    private readonly locator: SpanLocator,
  ) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(TRACE_SCHEME, this);
  }

  static uriFor(traceId: string): vscode.Uri {
    return vscode.Uri.from({ scheme: TRACE_SCHEME, path: `/trace-${traceId}.json` });
  }

  /** Opens (or refreshes, if open) the trace's document; false when the store no longer holds the trace. */
  async open(traceId: string): Promise<boolean> {
    if (!this.store.hasTrace(traceId)) {
      return false;
    }
    const uri = TraceDocuments.uriFor(traceId);
    // An already open document would show what was held when it was first opened.
    this.changeEmitter.fire(uri);
    let document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== 'json') {
      document = await vscode.languages.setTextDocumentLanguage(document, 'json');
    }
    await vscode.window.showTextDocument(document, { preview: true });
    return true;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const traceId = /trace-([0-9a-f]+)\.json$/.exec(uri.path)?.[1] ?? '';
    const trace = this.store.getTrace(traceId);
    if (!trace) {
      return JSON.stringify({ traceId, error: 'Span Lens no longer holds this trace (cleared, or evicted by spanLens.store.maxSpans).' }, null, 2);
    }
    const tree = traceTree(
      trace,
      (span) => this.locator.locate(span),
      (file) => vscode.workspace.asRelativePath(file),
    );
    return `${JSON.stringify(tree, null, 2)}\n`;
  }

  dispose(): void {
    this.registration.dispose();
    this.changeEmitter.dispose();
  }
}
