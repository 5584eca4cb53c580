/**
 * The static Go checks in the editor: open and edited Go documents are checked once typing pauses (their latest
 * text), the whole workspace on demand, and each finding becomes a "Span Lens" warning with its rule's code and the
 * fault's exact range. Trusted workspaces only; `spanLens.checks.enabled` turns it all off. The checks themselves
 * live in src/core/analysis; this wires them to documents and the Problems panel.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { GoAnalyzer } from '../../core/analysis';
import { TreeSitter } from '../../core/source/treeSitter';
import type { CheckedFinding } from '../../core/analysis/types';
import { GoChecker, overlaySources, type SourceProvider } from '../../core/analysis/goChecker';
import { listGoFiles } from '../../core/analysis/goFiles';
import { Logger } from '../logger';
import { Settings } from '../settings';
import { staticDiagnostic } from './staticDiagnostic';

/** Typing produces a change per keystroke; the checks read the buffer once the user pauses. */
const EDIT_DEBOUNCE_MS = 300;

/** What the diagnostics of one file were made from: an open document's version, or the file on disk. */
interface Analysed {
  /** The document version whose text was checked; undefined when the disk's text was. */
  version: number | undefined;
  findings: CheckedFinding[];
}

export class StaticChecks implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('spanLens.checks');
  private readonly treeSitter: TreeSitter;
  readonly analyzer: GoAnalyzer;
  readonly checker: GoChecker;
  private readonly analysed = new Map<string, Analysed>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Files the last workspace check covered: they keep their disk diagnostics when their editor closes. */
  private workspaceFiles = new Set<string>();
  private disposed = false;

  constructor(
    private readonly settings: Settings,
    private readonly logger: Logger,
    grammarDir: string,
  ) {
    this.treeSitter = new TreeSitter(grammarDir);
    this.analyzer = new GoAnalyzer(this.treeSitter);
    this.checker = new GoChecker(this.analyzer);
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.schedule(event.document, EDIT_DEBOUNCE_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.closed(document)),
      vscode.workspace.onDidSaveTextDocument((document) => {
        // A go.mod edit changes the module facts (the `go` version decides which fix is offered).
        if (path.basename(document.fileName) === 'go.mod') this.moduleLayoutChanged();
      }),
      vscode.workspace.onDidCreateFiles(() => this.moduleLayoutChanged()),
      vscode.workspace.onDidDeleteFiles(() => this.moduleLayoutChanged()),
      vscode.workspace.onDidRenameFiles(() => this.moduleLayoutChanged()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.checkOpenDocuments()),
      settings.onDidChange(({ previous, current }) => {
        if (previous.checks.enabled === current.checks.enabled) return;
        if (current.checks.enabled) this.checkOpenDocuments();
        else this.clear();
      }),
    );
    this.checkOpenDocuments();
  }

  get active(): boolean {
    return !this.disposed && vscode.workspace.isTrusted && this.settings.current.checks.enabled;
  }

  /** Resolves once the Go grammar is loaded (so the analyzer's synchronous parts can run). */
  async grammarLoaded(): Promise<void> {
    await this.treeSitter.load('go');
  }

  /** The findings of exactly this version of the document; undefined when it has changed since (or was never checked). */
  findingsFor(document: vscode.TextDocument): CheckedFinding[] | undefined {
    const analysed = this.analysed.get(document.uri.fsPath);
    return analysed && analysed.version === document.version ? analysed.findings : undefined;
  }

  /** Open Go buffers over the disk, so unsaved edits count in every check. */
  sources(): SourceProvider {
    const buffers = new Map<string, string>();
    for (const document of vscode.workspace.textDocuments) {
      if (isGoFile(document)) buffers.set(document.uri.fsPath, document.getText());
    }
    return overlaySources((file) => buffers.get(file));
  }

  /** Resolves once no check is scheduled or running. */
  async whenIdle(): Promise<void> {
    while (this.timers.size > 0 || this.running.size > 0) {
      if (this.running.size > 0) await Promise.allSettled([...this.running]);
      else await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Every Go file of every workspace folder (open documents by their buffers); resolves with the findings count. */
  async checkWorkspace(progress?: vscode.Progress<{ message?: string }>, token?: vscode.CancellationToken): Promise<number | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showInformationMessage('Span Lens checks run only in trusted workspaces.');
      return undefined;
    }
    if (!this.settings.current.checks.enabled) {
      void vscode.window.showInformationMessage('Span Lens checks are off (spanLens.checks.enabled).');
      return undefined;
    }
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
    progress?.report({ message: 'listing Go files…' });
    const files = folders.length > 0 ? await listGoFiles(folders, folders[0]) : [];
    progress?.report({ message: `checking ${files.length} Go files…` });
    this.checker.invalidateModules();
    const work = this.checker.check(files, this.sources(), () => token?.isCancellationRequested === true || !this.active);
    const done = work.then(() => undefined);
    this.track(done);
    const findings = await work;
    if (token?.isCancellationRequested || !this.active) return undefined;
    const perFile = new Map<string, CheckedFinding[]>(files.map((file) => [file, []]));
    for (const finding of findings) perFile.get(finding.file)?.push(finding);
    const openVersions = new Map(vscode.workspace.textDocuments.filter(isGoFile).map((d) => [d.uri.fsPath, d.version]));
    for (const [file, list] of perFile) {
      this.publish(file, openVersions.get(file), list);
    }
    // Files gone since the previous workspace check lose their diagnostics, unless an editor still shows them.
    for (const file of this.workspaceFiles) {
      if (!perFile.has(file) && !openVersions.has(file)) this.forget(file);
    }
    this.workspaceFiles = new Set(files);
    this.logger.info(`Span Lens checks: ${findings.length} findings in ${files.length} Go files (${this.checker.lastStats.analyzed} analysed, the rest unchanged).`);
    return findings.length;
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.collection.dispose();
    this.analysed.clear();
    // Parsers are freed once running checks are done with them.
    void Promise.allSettled([...this.running]).then(() => this.treeSitter.dispose());
  }

  private checkOpenDocuments(): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!isGoFile(document) || !this.active) return;
    const file = document.uri.fsPath;
    const previous = this.timers.get(file);
    if (previous) clearTimeout(previous);
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file);
        this.track(this.checkDocument(document));
      }, delayMs),
    );
  }

  private async checkDocument(document: vscode.TextDocument): Promise<void> {
    if (!this.active || document.isClosed) return;
    // The latest text when the pause ended; a later edit schedules its own check.
    const version = document.version;
    const text = document.getText();
    try {
      const findings = await this.checker.checkText(document.uri.fsPath, text, this.sources());
      if (!this.active || document.isClosed || document.version !== version) return;
      this.publish(document.uri.fsPath, version, findings);
    } catch (error) {
      this.logger.error(`Span Lens checks failed for ${document.uri.fsPath}:`, error);
    }
  }

  private closed(document: vscode.TextDocument): void {
    if (!isGoFile(document)) return;
    const file = document.uri.fsPath;
    const timer = this.timers.get(file);
    if (timer) clearTimeout(timer);
    this.timers.delete(file);
    if (this.workspaceFiles.has(file) && this.active) {
      // The buffer may have held unsaved text: the workspace's diagnostics go back to the file on disk.
      this.track(
        this.checker.check([file], this.sources()).then(
          (findings) => this.active && this.publish(file, undefined, findings),
          (error: unknown) => this.logger.error(`Span Lens checks failed for ${file}:`, error),
        ),
      );
    } else {
      this.forget(file);
    }
  }

  private publish(file: string, version: number | undefined, findings: CheckedFinding[]): void {
    this.analysed.set(file, { version, findings });
    this.collection.set(vscode.Uri.file(file), findings.map(staticDiagnostic));
  }

  private forget(file: string): void {
    this.analysed.delete(file);
    this.collection.delete(vscode.Uri.file(file));
  }

  private clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.analysed.clear();
    this.workspaceFiles.clear();
    this.collection.clear();
  }

  private moduleLayoutChanged(): void {
    this.checker.invalidateModules();
    this.checkOpenDocuments();
  }

  private track(work: Promise<unknown>): void {
    const done = work.then(
      () => undefined,
      (error: unknown) => this.logger.error('Span Lens checks failed:', error),
    );
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
  }
}

export function isGoFile(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && (document.languageId === 'go' || document.fileName.endsWith('.go'));
}
