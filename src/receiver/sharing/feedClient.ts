/**
 * The subscriber's side of the feed: connect to the owner's socket, read its HELLO (proof that the port's holder is
 * Span Lens, and which ports it serves), then subscribe and receive every accepted request body as a batch.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { Emitter } from '../../core/util/emitter';
import { ensurePrivateDirectory } from './feedPath';
import { decodeBatch, encodeSubscribe, FeedBatch, FeedHello, FeedProtocolError, FeedSubscribe, FrameReader, FrameType, parseHello } from './feedProtocol';

/** How long a connected feed may take to say hello before it is judged not to be Span Lens. */
const HELLO_TIMEOUT_MS = 3000;

/** Nobody listens on the feed socket (no file, refused, or no hello in time). */
export class FeedUnavailableError extends Error {
  override readonly name = 'FeedUnavailableError';
}

export class FeedClient {
  private readonly batchEmitter = new Emitter<FeedBatch>();
  /** One accepted request body from the owner, in the order the owner accepted them. */
  readonly onBatch = this.batchEmitter.event;
  private readonly closeEmitter = new Emitter<{ byUs: boolean }>();
  /** The feed ended: the owner stopped or died (`byUs` false), or `close()` was called. */
  readonly onClose = this.closeEmitter.event;
  private closedByUs = false;
  private subscribed = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly reader: FrameReader,
    readonly hello: FeedHello,
  ) {
    socket.on('close', () => {
      this.closeEmitter.fire({ byUs: this.closedByUs });
      this.closeEmitter.dispose();
      this.batchEmitter.dispose();
    });
  }

  /**
   * Connects and reads the hello. Rejects with FeedUnavailableError when nothing answers on the socket, and with
   * FeedProtocolError when something answers that is not a Span Lens feed of this protocol version.
   */
  static async connect(socketPath: string, maxBatchBytes: number): Promise<FeedClient> {
    try {
      await ensurePrivateDirectory(path.dirname(socketPath), false);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No folder yet: no owner has served a feed. Not private: whatever answers there is not to be trusted.
      throw code === 'ENOENT' ? new FeedUnavailableError(`${socketPath}: ENOENT`) : new FeedProtocolError(String((error as Error).message));
    }
    return new Promise<FeedClient>((resolve, reject) => {
      const socket = net.connect(socketPath);
      // The frame limit leaves room for the flags byte and a little slack over the receiver's own body limit.
      const reader = new FrameReader(maxBatchBytes + 1024);
      let settled = false;
      const fail = (error: Error): void => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          socket.destroy();
          reject(error);
        }
      };
      const timer = setTimeout(() => fail(new FeedUnavailableError(`no hello on ${socketPath}`)), HELLO_TIMEOUT_MS);
      socket.on('error', (error: NodeJS.ErrnoException) => fail(new FeedUnavailableError(`${socketPath}: ${error.code ?? error.message}`)));
      socket.on('close', () => fail(new FeedUnavailableError(`${socketPath} closed before its hello`)));
      const onData = (chunk: Buffer): void => {
        let frames;
        try {
          frames = reader.push(chunk);
        } catch (error) {
          return fail(error as Error);
        }
        if (frames.length === 0) {
          return;
        }
        if (frames[0].type !== FrameType.hello) {
          return fail(new FeedProtocolError(`${socketPath} did not start with a Span Lens hello`));
        }
        let hello: FeedHello;
        try {
          hello = parseHello(frames[0].payload);
        } catch (error) {
          return fail(error as Error);
        }
        settled = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.pause();
        const client = new FeedClient(socket, reader, hello);
        // Frames that came in the same chunk as the hello (none before subscribing, but be exact).
        client.handle(frames.slice(1));
        resolve(client);
      };
      socket.on('data', onData);
    });
  }

  /** Asks for batches; they arrive through `onBatch` until the feed closes. */
  subscribe(info: FeedSubscribe): void {
    if (this.subscribed) {
      return;
    }
    this.subscribed = true;
    this.socket.on('data', (chunk: Buffer) => {
      try {
        this.handle(this.reader.push(chunk));
      } catch {
        // A corrupt stream cannot be resynchronised: end it; the close starts a takeover or a new subscription.
        this.socket.destroy();
      }
    });
    this.socket.write(encodeSubscribe(info));
    this.socket.resume();
  }

  /** Stops reading (backpressure reaches the owner, which drops batches for us past its limit). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Ends the feed at once; batches the owner already sent and we have not read are lost. */
  close(): void {
    this.closedByUs = true;
    this.socket.destroy();
  }

  /**
   * Ends the feed without losing what the owner already sent: we half-close, the owner ends its side after the
   * batches it has queued for us, and we read them all (`onBatch`) before the close. Cut after `timeoutMs`.
   */
  drainAndClose(timeoutMs = 5000): Promise<void> {
    this.closedByUs = true;
    if (this.socket.destroyed) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
      this.socket.resume();
    });
  }

  private handle(frames: { type: number; payload: Buffer }[]): void {
    for (const frame of frames) {
      if (frame.type === FrameType.batch) {
        this.batchEmitter.fire(decodeBatch(frame.payload));
      }
    }
  }
}
