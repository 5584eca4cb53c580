/**
 * OTLP/HTTP under pressure: a full decode queue answers 503 + Retry-After (never a silent drop), stalled clients are
 * cut while others are served, hundreds of connections at once are all answered, and a gzip bomb is refused with
 * memory bounded. No test asserts a duration.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { gzipSync } from 'node:zlib';
import { DecodePool } from '../../src/receiver/decodePool';
import { OtlpHttpReceiver, type OtlpHttpReceiverOptions } from '../../src/receiver/httpReceiver';
import { PROTOBUF, protobufPayload, request } from './httpHelpers';

describe('OTLP/HTTP robustness', function () {
  this.timeout(60_000);
  let receiver: OtlpHttpReceiver | undefined;
  let pool: DecodePool | undefined;

  async function start(options: OtlpHttpReceiverOptions = {}): Promise<number> {
    receiver = new OtlpHttpReceiver({ port: 0, ...options });
    await receiver.start();
    return receiver.address!.port;
  }

  afterEach(async () => {
    await receiver?.stop();
    await pool?.close();
    receiver = undefined;
    pool = undefined;
  });

  it('answers every request of a burst beyond the decode queue: 200 (stored) or 503 with Retry-After, none dropped', async () => {
    pool = new DecodePool({ workers: 1, maxQueuedJobs: 1 });
    const port = await start({ pool });
    let stored = 0;
    receiver!.onSpans((batch) => (stored += batch.spans.length));
    const spansPerRequest = 1500;
    const body = protobufPayload(11, spansPerRequest);
    const requests = 40;
    const answers = await Promise.all(
      Array.from({ length: requests }, () => request({ port, headers: PROTOBUF, body: body.slice() })),
    );
    const ok = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 503);
    assert.equal(ok.length + refused.length, requests, `statuses: ${answers.map((answer) => answer.status).join(',')}`);
    assert.ok(refused.length > 0, 'a 1-worker pool with a 1-job queue must refuse part of a 40-request burst');
    assert.ok(ok.length > 0);
    for (const answer of refused) {
      assert.equal(answer.headers['retry-after'], '1');
      // google.rpc.Status with code UNAVAILABLE (14).
      assert.deepEqual([...answer.body.subarray(0, 2)], [0x08, 14]);
    }
    // Every 200 is stored, every refused request stored nothing.
    assert.equal(stored, ok.length * spansPerRequest);
    assert.equal(receiver!.counters.spans, stored);
    assert.equal(receiver!.counters.errors, refused.length);
  });

  it('cuts a client that sends half of its headers and stalls, while serving other clients meanwhile', async () => {
    const port = await start({ headersTimeoutMs: 400, requestTimeoutMs: 800, idleTimeoutMs: 5000 });
    const stalled = net.connect(port, '127.0.0.1');
    const closed = new Promise<string>((resolve) => {
      let received = '';
      stalled.on('data', (chunk) => (received += chunk.toString('latin1')));
      stalled.on('close', () => resolve(received));
      stalled.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
    stalled.write('POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n');
    // While that client hangs, others get their answers.
    const served = await request({ port, headers: PROTOBUF, body: protobufPayload(12, 5) });
    assert.equal(served.status, 200);
    const received = await closed;
    // Node answers a headers timeout with 408 before closing (or just closes): either way the connection is gone.
    assert.ok(received === '' || received.startsWith('HTTP/1.1 408'), received);
    assert.equal(stalled.destroyed, true);
  });

  it('cuts a client that sends its headers and half of the body, then stalls', async () => {
    const port = await start({ headersTimeoutMs: 400, requestTimeoutMs: 800, idleTimeoutMs: 5000 });
    const failures: number[] = [];
    receiver!.onRequestFailed((failure) => failures.push(failure.status));
    const body = protobufPayload(13, 20);
    const stalled = net.connect(port, '127.0.0.1');
    let received = '';
    const closed = new Promise<void>((resolve) => {
      stalled.on('data', (chunk) => (received += chunk.toString('latin1')));
      stalled.on('close', () => resolve());
      stalled.on('error', () => undefined);
    });
    stalled.write(
      `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.byteLength}\r\n\r\n`,
    );
    stalled.write(body.subarray(0, body.byteLength >> 1));
    const served = await request({ port, headers: PROTOBUF, body: protobufPayload(14, 5) });
    assert.equal(served.status, 200);
    await closed;
    assert.ok(received === '' || received.startsWith('HTTP/1.1 408'), received);
    assert.equal(receiver!.counters.spans, 5, 'the half body stored nothing');
  });

  it('closes an idle connection that sent nothing at all', async () => {
    const port = await start({ headersTimeoutMs: 5000, requestTimeoutMs: 5000, idleTimeoutMs: 300 });
    const idle = net.connect(port, '127.0.0.1');
    idle.on('error', () => undefined);
    idle.resume();
    await new Promise<void>((resolve) => idle.on('close', () => resolve()));
    assert.equal(idle.destroyed, true);
  });

  it('serves 200 connections at once, every one answered 200 with its spans stored', async () => {
    pool = new DecodePool({ workers: 1, maxQueuedJobs: 512 });
    const port = await start({ pool });
    let stored = 0;
    receiver!.onSpans((batch) => (stored += batch.spans.length));
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    const sockets = new Set<net.Socket>();
    const counting = (receiver as unknown as { server: http.Server }).server;
    counting.on('connection', (socket: net.Socket) => sockets.add(socket));
    const connections = 200;
    const answers = await Promise.all(
      Array.from({ length: connections }, (_, i) => request({ port, headers: PROTOBUF, body: protobufPayload(100 + (i % 5), 3), agent })),
    );
    agent.destroy();
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([200]));
    assert.equal(stored, connections * 3);
    assert.equal(sockets.size, connections, 'each request came on its own connection');
  });

  it('refuses a gzip bomb (1 GiB inflated) with 413 while memory stays bounded', async () => {
    const maxBodyBytes = 4 * 1024 * 1024;
    pool = new DecodePool({ workers: 1 });
    const port = await start({ pool, maxBodyBytes });
    // Gzip members concatenate: 64 members of 16 MiB of zeros each inflate to 1 GiB from ~1 MiB on the wire.
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
    assert.ok(bomb.byteLength < maxBodyBytes, 'the bomb itself is under the limit: only its inflation is not');
    // Warm the worker up so its start-up memory is not counted as the bomb's.
    assert.equal((await request({ port, headers: PROTOBUF, body: protobufPayload(15, 3) })).status, 200);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await request({ port, headers: { ...PROTOBUF, 'Content-Encoding': 'gzip' }, body: bomb });
        assert.equal(answer.status, 413);
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    } finally {
      clearInterval(sampler);
    }
    const growthMiB = (peak - before) / (1024 * 1024);
    assert.ok(growthMiB < 64, `memory grew by ${growthMiB.toFixed(1)} MiB while refusing a 1 GiB bomb`);
    // The receiver is still fine afterwards.
    assert.equal((await request({ port, headers: PROTOBUF, body: protobufPayload(16, 2) })).status, 200);
  });
});
