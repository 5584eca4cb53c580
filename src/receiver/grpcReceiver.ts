/**
 * The OTLP/gRPC receiver: `TraceService/Export` over HTTP/2 with @grpc/grpc-js. grpc-js frames, decompresses (gzip)
 * and enforces the size limit after decompression (RESOURCE_EXHAUSTED); the message bytes are decoded in the shared
 * DecodePool with our own decoder, exactly as OTLP/HTTP protobuf bodies are. Logs and metrics are answered with an
 * empty success so SDKs exporting every signal stay quiet.
 */
import * as grpc from '@grpc/grpc-js';
import type { Span } from '../core/model/span';
import type { SpanPack } from '../core/model/spanPack';
import { encodeExportTraceResponse } from '../core/otlp/responses';
import { encodeRpcStatusWithRetryInfo } from '../core/otlp/grpcStatusDetails';
import { Disposable, Emitter } from '../core/util/emitter';
import { checkApiKey, HeaderMap } from './apiKey';
import { DecodePool } from './decodePool';
import { widenFlowControlWindows } from './grpcFlowControl';
import { exportServiceDefinition } from './grpcServices';
import type { ReceiverCounters } from './httpReceiver';
import { PortInUseError } from './receiverErrors';
import { servicesOf } from './batchServices';

export const DEFAULT_GRPC_PORT = 4317;

/** What an overloaded receiver asks clients to wait before retrying (sent as google.rpc.RetryInfo). */
export const OVERLOAD_RETRY_DELAY_MS = 1000;

export interface OtlpGrpcReceiverOptions {
  host?: string;
  /** 0 picks a free port (see `address` once started). */
  port?: number;
  /** Largest message accepted, after decompression (default 32 MiB). */
  maxBodyBytes?: number;
  /** Decode worker threads (default 1). Ignored when `pool` is given. */
  decodeWorkers?: number;
  /** A pool shared with others (e.g. the HTTP receiver); the receiver then does not close it. */
  pool?: DecodePool;
  /** How long `stop()` waits for in-flight calls before cutting connections (default 5 s). */
  stopGraceMs?: number;
  /** When non-empty, calls must carry it in metadata (`authorization: Bearer <key>` or `x-api-key`); else UNAUTHENTICATED. */
  apiKey?: string;
}

export interface GrpcSpansReceived {
  spans: Span[];
  /** The same spans packed, for a store to hold instead (see SpanPack). */
  pack?: SpanPack;
  /** Distinct `service.name`s in the batch. */
  services: string[];
  /** Message size after decompression (grpc-js hides whether the call was compressed). */
  bytes: number;
}

export interface GrpcCallFailed {
  /** The gRPC status code answered; undefined when grpc-js ended the call itself (see `message`). */
  code: grpc.status | undefined;
  /** e.g. `INVALID_ARGUMENT`. */
  codeName: string;
  path: string;
  message: string;
}

export class OtlpGrpcReceiver implements Disposable {
  private readonly host: string;
  private readonly port: number;
  private readonly maxBodyBytes: number;
  private readonly stopGraceMs: number;
  private readonly decodeWorkers: number;
  private readonly sharedPool: DecodePool | undefined;
  private apiKey: string;
  private pool: DecodePool | undefined;
  private server: grpc.Server | undefined;
  private bound: { host: string; port: number } | undefined;
  /** Whether the HTTP/2 windows were widened on this start (see grpcFlowControl.ts); false only on an unknown grpc-js. */
  private flowControlWidened = false;
  private stopping: Promise<void> | undefined;
  private readonly count: ReceiverCounters = { requests: 0, spans: 0, rejectedSpans: 0, errors: 0, bytes: 0 };

  private readonly spansEmitter = new Emitter<GrpcSpansReceived>();
  /** Fires once per accepted trace export with its decoded spans, before the client gets its OK. */
  readonly onSpans = this.spansEmitter.event;
  private readonly failureEmitter = new Emitter<GrpcCallFailed>();
  /** Fires for every call answered with a non-OK status (for the log). */
  readonly onRequestFailed = this.failureEmitter.event;
  private readonly listenerErrorEmitter = new Emitter<unknown>();
  /** An `onSpans` listener threw; the call was answered INTERNAL and the receiver carries on. */
  readonly onListenerError = this.listenerErrorEmitter.event;

  constructor(options: OtlpGrpcReceiverOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? DEFAULT_GRPC_PORT;
    this.maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
    this.stopGraceMs = options.stopGraceMs ?? 5000;
    this.decodeWorkers = options.decodeWorkers ?? 1;
    this.sharedPool = options.pool;
    this.apiKey = options.apiKey ?? '';
  }

  /** Changes the required API key for the next calls, without a restart ('' = none). */
  setApiKey(apiKey: string): void {
    this.apiKey = apiKey;
  }

  /** The bound address while listening (the real port when 0 was asked for). */
  get address(): { host: string; port: number } | undefined {
    return this.bound;
  }

  /** `http://host:port`, the value for OTEL_EXPORTER_OTLP_ENDPOINT with OTEL_EXPORTER_OTLP_PROTOCOL=grpc. */
  get endpoint(): string | undefined {
    if (!this.bound) {
      return undefined;
    }
    return `http://${bracketed(this.bound.host)}:${this.bound.port}`;
  }

  /** True while listening with the wide HTTP/2 flow-control windows (see grpcFlowControl.ts). */
  get widenedFlowControl(): boolean {
    return this.bound !== undefined && this.flowControlWidened;
  }

  get listening(): boolean {
    return this.bound !== undefined;
  }

  get counters(): ReceiverCounters {
    return { ...this.count };
  }

