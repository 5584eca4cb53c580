/**
 * One load client, run in a worker thread so that the process under test only does what an extension host does.
 *
 * It posts OTLP/HTTP protobuf bodies serialized by the OpenTelemetry JS SDK (512-span batches, ~10 attributes per
 * span) at a fixed pace, like an exporter's batch processor. Every body gets fresh trace ids (written into the
 * serialized bytes), so the store sees new spans, never exporter-retry duplicates. A body refused with 429/503 is
 * sent again after the server's Retry-After (or `retryDelayMs`), as exporters do, until it is accepted: at the end
 * every span this client made has been accepted exactly once, and the counts say so.
 */
import * as http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { SpanKind } from '@opentelemetry/api';
import { benchAttributes } from './benchSpanShape';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface LoadClientOptions {
  clientId: number;
  port: number;
  /** Batches per second this client sends (each `batchSize` spans). */
  batchesPerSecond: number;
  durationMs: number;
  batchSize: number;
  /** Requests in flight at once, at most (an exporter's concurrency). */
  maxInFlight: number;
  /** Wait before re-sending a refused body; undefined = honour Retry-After. */
  retryDelayMs?: number;
}

export interface LoadClientResult {
  clientId: number;
  /** Spans in the bodies this client made. */
  spansMade: number;
  /** Spans in bodies answered 200. */
  spansAccepted: number;
  /** Spans the server reported as rejected (partial success); 0 for SDK-made spans. */
  spansRejected: number;
  /** 429/503 answers (each followed by a retry of the same body). */
  refusals: number;
  /** Other failures (connection errors, unexpected statuses): each is retried too, and counted here. */
  failures: number;
  /** Bodies that could not be sent on time because `maxInFlight` requests were already waiting. */
  lateBatches: number;
}

/** An SDK-serialized batch and where each span's trace id sits in its bytes. */
function makeTemplate(clientId: number, batchSize: number): { body: Buffer; traceIdOffsets: number[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `load-service-${clientId}`, 'service.version': '1.4.2', 'deployment.environment.name': 'load' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('load-instrumentation', '1.0.0');
  for (let i = 0; i < batchSize; i++) {
    const attributes = benchAttributes(i);
    tracer.startSpan('GET /orders/:id', { kind: SpanKind.SERVER, attributes }).end();
  }
  const spans = exporter.getFinishedSpans();
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
  const traceIdOffsets = spans.map((span) => {
    const offset = body.indexOf(Buffer.from(span.spanContext().traceId, 'hex'));
    if (offset < 0) {
      throw new Error('trace id not found in the serialized batch');
    }
    return offset;
  });
  void provider.shutdown();
  return { body, traceIdOffsets };
}

export async function runLoadClient(options: LoadClientOptions): Promise<LoadClientResult> {
  const template = makeTemplate(options.clientId, options.batchSize);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxInFlight });
  const result: LoadClientResult = {
    clientId: options.clientId,
    spansMade: 0,
    spansAccepted: 0,
    spansRejected: 0,
    refusals: 0,
    failures: 0,
    lateBatches: 0,
  };
  let sequence = 0;
  /** A copy of the template with unique trace ids: client id and batch number in the first 8 bytes. */
  const nextBody = (): Buffer => {
    const body = Buffer.from(template.body);
    const batch = sequence++;
    template.traceIdOffsets.forEach((offset, i) => {
      body.writeUInt32BE(options.clientId + 1, offset);
      body.writeUInt32BE(batch, offset + 4);
      body.writeUInt32BE(i, offset + 8);
    });
    return body;
  };
  const post = (body: Buffer): Promise<{ status: number; retryAfter?: string; rejected: number }> =>
    new Promise((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: options.port,
          path: '/v1/traces',
          method: 'POST',
          agent,
          headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.byteLength },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, rejected: rejectedSpans(Buffer.concat(chunks)) }),
          );
          res.on('error', () => resolve({ status: 0, rejected: 0 }));
        },
      );
      req.on('error', () => resolve({ status: 0, rejected: 0 }));
      req.end(body);
    });
  const sendUntilAccepted = async (body: Buffer): Promise<void> => {
    for (;;) {
      const answer = await post(body);
      if (answer.status === 200) {
        result.spansAccepted += options.batchSize - answer.rejected;
        result.spansRejected += answer.rejected;
        return;
      }
      if (answer.status === 429 || answer.status === 503) {
        result.refusals++;
      } else {
        result.failures++;
      }
      const retryAfterMs = Number(answer.retryAfter ?? 1) * 1000;
      await sleep(options.retryDelayMs ?? (Number.isFinite(retryAfterMs) ? retryAfterMs : 1000));
    }
  };

  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const interval = 1000 / options.batchesPerSecond;
  for (let due = 0; due < options.durationMs; due += interval) {
    const wait = started + due - performance.now();
    if (wait > 0) {
      await sleep(wait);
    }
    if (inFlight.size >= options.maxInFlight) {
      // The exporter's queue is full: like a batch processor, wait for a slot (the batch is late, not dropped).
      result.lateBatches++;
      await Promise.race(inFlight);
    }
    const body = nextBody();
    result.spansMade += options.batchSize;
    const sending = sendUntilAccepted(body).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  }
  await Promise.all(inFlight);
  agent.destroy();
  return result;
}

/** rejected_spans (field 1 of partial_success, field 1 of the response) from an ExportTraceServiceResponse. */
function rejectedSpans(response: Buffer): number {
  // Our responses are tiny: {1: {1: varint, 2: string}}; anything else is read as "none rejected".
  if (response.length < 4 || response[0] !== 0x0a || response[2] !== 0x08) {
    return 0;
  }
  let value = 0;
  let shift = 0;
  for (let i = 3; i < response.length; i++) {
    value += (response[i] & 0x7f) * 2 ** shift;
    if ((response[i] & 0x80) === 0) {
      return value;
    }
    shift += 7;
  }
  return 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (parentPort && workerData?.loadClient) {
  const port = parentPort;
  runLoadClient(workerData.loadClient as LoadClientOptions).then(
    (result) => port.postMessage({ result }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
}
