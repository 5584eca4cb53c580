/** One status bar item: receiver state, address, spans received, rate, evictions; click opens the Span Lens menu. */
import * as vscode from 'vscode';
import { SpanStore } from '../core/model';
import { COMMANDS } from './commandIds';
import { Coalescer } from './coalescer';
import { formatCount, formatRate, plural } from './format';
import { escapeMarkdown } from './markdownText';
import { ReceiverController } from './receiverController';

const REFRESH_INTERVAL_MS = 250;
/** The rate decays while nothing arrives; tick so it visibly falls back to 0. */
const RATE_TICK_MS = 1000;

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('spanLens.status', vscode.StatusBarAlignment.Right, 100);
  private readonly refresh = new Coalescer(() => this.render(), REFRESH_INTERVAL_MS);
  private readonly ticker: NodeJS.Timeout;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly controller: ReceiverController,
    private readonly store: SpanStore,
  ) {
    this.item.name = 'Span Lens';
    this.item.command = COMMANDS.showMenu;
    this.subscriptions.push(
      controller.onDidChangeState(() => this.refresh.schedule()),
      store.onDidChange(() => this.refresh.schedule()),
    );
    this.ticker = setInterval(() => {
      if (controller.state.kind === 'running') {
        this.refresh.schedule();
      }
    }, RATE_TICK_MS);
    this.render();
    this.item.show();
  }

  /** The text the item shows now (for tests and the log). */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.refresh.dispose();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.item.dispose();
  }

  /** The gRPC receiver's line: its endpoint, or why it does not listen (HTTP keeps receiving either way). */
  private renderGrpc(tooltip: vscode.MarkdownString): void {
    const grpc = this.controller.grpcState;
    switch (grpc.kind) {
      case 'running':
        tooltip.appendMarkdown(`Receiving OTLP/gRPC on \`${grpc.endpoint}\` (with \`OTEL_EXPORTER_OTLP_PROTOCOL=grpc\`, \`OTEL_EXPORTER_OTLP_ENDPOINT=${grpc.endpoint}\`)\n\n`);
        break;
      case 'portInUse':
        tooltip.appendMarkdown(`$(warning) OTLP/gRPC: ${grpc.host}:${grpc.port} is in use, gRPC is not received (setting \`spanLens.receiver.grpcPort\`).\n\n`);
        break;
      case 'failed':
        tooltip.appendMarkdown('$(warning) ');
        tooltip.appendText(`OTLP/gRPC could not start on ${grpc.host}:${grpc.port}: ${grpc.message}\n\n`);
        break;
      case 'off':
        if (grpc.reason === 'disabled') {
          tooltip.appendMarkdown('OTLP/gRPC is turned off (`spanLens.receiver.grpcEnabled`).\n\n');
        }
        break;
    }
  }

  private render(): void {
    const state = this.controller.state;
    const totals = this.store.totals();
    const rate = this.controller.rate.perSecond();
    const tooltip = new vscode.MarkdownString('', true);
    tooltip.appendMarkdown('**Span Lens**\n\n');
    this.item.backgroundColor = undefined;

    switch (state.kind) {
      case 'running': {
        const where = this.controller.address ?? `${state.host}:${state.port}`;
        const parts = state.sharedFrom
          ? [`$(radio-tower) ${where} shared from pid ${state.sharedFrom.pid}`, `${formatCount(totals.spansReceived)} spans`]
          : [`$(pulse) ${where}`, `${formatCount(totals.spansReceived)} spans`];
        if (rate > 0) {
          parts.push(`${formatRate(rate)}/s`);
        }
        if (totals.evictedSpans > 0) {
          parts.push(`${formatCount(totals.evictedSpans)} evicted`);
        }
        this.item.text = parts.join(' · ');
        if (state.sharedFrom) {
          tooltip.appendMarkdown('Shared port: ');
          tooltip.appendText(
            `${where} is owned by another Span Lens window, ${state.sharedFrom.label} (pid ${state.sharedFrom.pid}), which forwards every span it receives to this window. If it closes, this window takes the port over.`,
          );
          tooltip.appendMarkdown('\n\n');
        } else if (state.sharedWith && state.sharedWith.length > 0) {
          tooltip.appendText(`Shared with ${plural(state.sharedWith.length, 'other Span Lens window')}: ${state.sharedWith.map((other) => `${other.label} (pid ${other.pid})`).join(', ')}`);
          tooltip.appendMarkdown('\n\n');
        }
        tooltip.appendMarkdown(`Receiving OTLP/HTTP on \`${state.endpoint}/v1/traces\`\n\n`);
        tooltip.appendMarkdown(`Set \`OTEL_EXPORTER_OTLP_ENDPOINT=${this.controller.endpoint ?? state.endpoint}\` in your service.\n\n`);
        this.renderGrpc(tooltip);
        break;
      }
      case 'starting':
        this.item.text = `$(loading~spin) Span Lens ${state.host}:${state.port}`;
        tooltip.appendMarkdown(`Starting the receiver on ${state.host}:${state.port}…\n\n`);
        break;
      case 'portInUse':
        this.item.text = `$(error) Span Lens: port ${state.port} in use`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        tooltip.appendMarkdown(`Could not listen on ${state.host}:${state.port}: the port is held by another program (not Span Lens). Click to use another port.\n\n`);
        break;
      case 'failed':
        this.item.text = `$(error) Span Lens: receiver failed`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        tooltip.appendText(`Could not start the receiver on ${state.host}:${state.port}: ${state.message}\n\n`);
        break;
      case 'stopped':
        this.item.text = state.reason === 'untrusted' ? '$(workspace-untrusted) Span Lens: off' : '$(circle-slash) Span Lens: off';
        tooltip.appendMarkdown(
          state.reason === 'untrusted'
            ? 'The receiver starts when you trust this workspace (or run **Span Lens: Start Receiver**).\n\n'
            : state.reason === 'disabled'
              ? 'The receiver is turned off (`spanLens.receiver.enabled`).\n\n'
              : 'The receiver is stopped.\n\n',
        );
        break;
    }

    const lines = [
      `Spans received: ${totals.spansReceived.toLocaleString('en-US')} (${formatRate(rate)}/s over the last 10 s)`,
      `Kept: ${plural(totals.spansStored, 'span')} in ${plural(totals.traces, 'trace')}`,
      `Not mapped to a source line: ${totals.unmappedSpans.toLocaleString('en-US')}`,
    ];
    if (totals.evictedSpans > 0) {
      lines.push(`Evicted (memory cap): ${plural(totals.evictedSpans, 'span')} in ${plural(totals.evictedTraces, 'trace')}`);
    }
    if (totals.duplicateSpans > 0) {
      lines.push(`Duplicates dropped: ${totals.duplicateSpans.toLocaleString('en-US')}`);
    }
    if (this.controller.failedRequests > 0) {
      lines.push(`Requests refused: ${this.controller.failedRequests.toLocaleString('en-US')} (see the log)`);
    }
    if (totals.services.length > 0) {
      lines.push(`Services: ${totals.services.slice(0, 10).map((service) => escapeMarkdown(service, 60)).join(', ')}${totals.services.length > 10 ? ', …' : ''}`);
    }
    tooltip.appendMarkdown(lines.map((line) => `- ${line}`).join('\n'));
    tooltip.appendMarkdown('\n\nClick for actions.');
    this.item.tooltip = tooltip;
  }
}
