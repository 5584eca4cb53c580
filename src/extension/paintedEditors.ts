/** What each visible editor shows of one decoration type: unchanged sets are skipped, and tests read it back. */
import * as vscode from 'vscode';

/** One rendered piece of text after a line; 1-based `line` as in telemetry and the CLI report. */
export interface RenderedAnnotation {
  line: number;
  text: string;
}

interface Painted {
  document: vscode.TextDocument;
  rendered: RenderedAnnotation[];
  /** Equal signatures mean the editor already shows exactly this. */
  signature: string;
}

export class PaintedEditors {
  private readonly painted = new Map<vscode.TextEditor, Painted>();

  constructor(private readonly decorationType: vscode.TextEditorDecorationType) {}

  /** Drops editors that are no longer visible. */
  keepOnly(visible: readonly vscode.TextEditor[]): void {
    for (const editor of [...this.painted.keys()]) {
      if (!visible.includes(editor)) {
        this.painted.delete(editor);
      }
    }
  }

  has(editor: vscode.TextEditor): boolean {
    return this.painted.has(editor);
  }

  /**
   * Sets the decorations unless the editor already shows exactly this. After an edit VS Code has moved the shown
   * decorations itself, so a new document version always sets again.
   */
  set(editor: vscode.TextEditor, rendered: RenderedAnnotation[], options: vscode.DecorationOptions[], extra?: unknown): void {
    const document = editor.document;
    const signature = JSON.stringify([document.version, rendered, extra]);
    const known = this.painted.get(editor);
    if (known && known.document === document && known.signature === signature) {
      return;
    }
    editor.setDecorations(this.decorationType, options);
    this.painted.set(editor, { document, rendered, signature });
  }

  /** What the editors showing `uri` render now (empty when none is visible). */
  renderedFor(uri: vscode.Uri): RenderedAnnotation[] {
    const key = uri.toString();
    for (const painted of this.painted.values()) {
      if (painted.document.uri.toString() === key) {
        return painted.rendered.map((r) => ({ ...r }));
      }
    }
    return [];
  }

  clear(): void {
    this.painted.clear();
  }
}
