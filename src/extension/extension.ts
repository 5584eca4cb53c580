/** Activation wiring only: builds the parts, connects them, and hands everything disposable to VS Code. */
import * as vscode from 'vscode';
import { SpanStore } from '../core/model';
import { TapeArena } from '../core/model/tapeArena';
import { StaticChecks } from './analysis/staticChecks';
import { StaticCodeActions } from './analysis/staticCodeActions';
import { registerCommands } from './commands';
import { AnnotationDecorations, RenderedAnnotation } from './decorations';
import type { Finding } from '../core/propagation';
import { FindingDecorations } from './findings/findingDecorations';
import { FindingDiagnostics } from './findings/findingDiagnostics';
import { FindingHoverProvider } from './findings/findingHover';
import { FindingsController } from './findings/findingsController';
import { indexRefiner } from './findings/indexRefiner';
import { SpanHoverProvider } from './hover';
import { LocationsView } from './locationsView';
import { createLogger } from './logger';
import type { PanelSession } from '../core/panel/protocol';
import { DebugEnvironmentProvider } from './debug/debugEnvironmentProvider';
import { DebugSessions } from './debug/debugSessions';
import { TracePanel } from './panel/tracePanel';
import { TraceLinks } from './traceLinks/traceLinkProvider';
import { ReceiverController } from './receiverController';
import { Settings } from './settings';
import { StatusBar } from './statusBar';
import { TraceDocuments } from './traceDocuments';
import { WorkspaceIndexer } from './workspaceIndexer';

/** What `activate` returns; integration tests get it from `vscode.extensions.getExtension(...).exports`. */
export interface SpanLensApi {
  store: SpanStore;
  /** `host:port` the receiver listens on (e.g. `127.0.0.1:4318`), undefined while it is not running. */
  receiverAddress(): string | undefined;
  /** Exactly what the line annotations render now in the visible editor(s) of `uri`; `line` is 1-based. */
  annotationsFor(uri: vscode.Uri): RenderedAnnotation[];
  /** Resolves once the receiver, the source index, the re-mapping and the editor updates have all settled. */
  whenIdle(): Promise<void>;
  /** The broken links found so far (after their grace window), sorted by kind, file and line. */
  findings(): Finding[];
  /** Exactly what the broken-link warnings render now in the visible editor(s) of `uri`; `line` is 1-based. */
  findingWarningsFor(uri: vscode.Uri): RenderedAnnotation[];
  /** The live trace panel (the Traces view and its editor tabs). */
  tracePanel: { readonly liveWebviews: number; revealTrace(traceId: string, spanId?: string): Promise<boolean>; whenIdle(): Promise<void> };
  /** Debug sessions Span Lens wired to the receiver, oldest first, with their stopped/continued marks. */
  debugSessions(): PanelSession[];
  /** The environment the last wired debug session was given (what Span Lens set, not what the user had). */
  injectedEnvironment(): Record<string, string> | undefined;
}

let receiverForShutdown: ReceiverController | undefined;

export function activate(context: vscode.ExtensionContext): SpanLensApi {
  const logger = createLogger();
  const settings = new Settings();
  // `__dirname` is dist/ in the bundle: the tree-sitter grammars were copied to dist/grammars/.
  const indexer = new WorkspaceIndexer(settings, logger, __dirname);
  // The receiver's decode worker writes the pages of the store's fresh memory, not the extension host (TapeArena).
  const arena = new TapeArena(undefined, (memory) => receiver.prepareChunk(memory));
  const store = new SpanStore({ maxSpans: settings.current.store.maxSpans, locator: indexer.locator, arena });
  const receiver = new ReceiverController(store, settings, logger);
  const decorations = new AnnotationDecorations(store, settings, logger, (document) => indexer.isCurrent(document));
  const locations = new LocationsView(store);
  const traces = new TraceDocuments(store, indexer.locator);
  const findings = new FindingsController(
    {
      store,
      onDidReceiveSpans: receiver.onDidReceiveSpans,
      locator: indexer.locator,
      refiner: indexRefiner(() => indexer.currentIndex),
      onDidChangeMapping: indexer.onDidChangeMapping,
    },
    settings,
    logger,
  );
  const findingDiagnostics = new FindingDiagnostics(findings, store, indexer.locator, logger);
  const findingDecorations = new FindingDecorations(findings, logger);
  const checks = new StaticChecks(settings, logger, __dirname);
  const debugSessions = new DebugSessions(logger);
  const debugEnvironment = new DebugEnvironmentProvider(() => receiver.address, settings, logger, debugSessions);
  const panel = new TracePanel(
    context.extensionUri,
    { store, onDidReceiveSpans: receiver.onDidReceiveSpans, locator: indexer.locator, findings, sessions: debugSessions },
    settings,
    logger,
  );
  const traceLinks = new TraceLinks(store, findings);
  receiverForShutdown = receiver;

  context.subscriptions.push(
    store,
    indexer,
    receiver,
    decorations,
    findings,
    findingDiagnostics,
    findingDecorations,
    checks,
    debugSessions,
    debugEnvironment,
    panel,
    traceLinks,
    debugSessions.onDidStartSession(() => {
      if (settings.current.panel.openOnDebugStart) {
        void panel.show();
      }
    }),
    locations,
    traces,
    indexer.onDidChangeMapping(() => store.relocate()),
    settings.onDidChange(({ previous, current }) => {
      if (previous.store.maxSpans !== current.store.maxSpans) {
        store.setMaxSpans(current.store.maxSpans);
      }
    }),
    vscode.languages.registerHoverProvider({ scheme: 'file' }, new SpanHoverProvider(store)),
    vscode.languages.registerHoverProvider({ scheme: 'file' }, new FindingHoverProvider(findings)),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*.go' }, new StaticCodeActions(checks, logger), StaticCodeActions.metadata),
    ...registerCommands({ store, receiver, indexer, settings, logger, traces, checks, panel }),
    // Last: the parts above may still log while they are disposed.
    settings,
    logger,
  );

  logger.info(`Span Lens ${String(context.extension.packageJSON.version)} activated.`);
  indexer.start();
  void receiver.startIfAllowed();
  // After the start was asked for, so the item's first text is the receiver's real state.
  context.subscriptions.push(new StatusBar(receiver, store));

  return {
    store,
    receiverAddress: () => receiver.address,
    annotationsFor: (uri) => decorations.annotationsFor(uri),
    whenIdle: async () => {
      // Each stage can wake the next (index → re-map → repaint), so settle them in pipeline order.
      await receiver.whenIdle();
      await indexer.whenIdle();
      await locations.whenIdle();
      await decorations.whenIdle();
      await findingDiagnostics.whenIdle();
      await findingDecorations.whenIdle();
      await checks.whenIdle();
      await panel.whenIdle();
    },
    findings: () => findings.findings(),
    findingWarningsFor: (uri) => findingDecorations.warningsFor(uri),
    tracePanel: panel,
    debugSessions: () => debugSessions.sessions(),
    injectedEnvironment: () => debugEnvironment.lastInjection()?.env,
  };
}

/** Waits for the receiver to close its port, so a reloaded window can bind it again at once. */
export async function deactivate(): Promise<void> {
  const receiver = receiverForShutdown;
  receiverForShutdown = undefined;
  await receiver?.shutdown();
}
