/**
 * The live trace panel's extension side: the `spanLens.traces` webview view (Run and Debug), the same page as an
 * editor tab (restored across reloads), and the feed that keeps every loaded page in step with the store, the
 * broken-link findings and the debug sessions. Pages keep no context while hidden: one that loads again says
 * `ready` and gets a full `reset`, and restores its own view state.
 */
import * as vscode from 'vscode';
import type { Span, SpanLocator, SpanStore } from '../../core/model';
import type { PanelSession } from '../../core/panel/protocol';
import { toPanelBrokenLinks, toPanelSpan } from '../../core/panel/toPanelSpan';
import type { Finding } from '../../core/propagation';
import { Coalescer } from '../coalescer';
import { plural } from '../format';
import { Logger } from '../logger';
import { Settings } from '../settings';
import { PanelFeed, PanelTarget } from './panelFeed';
import { makeNonce, panelHtml } from './panelHtml';
import { handlePanelMessage } from './panelMessages';

export interface TracePanelSources {
  store: SpanStore;
  /** Each received batch, after the store took it. */
  onDidReceiveSpans: vscode.Event<readonly Span[]>;
  locator: SpanLocator;
  findings: { findings(): Finding[]; onDidChange: vscode.Event<readonly Finding[]> };
  /** Debug sessions Span Lens wired (H4's DebugSessions). */
  sessions: { sessions(): PanelSession[]; onDidChange: vscode.Event<void> };
}

const EDITOR_TITLE = 'Span Lens Traces';
const DESCRIPTION_INTERVAL_MS = 500;
/** The index changes as files are edited: re-send what the pages hold, with the new source lines, at most this often. */
const RELOCATE_RESET_INTERVAL_MS = 2000;

/** One webview page and what it is subscribed to. */
interface Page extends PanelTarget {
  readonly subscriptions: vscode.Disposable[];
}

