/**
 * Keeps the source index of the workspace current (trusted workspaces only) and the store's mapping with it:
 * file system changes and unsaved edits update the index, and the retained spans are re-mapped after each change.
 */
import * as vscode from 'vscode';
import { SourceLocation, Span, SpanLocator } from '../core/model';
import { SourceMapper, WorkspaceIndex } from '../core/source';
import { Coalescer } from './coalescer';
import { Logger } from './logger';
import { Settings } from './settings';

/** Typing produces a change per keystroke; the index reads the buffer once the user pauses. */
const EDIT_DEBOUNCE_MS = 200;
const FILE_EVENT_INTERVAL_MS = 300;
const RELOCATE_INTERVAL_MS = 250;

/** Path -> an editor's text (unsaved buffer) and its version, `undefined` to read the disk, `null` when it went away. */
type PendingUpdate = { text: string; version: number } | undefined | null;

export class WorkspaceIndexer implements vscode.Disposable {
  private index: WorkspaceIndex | undefined;
  private mapper: SourceMapper | undefined;
  private indexSubscription: { dispose(): void } | undefined;
  /** Index work runs one piece at a time, in order: a rebuild never interleaves with file updates. */
  private work: Promise<void> = Promise.resolve();
  private readonly pending = new Map<string, PendingUpdate>();
  /** Path -> newest version of an edited buffer, and the version whose text the index holds. */
  private readonly editedVersions = new Map<string, number>();
  private readonly indexedVersions = new Map<string, number>();
  private readonly editTimers = new Map<string, NodeJS.Timeout>();
  private readonly applyPending: Coalescer;
  private readonly relocate: Coalescer;
  private readonly subscriptions: vscode.Disposable[] = [];
  private watcherSubscriptions: vscode.Disposable[] = [];
  private disposed = false;
  private readonly mappingEmitter = new vscode.EventEmitter<void>();
  /** The locator now places spans differently (index built or changed): the store should re-map what it holds. */
  readonly onDidChangeMapping = this.mappingEmitter.event;

  /** The store's locator: whatever the current index can place (nothing before the first index, or when untrusted). */
  readonly locator: SpanLocator = {
    locate: (span: Span): SourceLocation | undefined => this.mapper?.locate(span),
  };

  /** The index the locator maps with now (undefined before the first build, or untrusted): for blame refinement. */
  get currentIndex(): WorkspaceIndex | undefined {
    return this.index;
  }

  constructor(
    private readonly settings: Settings,
    private readonly logger: Logger,
    /** The bundle's directory, whose `grammars/` holds the tree-sitter .wasm files. */
    private readonly grammarDir: string,
  ) {
    const onError = (error: unknown): void => logger.error('Source index update failed:', error);
    this.applyPending = new Coalescer(() => this.drainPending(), FILE_EVENT_INTERVAL_MS, onError);
    this.relocate = new Coalescer(() => this.mappingEmitter.fire(), RELOCATE_INTERVAL_MS, onError);
  }

