/**
 * Many Span Lens processes, one port. The first to bind the OTLP port(s) owns them and serves a feed on a local
 * socket; the others find the port taken, check on the feed that its holder is Span Lens, and subscribe: each
 * accepted request body reaches them, and they decode it with their own pool into their own store. When the owner
 * goes (quit or crash: the feed closes), every subscriber races to bind; the winner becomes the owner, the others
 * subscribe to it. Exporters retry on "connection refused", so the services' next exports reach the new owner.
 */
import type { Span } from '../../core/model/span';
import type { SpanPack } from '../../core/model/spanPack';
import { Emitter } from '../../core/util/emitter';
import type { PayloadEncoding } from '../decodeProtocol';
import { PortInUseError } from '../receiverErrors';
import { FeedClient, FeedUnavailableError } from './feedClient';
import { feedSocketPath } from './feedPath';
import { FeedBatch, FeedHello, FeedProtocolError, FeedSubscribe } from './feedProtocol';
import { FeedServer } from './feedServer';
import type { ForwardingDecodePool } from './forwardingDecodePool';
import { servicesOf } from '../batchServices';

export interface PortShareOptions {
  host: string;
  /** The OTLP/HTTP port: it names the feed. 0 (any free port) never conflicts, so it is never shared. */
  httpPort: number;
  /** The pool the receivers decode with: the owner taps it, a subscriber decodes the feed's bodies with it. */
  pool: ForwardingDecodePool;
  maxBodyBytes: number;
  /** Says who this process is to the others, e.g. "VS Code window (shop)" or "spanlens receive". */
  label: string;
  /**
   * Binds this process's receivers. Rejects with PortInUseError when the HTTP port is taken (another error passes
   * through as is). Resolves with the gRPC port it also holds, or null.
   */
  bind(): Promise<{ grpcPort: number | null }>;
  /** Default: derived from host and port (see feedPath). */
  socketPath?: string;
  /** While the port is taken and no feed answers yet (an owner starting, or stopping), tries this often (default 30). */
  attempts?: number;
  retryDelayMs?: number;
  /** How long a new owner replays what it accepted to processes that subscribe late (default 10 s; see FeedServer). */
  replayMs?: number;
}

export type ShareRole =
  | { kind: 'idle' }
  | { kind: 'owner'; subscribers: FeedSubscribe[]; grpcPort: number | null; feed: boolean }
  | { kind: 'subscriber'; owner: FeedHello }
  /** A takeover that could not bind nor subscribe: the port went to another program. */
  | { kind: 'lost'; error: Error };

export interface FeedSpans {
  spans: Span[];
  /** The same spans packed, for a store to hold instead (see SpanPack). */
  pack?: SpanPack;
  services: string[];
  bytes: number;
  encoding: PayloadEncoding;
  gzip: boolean;
  /** The owner that forwarded them. */
  ownerPid: number;
}

export interface ShareCounters {
  /** Spans decoded from the owner's feed while subscribed. */
  spansFromFeed: number;
  batchesFromFeed: number;
  /** Feed bodies our own pool could not decode (or refused as overloaded). */
  failedFeedBatches: number;
  /** Times this process became the owner after another owner went away. */
  takeovers: number;
  /** As the owner: batches not forwarded to a subscriber that fell more than 64 MiB behind (those spans it misses). */
  batchesSkippedForSubscribers: number;
}

/** The port is taken by something that is not Span Lens (or by a Span Lens that speaks another feed version). */
export class PortHeldByOtherProgramError extends PortInUseError {
  constructor(host: string, port: number, readonly reason: string, options?: { cause?: unknown }) {
    super(host, port, options);
    this.message = `${host}:${port} is held by another program (not a Span Lens receiver: ${reason})`;
  }
}

/** Longer than a subscriber's attempts to re-subscribe after a takeover (30 × 100 ms by default) take. */
const DEFAULT_REPLAY_MS = 10_000;

/** Feed bodies decoded at once; the rest wait, and past a backlog the feed is paused so the owner holds them. */
const FEED_DECODES_IN_FLIGHT = 2;
const FEED_BACKLOG_PAUSE = 256;

export class PortShare {
  private readonly socketPath: string;
  private server: FeedServer | undefined;
  private client: FeedClient | undefined;
  private currentRole: ShareRole = { kind: 'idle' };
  private stopped = false;
  /** A start or takeover under way (settled, never rejects). */
  private acquiring: Promise<void> | undefined;
  private readonly backlog: { batch: FeedBatch; ownerPid: number }[] = [];
  private decoding = 0;
  private draining: FeedClient | undefined;
  private readonly backlogWaiters: (() => void)[] = [];
  private readonly count: ShareCounters = { spansFromFeed: 0, batchesFromFeed: 0, failedFeedBatches: 0, takeovers: 0, batchesSkippedForSubscribers: 0 };

