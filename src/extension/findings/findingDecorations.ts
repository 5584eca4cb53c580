/**
 * The warning after the blamed line: `⚠ trace breaks here · downstream started a new trace`. Its own decoration type,
 * beside the statistics annotation (both can show on one line), set once per editor per change and not set again
 * while it would show the same thing.
 *
 * It is `before` content on an empty range at the line's end, where the statistics are `after` content: the editor
 * orders inline content at one position by that type (before, then after), not by which was set last, so the warning
 * comes first on every repaint of either and never trades places with the statistics.
 */
import * as vscode from 'vscode';
import { Coalescer } from '../coalescer';
import { PaintedEditors, type RenderedAnnotation } from '../paintedEditors';
import { Logger } from '../logger';
import { FindingsController } from './findingsController';
import { findingsByLine, warningText } from './findingText';

const REPAINT_INTERVAL_MS = 150;

export class FindingDecorations implements vscode.Disposable {
  /** Created once: every warning is an instance of it with its own `after` text. */
  private readonly decorationType = vscode.window.createTextEditorDecorationType({
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    before: {
      color: new vscode.ThemeColor('spanLens.findingForeground'),
      margin: '0 0 0 3em',
      fontStyle: 'normal',
    },
    overviewRulerColor: new vscode.ThemeColor('spanLens.findingForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  private readonly painted = new PaintedEditors(this.decorationType);
  private readonly repaint: Coalescer;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly findings: FindingsController,
    logger: Logger,
  ) {
    this.repaint = new Coalescer(() => this.paint(), REPAINT_INTERVAL_MS, (error) => logger.error('Updating broken-link warnings failed:', error));
    this.subscriptions.push(
      findings.onDidChange(() => this.repaint.schedule()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.repaint.schedule()),
    );
    this.repaint.schedule();
  }

  /** The warnings the editors showing `uri` render now; `line` is 1-based. */
  warningsFor(uri: vscode.Uri): RenderedAnnotation[] {
    return this.painted.renderedFor(uri);
  }

  whenIdle(): Promise<void> {
    return this.repaint.whenIdle();
  }

  dispose(): void {
    this.repaint.dispose();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.decorationType.dispose();
    this.painted.clear();
  }

  private paint(): void {
    const editors = vscode.window.visibleTextEditors;
    this.painted.keepOnly(editors);
    const findings = this.findings.findings();
    for (const editor of editors) {
      const document = editor.document;
      const byLine = document.uri.scheme === 'file' ? findingsByLine(findings, document.uri.fsPath) : new Map();
      const warnings: RenderedAnnotation[] = [];
      const options: vscode.DecorationOptions[] = [];
      for (const [line, onLine] of [...byLine].sort(([a], [b]) => a - b)) {
        if (line < 1 || line > document.lineCount) {
          continue;
        }
        const text = warningText(onLine);
        const end = document.lineAt(line - 1).range.end;
        warnings.push({ line, text });
        options.push({ range: new vscode.Range(end, end), renderOptions: { before: { contentText: text } } });
      }
      this.painted.set(editor, warnings, options);
    }
  }
}