export class TracePanel implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'spanLens.traces';
  static readonly editorViewType = 'spanLens.tracePanel';

  private readonly feed: PanelFeed;
  private readonly description: Coalescer;
  private readonly relocated: Coalescer;
  private view: { view: vscode.WebviewView; page: Page } | undefined;
  private readonly editors = new Map<vscode.WebviewPanel, Page>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    sources: TracePanelSources,
    private readonly settings: Settings,
    private readonly logger: Logger,
  ) {
    const relativePath = this.relativePaths();
    this.feed = new PanelFeed({
      store: sources.store,
      toPanelSpan: (span) => toPanelSpan(span, (s) => sources.locator.locate(s), relativePath),
      maxSpans: () => settings.current.store.maxSpans,
      brokenLinks: () => toPanelBrokenLinks(sources.findings.findings(), relativePath),
      sessions: () => sources.sessions.sessions(),
    });
    this.description = new Coalescer(() => this.updateDescription(), DESCRIPTION_INTERVAL_MS, (error) =>
      logger.error('Trace panel: could not update the view description:', error),
    );
    // Spans that arrived before the index was built gain their source line once it is.
    this.relocated = new Coalescer(() => this.feed.resetAll(), RELOCATE_RESET_INTERVAL_MS, (error) =>
      logger.error('Trace panel: could not re-send the re-mapped spans:', error),
    );
    this.subscriptions.push(
      vscode.window.registerWebviewViewProvider(TracePanel.viewId, this, { webviewOptions: { retainContextWhenHidden: false } }),
      vscode.window.registerWebviewPanelSerializer(TracePanel.editorViewType, {
        deserializeWebviewPanel: async (panel) => this.adoptEditor(panel),
      }),
      sources.onDidReceiveSpans((spans) => {
        this.feed.spansReceived(spans);
        this.description.schedule();
      }),
      sources.store.onDidChange((change) => {
        if (change.cleared) {
          this.feed.storeCleared();
        }
        if (change.cleared || change.evictedSpans > 0) {
          this.description.schedule();
        }
        if (change.relocated) {
          this.relocated.schedule();
        }
      }),
      sources.findings.onDidChange(() => this.feed.brokenLinksChanged()),
      sources.sessions.onDidChange(() => this.feed.sessionsChanged()),
      settings.onDidChange(({ previous, current }) => {
        if (previous.store.maxSpans !== current.store.maxSpans) {
          this.feed.resetAll();
        }
      }),
    );
  }

  /** Webview pages loaded and visible now. */
  get liveWebviews(): number {
    return this.feed.liveTargets;
  }

  resolveWebviewView(webviewView: vscode.WebviewView): void {
    if (this.view) {
      this.disposePage(this.view.page);
    }
    const page = this.attach(webviewView.webview);
    this.view = { view: webviewView, page };
    page.subscriptions.push(
      webviewView.onDidChangeVisibility(() => {
        if (!webviewView.visible) {
          this.feed.detach(page);
        }
      }),
      webviewView.onDidDispose(() => {
        this.disposePage(page);
        if (this.view?.page === page) {
          this.view = undefined;
        }
      }),
    );
    this.updateDescription();
  }

  /** Focuses the view (in Run and Debug). */
  async show(): Promise<void> {
    await vscode.commands.executeCommand(`${TracePanel.viewId}.focus`);
  }

  /** Opens the panel as an editor tab, or brings the open one forward. */
  openInEditor(): void {
    const [open] = this.editors.keys();
    if (open) {
      open.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(TracePanel.editorViewType, EDITOR_TITLE, vscode.ViewColumn.Active, {
      ...this.webviewOptions(),
      retainContextWhenHidden: false,
    });
    this.adoptEditor(panel);
  }

  /** Selects the trace (and span) in the panel and shows the view; false when the store does not hold the trace. */
  async revealTrace(traceId: string, spanId?: string): Promise<boolean> {
    const id = traceId.toLowerCase();
    const viewLive = this.view !== undefined && this.feed.isLive(this.view.page);
    // A view about to load gets the reveal after its reset.
    if (!this.feed.reveal(id, spanId?.toLowerCase(), !viewLive)) {
      return false;
    }
    this.description.schedule();
    await this.show();
    return true;
  }

  /** Resolves once received spans are sent to every loaded page and handed over. */
  whenIdle(): Promise<void> {
    return this.feed.whenIdle();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.description.dispose();
    this.relocated.dispose();
    this.feed.dispose();
    if (this.view) {
      this.disposePage(this.view.page);
      this.view = undefined;
    }
    // Editor tabs are left open: closing them here, as the window reloads, would keep them from being restored.
    for (const page of this.editors.values()) {
      this.disposePage(page);
    }
    this.editors.clear();
  }

  private adoptEditor(panel: vscode.WebviewPanel): void {
    panel.title = EDITOR_TITLE;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    const page = this.attach(panel.webview);
    this.editors.set(panel, page);
    page.subscriptions.push(
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (!webviewPanel.visible) {
          this.feed.detach(page);
        }
      }),
      panel.onDidDispose(() => {
        this.disposePage(page);
        this.editors.delete(panel);
      }),
    );
  }

  /** Loads the page into a webview and answers its messages. */
  private attach(webview: vscode.Webview): Page {
    webview.options = this.webviewOptions();
    const page: Page = { post: (message) => webview.postMessage(message), subscriptions: [] };
    page.subscriptions.push(
      webview.onDidReceiveMessage((message: unknown) =>
        handlePanelMessage(
          message,
          {
            ready: () => this.feed.ready(page),
            clearPanel: () => {
              this.feed.clearPanel();
              this.description.schedule();
            },
            openInEditor: () => this.openInEditor(),
          },
          this.logger,
        ).catch((error: unknown) => this.logger.error('Trace panel: a webview request failed:', error)),
      ),
    );
    const root = this.webviewRoot();
    const asset = (name: string): string => webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString();
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      scriptUri: asset('panel.js'),
      panelCssUri: asset('panel.css'),
      codiconCssUri: asset('codicon.css'),
      nonce: makeNonce(),
    });
    return page;
  }

  private disposePage(page: Page): void {
    this.feed.detach(page);
    for (const subscription of page.subscriptions.splice(0)) {
      subscription.dispose();
    }
  }

  private webviewOptions(): vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [this.webviewRoot()] };
  }

  private webviewRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
  }

  /** `asRelativePath`, remembered per file: a reset converts up to `store.maxSpans` spans from a few files. */
  private relativePaths(): (file: string) => string {
    const known = new Map<string, string>();
    this.subscriptions.push(vscode.workspace.onDidChangeWorkspaceFolders(() => known.clear()));
    return (file) => {
      let relative = known.get(file);
      if (relative === undefined) {
        if (known.size >= 10_000) {
          known.clear();
        }
        relative = vscode.workspace.asRelativePath(file);
        known.set(file, relative);
      }
      return relative;
    };
  }

  private updateDescription(): void {
    if (this.view) {
      this.view.view.description = plural(this.feed.traceCount(), 'trace');
    }
  }
}