  private readonly spansEmitter = new Emitter<FeedSpans>();
  /** Spans from the owner's feed (subscriber only); the owner's own spans come from its receivers as usual. */
  readonly onSpans = this.spansEmitter.event;
  private readonly roleEmitter = new Emitter<ShareRole>();
  /** Owner, subscriber, or lost after a takeover; also fires when the owner's subscribers change. */
  readonly onDidChangeRole = this.roleEmitter.event;
  private readonly problemEmitter = new Emitter<string>();
  /** Something worth a log line that changes nothing for the user (the feed could not listen, a batch failed). */
  readonly onProblem = this.problemEmitter.event;

  constructor(private readonly options: PortShareOptions) {
    this.socketPath = options.socketPath ?? feedSocketPath(options.host, options.httpPort);
  }

  get role(): ShareRole {
    return this.currentRole;
  }

  get counters(): ShareCounters {
    // The current feed's skips are added live; a closed feed's were added when it closed.
    return { ...this.count, batchesSkippedForSubscribers: this.count.batchesSkippedForSubscribers + (this.server?.droppedBatches ?? 0) };
  }

  /**
   * Binds (→ owner) or subscribes (→ subscriber). Rejects with PortHeldByOtherProgramError when the port is held by
   * something that is not Span Lens, and with the bind error when binding fails for another reason.
   */
  async start(): Promise<ShareRole> {
    this.stopped = false;
    await this.track(this.acquire());
    return this.currentRole;
  }

  /**
   * No more binding or subscribing: waits for a start or takeover under way to finish (it may have just bound the
   * receivers). Call it before stopping the receivers, so none is bound again behind your back.
   */
  async halt(): Promise<void> {
    this.stopped = true;
    while (this.acquiring) {
      await this.acquiring;
    }
  }

  /**
   * Ends the sharing. An owner should `halt()`, then stop its receivers (the port is then free for a subscriber to
   * take, and in-flight bodies still reach the subscribers), then call this, which closes the feed.
   */
  async stop(): Promise<void> {
    await this.halt();
    this.options.pool.setTap(undefined);
    const client = this.client;
    this.client = undefined;
    if (client) {
      // What the owner accepted before we stopped still reaches our store (the CLI's report counts it).
      this.draining = client;
      await client.drainAndClose();
      this.draining = undefined;
    }
    await this.backlogDone();
    const server = this.server;
    this.server = undefined;
    this.count.batchesSkippedForSubscribers += server?.droppedBatches ?? 0;
    await server?.close();
    this.setRole({ kind: 'idle' });
  }

  dispose(): void {
    void this.stop();
    this.spansEmitter.dispose();
    this.roleEmitter.dispose();
    this.problemEmitter.dispose();
  }

