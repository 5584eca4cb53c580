/**
 * Our own OTLP load generator, for when telemetrygen is not installed (or SPANLENS_PEER_LOAD=own): 512-span traces
 * (a server span and 511 children, ~10 attributes each) made by the OpenTelemetry JS SDK and serialized by
 * otlp-transformer once; every request is that body with a fresh trace id written over the template's, so no
 * receiver sees a duplicate and no time goes into serializing during the run.
 * Sent over OTLP/HTTP protobuf (keep-alive connections) or OTLP/gRPC (concurrent calls on one channel), as fast as
 * the receiver acknowledges; only acknowledged spans count.
 */
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { benchAttributes } from '../benchSpanShape';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type IdGenerator } from '@opentelemetry/sdk-trace-base';

export const SPANS_PER_REQUEST = 512;

export interface LoadResult {
  /** Spans in requests the receiver answered with success. */
  ackedSpans: number;
  /** Requests answered with anything else (refused, overloaded, failed). */
  failedRequests: number;
  /** The first failure, to show in the note. */
  firstError?: string;
  ms: number;
  /** CPU seconds the generator itself used: near `ms` means the generator, not the receiver, set the pace. */
  generatorCpuSeconds: number;
}

/** One serialized request and where in it the trace id sits, so each send can carry a new trace. */
export interface LoadTemplate {
  body: Buffer;
  traceIdOffsets: number[];
}

/** Fixed, recognisable trace id (found in the serialized bytes afterwards); span ids just count up. */
class TemplateIds implements IdGenerator {
  private next = 1;
  constructor(readonly traceIdHex: string) {}
  generateTraceId(): string {
    return this.traceIdHex;
  }
  generateSpanId(): string {
    return (this.next++).toString(16).padStart(16, '0');
  }
}

export async function makeTemplate(): Promise<LoadTemplate> {
  const marker = randomBytes(16);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'order-service', 'service.version': '1.4.2', 'deployment.environment.name': 'bench' }),
    idGenerator: new TemplateIds(marker.toString('hex')),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('bench-instrumentation', '1.0.0');
  const root = tracer.startSpan('GET /orders/:id', { kind: SpanKind.SERVER, attributes: benchAttributes(0) });
  const parent = trace.setSpan(context.active(), root);
  for (let i = 1; i < SPANS_PER_REQUEST; i++) {
    tracer.startSpan('orders.load', { kind: SpanKind.INTERNAL, attributes: benchAttributes(i) }, parent).end();
  }
  root.end();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
  const traceIdOffsets: number[] = [];
  for (let at = body.indexOf(marker); at !== -1; at = body.indexOf(marker, at + marker.length)) {
    traceIdOffsets.push(at);
  }
  if (traceIdOffsets.length !== SPANS_PER_REQUEST) {
    throw new Error(`template: found the trace id ${traceIdOffsets.length} times, expected ${SPANS_PER_REQUEST}`);
  }
  return { body, traceIdOffsets };
}

/** The template with trace number `n` (the run's `salt` keeps runs apart) in every span's trace id. */
function bodyFor(template: LoadTemplate, salt: number, n: number): Buffer {
  const body = Buffer.from(template.body);
  for (const at of template.traceIdOffsets) {
    body.writeUInt32BE(salt >>> 0, at + 8);
    body.writeUInt32BE(n >>> 0, at + 12);
  }
  return body;
}

/** Runs `concurrency` send loops until `durationMs` is up; each loop waits for its answer before the next send. */
async function runLoops(durationMs: number, concurrency: number, send: (n: number) => Promise<string | undefined>): Promise<LoadResult> {
  const result: LoadResult = { ackedSpans: 0, failedRequests: 0, ms: 0, generatorCpuSeconds: 0 };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + durationMs;
  let n = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const error = await send(n++);
      if (error === undefined) {
        result.ackedSpans += SPANS_PER_REQUEST;
      } else {
        result.failedRequests++;
        result.firstError ??= error;
        // An overloaded receiver asked us to back off; a broken one should not be hammered either.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  result.ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  result.generatorCpuSeconds = (cpu.user + cpu.system) / 1e6;
  return result;
}

export async function sendHttp(template: LoadTemplate, port: number, durationMs: number, concurrency: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const salt = randomBytes(4).readUInt32BE(0);
  const send = (n: number): Promise<string | undefined> =>
    new Promise((resolve) => {
      const body = bodyFor(template, salt, n);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/traces',
          method: 'POST',
          agent,
          headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.byteLength },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}`));
          res.on('error', (error) => resolve(String(error)));
        },
      );
      req.on('error', (error) => resolve(String(error)));
      req.end(body);
    });
  try {
    return await runLoops(durationMs, concurrency, send);
  } finally {
    agent.destroy();
  }
}

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export async function sendGrpc(template: LoadTemplate, port: number, durationMs: number, concurrency: number): Promise<LoadResult> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 64 * 1024 * 1024 });
  const salt = randomBytes(4).readUInt32BE(0);
  const identity = (b: Buffer): Buffer => b;
  const send = (n: number): Promise<string | undefined> =>
    new Promise((resolve) => {
      client.makeUnaryRequest(EXPORT_PATH, identity, identity, bodyFor(template, salt, n), (error) => resolve(error ? `${error.code} ${error.details}` : undefined));
    });
  try {
    return await runLoops(durationMs, concurrency, send);
  } finally {
    client.close();
  }
}
