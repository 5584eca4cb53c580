/**
 * Owns the receivers' lifecycle in the editor: starts OTLP/HTTP and OTLP/gRPC with the extension (trusted workspaces,
 * setting on), restarts them when their settings change, feeds received spans to the store, and says clearly when one
 * cannot listen. HTTP is the receiver the rest of the extension talks about (`address`, debug injection); gRPC runs
 * beside it with its own state, and its failure to bind never stops HTTP.
 *
 * Many windows, one port: the first window to bind owns the port(s) and forwards every accepted request body to the
 * other Span Lens windows over a local socket (PortShare); a window that finds the port held by Span Lens subscribes
 * instead of failing, and takes the port over when the owner closes. Only a holder that is not Span Lens is
 * reported as "port in use".
 */
import * as vscode from 'vscode';
import { Span, SpanPack, SpanStore } from '../core/model';
import { OtlpGrpcReceiver } from '../receiver/grpcReceiver';
import { GRPC_DEFAULT_WINDOWS_NOTE } from '../receiver/grpcFlowControl';
import { OtlpHttpReceiver } from '../receiver/httpReceiver';
import { PortInUseError } from '../receiver/receiverErrors';
import { ForwardingDecodePool, PortHeldByOtherProgramError, PortShare, ShareRole } from '../receiver/sharing';
import { COMMANDS } from './commandIds';
import { Logger } from './logger';
import { findFreePort, isPortFree, parsePort } from './portProbe';
import { RateMeter } from './rateMeter';
import { Settings } from './settings';

export type ReceiverState =
  | { kind: 'starting'; host: string; port: number }
  | {
      kind: 'running';
      host: string;
      port: number;
      endpoint: string;
      /** Set while another Span Lens process owns the port and forwards its spans here. */
      sharedFrom?: { pid: number; label: string };
      /** While this window owns the port: the other Span Lens processes it forwards to. */
      sharedWith?: { pid: number; label: string }[];
    }
  | { kind: 'stopped'; reason: 'user' | 'disabled' | 'untrusted' }
  | { kind: 'portInUse'; host: string; port: number }
  | { kind: 'failed'; host: string; port: number; message: string };

/** The gRPC receiver beside HTTP: `off` while HTTP is not running or gRPC is turned off. */
export type GrpcReceiverState =
  | { kind: 'off'; reason: 'disabled' | 'httpNotRunning' }
  | { kind: 'running'; host: string; port: number; endpoint: string }
  | { kind: 'portInUse'; host: string; port: number }
  | { kind: 'failed'; host: string; port: number; message: string };

/** Context key for menus and welcome views: true while the receiver runs or is starting. */
const RUNNING_CONTEXT_KEY = 'spanLens.receiverRunning';