  /** Binds and listens. Rejects with PortInUseError when the port is taken; other bind errors pass through. */
  async start(): Promise<void> {
    if (this.server) {
      return;
    }
    if (this.stopping) {
      await this.stopping;
    }
    const pool = this.sharedPool ?? new DecodePool({ workers: this.decodeWorkers });
    const server = new grpc.Server({
      'grpc.max_receive_message_length': this.maxBodyBytes,
      interceptors: [(method, call) => this.observe(method, call)],
    });
    server.addService(exportServiceDefinition('traces'), { Export: this.exportTraces });
    server.addService(exportServiceDefinition('logs'), { Export: this.exportOther });
    server.addService(exportServiceDefinition('metrics'), { Export: this.exportOther });
    this.server = server;
    this.pool = pool;
    try {
      const port = await new Promise<number>((resolve, reject) => {
        server.bindAsync(`${bracketed(this.host)}:${this.port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
          error ? reject(error) : resolve(boundPort),
        );
      });
      this.bound = { host: this.host, port };
      this.flowControlWidened = widenFlowControlWindows(server);
    } catch (error) {
      this.server = undefined;
      this.pool = undefined;
      server.forceShutdown();
      if (!this.sharedPool) {
        await pool.close();
      }
      // grpc-js folds the listen error into its message: "No address added … [listen EADDRINUSE: …]".
      if (error instanceof Error && error.message.includes('EADDRINUSE')) {
        throw new PortInUseError(this.host, this.port, { cause: error });
      }
      throw error;
    }
  }

  /** Stops accepting, lets in-flight calls finish (up to the grace period), then closes every connection. */
  stop(): Promise<void> {
    if (!this.server) {
      return this.stopping ?? Promise.resolve();
    }
    const server = this.server;
    const pool = this.pool;
    this.server = undefined;
    this.pool = undefined;
    this.bound = undefined;
    this.stopping = (async () => {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, this.stopGraceMs);
        server.tryShutdown(() => resolve());
      });
      clearTimeout(timer);
      if (pool && pool !== this.sharedPool) {
        await pool.close();
      }
      this.stopping = undefined;
    })();
    return this.stopping;
  }

  dispose(): void {
    void this.stop();
    this.spansEmitter.dispose();
    this.failureEmitter.dispose();
    this.listenerErrorEmitter.dispose();
  }

  /**
   * Counts every call and every non-OK status in one place, including calls grpc-js ends before our handler runs
   * (over the size limit after decompression, undecompressible, cancelled): those never pass our status, only the
   * final cancel notification.
   */
  private observe(method: grpc.ServerMethodDefinition<unknown, unknown>, call: grpc.ServerInterceptingCallInterface): grpc.ServerInterceptingCall {
    let answered = false;
    return new grpc.ServerInterceptingCall(call, {
      start: (next) => {
        this.count.requests++;
        next({
          onCancel: () => {
            if (!answered) {
              answered = true;
              this.count.errors++;
              this.failureEmitter.fire({
                code: undefined,
                codeName: 'ENDED',
                path: method.path,
                message: `ended before reaching the decoder: over ${this.maxBodyBytes} bytes after decompression, not decompressible, or cancelled by the client`,
              });
            }
          },
        });
      },
      sendStatus: (status, next) => {
        answered = true;
        if (status.code !== undefined && status.code !== grpc.status.OK) {
          this.count.errors++;
          this.failureEmitter.fire({ code: status.code, codeName: grpc.status[status.code] ?? String(status.code), path: method.path, message: status.details ?? '' });
        }
        next(status);
      },
    });
  }

  private readonly exportTraces = (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, callback: grpc.sendUnaryData<Uint8Array>): void => {
    if (!this.authorized(call.metadata)) {
      return callback(unauthenticated());
    }
    void this.decodeAndStore(call.request).then(
      (answer) => callback(answer.error ?? null, answer.response),
      (error: unknown) => callback({ code: grpc.status.INTERNAL, details: `unexpected receiver error: ${String(error)}` }),
    );
  };

  /** Logs and metrics: accepted and dropped; the empty message is an empty Export…ServiceResponse. */
  private readonly exportOther = (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, callback: grpc.sendUnaryData<Uint8Array>): void => {
    callback(this.authorized(call.metadata) ? null : unauthenticated(), new Uint8Array(0));
  };

  private authorized(metadata: grpc.Metadata): boolean {
    if (this.apiKey === '') {
      return true;
    }
    const headers: HeaderMap = {};
    for (const [key, values] of Object.entries(metadata.toJSON())) {
      headers[key] = values.filter((value): value is string => typeof value === 'string');
    }
    return checkApiKey(headers, this.apiKey);
  }

  private async decodeAndStore(message: Buffer): Promise<{ error?: Partial<grpc.StatusObject>; response?: Uint8Array }> {
    const bytes = message.byteLength;
    this.count.bytes += bytes;
    const pool = this.pool;
    if (!pool) {
      return { error: unavailable('receiver is shutting down') };
    }
    // grpc-js already decompressed the message: the pool only decodes it.
    const outcome = await pool.decode(message, 'protobuf', false, this.maxBodyBytes);
    if (!outcome.ok) {
      if (outcome.status === 503) {
        return { error: unavailable(outcome.message) };
      }
      const code = outcome.status === 413 ? grpc.status.RESOURCE_EXHAUSTED : grpc.status.INVALID_ARGUMENT;
      return { error: { code, details: outcome.message } };
    }
    this.count.rejectedSpans += outcome.rejectedSpans;
    if (outcome.spans.length > 0) {
      try {
        this.spansEmitter.fire({ spans: outcome.spans, pack: outcome.pack, services: servicesOf(outcome.spans), bytes });
      } catch (error) {
        this.listenerErrorEmitter.fire(error);
        return { error: { code: grpc.status.INTERNAL, details: 'the spans could not be stored' } };
      }
      this.count.spans += outcome.spans.length;
    }
    const partial = outcome.rejectedSpans > 0 ? { rejectedSpans: outcome.rejectedSpans, errorMessage: outcome.rejectionMessage } : undefined;
    return { response: encodeExportTraceResponse('protobuf', partial) };
  }
}

function unauthenticated(): Partial<grpc.StatusObject> {
  return { code: grpc.status.UNAUTHENTICATED, details: 'missing or wrong API key: send "authorization: Bearer <key>" or "x-api-key: <key>" metadata' };
}

/** UNAVAILABLE with a RetryInfo in `grpc-status-details-bin`: OTLP exporters retry after the delay it names. */
function unavailable(message: string): grpc.StatusObject {
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(encodeRpcStatusWithRetryInfo(grpc.status.UNAVAILABLE, message, OVERLOAD_RETRY_DELAY_MS)));
  return { code: grpc.status.UNAVAILABLE, details: message, metadata };
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
