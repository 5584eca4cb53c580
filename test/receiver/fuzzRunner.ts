/**
 * Runs fuzz inputs (a) straight into both OTLP decoders — anything thrown that is not an OtlpDecodeError is a crash —
 * and (b) through a real OtlpHttpReceiver, each request answered with the status the payload calls for
 * (200 decoded, 400 undecodable, 413 too large, 415 wrong content type). Shared by the mocha test and scripts/fuzz.mjs.
 */
import * as http from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { OtlpDecodeError, decodeTraceRequestJson, decodeTraceRequestProtobuf } from '../../src/core/otlp';
import { DecodePool } from '../../src/receiver/decodePool';
import { OtlpHttpReceiver } from '../../src/receiver/httpReceiver';
import { FuzzInputs, type FuzzInput } from './fuzzInputs';

export type DirectOutcome = 'ok' | 'partial' | 'rejected' | 'crash';

export interface DirectResult {
  outcome: DirectOutcome;
  spans: number;
  error?: unknown;
}

export function decodeDirectly(input: FuzzInput): DirectResult {
  try {
    const decoded = input.encoding === 'protobuf' ? decodeTraceRequestProtobuf(input.body) : decodeTraceRequestJson(input.body);
    return { outcome: decoded.rejectedSpans > 0 ? 'partial' : 'ok', spans: decoded.spans.length };
  } catch (error) {
    return error instanceof OtlpDecodeError ? { outcome: 'rejected', spans: 0 } : { outcome: 'crash', spans: 0, error };
  }
}

export interface HttpCase {
  /** How the input travels: plain, gzip, broken gzip, padded past the limit, wrong content type. */
  transport: string;
  headers: Record<string, string>;
  body: Uint8Array;
  expectedStatus: number;
  /** Spans the receiver must store when the answer is 200. */
  expectedSpans: number;
}

const CONTENT_TYPES = { protobuf: 'application/x-protobuf', json: 'application/json' } as const;

/** Picks a transport for the input (from `roll` in 0..99) and works out the status the receiver must answer. */
export function httpCase(input: FuzzInput, direct: DirectResult, roll: number, maxBodyBytes: number): HttpCase {
  const contentType = input.encoding === 'json' && roll % 2 === 0 ? 'application/json; charset=utf-8' : CONTENT_TYPES[input.encoding];
  const decodedStatus = direct.outcome === 'rejected' || direct.outcome === 'crash' ? 400 : 200;
  const decodedSpans = decodedStatus === 200 ? direct.spans : 0;
  if (roll < 2) {
    return { transport: 'wrong-content-type', headers: { 'Content-Type': 'text/plain' }, body: input.body, expectedStatus: 415, expectedSpans: 0 };
  }
  if (roll < 4) {
    const padded = new Uint8Array(maxBodyBytes + 1 + roll);
    padded.set(input.body.subarray(0, Math.min(input.body.length, padded.length)));
    return { transport: 'oversize', headers: { 'Content-Type': contentType }, body: padded, expectedStatus: 413, expectedSpans: 0 };
  }
  if (roll < 7) {
    const zipped = gzipSync(input.body);
    // Cut into the deflate stream or its trailer: gunzip must fail (→ 400), never hang or crash.
    const broken = zipped.subarray(0, Math.max(1, zipped.length - 1 - (roll % 8)));
    return { transport: 'broken-gzip', headers: { 'Content-Type': contentType, 'Content-Encoding': 'gzip' }, body: broken, expectedStatus: expectGunzip(broken, maxBodyBytes) ?? decodedStatus, expectedSpans: 0 };
  }
  if (roll < 22) {
    const zipped = gzipSync(input.body);
    const status = zipped.length > maxBodyBytes || input.body.length > maxBodyBytes ? 413 : decodedStatus;
    return { transport: 'gzip', headers: { 'Content-Type': contentType, 'Content-Encoding': 'gzip' }, body: zipped, expectedStatus: status, expectedSpans: status === 200 ? decodedSpans : 0 };
  }
  const status = input.body.length > maxBodyBytes ? 413 : decodedStatus;
  return { transport: 'plain', headers: { 'Content-Type': contentType }, body: input.body, expectedStatus: status, expectedSpans: status === 200 ? decodedSpans : 0 };
}

/** 400/413 when gunzip itself refuses the body, undefined when it inflates (then the decoder decides). */
function expectGunzip(body: Uint8Array, maxBodyBytes: number): number | undefined {
  if (body.length > maxBodyBytes) {
    return 413;
  }
  try {
    gunzipSync(body, { maxOutputLength: maxBodyBytes });
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 413 : 400;
  }
}

