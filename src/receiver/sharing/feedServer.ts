/**
 * The owner's side of the feed: a local socket that greets every connection with a HELLO and, once it subscribes,
 * writes it every accepted request body. Only the process holding the port runs one, so it alone removes a stale
 * socket file (left by an owner that crashed) before listening.
 */
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Emitter } from '../../core/util/emitter';
import { ensurePrivateDirectory } from './feedPath';
import { encodeBatchParts, encodeHello, FeedBatch, FeedHello, FeedSubscribe, FrameReader, FrameType, parseSubscribe } from './feedProtocol';

/** A subscriber that falls this far behind loses batches (counted) instead of growing the owner's memory. */
const MAX_BACKLOG_BYTES = 64 * 1024 * 1024;
/** What a new owner keeps for subscribers still on their way (see `replayMs`). */
const MAX_REPLAY_BYTES = 16 * 1024 * 1024;
/** Subscribers send one small SUBSCRIBE frame; nothing bigger is expected from them. */
const MAX_SUBSCRIBER_FRAME = 64 * 1024;

interface Subscriber {
  socket: net.Socket;
  info: FeedSubscribe;
  /** Batches skipped since it fell behind; 0 while it keeps up. */
  skipped: number;
}

/** A subscriber fell too far behind (`caughtUp` false, at its first skipped batch) or caught up again (with the count). */
export interface LagEvent {
  subscriber: FeedSubscribe;
  caughtUp: boolean;
  skippedBatches: number;
}

export class FeedServer {
  private server: net.Server | undefined;
  private readonly connections = new Set<net.Socket>();
  private readonly subscribers = new Set<Subscriber>();
  /** Batches not written to a subscriber that lagged too far behind. */
  droppedBatches = 0;
  /** Bodies accepted since listening, while the replay window is open; undefined once it closed (or overflowed). */
  private replay: { parts: [Buffer, Uint8Array][]; bytes: number } | undefined;
  private replayTimer: NodeJS.Timeout | undefined;
  private readonly lagEmitter = new Emitter<LagEvent>();
  /** Once when a subscriber starts losing batches, and once when it catches up: never once per batch. */
  readonly onLag = this.lagEmitter.event;
  private readonly changeEmitter = new Emitter<readonly FeedSubscribe[]>();
  /** The subscribers changed (one joined or left). */
  readonly onDidChangeSubscribers = this.changeEmitter.event;

  private hello: Omit<FeedHello, 'product' | 'protocol'> | undefined;

  /**
   * For `replayMs` from construction (made before the port is bound), accepted bodies are also kept and replayed to
   * each process that subscribes in that time. A takeover is a race: the exporters' retries can reach the new owner
   * before its feed listens or before the other processes have re-subscribed, and those must not miss them.
   * Windows starting together gain the same way.
   */
  constructor(
    private readonly socketPath: string,
    replayMs = 0,
  ) {
    if (replayMs > 0) {
      this.replay = { parts: [], bytes: 0 };
      this.replayTimer = setTimeout(() => (this.replay = undefined), replayMs);
      this.replayTimer.unref();
    }
  }

  /** True while bodies are wanted (a subscriber, or the replay window): the owner copies request bodies only then. */
  get wantsBodies(): boolean {
    return this.subscribers.size > 0 || this.replay !== undefined;
  }

  get subscriberList(): FeedSubscribe[] {
    return [...this.subscribers].map((subscriber) => subscriber.info);
  }

  /** Starts serving, saying `hello` to each connection. */
  async listen(hello: Omit<FeedHello, 'product' | 'protocol'>): Promise<void> {
    this.hello = hello;
    // The folder only this user can enter: nobody else connects, nobody else plants a socket there.
    await ensurePrivateDirectory(path.dirname(this.socketPath), true);
    await removeStaleSocket(this.socketPath);
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => undefined);
    if (process.platform !== 'win32') {
      // Only this user may read the spans (the folder is 0700 already; this covers a socket path given from outside).
      await fs.chmod(this.socketPath, 0o600).catch(() => undefined);
    }
    this.server = server;
  }

  /** Writes one accepted body to every subscriber. Never throws: a broken subscriber is only dropped. */
  forward(batch: FeedBatch): void {
    if (!this.wantsBodies) {
      return;
    }
    const [head, body] = encodeBatchParts(batch);
    if (this.replay) {
      this.replay.bytes += body.byteLength;
      this.replay.parts.push([head, body]);
      if (this.replay.bytes > MAX_REPLAY_BYTES) {
        this.closeReplay();
      }
    }
    for (const subscriber of this.subscribers) {
      if (subscriber.socket.writableLength > MAX_BACKLOG_BYTES) {
        this.droppedBatches++;
        if (subscriber.skipped++ === 0) {
          this.lagEmitter.fire({ subscriber: subscriber.info, caughtUp: false, skippedBatches: 1 });
        }
        continue;
      }
      if (subscriber.skipped > 0) {
        this.lagEmitter.fire({ subscriber: subscriber.info, caughtUp: true, skippedBatches: subscriber.skipped });
        subscriber.skipped = 0;
      }
      subscriber.socket.write(head);
      subscriber.socket.write(body);
    }
  }

  /** Closes the socket (Node removes the file) and every connection: subscribers see the close and take over. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.closeReplay();
    if (!server) {
      return;
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.connections) {
      // end(), not destroy(): batches already written still reach the subscriber before it sees the close.
      socket.end();
    }
    await closed;
    this.changeEmitter.dispose();
    this.lagEmitter.dispose();
  }

  private closeReplay(): void {
    clearTimeout(this.replayTimer);
    this.replay = undefined;
  }

  private accept(socket: net.Socket): void {
    this.connections.add(socket);
    const reader = new FrameReader(MAX_SUBSCRIBER_FRAME);
    let subscriber: Subscriber | undefined;
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.connections.delete(socket);
      if (subscriber && this.subscribers.delete(subscriber)) {
        this.changeEmitter.fire(this.subscriberList);
      }
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of reader.push(chunk)) {
          if (frame.type === FrameType.subscribe && !subscriber) {
            subscriber = { socket, info: parseSubscribe(frame.payload), skipped: 0 };
            for (const [head, body] of this.replay?.parts ?? []) {
              socket.write(head);
              socket.write(body);
            }
            this.subscribers.add(subscriber);
            this.changeEmitter.fire(this.subscriberList);
          }
        }
      } catch {
        socket.destroy();
      }
    });
    if (this.hello) {
      socket.write(encodeHello(this.hello));
    }
  }
}

/**
 * Removes a socket file nobody listens on (its owner died without closing it); leaves a live one alone so a
 * mistaken second owner fails to listen rather than stealing the path.
 */
export async function removeStaleSocket(socketPath: string): Promise<void> {
  if (process.platform === 'win32') {
    return;
  }
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (!live) {
    await fs.unlink(socketPath).catch(() => undefined);
  }
}
