/**
 * The OTLP/HTTP receiver: `POST /v1/traces` in protobuf or JSON, optionally gzip-compressed, answered as the OTLP
 * spec says. Bodies are decoded in worker threads (DecodePool); this class only moves bytes and keeps counts.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Span } from '../core/model/span';
import type { SpanPack } from '../core/model/spanPack';
import { checkApiKey } from './apiKey';
import { CorsPolicy } from './cors';
import { Disposable, Emitter } from '../core/util/emitter';
import type { PayloadEncoding } from './decodeProtocol';
import { DecodePool } from './decodePool';
import { readBody } from './readBody';
import { PortInUseError } from './receiverErrors';
import { isGzipEncoded, payloadEncodingOf } from './requestHeaders';
import { sendEmpty, sendEmptySuccess, sendFailure, sendTraceSuccess } from './responses';
import { servicesOf } from './batchServices';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4318;
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface OtlpHttpReceiverOptions {
  host?: string;
  /** 0 picks a free port (see `address` once started). */
  port?: number;
  /** Largest body accepted, after decompression (default 32 MiB). */
  maxBodyBytes?: number;
  /** Decode worker threads (default 1). Ignored when `pool` is given. */
  decodeWorkers?: number;
  /** A pool shared with others; the receiver then does not close it. */
  pool?: DecodePool;
  /** How long `stop()` waits for in-flight requests before cutting connections (default 5 s). */
  stopGraceMs?: number;
  /** Browser origins allowed to export (CORS); `[]` (default) = none, `'*'` = any. */
  corsAllowedOrigins?: string[];
  /** When non-empty, requests must carry `Authorization: Bearer <key>` or `x-api-key: <key>` (else 401). */
  apiKey?: string;
  /** A client must have sent all request headers within this time (default 10 s), else 408 and the connection closes. */
  headersTimeoutMs?: number;
  /** A client must have sent the whole request within this time (default 60 s), else 408 and the connection closes. */
  requestTimeoutMs?: number;
  /** A connection on which nothing moves for this long is closed (default 30 s; keep-alive idling has its own 15 s). */
  idleTimeoutMs?: number;
}

/** What `setSecurity` changes on a running receiver. */
export interface ReceiverSecurity {
  corsAllowedOrigins: string[];
  apiKey: string;
}

export interface SpansReceived {
  spans: Span[];
  /** The same spans packed, for a store to hold instead (see SpanPack); absent when they came by structured clone. */
  pack?: SpanPack;
  /** Distinct `service.name`s in the batch. */
  services: string[];
  /** Body size on the wire. */
  bytes: number;
  encoding: PayloadEncoding;
  gzip: boolean;
}

export interface RequestFailed {
  status: number;
  method: string;
  path: string;
  message: string;
}

export interface ReceiverCounters {
  /** Every HTTP request, whatever became of it. */
  requests: number;
  /** Spans accepted and handed to `onSpans`. */
  spans: number;
  /** Spans the decoder rejected (reported back as partial success). */
  rejectedSpans: number;
  /** Requests answered with a 4xx or 5xx. */
  errors: number;
  /** Body bytes read from the wire. */
  bytes: number;
}

type Signal = 'traces' | 'logs' | 'metrics';
const routes: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };

/** After refusing an oversized body, how long to swallow what the client still sends so it reads our 413. */
const LINGER_MS = 1000;

export class OtlpHttpReceiver implements Disposable {
  private readonly host: string;
  private readonly port: number;
  private readonly maxBodyBytes: number;
  private readonly stopGraceMs: number;
  private readonly decodeWorkers: number;
  private readonly headersTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private cors: CorsPolicy;
  private apiKey: string;
  private readonly sharedPool: DecodePool | undefined;
  private pool: DecodePool | undefined;
  private server: http.Server | undefined;
  private bound: { host: string; port: number } | undefined;
  private stopping: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly count: ReceiverCounters = { requests: 0, spans: 0, rejectedSpans: 0, errors: 0, bytes: 0 };