export interface FuzzFailure {
  index: number;
  kind: 'crash' | 'wrong-status' | 'no-answer';
  mutations: string[];
  transport?: string;
  detail: string;
  /** The input, base64, to reproduce without the generator. */
  body: string;
}

export interface FuzzReport {
  inputs: number;
  direct: Record<DirectOutcome, number>;
  /** HTTP answers by status (as strings for printing). */
  http: Record<string, number>;
  httpRequests: number;
  byTransport: Record<string, number>;
  spansExpected: number;
  spansStored: number;
  failures: FuzzFailure[];
}

export interface FuzzOptions {
  seed: number;
  count: number;
  /** Every `httpEvery`-th input also goes through HTTP (1 = all, 0 = none). */
  httpEvery: number;
  /** Requests in flight at once. */
  concurrency: number;
  maxBodyBytes?: number;
  /** Stop collecting failure details after this many (they are still counted). */
  maxFailures?: number;
  onProgress?: (done: number) => void;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const maxFailures = options.maxFailures ?? 20;
  const inputs = new FuzzInputs(options.seed);
  const report: FuzzReport = {
    inputs: 0,
    direct: { ok: 0, partial: 0, rejected: 0, crash: 0 },
    http: {},
    httpRequests: 0,
    byTransport: {},
    spansExpected: 0,
    spansStored: 0,
    failures: [],
  };
  let failureCount = 0;
  const fail = (failure: FuzzFailure): void => {
    failureCount++;
    if (report.failures.length < maxFailures) {
      report.failures.push(failure);
    }
  };

  const useHttp = options.httpEvery > 0;
  const pool = useHttp ? new DecodePool({ workers: 1, maxQueuedJobs: options.concurrency * 4 }) : undefined;
  const receiver = useHttp ? new OtlpHttpReceiver({ port: 0, maxBodyBytes, pool }) : undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  await receiver?.start();
  const port = receiver?.address?.port ?? 0;
  const inFlight = new Set<Promise<void>>();

  try {
    for (let index = 0; index < options.count; index++) {
      const input = inputs.next();
      const roll = inputs.roll(100);
      const direct = decodeDirectly(input);
      report.inputs++;
      report.direct[direct.outcome]++;
      if (direct.outcome === 'crash') {
        fail({ index, kind: 'crash', mutations: input.mutations, detail: String((direct.error as Error)?.stack ?? direct.error), body: base64(input.body) });
      }
      if (useHttp && index % options.httpEvery === 0) {
        const testCase = httpCase(input, direct, roll, maxBodyBytes);
        report.httpRequests++;
        report.byTransport[testCase.transport] = (report.byTransport[testCase.transport] ?? 0) + 1;
        report.spansExpected += testCase.expectedSpans;
        const sent = send(port, agent, testCase).then(
          (status) => {
            report.http[status] = (report.http[status] ?? 0) + 1;
            if (status !== testCase.expectedStatus) {
              fail({ index, kind: 'wrong-status', mutations: input.mutations, transport: testCase.transport, detail: `expected ${testCase.expectedStatus}, got ${status}`, body: base64(input.body) });
            }
          },
          (error: unknown) => {
            report.http['no answer'] = (report.http['no answer'] ?? 0) + 1;
            fail({ index, kind: 'no-answer', mutations: input.mutations, transport: testCase.transport, detail: String(error), body: base64(input.body) });
          },
        );
        const tracked: Promise<void> = sent.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
        if (inFlight.size >= options.concurrency) {
          await Promise.race(inFlight);
        }
      }
      if (options.onProgress && (index + 1) % 10_000 === 0) {
        options.onProgress(index + 1);
      }
    }
    await Promise.all(inFlight);
    report.spansStored = receiver?.counters.spans ?? 0;
  } finally {
    agent.destroy();
    await receiver?.stop();
    await pool?.close();
  }
  if (failureCount > report.failures.length) {
    report.failures.push({ index: -1, kind: 'crash', mutations: [], detail: `${failureCount - report.failures.length} more failures not listed`, body: '' });
  }
  return report;
}

/** One request; resolves with the status once the whole answer is read. */
function send(port: number, agent: http.Agent, testCase: HttpCase): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/traces',
        agent,
        headers: { ...testCase.headers, 'Content-Length': String(testCase.body.byteLength) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(Buffer.from(testCase.body.buffer, testCase.body.byteOffset, testCase.body.byteLength));
  });
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
