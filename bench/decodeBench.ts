/**
 * Decode-only throughput: our schema-specific OTLP decoders against protobufjs decoding the same bytes. Our protobuf
 * decoder writes spans onto a span tape (what a decode worker hands the main thread); the span objects are a second
 * figure.
 * Batches are 512 spans with ~10 attributes each, made by the OpenTelemetry JS SDK and serialized by
 * otlp-transformer, as an exporter would send them.
 *
 * Standalone: `node out/bench/decodeBench.js` prints a table. Figures only; nothing is asserted on time.
 */
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as protobuf from 'protobufjs';
import { decodeTraceRequestJson, decodeTraceRequestProtobuf, transcodeTraceRequestProtobuf } from '../src/core/otlp';
import { recycleTape } from '../src/core/otlp/spanTape';
import type { BenchRow } from './benchTypes';

const BATCH_SIZE = 512;
const DISTINCT_BATCHES = 8;
/** Measured CPU time per case (after warm-up); SPANLENS_BENCH_MS overrides. */
const MEASURE_MS = Number(process.env.SPANLENS_BENCH_MS ?? 1500);

/** The OTLP trace messages (opentelemetry-proto v1.x trace.proto, common.proto, resource.proto, trace_service.proto). */
const OTLP_TRACE_DESCRIPTOR = {
  nested: {
    ExportTraceServiceRequest: { fields: { resourceSpans: { rule: 'repeated', type: 'ResourceSpans', id: 1 } } },
    ResourceSpans: {
      fields: {
        resource: { type: 'Resource', id: 1 },
        scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 },
        schemaUrl: { type: 'string', id: 3 },
      },
    },
    Resource: {
      fields: {
        attributes: { rule: 'repeated', type: 'KeyValue', id: 1 },
        droppedAttributesCount: { type: 'uint32', id: 2 },
      },
    },
    ScopeSpans: {
      fields: {
        scope: { type: 'InstrumentationScope', id: 1 },
        spans: { rule: 'repeated', type: 'Span', id: 2 },
        schemaUrl: { type: 'string', id: 3 },
      },
    },
    InstrumentationScope: {
      fields: {
        name: { type: 'string', id: 1 },
        version: { type: 'string', id: 2 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
        droppedAttributesCount: { type: 'uint32', id: 4 },
      },
    },
    Span: {
      fields: {
        traceId: { type: 'bytes', id: 1 },
        spanId: { type: 'bytes', id: 2 },
        traceState: { type: 'string', id: 3 },
        parentSpanId: { type: 'bytes', id: 4 },
        name: { type: 'string', id: 5 },
        kind: { type: 'SpanKind', id: 6 },
        startTimeUnixNano: { type: 'fixed64', id: 7 },
        endTimeUnixNano: { type: 'fixed64', id: 8 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 9 },
        droppedAttributesCount: { type: 'uint32', id: 10 },
        events: { rule: 'repeated', type: 'Event', id: 11 },
        droppedEventsCount: { type: 'uint32', id: 12 },
        links: { rule: 'repeated', type: 'Link', id: 13 },
        droppedLinksCount: { type: 'uint32', id: 14 },
        status: { type: 'Status', id: 15 },
        flags: { type: 'fixed32', id: 16 },
      },
      nested: {
        SpanKind: {
          values: {
            SPAN_KIND_UNSPECIFIED: 0,
            SPAN_KIND_INTERNAL: 1,
            SPAN_KIND_SERVER: 2,
            SPAN_KIND_CLIENT: 3,
            SPAN_KIND_PRODUCER: 4,
            SPAN_KIND_CONSUMER: 5,
          },
        },
        Event: {
          fields: {
            timeUnixNano: { type: 'fixed64', id: 1 },
            name: { type: 'string', id: 2 },
            attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
            droppedAttributesCount: { type: 'uint32', id: 4 },
          },
        },
        Link: {
          fields: {
            traceId: { type: 'bytes', id: 1 },
            spanId: { type: 'bytes', id: 2 },
            traceState: { type: 'string', id: 3 },
            attributes: { rule: 'repeated', type: 'KeyValue', id: 4 },
            droppedAttributesCount: { type: 'uint32', id: 5 },
            flags: { type: 'fixed32', id: 6 },
          },
        },
      },
    },
    Status: {
      fields: { message: { type: 'string', id: 2 }, code: { type: 'StatusCode', id: 3 } },
      nested: { StatusCode: { values: { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 } } },
    },
    AnyValue: {
      oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
      fields: {
        stringValue: { type: 'string', id: 1 },
        boolValue: { type: 'bool', id: 2 },
        intValue: { type: 'int64', id: 3 },
        doubleValue: { type: 'double', id: 4 },
        arrayValue: { type: 'ArrayValue', id: 5 },
        kvlistValue: { type: 'KeyValueList', id: 6 },
        bytesValue: { type: 'bytes', id: 7 },
      },
    },
    ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
    KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
  },
};

