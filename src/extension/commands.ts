/** Every Span Lens command, registered in one place. Ids and titles are contributed in package.json. */
import * as vscode from 'vscode';
import { SpanStore } from '../core/model';
import type { StaticChecks } from './analysis/staticChecks';
import { COMMANDS } from './commandIds';
import { formatCount, formatDuration, plural } from './format';
import { Logger } from './logger';
import { ReceiverController } from './receiverController';
import { Settings } from './settings';
import { TraceDocuments } from './traceDocuments';
import { WorkspaceIndexer } from './workspaceIndexer';

/** What the commands need of the trace panel (src/extension/panel). */
export interface TracePanelCommands {
  show(): Promise<void>;
  openInEditor(): void;
  revealTrace(traceId: string, spanId?: string): Promise<boolean>;
}

export interface CommandDependencies {
  store: SpanStore;
  receiver: ReceiverController;
  indexer: WorkspaceIndexer;
  settings: Settings;
  logger: Logger;
  traces: TraceDocuments;
  checks: StaticChecks;
  panel: TracePanelCommands;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const RECENT_TRACES_LISTED = 50;

export function registerCommands(deps: CommandDependencies): vscode.Disposable[] {
  const { store, receiver, indexer, settings, logger, traces, checks, panel } = deps;
  const handlers: Record<(typeof COMMANDS)[keyof typeof COMMANDS], (...args: unknown[]) => unknown> = {
    [COMMANDS.startReceiver]: () => receiver.start(),
    [COMMANDS.stopReceiver]: () => receiver.stop(),
    [COMMANDS.clearData]: () => {
      store.clear();
      logger.info('Cleared all received spans.');
    },
    [COMMANDS.copyEndpoint]: () => copyEndpoint(receiver),
    [COMMANDS.showLog]: () => logger.show(),
    [COMMANDS.showMenu]: () => showMenu(deps),
    [COMMANDS.useAnotherPort]: () => receiver.useAnotherPort(),
    [COMMANDS.copyTraceId]: (traceId) => copyTraceId(traceId),
    [COMMANDS.openTrace]: (traceId) => openTrace(store, traces, traceId),
    [COMMANDS.toggleAnnotations]: () => settings.update('annotations.enabled', !settings.current.annotations.enabled, 'global'),
    [COMMANDS.reindexWorkspace]: () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Span Lens: indexing the workspace' }, () =>
        indexer.rebuild(),
      ),
    [COMMANDS.checkWorkspace]: () =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Span Lens: checking Go files', cancellable: true },
        (progress, token) => checks.checkWorkspace(progress, token),
      ),
    [COMMANDS.showTracePanel]: () => panel.show(),
    [COMMANDS.openTracePanelInEditor]: () => panel.openInEditor(),
    [COMMANDS.revealTraceInPanel]: (traceId, spanId) => revealTraceInPanel(panel, traceId, spanId),
  };
  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        // Commands run from menus and hovers: a failure must be seen, not swallowed.
        logger.error(`Command ${id} failed:`, error);
        void vscode.window.showErrorMessage(`Span Lens: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    }),
  );
}

async function copyEndpoint(receiver: ReceiverController): Promise<void> {
  const endpoint = receiver.endpoint;
  if (!endpoint) {
    const choice = await vscode.window.showWarningMessage('The Span Lens receiver is not running.', 'Start Receiver');
    if (choice === 'Start Receiver') {
      await receiver.start();
    }
    return;
  }
  await vscode.env.clipboard.writeText(endpoint);
  void vscode.window.showInformationMessage(`Copied ${endpoint}: set OTEL_EXPORTER_OTLP_ENDPOINT to it in your service.`);
}

async function copyTraceId(traceId: unknown): Promise<void> {
  if (typeof traceId !== 'string' || !TRACE_ID.test(traceId)) {
    throw new Error('Copy Trace ID needs a trace id (use the link in a line hover).');
  }
  await vscode.env.clipboard.writeText(traceId);
  void vscode.window.setStatusBarMessage(`Span Lens: copied trace id ${traceId}`, 3000);
}

async function openTrace(store: SpanStore, traces: TraceDocuments, traceId: unknown): Promise<void> {
  const id = typeof traceId === 'string' && TRACE_ID.test(traceId) ? traceId : await pickTrace(store);
  if (id === undefined) {
    return;
  }
  if (!(await traces.open(id))) {
    void vscode.window.showWarningMessage(
      `Span Lens no longer holds trace ${id.slice(0, 8)}… (cleared, or evicted by the spanLens.store.maxSpans limit).`,
    );
  }
}

/** From trace-id links in logs and from hovers; true when the panel now shows the trace. */
async function revealTraceInPanel(panel: TracePanelCommands, traceId: unknown, spanId: unknown): Promise<boolean> {
  if (typeof traceId !== 'string' || !TRACE_ID.test(traceId)) {
    throw new Error('Reveal Trace in Panel needs a trace id (use a trace-id link in a log or a hover).');
  }
  const span = typeof spanId === 'string' && SPAN_ID.test(spanId) ? spanId : undefined;
  const shown = await panel.revealTrace(traceId, span);
  if (!shown) {
    void vscode.window.showWarningMessage(
      `Span Lens no longer holds trace ${traceId.slice(0, 8)}… (cleared, or evicted by the spanLens.store.maxSpans limit).`,
    );
  }
  return shown;
}

/** Without an id (from the Command Palette): choose among the newest traces held. */
async function pickTrace(store: SpanStore): Promise<string | undefined> {
  const ids = store.traceIds().slice(-RECENT_TRACES_LISTED).reverse();
  if (ids.length === 0) {
    void vscode.window.showInformationMessage('Span Lens has not received any traces yet.');
    return undefined;
  }
  const items = ids.flatMap((traceId) => {
    const trace = store.getTrace(traceId);
    if (!trace) {
      return [];
    }
    const root = trace.roots[0]?.span;
    return [
      {
        label: root ? root.name : traceId,
        description: `${trace.services.join(', ')} · ${plural(trace.spanCount, 'span')} · ${formatDuration(trace.durationMs)}`,
        detail: traceId,
        traceId,
      },
    ];
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Span Lens: Open Trace',
    placeHolder: 'Newest traces first',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.traceId;
}

interface MenuItem extends vscode.QuickPickItem {
  command?: string;
}

async function showMenu({ store, receiver, settings }: CommandDependencies): Promise<void> {
  const state = receiver.state;
  const running = state.kind === 'running' || state.kind === 'starting';
  const totals = store.totals();
  const items: MenuItem[] = [
    running
      ? { label: '$(debug-stop) Stop Receiver', description: receiver.address, command: COMMANDS.stopReceiver }
      : { label: '$(play) Start Receiver', description: `${settings.current.receiver.host}:${settings.current.receiver.httpPort}`, command: COMMANDS.startReceiver },
    { label: '$(copy) Copy OTLP Endpoint', description: receiver.endpoint ?? 'receiver not running', command: COMMANDS.copyEndpoint },
    { label: '$(plug) Use Another Port…', command: COMMANDS.useAnotherPort },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(clear-all) Clear Received Spans', description: `${formatCount(totals.spansStored)} spans held`, command: COMMANDS.clearData },
    { label: '$(list-tree) Open Trace…', command: COMMANDS.openTrace },
    { label: '$(debug-alt) Show Trace Panel', command: COMMANDS.showTracePanel },
    {
      label: settings.current.annotations.enabled ? '$(eye-closed) Hide Line Annotations' : '$(eye) Show Line Annotations',
      command: COMMANDS.toggleAnnotations,
    },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(output) Show Log', command: COMMANDS.showLog },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Span Lens', placeHolder: statusLine(receiver) });
  if (picked?.command) {
    await vscode.commands.executeCommand(picked.command);
  }
}

function statusLine(receiver: ReceiverController): string {
  const state = receiver.state;
  switch (state.kind) {
    case 'running':
      return `Receiving on ${state.endpoint}`;
    case 'starting':
      return `Starting on ${state.host}:${state.port}…`;
    case 'portInUse':
      return `Port ${state.port} on ${state.host} is in use`;
    case 'failed':
      return `Receiver failed: ${state.message}`;
    case 'stopped':
      return state.reason === 'untrusted' ? 'Receiver off (untrusted workspace)' : 'Receiver stopped';
  }
}
