/**
 * Ingest throughput over OTLP/HTTP: spans per second that reach the span store through our receiver (HTTP, body
 * read, worker-thread decode, store with source mapping), beside the same load against a bare `node:http` server
 * that only reads the bodies: the ceiling the transport itself sets on this machine.
 *
 * Load: 512-span batches, ~10 attributes per span, made by the OpenTelemetry JS SDK and serialized by
 * otlp-transformer (as the exporters send them); a fixed number of distinct batches (so the store's duplicate
 * detection never kicks in), sent over several keep-alive connections at once.
 *
 * Everything runs in this one process: the load generator shares the main thread with the receiver's HTTP side
 * (decoding runs in the receiver's worker thread), and equally with the bare server, so the ratio compares like
 * with like; absolute figures are lower than with the client in another process.
 *
 * Standalone: `node out/bench/ingestBench.js`. Figures only; nothing is asserted on time.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { benchAttributes } from './benchSpanShape';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanStore } from '../src/core/model';
import { SourceMapper, WorkspaceIndex } from '../src/core/source';
import { OtlpHttpReceiver } from '../src/receiver';
import type { BenchRow } from './benchTypes';

const BATCH_SIZE = 512;
const BATCHES = Number(process.env.SPANLENS_INGEST_BATCHES ?? 120);
const WARMUP_BATCHES = 12;
const CONNECTIONS = 4;
const WORKSPACE = path.resolve(__dirname, '../../test/fixtures/cli-workspace');

type Encoding = 'protobuf' | 'json';
const contentTypes: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** `count` batches of distinct spans: an HTTP server span with ten attributes, as instrumented services send. */
async function makeBatches(count: number): Promise<ReadableSpan[][]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'order-service', 'service.version': '1.4.2', 'deployment.environment.name': 'bench' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('bench-instrumentation', '1.0.0');
  const batches: ReadableSpan[][] = [];
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < BATCH_SIZE; i++) {
      const attributes = benchAttributes(i, b * BATCH_SIZE + i);
      tracer.startSpan('GET /orders/:id', { kind: SpanKind.SERVER, attributes }).end();
    }
    batches.push(exporter.getFinishedSpans().slice());
    exporter.reset();
  }
  await provider.shutdown();
  return batches;
}

function serialize(batches: ReadableSpan[][], encoding: Encoding): Uint8Array[] {
  const serializer = encoding === 'protobuf' ? ProtobufTraceSerializer : JsonTraceSerializer;
  return batches.map((spans) => serializer.serializeRequest(spans) as Uint8Array);
}

/** POSTs every body over `CONNECTIONS` keep-alive connections; resolves with the wall time in ms. */
async function sendAll(port: number, bodies: Uint8Array[], encoding: Encoding): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let next = 0;
  const post = (body: Uint8Array): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { 'Content-Type': contentTypes[encoding], 'Content-Length': body.byteLength } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const connection = async (): Promise<void> => {
    while (next < bodies.length) {
      await post(bodies[next++]);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, connection));
  const elapsed = performance.now() - started;
  agent.destroy();
  return elapsed;
}

/** Our receiver feeding a store that maps spans into a small workspace; returns spans that reached the store. */
async function throughReceiver(bodies: Uint8Array[], encoding: Encoding, index: WorkspaceIndex): Promise<{ ms: number; cpuMs: number; spans: number }> {
  const mapper = new SourceMapper(index);
  const store = new SpanStore({ maxSpans: 1_000_000, locator: mapper });
  const receiver = new OtlpHttpReceiver({ port: 0 });
  receiver.onSpans((batch) => store.add(batch.spans, batch.pack));
  await receiver.start();
  try {
    const cpuBefore = mainThreadCpuMs();
    const ms = await sendAll(receiver.address?.port ?? 0, bodies, encoding);
    // The store has each batch before its 200 goes out, so every span counted here arrived within `ms`.
    return { ms, cpuMs: mainThreadCpuMs() - cpuBefore, spans: store.totals().spansReceived };
  } finally {
    await receiver.stop();
    mapper.dispose();
  }
}