export class ReceiverController implements vscode.Disposable {
  /** The HTTP receiver; it listens only while this window owns the port (`share.role` is owner). */
  private receiver: OtlpHttpReceiver | undefined;
  private grpcReceiver: OtlpGrpcReceiver | undefined;
  private share: PortShare | undefined;
  /** One decode pool for both receivers and the feed, so the editor spends one worker thread whichever way spans come. */
  private pool: ForwardingDecodePool | undefined;
  private current: ReceiverState = { kind: 'stopped', reason: 'user' };
  private grpcCurrent: GrpcReceiverState = { kind: 'off', reason: 'httpNotRunning' };
  /** Start/stop/restart run one at a time, in the order asked. */
  private queue: Promise<void> = Promise.resolve();
  private readonly stateEmitter = new vscode.EventEmitter<ReceiverState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly spansEmitter = new vscode.EventEmitter<readonly Span[]>();
  /** Each received batch, after the store took it: for the parts that read the same spans (broken-link detection). */
  readonly onDidReceiveSpans = this.spansEmitter.event;
  readonly rate = new RateMeter(10);
  private readonly seenServices = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly store: SpanStore,
    private readonly settings: Settings,
    private readonly logger: Logger,
  ) {
    this.subscriptions.push(
      settings.onDidChange(({ previous, current }) => {
        const before = previous.receiver;
        const after = current.receiver;
        if (before.enabled && !after.enabled) {
          void this.stop('disabled');
        } else if (!before.enabled && after.enabled && !this.isActive && vscode.workspace.isTrusted) {
          void this.start();
        } else if (before.host !== after.host || before.httpPort !== after.httpPort || before.maxBodyBytes !== after.maxBodyBytes) {
          // A receiver the user stopped stays stopped; one that runs, or failed to bind, tries the new address.
          if (this.isActive || this.current.kind === 'portInUse' || this.current.kind === 'failed') {
            void this.restart();
          }
        } else if (before.grpcEnabled !== after.grpcEnabled || before.grpcPort !== after.grpcPort) {
          // A window subscribed to another's feed holds no port: the new gRPC settings apply if it takes over.
          if (this.isActive && this.receiver?.listening) {
            void this.enqueue(async () => {
              await this.doStopGrpc();
              await this.doStartGrpc();
            });
          }
        }
        if (before.apiKey !== after.apiKey || before.corsAllowedOrigins.join('\n') !== after.corsAllowedOrigins.join('\n')) {
          // Applied to the running receivers at once: no restart, no lost connection.
          this.receiver?.setSecurity({ corsAllowedOrigins: after.corsAllowedOrigins, apiKey: after.apiKey });
          this.grpcReceiver?.setApiKey(after.apiKey);
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (this.settings.current.receiver.enabled && !this.isActive) {
          void this.start();
        }
      }),
      store.onDidChange((change) => {
        if (change.cleared) {
          this.rate.reset();
          this.seenServices.clear();
        }
      }),
    );
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT_KEY, false);
  }

  /** Starts as the extension activates: only when enabled and the workspace is trusted (trust grants start it later). */
  startIfAllowed(): Promise<void> {
    if (!this.settings.current.receiver.enabled) {
      this.setState({ kind: 'stopped', reason: 'disabled' });
      this.logger.info('Receiver not started: spanLens.receiver.enabled is off.');
      return Promise.resolve();
    }
    if (!vscode.workspace.isTrusted) {
      this.setState({ kind: 'stopped', reason: 'untrusted' });
      this.logger.info('Receiver not started: the workspace is not trusted. It starts when you trust it, or with "Span Lens: Start Receiver".');
      return Promise.resolve();
    }
    return this.start();
  }

  get state(): ReceiverState {
    return this.current;
  }

  get grpcState(): GrpcReceiverState {
    return this.grpcCurrent;
  }

  get isActive(): boolean {
    return this.current.kind === 'running' || this.current.kind === 'starting';
  }

  /**
   * Has the decode worker write the pages of the store's fresh memory (TapeArena's ChunkPreparer), off the extension
   * host's thread; before the receiver first starts there is no worker, and the store's own writes fault them in.
   */
  prepareChunk(memory: SharedArrayBuffer): void {
    this.pool?.prepareChunk(memory);
  }

  /** `host:port` while receiving, e.g. `127.0.0.1:4318` (IPv6 hosts in brackets); the owner's when shared. */
  get address(): string | undefined {
    const bound = this.receivingAddress();
    return bound && `${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}`;
  }

  /** The value for OTEL_EXPORTER_OTLP_ENDPOINT; a wildcard bind is reached through loopback. */
  get endpoint(): string | undefined {
    const bound = this.receivingAddress();
    return bound && loopbackEndpoint(bound);
  }

  /** The OTLP/gRPC endpoint (with OTEL_EXPORTER_OTLP_PROTOCOL=grpc) while it listens. */
  get grpcEndpoint(): string | undefined {
    return this.grpcCurrent.kind === 'running' ? this.grpcCurrent.endpoint : undefined;
  }

  /** Spans the receivers accepted (or the owner's feed brought) since they last started. */
  get spansReceived(): number {
    return (this.receiver?.counters.spans ?? 0) + (this.grpcReceiver?.counters.spans ?? 0) + (this.share?.counters.spansFromFeed ?? 0);
  }

  /** Requests (HTTP) and calls (gRPC) answered with an error. */
  get failedRequests(): number {
    return (this.receiver?.counters.errors ?? 0) + (this.grpcReceiver?.counters.errors ?? 0);
  }

  start(): Promise<void> {
    if (!this.isActive) {
      // Said at once, so nothing shows "off" while the start waits its turn in the queue.
      const { host, httpPort } = this.settings.current.receiver;
      this.setState({ kind: 'starting', host, port: httpPort });
    }
    return this.enqueue(() => this.doStart());
  }

  stop(reason: 'user' | 'disabled' = 'user'): Promise<void> {
    return this.enqueue(() => this.doStop(reason));
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.doStop('user');
      await this.doStart();
    });
  }

  /** Resolves when no start or stop is in progress. */
  whenIdle(): Promise<void> {
    return this.queue;
  }

  /** Asks for a port (suggesting a free one), writes `spanLens.receiver.httpPort`; the setting change restarts. */
  async useAnotherPort(): Promise<void> {
    const { host, httpPort } = this.settings.current.receiver;
    const suggestion = await findFreePort(host, httpPort).catch(() => httpPort + 1);
    const input = await vscode.window.showInputBox({
      title: 'Span Lens: Use Another Port',
      prompt: `Port for the OTLP/HTTP receiver on ${host}. Point exporters at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://${host}:<port>.`,
      value: String(suggestion),
      validateInput: async (text) => {
        const port = parsePort(text);
        if (port === undefined) {
          return 'Enter a port number from 1 to 65535.';
        }
        if (port === this.boundPort()) {
          return undefined;
        }
        return (await isPortFree(host, port)) ? undefined : `${host}:${port} is in use too.`;
      },
    });
    const port = input === undefined ? undefined : parsePort(input);
    if (port === undefined) {
      return;
    }
    if (port === httpPort) {
      await this.restart();
      return;
    }
    await this.settings.update('receiver.httpPort', port, 'workspace');
    this.logger.info(`spanLens.receiver.httpPort set to ${port}.`);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.stateEmitter.dispose();
    this.spansEmitter.dispose();
    void this.shutdown();
  }

  /** Stops the receivers and waits for them (deactivate awaits this so the ports are free when the host goes). */
  shutdown(): Promise<void> {
    return this.enqueue(() => this.release());
  }

  private boundPort(): number | undefined {
    return this.current.kind === 'running' ? this.receivingAddress()?.port : undefined;
  }

  /** Where exporters send: our own bound address, or the owner's while shared. */
  private receivingAddress(): { host: string; port: number } | undefined {
    if (this.current.kind !== 'running') {
      return undefined;
    }
    return this.current.sharedFrom ? { host: this.current.host, port: this.current.port } : this.receiver?.address;
  }

  /**
   * No more takeovers first (one under way may be binding the receivers right now), then the receivers (the port is
   * then free for a subscribing window to take over, and bodies still in flight are forwarded), then the feed, then
   * the pool.
   */
  private async release(): Promise<void> {
    await this.share?.halt();
    const receiver = this.receiver;
    this.receiver = undefined;
    await this.doStopGrpc();
    if (receiver) {
      await receiver.stop();
      receiver.dispose();
    }
    const share = this.share;
    this.share = undefined;
    if (share) {
      await share.stop();
      share.dispose();
    }
    await this.closePool();
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work).catch((error: unknown) => {
      this.logger.error('Receiver operation failed:', error);
    });
    this.queue = next;
    return next;
  }

  private async doStart(): Promise<void> {
    if (this.receiver || this.share) {
      return;
    }
    const { host, httpPort, maxBodyBytes, corsAllowedOrigins, apiKey } = this.settings.current.receiver;
    this.setState({ kind: 'starting', host, port: httpPort });
    const pool = (this.pool ??= new ForwardingDecodePool({ workers: 1 }));
    const receiver = new OtlpHttpReceiver({ host, port: httpPort, maxBodyBytes, stopGraceMs: 2000, pool, corsAllowedOrigins, apiKey });
    const listeners = [
      receiver.onSpans((batch) => this.accept(batch, `OTLP/HTTP ${batch.encoding}${batch.gzip ? ', gzip' : ''}`)),
      receiver.onRequestFailed((failure) => {
        this.logger.warn(`${failure.method} ${failure.path} → ${failure.status}: ${failure.message}`);
      }),
      receiver.onListenerError((error) => {
        this.logger.error('Storing received spans failed:', error);
      }),
    ];
    const share = new PortShare({
      host,
      httpPort,
      pool,
      maxBodyBytes,
      label: `VS Code window (${vscode.workspace.name ?? 'no folder'})`,
      // Called again by a takeover, outside the start/stop queue: the owner went away and this window binds.
      bind: async () => {
        await receiver.start();
        this.receiver = receiver;
        await this.doStartGrpc();
        return { grpcPort: this.grpcReceiver?.address?.port ?? null };
      },
    });
    share.onSpans((batch) => this.accept(batch, `shared from pid ${batch.ownerPid}`));
    share.onProblem((message) => this.logger.warn(`Port sharing: ${message}`));
    let previous: ShareRole = share.role;
    share.onDidChangeRole((role) => {
      if (this.share === share) {
        this.applyShareRole(share, receiver, previous, role);
      }
      previous = role;
    });
    this.share = share;
    try {
      await share.start();
    } catch (error) {
      listeners.forEach((listener) => listener.dispose());
      this.share = undefined;
      this.receiver = undefined;
      await receiver.stop();
      receiver.dispose();
      await this.doStopGrpc();
      share.dispose();
      await this.closePool();
      this.reportStartFailure(error, host, httpPort);
      return;
    }
    // A subscriber does not bind: the receiver object waits for a takeover.
    this.receiver = receiver;
  }

  /** The port's owner or a subscriber to its feed: the state, the log, and the gRPC line follow. */
  private applyShareRole(share: PortShare, receiver: OtlpHttpReceiver, previous: ShareRole, role: ShareRole): void {
    const { host, httpPort } = this.settings.current.receiver;
    const others = (list: { pid: number; label: string }[]): { pid: number; label: string }[] => list.map(({ pid, label }) => ({ pid, label }));
    switch (role.kind) {
      case 'owner': {
        const endpoint = receiver.endpoint ?? `http://${host}:${httpPort}`;
        this.setState({ kind: 'running', host, port: receiver.address?.port ?? httpPort, endpoint, sharedWith: others(role.subscribers) });
        if (previous.kind === 'subscriber') {
          this.logger.info(`The Span Lens window that owned ${host}:${httpPort} (pid ${previous.owner.pid}) went away: this window took the port over.`);
        }
        if (previous.kind !== 'owner') {
          this.logger.info(`Receiver listening on ${endpoint} (POST /v1/traces, protobuf or JSON).`);
        } else if (previous.subscribers.length !== role.subscribers.length) {
          this.logger.info(
            role.subscribers.length === 0
              ? 'No other Span Lens window shares this receiver now.'
              : `Sharing this receiver with ${role.subscribers.map((s) => `${s.label} (pid ${s.pid})`).join(', ')}.`,
          );
        }
        return;
      }
      case 'subscriber': {
        const owner = role.owner;
        const endpoint = loopbackEndpoint({ host: owner.host, port: owner.httpPort });
        this.setState({ kind: 'running', host: owner.host, port: owner.httpPort, endpoint, sharedFrom: { pid: owner.pid, label: owner.label } });
        this.setGrpcState(
          owner.grpcPort === null
            ? { kind: 'off', reason: 'httpNotRunning' }
            : { kind: 'running', host: owner.host, port: owner.grpcPort, endpoint: loopbackEndpoint({ host: owner.host, port: owner.grpcPort }) },
        );
        this.logger.info(
          `${host}:${httpPort} is owned by another Span Lens window, ${owner.label} (pid ${owner.pid}): it forwards every span it receives to this window. If it closes, this window takes over.`,
        );
        return;
      }
      case 'lost':
        // The owner went away and the port went to a program that is not Span Lens (or could not be bound).
        void this.enqueue(async () => {
          if (this.share !== share) {
            return;
          }
          await this.release();
          this.reportStartFailure(role.error, host, httpPort);
        });
        return;
      case 'idle':
        return;
    }
  }

  /** Starts gRPC beside a running HTTP receiver; a failure is reported on its own and leaves HTTP running. */
  private async doStartGrpc(): Promise<void> {
    const { host, grpcEnabled, grpcPort, maxBodyBytes, apiKey } = this.settings.current.receiver;
    // A window that subscribes to another's feed binds nothing: the owner holds gRPC too.
    if (this.grpcReceiver || !this.receiver?.listening || !this.pool) {
      return;
    }
    if (!grpcEnabled) {
      this.setGrpcState({ kind: 'off', reason: 'disabled' });
      return;
    }
    const receiver = new OtlpGrpcReceiver({ host, port: grpcPort, maxBodyBytes, stopGraceMs: 2000, pool: this.pool, apiKey });
    receiver.onSpans((batch) => this.accept(batch, 'OTLP/gRPC'));
    receiver.onRequestFailed((failure) => this.logger.warn(`gRPC ${failure.path} → ${failure.codeName}: ${failure.message}`));
    receiver.onListenerError((error) => this.logger.error('Storing received spans failed:', error));
    try {
      await receiver.start();
    } catch (error) {
      receiver.dispose();
      this.reportGrpcStartFailure(error, host, grpcPort);
      return;
    }
    this.grpcReceiver = receiver;
    const endpoint = loopbackEndpoint(receiver.address ?? { host, port: grpcPort });
    this.setGrpcState({ kind: 'running', host, port: receiver.address?.port ?? grpcPort, endpoint });
    this.logger.info(`Receiver listening for OTLP/gRPC on ${endpoint} (TraceService/Export; OTEL_EXPORTER_OTLP_PROTOCOL=grpc).`);
    if (!receiver.widenedFlowControl) {
      this.logger.warn(GRPC_DEFAULT_WINDOWS_NOTE);
    }
  }

  private async doStopGrpc(): Promise<void> {
    const receiver = this.grpcReceiver;
    this.grpcReceiver = undefined;
    if (receiver) {
      await receiver.stop();
      receiver.dispose();
      this.logger.info('OTLP/gRPC receiver stopped.');
    }
    this.setGrpcState({ kind: 'off', reason: 'httpNotRunning' });
  }

  private async closePool(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  /** Both receivers' batches go the same way: the store, the listeners, the rate, the log's first word of a service. */
  private accept({ spans, pack, services }: { spans: Span[]; pack?: SpanPack; services: string[] }, transport: string): void {
    this.store.add(spans, pack);
    this.spansEmitter.fire(spans);
    this.rate.record(spans.length);
    for (const service of services) {
      if (!this.seenServices.has(service)) {
        this.seenServices.add(service);
        this.logger.info(`Receiving spans from service "${service}" (${transport}).`);
      }
    }
  }

  private async doStop(reason: 'user' | 'disabled'): Promise<void> {
    const active = this.receiver !== undefined || this.share !== undefined;
    await this.release();
    if (active) {
      this.logger.info('Receiver stopped.');
    }
    this.setState({ kind: 'stopped', reason });
  }

  private reportGrpcStartFailure(error: unknown, host: string, port: number): void {
    const inUse = error instanceof PortInUseError;
    const text = error instanceof Error ? error.message : String(error);
    this.setGrpcState(inUse ? { kind: 'portInUse', host, port } : { kind: 'failed', host, port, message: text });
    const message = inUse
      ? `Span Lens could not listen for OTLP/gRPC on ${host}:${port}: the port is in use. OTLP/HTTP keeps receiving.`
      : `Span Lens could not start its OTLP/gRPC receiver on ${host}:${port}: ${text}. OTLP/HTTP keeps receiving.`;
    if (inUse) {
      this.logger.error(`${message} Another program (an OpenTelemetry Collector, or another VS Code window running Span Lens) holds it.`);
    } else {
      this.logger.error(message, error);
    }
    void vscode.window.showWarningMessage(message, 'Change gRPC Port', 'Show Log').then((choice) => {
      if (choice === 'Change gRPC Port') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'spanLens.receiver.grpcPort');
      } else if (choice === 'Show Log') {
        this.logger.show();
      }
    });
  }

  private setGrpcState(state: GrpcReceiverState): void {
    this.grpcCurrent = state;
    // The status bar and others listen to one event; HTTP's state is unchanged, it only re-renders.
    this.stateEmitter.fire(this.current);
  }

  private reportStartFailure(error: unknown, host: string, port: number): void {
    if (error instanceof PortInUseError) {
      this.setState({ kind: 'portInUse', host, port });
      // Another Span Lens would have been shared with: the holder is another program.
      const message = `Span Lens could not listen on ${host}:${port}: the port is held by another program (not Span Lens).`;
      const detail = error instanceof PortHeldByOtherProgramError ? error.reason : error.message;
      this.logger.error(`${message} (${detail}) Choose another port, or stop that program (e.g. an OpenTelemetry Collector).`);
      void vscode.window.showErrorMessage(message, 'Use Another Port', 'Show Log').then((choice) => {
        if (choice === 'Use Another Port') {
          void vscode.commands.executeCommand(COMMANDS.useAnotherPort);
        } else if (choice === 'Show Log') {
          this.logger.show();
        }
      });
      return;
    }
    const text = error instanceof Error ? error.message : String(error);
    this.setState({ kind: 'failed', host, port, message: text });
    this.logger.error(`Receiver could not start on ${host}:${port}:`, error);
    void vscode.window.showErrorMessage(`Span Lens could not start its receiver on ${host}:${port}: ${text}`, 'Show Log').then((choice) => {
      if (choice === 'Show Log') {
        this.logger.show();
      }
    });
  }

  private setState(state: ReceiverState): void {
    this.current = state;
    void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT_KEY, state.kind === 'running' || state.kind === 'starting');
    this.stateEmitter.fire(state);
  }
}

/** `http://host:port` for a bound address; a wildcard bind is reached through loopback. */
function loopbackEndpoint(bound: { host: string; port: number }): string {
  const host = bound.host === '0.0.0.0' ? '127.0.0.1' : bound.host === '::' ? '[::1]' : bound.host.includes(':') ? `[${bound.host}]` : bound.host;
  return `http://${host}:${bound.port}`;
}