  private async acquire(): Promise<void> {
    const { host, httpPort } = this.options;
    const attempts = this.options.attempts ?? 30;
    let lastReason = 'nothing answered';
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) {
        return;
      }
      // Made before binding: what the receivers accept from their first request on is kept for the subscribers.
      const server = httpPort === 0 ? undefined : this.prepareFeed();
      let bound: { grpcPort: number | null } | undefined;
      try {
        bound = await this.options.bind();
      } catch (error) {
        this.options.pool.setTap(undefined);
        await server?.close();
        if (!(error instanceof PortInUseError) || httpPort === 0) {
          throw error;
        }
      }
      if (bound) {
        await this.becomeOwner(bound.grpcPort, server);
        return;
      }
      try {
        const client = await FeedClient.connect(this.socketPath, this.options.maxBodyBytes);
        if (this.stopped) {
          client.close();
          return;
        }
        this.becomeSubscriber(client);
        return;
      } catch (error) {
        if (error instanceof FeedProtocolError) {
          throw new PortHeldByOtherProgramError(host, httpPort, error.message, { cause: error });
        }
        if (!(error instanceof FeedUnavailableError)) {
          throw error;
        }
        lastReason = error.message;
      }
      if (attempt + 1 >= attempts) {
        throw new PortHeldByOtherProgramError(host, httpPort, `no Span Lens feed answers (${lastReason})`);
      }
      // Taken, but no feed yet: an owner still starting, or one stopping. Try again shortly.
      await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs ?? 100));
    }
  }

  /** A feed server not yet listening, already tapping the pool (its replay buffer fills from now on). */
  private prepareFeed(): FeedServer {
    const server = new FeedServer(this.socketPath, this.options.replayMs ?? DEFAULT_REPLAY_MS);
    this.options.pool.setTap({
      get wanted() {
        return server.wantsBodies;
      },
      forward: (batch) => server.forward(batch),
    });
    return server;
  }

  private async becomeOwner(grpcPort: number | null, server: FeedServer | undefined): Promise<void> {
    const { host, httpPort, pool, label } = this.options;
    if (!server) {
      this.setRole({ kind: 'owner', subscribers: [], grpcPort, feed: false });
      return;
    }
    try {
      await server.listen({ pid: process.pid, label, host, httpPort, grpcPort });
    } catch (error) {
      // Receiving still works; only other windows cannot share this port.
      pool.setTap(undefined);
      await server.close();
      this.problemEmitter.fire(`cannot serve the feed for other Span Lens windows on ${this.socketPath}: ${String(error)}`);
      this.setRole({ kind: 'owner', subscribers: [], grpcPort, feed: false });
      return;
    }
    this.server = server;
    server.onLag(({ subscriber, caughtUp, skippedBatches }) => {
      const who = `pid ${subscriber.pid} (${subscriber.label})`;
      if (caughtUp) {
        this.problemEmitter.fire(`${who} caught up with the feed; it missed ${skippedBatches} batch(es) while it was too far behind`);
      } else {
        this.problemEmitter.fire(`${who} is more than 64 MiB behind on the feed: batches are skipped for it (it misses those spans) until it catches up`);
      }
    });
    server.onDidChangeSubscribers((subscribers) => {
      if (this.server === server) {
        this.setRole({ kind: 'owner', subscribers: [...subscribers], grpcPort, feed: true });
      }
    });
    this.setRole({ kind: 'owner', subscribers: [], grpcPort, feed: true });
  }

  private becomeSubscriber(client: FeedClient): void {
    this.client = client;
    const ownerPid = client.hello.pid;
    client.onBatch((batch) => {
      this.backlog.push({ batch, ownerPid });
      if (this.backlog.length >= FEED_BACKLOG_PAUSE) {
        client.pause();
      }
      this.pump();
    });
    client.onClose(({ byUs }) => {
      if (this.client === client) {
        this.client = undefined;
      }
      if (!byUs && !this.stopped) {
        void this.takeOver();
      }
    });
    client.subscribe({ pid: process.pid, label: this.options.label });
    this.setRole({ kind: 'subscriber', owner: client.hello });
  }

  /** Keeps `acquiring` set while an acquire runs, so `halt` can wait for it; settles whether it fails or not. */
  private async track(acquire: Promise<void>): Promise<void> {
    const settled = acquire.then(
      () => undefined,
      () => undefined,
    );
    this.acquiring = settled;
    void settled.then(() => {
      if (this.acquiring === settled) this.acquiring = undefined;
    });
    await acquire;
  }

  /** The owner's feed closed: bind if we can, else subscribe to whoever did. */
  private async takeOver(): Promise<void> {
    try {
      await this.track(this.acquire());
      if (this.currentRole.kind === 'owner') {
        this.count.takeovers++;
      }
    } catch (error) {
      if (!this.stopped) {
        this.setRole({ kind: 'lost', error: error instanceof Error ? error : new Error(String(error)) });
      }
    }
  }

  private pump(): void {
    while (this.decoding < FEED_DECODES_IN_FLIGHT && this.backlog.length > 0) {
      const { batch, ownerPid } = this.backlog.shift() as { batch: FeedBatch; ownerPid: number };
      this.decoding++;
      const bytes = batch.body.byteLength;
      void this.options.pool.decodeFromFeed(batch.body, batch.encoding, batch.gzip, this.options.maxBodyBytes).then((outcome) => {
        this.decoding--;
        this.count.batchesFromFeed++;
        if (!outcome.ok) {
          this.count.failedFeedBatches++;
          this.problemEmitter.fire(`a batch from the owner's feed could not be decoded here: ${outcome.message}`);
        } else if (outcome.spans.length > 0) {
          this.count.spansFromFeed += outcome.spans.length;
          this.spansEmitter.fire({ spans: outcome.spans, pack: outcome.pack, services: servicesOf(outcome.spans), bytes, encoding: batch.encoding, gzip: batch.gzip, ownerPid });
        }
        if (this.backlog.length < FEED_BACKLOG_PAUSE / 4) {
          (this.client ?? this.draining)?.resume();
        }
        this.pump();
      });
    }
    if (this.decoding === 0 && this.backlog.length === 0) {
      for (const resolve of this.backlogWaiters.splice(0)) {
        resolve();
      }
    }
  }

  private backlogDone(): Promise<void> {
    if (this.decoding === 0 && this.backlog.length === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.backlogWaiters.push(resolve));
  }

  private setRole(role: ShareRole): void {
    this.currentRole = role;
    this.roleEmitter.fire(role);
  }
}