/** A node:http server that reads each body and answers 200: what the transport costs with no work at all. */
async function throughBareServer(bodies: Uint8Array[], encoding: Encoding): Promise<{ ms: number; cpuMs: number; bytes: number }> {
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.byteLength));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': contentTypes[encoding], 'Content-Length': '0' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    const cpuBefore = mainThreadCpuMs();
    const ms = await sendAll((server.address() as AddressInfo).port, bodies, encoding);
    return { ms, cpuMs: mainThreadCpuMs() - cpuBefore, bytes };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * CPU time of the main thread (Linux: /proc/self/task/<pid>/stat, 10 ms ticks), NaN elsewhere. On a shared machine
 * wall time measures the neighbours too; the main thread's CPU per span is what limits ingest and what the
 * extension host pays, and it barely moves with contention.
 */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line; fields[0] here is field 3.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Best of a few runs: on a shared 2-core machine a single run mostly measures who else was busy. */
const RUNS = 3;

function collectGarbage(): void {
  // `npm run bench` runs with --expose-gc: start each run without the previous one's garbage.
  (globalThis as { gc?: () => void }).gc?.();
}

export async function runIngestBench(): Promise<BenchRow[]> {
  const index = new WorkspaceIndex({ roots: [WORKSPACE] });
  await index.indexAll();
  const batches = await makeBatches(BATCHES + WARMUP_BATCHES);
  const bodies = { protobuf: serialize(batches, 'protobuf'), json: serialize(batches, 'json') };
  batches.length = 0;
  const rows: BenchRow[] = [];
  const setup = `${BATCHES} × ${BATCH_SIZE}-span batches, 10 attrs/span, ${CONNECTIONS} keep-alive connections, same process, best of ${RUNS}`;
  for (const encoding of ['protobuf', 'json'] as const) {
    const warmup = bodies[encoding].slice(0, WARMUP_BATCHES);
    const measured = bodies[encoding].slice(WARMUP_BATCHES);
    await throughReceiver(warmup, encoding, index);
    await throughBareServer(warmup, encoding);

    const expected = BATCHES * BATCH_SIZE;
    let oursMs = Infinity;
    let bareMs = Infinity;
    let oursCpu = Infinity;
    let bareCpu = Infinity;
    for (let run = 0; run < RUNS; run++) {
      collectGarbage();
      // A fresh store each run, so the same bodies are new spans to it.
      const ours = await throughReceiver(measured, encoding, index);
      if (ours.spans !== expected) {
        throw new Error(`${encoding}: ${ours.spans} of ${expected} spans reached the store`);
      }
      oursMs = Math.min(oursMs, ours.ms);
      oursCpu = Math.min(oursCpu, ours.cpuMs);
      collectGarbage();
      const bare = await throughBareServer(measured, encoding);
      bareMs = Math.min(bareMs, bare.ms);
      bareCpu = Math.min(bareCpu, bare.cpuMs);
    }
    const oursRate = expected / (oursMs / 1000);
    const bareRate = expected / (bareMs / 1000);
    const mb = measured.reduce((sum, body) => sum + body.byteLength, 0) / 1e6;
    rows.push(
      { name: `ingest ${encoding}: receiver + store`, value: oursRate, unit: 'spans/s', note: `${setup}; ${mb.toFixed(1)} MB; 1 decode worker; mapping on` },
      { name: `ingest ${encoding}: bare node:http`, value: bareRate, unit: 'spans/s', note: 'bodies read and discarded: the transport ceiling' },
      { name: `ingest ${encoding}: receiver / bare`, value: (100 * oursRate) / bareRate, unit: '%' },
      {
        name: `ingest ${encoding}: main-thread CPU/span`,
        value: (1000 * oursCpu) / expected,
        unit: 'µs',
        note: `bare node:http ${((1000 * bareCpu) / expected).toFixed(2)} µs (client included in both); bare/receiver ${((100 * bareCpu) / oursCpu).toFixed(1)} %`,
      },
    );
  }
  index.dispose();
  return rows;
}

if (require.main === module) {
  runIngestBench().then(
    (rows) => {
      for (const row of rows) {
        const value = Math.abs(row.value) >= 100 ? Math.round(row.value).toLocaleString('en-US') : row.value.toFixed(1);
        console.log(`${row.name.padEnd(36)} ${value.padStart(12)} ${row.unit.padEnd(8)} ${row.note ?? ''}`);
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