/** Spans shaped like a web service's: an HTTP server span or a DB/HTTP client span, ~10 attributes, some events. */
function makeBatch(batchIndex: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': `order-service-${batchIndex % 3}`,
      'service.version': '1.4.2',
      'telemetry.sdk.language': 'nodejs',
      'host.name': 'dev-box',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('@acme/orders', '2.0.0');
  for (let i = 0; i < BATCH_SIZE; i++) {
    const server = i % 3 === 0;
    const attributes: Attributes = server
      ? {
          'http.request.method': 'GET',
          'http.route': '/orders/:id',
          'url.path': `/orders/${batchIndex * BATCH_SIZE + i}`,
          'http.response.status_code': i % 17 === 0 ? 500 : 200,
          'server.address': 'localhost',
          'server.port': 8080,
          'user_agent.original': 'Go-http-client/1.1',
          'network.protocol.version': '1.1',
          'code.function.name': 'github.com/acme/shop/internal/order.(*Handler).Get',
          'code.line.number': 40 + (i % 30),
        }
      : {
          'db.system.name': 'postgresql',
          'db.query.text': 'SELECT id, sku, qty FROM order_items WHERE order_id = $1',
          'db.namespace': 'shop',
          'db.operation.name': 'SELECT',
          'server.address': 'db.internal',
          'server.port': 5432,
          'db.response.returned_rows': i % 11,
          'code.file.path': '/src/internal/order/repository.go',
          'code.line.number': 120 + (i % 9),
          'retry.delays_ms': [1.5, 3, 6.25],
        };
    const span = tracer.startSpan(server ? 'GET /orders/:id' : 'order.repository.Items', {
      kind: server ? SpanKind.SERVER : SpanKind.CLIENT,
      attributes,
    });
    if (i % 5 === 0) {
      span.addEvent('cache.miss', { 'cache.key': `order:${i}` });
    }
    if (i % 17 === 0) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream returned 500' });
    }
    span.end();
  }
  return exporter.getFinishedSpans();
}

interface BenchCase {
  decode: (input: never) => unknown;
  inputs: unknown[];
  spans: number;
  cpuMs: number;
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Decoders take turns in short slices (after a warm-up), and time is the process's CPU time: the figures and
 * their ratio stay comparable on a machine busy with other work, where wall time would mostly measure the
 * scheduler. Returns spans per CPU-second for each case.
 */
function measureInterleaved(cases: BenchCase[]): number[] {
  let sink = 0;
  const slice = (benchCase: BenchCase, ms: number, count: boolean): void => {
    const decode = benchCase.decode as (input: unknown) => unknown;
    const start = cpuMs();
    let spans = 0;
    while (cpuMs() - start < ms) {
      for (const input of benchCase.inputs) {
        sink ^= decode(input) === undefined ? 1 : 0;
        spans += BATCH_SIZE;
      }
    }
    if (count) {
      benchCase.spans += spans;
      benchCase.cpuMs += cpuMs() - start;
    }
  };
  for (const benchCase of cases) {
    slice(benchCase, 300, false);
  }
  const rounds = Math.max(1, Math.round(MEASURE_MS / 150));
  for (let round = 0; round < rounds; round++) {
    for (const benchCase of cases) {
      slice(benchCase, 150, true);
    }
  }
  if (sink < 0) {
    console.log(sink);
  }
  return cases.map((benchCase) => benchCase.spans / (benchCase.cpuMs / 1000));
}

function benchCase<T>(inputs: T[], decode: (input: T) => unknown): BenchCase {
  return { inputs, decode: decode as (input: never) => unknown, spans: 0, cpuMs: 0 };
}

/** The benchmark's request bodies, both encodings of the same spans (also handy for profiling a decoder alone). */
export function makeBenchBodies(): { protobufBodies: Uint8Array[]; jsonTexts: string[] } {
  const batches = Array.from({ length: DISTINCT_BATCHES }, (_, i) => makeBatch(i));
  return {
    protobufBodies: batches.map((batch) => ProtobufTraceSerializer.serializeRequest(batch)!),
    jsonTexts: batches.map((batch) => new TextDecoder().decode(JsonTraceSerializer.serializeRequest(batch)!)),
  };
}

export async function runDecodeBench(): Promise<BenchRow[]> {
  const { protobufBodies, jsonTexts } = makeBenchBodies();
  const requestType = protobuf.Root.fromJSON(OTLP_TRACE_DESCRIPTOR).lookupType('ExportTraceServiceRequest');

  // Same bytes, same span count: a decoder that silently dropped spans would make the comparison meaningless.
  for (const body of protobufBodies) {
    const ours = decodeTraceRequestProtobuf(body).spans.length;
    const theirs = (requestType.decode(body) as unknown as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }).resourceSpans
      .flatMap((resourceSpans) => resourceSpans.scopeSpans)
      .reduce((count, scopeSpans) => count + scopeSpans.spans.length, 0);
    if (ours !== BATCH_SIZE || theirs !== BATCH_SIZE) {
      throw new Error(`decoders disagree on the batch: ours ${ours}, protobufjs ${theirs}`);
    }
  }

