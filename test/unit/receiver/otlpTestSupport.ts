/** Shared by the receiver and CLI tests: real SDK spans, their real OTLP encodings, and a tiny HTTP client. */
import * as http from 'node:http';
import { gzipSync } from 'node:zlib';
import * as protobuf from 'protobufjs';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { IExportTraceServiceResponse } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { IdGenerator, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Attributes } from '@opentelemetry/api';

/** Finished spans from the real SDK: `count` spans of one trace each under `service`, with the given attributes. */
export async function sdkSpans(
  count: number,
  service = 'checkout',
  attributes: (i: number) => Attributes = (i) => ({ 'test.index': i }),
  idGenerator?: IdGenerator,
): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    idGenerator,
  });
  const tracer = provider.getTracer('span-lens-test', '1.0.0');
  for (let i = 0; i < count; i++) {
    tracer.startSpan(`op-${i}`, { attributes: attributes(i) }).end();
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

export function protobufBody(spans: ReadableSpan[]): Uint8Array {
  return ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
}

export function jsonBody(spans: ReadableSpan[]): Uint8Array {
  return JsonTraceSerializer.serializeRequest(spans) as Uint8Array;
}

export function gzip(body: Uint8Array): Uint8Array {
  return gzipSync(body);
}

export const PROTOBUF = 'application/x-protobuf';
export const JSON_TYPE = 'application/json';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface PostOptions {
  method?: string;
  headers?: Record<string, string | number>;
  agent?: http.Agent;
}

/** One request; resolves with the reply (or with status 0 and the error code if the connection failed first). */
export function request(port: number, path: string, body: Uint8Array | undefined, options: PostOptions = {}): Promise<Reply> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'POST', headers: options.headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, headers: {}, body: Buffer.from(error.code ?? error.message) }));
    req.end(body);
  });
}

export function postTraces(port: number, body: Uint8Array, contentType: string, extraHeaders: Record<string, string> = {}): Promise<Reply> {
  return request(port, '/v1/traces', body, { headers: { 'Content-Type': contentType, ...extraHeaders } });
}

export function decodeTraceResponse(reply: Reply): IExportTraceServiceResponse {
  const type = String(reply.headers['content-type']);
  return (type.startsWith(JSON_TYPE) ? JsonTraceSerializer : ProtobufTraceSerializer).deserializeResponse(new Uint8Array(reply.body));
}

const statusType = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));

/** google.rpc.Status from a 4xx/5xx body, in whichever encoding the reply declares. */
export function decodeStatus(reply: Reply): { code: number; message: string } {
  const type = String(reply.headers['content-type']);
  if (type.startsWith(JSON_TYPE)) {
    const parsed = JSON.parse(reply.body.toString('utf8')) as { code?: number; message?: string };
    return { code: parsed.code ?? 0, message: parsed.message ?? '' };
  }
  const decoded = statusType.toObject(statusType.decode(reply.body), { defaults: true }) as { code: number; message: string };
  return { code: decoded.code, message: decoded.message };
}

/** `spanId`s (hex) of SDK spans, for comparing with what arrived. */
export function spanIds(spans: ReadableSpan[]): string[] {
  return spans.map((span) => span.spanContext().spanId);
}