  private readonly spansEmitter = new Emitter<SpansReceived>();
  /** Fires once per accepted trace request with its decoded spans, before the client gets its 200. */
  readonly onSpans = this.spansEmitter.event;
  private readonly failureEmitter = new Emitter<RequestFailed>();
  /** Fires for every request answered with a 4xx/5xx (for the log). */
  readonly onRequestFailed = this.failureEmitter.event;
  private readonly listenerErrorEmitter = new Emitter<unknown>();
  /** An `onSpans` listener threw; the request was answered 500 and the receiver carries on. */
  readonly onListenerError = this.listenerErrorEmitter.event;

  constructor(options: OtlpHttpReceiverOptions = {}) {
    this.host = options.host ?? DEFAULT_HOST;
    this.port = options.port ?? DEFAULT_PORT;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.stopGraceMs = options.stopGraceMs ?? 5000;
    this.decodeWorkers = options.decodeWorkers ?? 1;
    this.sharedPool = options.pool;
    this.cors = new CorsPolicy(options.corsAllowedOrigins ?? []);
    this.apiKey = options.apiKey ?? '';
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    // Node refuses a headers timeout longer than the request timeout.
    this.headersTimeoutMs = Math.min(options.headersTimeoutMs ?? 10_000, this.requestTimeoutMs);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  }

  /** Changes the CORS allow-list and the API key at once, for the next requests; no restart, connections kept. */
  setSecurity(options: ReceiverSecurity): void {
    this.cors = new CorsPolicy(options.corsAllowedOrigins);
    this.apiKey = options.apiKey;
  }

  /** The bound address while listening (the real port when 0 was asked for). */
  get address(): { host: string; port: number } | undefined {
    return this.bound;
  }