  const bytesPerSpan = protobufBodies.reduce((sum, body) => sum + body.length, 0) / (DISTINCT_BATCHES * BATCH_SIZE);
  // node:http hands the receiver Buffers, on which protobufjs switches to Node's native UTF-8 decoding.
  const nodeBuffers = protobufBodies.map((body) => Buffer.from(body));
  const [tape, ours, protobufjs, protobufjsBuffer] = measureInterleaved([
    // As in the receiver, the main thread hands each tape's memory back to the worker once it has kept the tape.
    benchCase(protobufBodies, (body) => recycleTape(transcodeTraceRequestProtobuf(body).transfer.tape.buffer as ArrayBuffer)),
    benchCase(protobufBodies, decodeTraceRequestProtobuf),
    benchCase(protobufBodies, (body) => requestType.decode(body)),
    benchCase(nodeBuffers, (body) => requestType.decode(body)),
  ]);
  const [json, jsonParseOnly] = measureInterleaved([
    benchCase(jsonTexts, decodeTraceRequestJson),
    benchCase(jsonTexts, (text) => JSON.parse(text)),
  ]);
  const batchNote = `${BATCH_SIZE}-span batches, ~10 attributes/span, ${Math.round(bytesPerSpan)} B/span`;
  const fastestProtobufjs = Math.max(protobufjs, protobufjsBuffer);
  return [
    { name: 'protobuf decode (Span Lens)', value: tape, unit: 'spans/s', note: `${batchNote}; onto the span tape, copied out, as a decode worker does; per CPU-second` },
    { name: 'protobuf decode to span objects (Span Lens)', value: ours, unit: 'spans/s', note: 'onto the tape (not copied out), then every span built from it as objects' },
    { name: 'protobuf decode (protobufjs)', value: protobufjs, unit: 'spans/s', note: 'same bytes (Uint8Array), Type.decode only, no toObject' },
    { name: 'protobuf decode (protobufjs, Buffer)', value: protobufjsBuffer, unit: 'spans/s', note: 'same bytes as a Node Buffer' },
    {
      name: 'protobuf decode speed-up',
      value: tape / fastestProtobufjs,
      unit: '×',
      note: `Span Lens ÷ the faster protobufjs figure (to span objects: ${(ours / fastestProtobufjs).toFixed(2)}×)`,
    },
    { name: 'JSON decode (Span Lens)', value: json, unit: 'spans/s', note: 'from text, JSON.parse included' },
    { name: 'JSON.parse alone', value: jsonParseOnly, unit: 'spans/s', note: 'the floor for any JSON decoder' },
  ];
}

function printTable(rows: BenchRow[]): void {
  const nameWidth = Math.max(...rows.map((row) => row.name.length));
  for (const row of rows) {
    const value = row.value >= 100 ? Math.round(row.value).toLocaleString('en-US') : row.value.toFixed(2);
    console.log(`${row.name.padEnd(nameWidth)}  ${value.padStart(12)} ${row.unit.padEnd(8)} ${row.note ?? ''}`);
  }
}

if (require.main === module) {
  runDecodeBench().then(printTable, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
