/** Small HTTP client helpers for the receiver tests: one request, its status, headers and body. */
import * as http from 'node:http';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { generateSdkSpans } from '../unit/otlp/sdkSpans';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestSpec {
  port: number;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  agent?: http.Agent | false;
}

export function request(spec: RequestSpec): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: spec.port,
        method: spec.method ?? 'POST',
        path: spec.path ?? '/v1/traces',
        headers: { ...(spec.body ? { 'Content-Length': String(spec.body.byteLength) } : {}), ...spec.headers },
        agent: spec.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(spec.body ? Buffer.from(spec.body.buffer, spec.body.byteOffset, spec.body.byteLength) : undefined);
  });
}

/** A valid ExportTraceServiceRequest of `count` SDK spans (seeded), in protobuf. */
export function protobufPayload(seed: number, count: number): Uint8Array {
  return ProtobufTraceSerializer.serializeRequest(generateSdkSpans(seed, count)) as Uint8Array;
}

/** The same in OTLP/JSON. */
export function jsonPayload(seed: number, count: number): Uint8Array {
  return JsonTraceSerializer.serializeRequest(generateSdkSpans(seed, count)) as Uint8Array;
}

export const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
export const JSON_TYPE = { 'Content-Type': 'application/json' };