  /** `http://host:port`, the value for OTEL_EXPORTER_OTLP_ENDPOINT; undefined when not listening. */
  get endpoint(): string | undefined {
    if (!this.bound) {
      return undefined;
    }
    const host = this.bound.host.includes(':') ? `[${this.bound.host}]` : this.bound.host;
    return `http://${host}:${this.bound.port}`;
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
    const server = http.createServer(
      {
        // Slow or stalled clients are cut (408) instead of holding a connection and its buffers forever.
        headersTimeout: this.headersTimeoutMs,
        requestTimeout: this.requestTimeoutMs,
        // Node checks those two timeouts on this interval (default 30 s): check often enough for them to mean something.
        connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(this.headersTimeoutMs / 4))),
      },
      (req, res) => this.track(this.handle(req, res)),
    );
    // Keep-alive connections from exporters are reused between batches; give them a bit more than Node's 5 s.
    server.keepAliveTimeout = 15_000;
    // A socket with no traffic at all (e.g. a body that stopped mid-way) is destroyed after this.
    server.setTimeout(this.idleTimeoutMs);
    this.server = server;
    this.pool = pool;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.port, this.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.server = undefined;
      this.pool = undefined;
      if (!this.sharedPool) {
        await pool.close();
      }
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new PortInUseError(this.host, this.port, { cause: error });
      }
      throw error;
    }
    // A late socket error must never take the process down.
    server.on('error', () => undefined);
    server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (socket.writable) {
        // A client too slow to send its request (headersTimeout/requestTimeout) gets 408, anything unparsable 400.
        const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      }
      socket.destroy();
    });
    const info = server.address() as AddressInfo;
    this.bound = { host: info.address, port: info.port };
  }

  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes every connection. */
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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.stopGraceMs);
      });
      await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
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

  private track(work: Promise<void>): void {
    const tracked = work.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.count.requests++;
    if (!this.server) {
      // Arrived on a kept-alive connection while stopping: answer, and make it the connection's last request.
      res.setHeader('Connection', 'close');
    }
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    const signal = routes[path];
    const encoding = payloadEncodingOf(req.headers['content-type']);
    const fail = (status: number, message: string, headers?: Record<string, string>): void => {
      this.count.errors++;
      // Spec: the Status body is protobuf unless the request was JSON.
      sendFailure(res, status, encoding ?? 'protobuf', message, headers);
      this.failureEmitter.fire({ status, method, path, message });
    };

    const origin = req.headers.origin;
    const cors = this.cors;
    for (const [name, value] of Object.entries(cors.responseHeaders(origin))) {
      res.setHeader(name, value);
    }

    if (!signal) {
      return fail(404, `no OTLP endpoint at ${path}; use POST /v1/traces`);
    }
    if (method === 'OPTIONS' && origin !== undefined) {
      // A CORS preflight: never authenticated (browsers send no credentials on it).
      const headers = cors.preflightHeaders(origin, headerText(req.headers['access-control-request-headers']));
      if (!headers) {
        this.count.errors++;
        // No CORS headers on a refusal (a disallowed origin got none above): the browser then blocks the real request.
        sendEmpty(res, 403);
        this.failureEmitter.fire({ status: 403, method, path, message: `CORS origin ${JSON.stringify(origin)} is not allowed` });
        return;
      }
      return sendEmpty(res, 204, headers);
    }
    if (method !== 'POST') {
      return fail(405, `${method} is not allowed on ${path}; use POST`, { Allow: cors.enabled ? 'POST, OPTIONS' : 'POST' });
    }
    if (!checkApiKey(req.headers, this.apiKey)) {
      // The body is not read: close the connection rather than drain whatever an unauthenticated client sends.
      this.lingerThenClose(req, res);
      return fail(401, 'missing or wrong API key; send Authorization: Bearer <key> or x-api-key: <key>', {
        'WWW-Authenticate': 'Bearer',
        Connection: 'close',
      });
    }
    if (!encoding) {
      return fail(415, `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}; use application/x-protobuf or application/json`);
    }
    const gzip = isGzipEncoded(req.headers['content-encoding']);
    if (gzip === undefined) {
      return fail(415, `unsupported Content-Encoding ${JSON.stringify(req.headers['content-encoding'])}; use gzip or none`);
    }

    const read = await readBody(req, this.maxBodyBytes);
    if (read.kind === 'aborted') {
      return;
    }
    if (read.kind === 'too-large') {
      this.lingerThenClose(req, res);
      return fail(413, `body exceeds the limit of ${this.maxBodyBytes} bytes`, { Connection: 'close' });
    }
    const bytes = read.body.byteLength;
    this.count.bytes += bytes;
    if (signal !== 'traces') {
      // Accepted so SDKs exporting every signal stay quiet; Span Lens only keeps traces.
      return sendEmptySuccess(res, encoding);
    }

    const pool = this.pool ?? this.sharedPool;
    if (!pool) {
      return fail(503, 'receiver is shutting down');
    }
    const outcome = await pool.decode(read.body, encoding, gzip, this.maxBodyBytes);
    if (!outcome.ok) {
      return fail(outcome.status, outcome.message);
    }
    this.count.rejectedSpans += outcome.rejectedSpans;
    if (outcome.spans.length > 0) {
      try {
        this.spansEmitter.fire({ spans: outcome.spans, pack: outcome.pack, services: servicesOf(outcome.spans), bytes, encoding, gzip });
      } catch (error) {
        this.listenerErrorEmitter.fire(error);
        return fail(500, 'the spans could not be stored');
      }
      this.count.spans += outcome.spans.length;
    }
    sendTraceSuccess(res, encoding, outcome.rejectedSpans, outcome.rejectionMessage);
  }

  /**
   * Refused mid-body: the client may still be writing. Swallow its bytes for a moment so it reads our 413
   * instead of a connection reset, then cut the connection (Connection: close was sent) rather than read it all.
   */
  private lingerThenClose(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.on('data', () => undefined);
    req.resume();
    const timer = setTimeout(() => req.socket.destroy(), LINGER_MS);
    timer.unref();
    res.once('close', () => {
      if (req.complete) {
        clearTimeout(timer);
      }
    });
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