  /** Indexes now if the workspace is trusted, else as soon as it is. */
  start(): void {
    this.subscriptions.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.rebuild()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rebuild()),
      this.settings.onDidChange(({ previous, current }) => {
        if (JSON.stringify(previous.index) !== JSON.stringify(current.index)) {
          void this.rebuild();
        } else if (JSON.stringify(previous.pathMappings) !== JSON.stringify(current.pathMappings)) {
          // The index's change event re-maps the retained spans.
          this.index?.setPathMappings(current.pathMappings);
        }
      }),
    );
    if (vscode.workspace.isTrusted) {
      void this.rebuild();
    } else {
      this.logger.info('Source index not built: the workspace is not trusted.');
    }
  }

  /** Walks every workspace folder again; the previous index keeps mapping spans until the new one is ready. */
  rebuild(): Promise<void> {
    return this.enqueue(async () => {
      if (!vscode.workspace.isTrusted || this.disposed) {
        return;
      }
      const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
      if (roots.length === 0) {
        this.teardown();
        this.logger.info('Source index: no workspace folder open; spans are not mapped to lines.');
        this.relocate.schedule();
        return;
      }
      const { index: indexSettings, pathMappings } = this.settings.current;
      const index = new WorkspaceIndex({ roots, grammarDir: this.grammarDir, exclude: indexSettings.exclude, pathMappings });
      const started = Date.now();
      await index.indexAll();
      if (this.disposed) {
        index.dispose();
        return;
      }
      this.teardown();
      this.index = index;
      this.mapper = new SourceMapper(index);
      this.indexSubscription = index.onDidChange(() => this.relocate.schedule());
      this.watch();
      this.logger.info(
        `Source index: ${index.files.size} files, ${index.spanNames.fileCount} with span-starting calls, ` +
          `${index.goDeclarations.moduleCount} Go modules (${Date.now() - started} ms).`,
      );
      this.relocate.schedule();
    });
  }

  /** Resolves once no index update or re-mapping is pending. */
  async whenIdle(): Promise<void> {
    while (this.editTimers.size > 0 || this.applyPending.pending || this.relocate.pending || this.pending.size > 0) {
      if (this.editTimers.size > 0) {
        this.flushEdits();
      }
      await this.applyPending.whenIdle();
      await this.work;
      await this.relocate.whenIdle();
    }
    await this.work;
    await this.relocate.whenIdle();
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.editTimers.values()) {
      clearTimeout(timer);
    }
    this.editTimers.clear();
    this.applyPending.dispose();
    this.relocate.dispose();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.teardown();
    this.mappingEmitter.dispose();
  }

  private watch(): void {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.watcherSubscriptions.push(
      watcher,
      watcher.onDidCreate((uri) => this.queue(uri, undefined)),
      watcher.onDidChange((uri) => {
        // An open, unsaved buffer is what the user sees: its text wins over the disk.
        if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) {
          this.queue(uri, undefined);
        }
      }),
      watcher.onDidDelete((uri) => this.queue(uri, null)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) {
          this.queueEdit(event.document);
        }
      }),
      // Reverted or closed without saving: the disk is the truth again.
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.editedVersions.delete(document.uri.fsPath);
        this.indexedVersions.delete(document.uri.fsPath);
        if (document.uri.scheme === 'file') {
          this.queue(document.uri, undefined);
        }
      }),
    );
  }

  private queue(uri: vscode.Uri, update: PendingUpdate): void {
    if (uri.scheme !== 'file' || !this.index) {
      return;
    }
    this.pending.set(uri.fsPath, update);
    this.applyPending.schedule();
  }

  private queueEdit(document: vscode.TextDocument): void {
    if (document.uri.scheme !== 'file' || !this.index?.isIndexable(document.uri.fsPath)) {
      return;
    }
    const key = document.uri.toString();
    this.editedVersions.set(document.uri.fsPath, document.version);
    clearTimeout(this.editTimers.get(key));
    this.editTimers.set(
      key,
      setTimeout(() => {
        this.editTimers.delete(key);
        this.queue(document.uri, bufferOf(document));
      }, EDIT_DEBOUNCE_MS),
    );
  }

  private flushEdits(): void {
    for (const [key, timer] of this.editTimers) {
      clearTimeout(timer);
      this.editTimers.delete(key);
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (document) {
        this.queue(document.uri, bufferOf(document));
      }
    }
  }

  /**
   * Whether the index has seen this version of the document. While the user types, lines the store reports
   * still refer to older text: the editor then keeps its decorations where VS Code moved them.
   */
  isCurrent(document: vscode.TextDocument): boolean {
    const edited = this.editedVersions.get(document.uri.fsPath);
    return edited === undefined || this.indexedVersions.get(document.uri.fsPath) === document.version;
  }

  private drainPending(): Promise<void> {
    const updates = [...this.pending];
    this.pending.clear();
    return this.enqueue(async () => {
      const index = this.index;
      if (!index) {
        return;
      }
      for (const [file, update] of updates) {
        if (update === null) {
          index.removeFile(file);
        } else {
          await index.updateFile(file, update?.text);
          if (update) {
            this.indexedVersions.set(file, update.version);
          }
        }
      }
    });
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.work.then(job).catch((error: unknown) => this.logger.error('Source index failed:', error));
    this.work = next;
    return next;
  }

  private teardown(): void {
    for (const subscription of this.watcherSubscriptions) {
      subscription.dispose();
    }
    this.watcherSubscriptions = [];
    this.indexSubscription?.dispose();
    this.indexSubscription = undefined;
    this.mapper?.dispose();
    this.mapper = undefined;
    this.index?.dispose();
    this.index = undefined;
  }
}

function bufferOf(document: vscode.TextDocument): PendingUpdate {
  return document.isClosed ? undefined : { text: document.getText(), version: document.version };
}
