import assert from 'node:assert/strict';
import * as http from 'node:http';
import { gzipSync } from 'node:zlib';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';
import { SpanStore } from '../../../src/core/model';
import { OtlpHttpReceiver, PortInUseError, SpansReceived } from '../../../src/receiver';
import {
  JSON_TYPE,
  PROTOBUF,
  Reply,
  decodeStatus,
  decodeTraceResponse,
  gzip,
  jsonBody,
  postTraces,
  protobufBody,
  request,
  sdkSpans,
  spanIds,
} from './otlpTestSupport';

const MiB = 1024 * 1024;

describe('OtlpHttpReceiver', () => {
  let receiver: OtlpHttpReceiver;
  let port: number;
  let batches: SpansReceived[];

  beforeEach(async () => {
    receiver = new OtlpHttpReceiver({ host: '127.0.0.1', port: 0, maxBodyBytes: MiB });
    batches = [];
    receiver.onSpans((batch) => batches.push(batch));
    await receiver.start();
    port = receiver.address?.port ?? 0;
  });

  afterEach(async () => {
    await receiver.stop();
  });

  const receivedIds = (): string[] => batches.flatMap((batch) => batch.spans.map((span) => span.spanId));

  function assertStatusReply(reply: Reply, status: number, contentType: string): { code: number; message: string } {
    assert.equal(reply.status, status, reply.body.toString());
    assert.equal(reply.headers['content-type'], contentType);
    const decoded = decodeStatus(reply);
    assert.ok(decoded.code > 0, 'google.rpc.Status carries a code');
    assert.ok(decoded.message.length > 0, 'google.rpc.Status carries a message');
    return decoded;
  }

  describe('200', () => {
    it('accepts protobuf and answers an empty ExportTraceServiceResponse in protobuf', async () => {
      const spans = await sdkSpans(3, 'orders', (i) => ({ 'http.route': `/orders/${i}`, retries: i, cached: i % 2 === 0 }));
      const reply = await postTraces(port, protobufBody(spans), PROTOBUF);
      assert.equal(reply.status, 200, reply.body.toString());
      assert.equal(reply.headers['content-type'], PROTOBUF);
      assert.equal(reply.body.byteLength, 0);
      assert.equal(decodeTraceResponse(reply).partialSuccess, undefined);
      assert.deepEqual(receivedIds().sort(), spanIds(spans).sort());
      const got = batches[0].spans.find((span) => span.name === 'op-1');
      assert.deepEqual(got?.attributes, { 'http.route': '/orders/1', retries: 1, cached: false });
      assert.equal(got?.resource.serviceName, 'orders');
      assert.deepEqual(batches[0].services, ['orders']);
      assert.equal(batches[0].encoding, 'protobuf');
      assert.equal(receiver.counters.spans, 3);
    });

    it('accepts JSON with a charset parameter and answers in JSON', async () => {
      const spans = await sdkSpans(2, 'billing');
      const reply = await postTraces(port, jsonBody(spans), 'application/json; charset=utf-8');
      assert.equal(reply.status, 200, reply.body.toString());
      assert.equal(reply.headers['content-type'], JSON_TYPE);
      assert.deepEqual(JSON.parse(reply.body.toString()), {});
      assert.deepEqual(receivedIds().sort(), spanIds(spans).sort());
      assert.equal(batches[0].encoding, 'json');
    });

    for (const [label, type, encode] of [['protobuf', PROTOBUF, protobufBody], ['JSON', JSON_TYPE, jsonBody]] as const) {
      it(`accepts gzip-compressed ${label}`, async () => {
        const spans = await sdkSpans(5);
        const reply = await postTraces(port, gzip(encode(spans)), type, { 'Content-Encoding': 'gzip' });
        assert.equal(reply.status, 200, reply.body.toString());
        assert.deepEqual(receivedIds().sort(), spanIds(spans).sort());
        assert.equal(batches[0].gzip, true);
      });
    }

    it('accepts Content-Encoding: identity', async () => {
      const spans = await sdkSpans(1);
      const reply = await postTraces(port, protobufBody(spans), PROTOBUF, { 'Content-Encoding': 'identity' });
      assert.equal(reply.status, 200, reply.body.toString());
      assert.equal(receivedIds().length, 1);
    });

    it('reports rejected JSON spans as partial success, keeping the valid ones', async () => {
      const spans = await sdkSpans(3);
      const request = JSON.parse(Buffer.from(jsonBody(spans)).toString()) as { resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[] };
      request.resourceSpans[0].scopeSpans[0].spans[1].traceId = 'not-a-trace-id';
      const reply = await postTraces(port, Buffer.from(JSON.stringify(request)), JSON_TYPE);
      assert.equal(reply.status, 200, reply.body.toString());
      const partial = decodeTraceResponse(reply).partialSuccess;
      assert.equal(Number(partial?.rejectedSpans), 1);
      assert.match(String(partial?.errorMessage), /trace id/);
      assert.equal(receivedIds().length, 2);
      assert.equal(receiver.counters.rejectedSpans, 1);
    });

    it('reports rejected protobuf spans as partial success in protobuf', async () => {
      // The SDK encodes whatever ids its generator gives: an all-zero trace id is invalid per the OTLP spec.
      const random = new RandomIdGenerator();
      let first = true;
      const zeroFirstTrace = {
        generateTraceId: () => (first ? ((first = false), '0'.repeat(32)) : random.generateTraceId()),
        generateSpanId: () => random.generateSpanId(),
      };
      const spans = await sdkSpans(4, 'checkout', (i) => ({ i }), zeroFirstTrace);
      const reply = await postTraces(port, protobufBody(spans), PROTOBUF);
      assert.equal(reply.status, 200, reply.body.toString());
      assert.equal(reply.headers['content-type'], PROTOBUF);
      const partial = decodeTraceResponse(reply).partialSuccess;
      assert.equal(Number(partial?.rejectedSpans), 1);
      assert.equal(receivedIds().length, 3);
    });
  });

  describe('400', () => {
    it('answers undecodable protobuf with a protobuf google.rpc.Status', async () => {
      const reply = await postTraces(port, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), PROTOBUF);
      assert.equal(assertStatusReply(reply, 400, PROTOBUF).code, 3);
    });

    it('answers malformed JSON with a JSON google.rpc.Status', async () => {
      const reply = await postTraces(port, Buffer.from('{"resourceSpans": [ {'), JSON_TYPE);
      assert.equal(assertStatusReply(reply, 400, JSON_TYPE).code, 3);
    });

    it('answers a body that is not gzip although it says so', async () => {
      const reply = await postTraces(port, Buffer.from('definitely not gzip'), PROTOBUF, { 'Content-Encoding': 'gzip' });
      assertStatusReply(reply, 400, PROTOBUF);
    });
  });

  describe('413', () => {
    it('refuses a Content-Length over the limit without reading the body', async () => {
      const reply = await postTraces(port, Buffer.alloc(MiB + 1), PROTOBUF);
      assertStatusReply(reply, 413, PROTOBUF);
      assert.equal(receiver.counters.bytes, 0, 'nothing was read');
    });

    it('refuses a chunked body as soon as it streams past the limit', async () => {
      let sentWhenAnswered = -1;
      const reply = await new Promise<Reply>((resolve) => {
        let answered = false;
        const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers: { 'Content-Type': PROTOBUF } }, (res) => {
          // Stop sending once answered, as an exporter does: what was sent is swallowed, then the receiver closes.
          answered = true;
          sentWhenAnswered = sent;
          const chunks: Buffer[] = [];
          const done = (): void => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', done);
          // A connection cut under a loaded machine must fail the assertions below, not hang the test.
          res.on('close', done);
        });
        req.on('error', () => undefined);
        // 64 MiB offered in 64 KiB chunks; the receiver must answer long before all of it could be sent.
        const chunk = Buffer.alloc(64 * 1024, 1);
        let sent = 0;
        const pump = (): void => {
          while (sent < 64 * MiB && !req.destroyed && !answered) {
            sent += chunk.length;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
          req.end();
        };
        pump();
      });
      assertStatusReply(reply, 413, PROTOBUF);
      assert.equal(reply.headers.connection, 'close');
      assert.ok(sentWhenAnswered >= 0 && sentWhenAnswered < 64 * MiB, `answered after ${sentWhenAnswered} bytes of 64 MiB`);
    });

    it('refuses a gzip bomb after inflating no more than the limit', async () => {
      const bomb = gzipSync(Buffer.alloc(100 * 1000 * 1000));
      assert.ok(bomb.byteLength < 200 * 1024, `bomb is small on the wire (${bomb.byteLength} bytes)`);
      const reply = await postTraces(port, bomb, PROTOBUF, { 'Content-Encoding': 'gzip' });
      assert.match(assertStatusReply(reply, 413, PROTOBUF).message, /limit/);
      assert.equal(receivedIds().length, 0);
    });
  });

  describe('415, 405, 404', () => {
    it('415 for an unsupported Content-Type', async () => {
      assertStatusReply(await postTraces(port, Buffer.from('hello'), 'text/plain'), 415, PROTOBUF);
    });

    it('415 for a missing Content-Type', async () => {
      assertStatusReply(await request(port, '/v1/traces', Buffer.from('hello')), 415, PROTOBUF);
    });

    it('415 for JSON in a charset other than UTF-8', async () => {
      assertStatusReply(await postTraces(port, Buffer.from('{}'), 'application/json; charset=latin1'), 415, PROTOBUF);
    });

    it('415 for an unsupported Content-Encoding, in the request encoding', async () => {
      const spans = await sdkSpans(1);
      const reply = await postTraces(port, jsonBody(spans), JSON_TYPE, { 'Content-Encoding': 'br' });
      assertStatusReply(reply, 415, JSON_TYPE);
      assert.equal(receivedIds().length, 0);
    });

    it('405 with Allow: POST for another method on a known path', async () => {
      for (const path of ['/v1/traces', '/v1/logs', '/v1/metrics']) {
        const reply = await request(port, path, undefined, { method: 'GET' });
        assertStatusReply(reply, 405, PROTOBUF);
        assert.equal(reply.headers.allow, 'POST');
      }
      assert.equal((await request(port, '/v1/traces', Buffer.from('x'), { method: 'PUT', headers: { 'Content-Type': JSON_TYPE } })).status, 405);
    });

    it('404 for an unknown path', async () => {
      const spans = await sdkSpans(1);
      for (const path of ['/', '/v1/trace', '/v2/traces', '/v1/traces/extra']) {
        assertStatusReply(await request(port, path, protobufBody(spans), { headers: { 'Content-Type': PROTOBUF } }), 404, PROTOBUF);
      }
    });

    it('ignores the query string when routing', async () => {
      const spans = await sdkSpans(1);
      const reply = await request(port, '/v1/traces?tenant=a', protobufBody(spans), { headers: { 'Content-Type': PROTOBUF } });
      assert.equal(reply.status, 200, reply.body.toString());
    });
  });

  describe('logs and metrics', () => {
    for (const path of ['/v1/logs', '/v1/metrics']) {
      it(`answers POST ${path} with an empty response in each encoding and stores nothing`, async () => {
        const proto = await request(port, path, Buffer.from([0x0a, 0x00]), { headers: { 'Content-Type': PROTOBUF } });
        assert.equal(proto.status, 200);
        assert.equal(proto.headers['content-type'], PROTOBUF);
        assert.equal(proto.body.byteLength, 0);
        const json = await request(port, path, Buffer.from('{"resourceLogs":[]}'), { headers: { 'Content-Type': JSON_TYPE } });
        assert.equal(json.status, 200);
        assert.equal(json.headers['content-type'], JSON_TYPE);
        assert.deepEqual(JSON.parse(json.body.toString()), {});
        assert.equal(batches.length, 0);
      });
    }
  });

  describe('robustness', () => {
    it('survives garbage and keeps the spans it already had', async () => {
      const store = new SpanStore({ maxSpans: 10_000, locator: { locate: () => undefined } });
      receiver.onSpans((batch) => store.add(batch.spans));
      const before = await sdkSpans(5, 'before');
      assert.equal((await postTraces(port, protobufBody(before), PROTOBUF)).status, 200);

      const garbage: [Uint8Array, string, Record<string, string>][] = [
        [Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), PROTOBUF, {}],
        [Buffer.from([0x0a, 0x05, 0x0a, 0x03, 0x12, 0x01]), PROTOBUF, {}],
        [Buffer.from('null'), JSON_TYPE, {}],
        [Buffer.from('[1,2,3]'), JSON_TYPE, {}],
        [Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":7,"spanId":{"a":1}}]}]}]}'), JSON_TYPE, {}],
        [Buffer.from('{"resourceSpans":"nope"}'), JSON_TYPE, {}],
        [Buffer.from([0xc3, 0x28, 0x7b]), JSON_TYPE, {}],
        [gzipSync(Buffer.from('not protobuf at all, just text')), PROTOBUF, { 'Content-Encoding': 'gzip' }],
        [gzipSync(Buffer.from('x')).subarray(0, 8), JSON_TYPE, { 'Content-Encoding': 'gzip' }],
        [Buffer.alloc(0), PROTOBUF, {}],
      ];
      for (let seed = 1; seed <= 20; seed++) {
        const random = Buffer.alloc(64 + seed * 37);
        let state = seed * 2654435761;
        for (let i = 0; i < random.length; i++) {
          state = (state * 1103515245 + 12345) >>> 0;
          random[i] = state >>> 24;
        }
        garbage.push([random, seed % 2 ? PROTOBUF : JSON_TYPE, {}]);
      }
      for (const [body, type, headers] of garbage) {
        const reply = await postTraces(port, body, type, headers);
        assert.ok([200, 400].includes(reply.status), `garbage answered ${reply.status}: ${reply.body.toString()}`);
      }

      const after = await sdkSpans(5, 'after');
      assert.equal((await postTraces(port, jsonBody(after), JSON_TYPE)).status, 200);
      for (const span of [...before, ...after]) {
        const { traceId, spanId } = span.spanContext();
        assert.ok(store.getSpan(traceId, spanId), `span ${spanId} is still in the store`);
      }
      assert.deepEqual(store.totals().services, ['after', 'before']);
      assert.ok(receiver.listening);
    });

    it('answers 500 and carries on when a span listener throws', async () => {
      const errors: unknown[] = [];
      receiver.onListenerError((error) => errors.push(error));
      const subscription = receiver.onSpans(() => {
        throw new Error('store exploded');
      });
      const reply = await postTraces(port, protobufBody(await sdkSpans(1)), PROTOBUF);
      assertStatusReply(reply, 500, PROTOBUF);
      assert.equal(errors.length, 1);
      subscription.dispose();
      assert.equal((await postTraces(port, protobufBody(await sdkSpans(1)), PROTOBUF)).status, 200);
    });

    it('handles many parallel requests, every span exactly once', async () => {
      const batchesToSend = await Promise.all(Array.from({ length: 40 }, (_, i) => sdkSpans(25, `svc-${i % 4}`)));
      const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
      const replies = await Promise.all(
        batchesToSend.map((spans, i) => {
          const json = i % 2 === 0;
          const body = json ? jsonBody(spans) : protobufBody(spans);
          return request(port, '/v1/traces', i % 3 === 0 ? gzip(body) : body, {
            agent,
            headers: { 'Content-Type': json ? JSON_TYPE : PROTOBUF, ...(i % 3 === 0 ? { 'Content-Encoding': 'gzip' } : {}) },
          });
        }),
      );
      agent.destroy();
      assert.deepEqual(replies.map((reply) => reply.status), replies.map(() => 200));
      const sent = batchesToSend.flatMap(spanIds);
      const got = receivedIds();
      assert.equal(got.length, sent.length);
      assert.deepEqual(new Set(got), new Set(sent));
      assert.equal(receiver.counters.requests, 40);
      assert.equal(receiver.counters.spans, 1000);
    });

    it('finishes in-flight requests when stopped', async () => {
      const spans = await Promise.all(Array.from({ length: 10 }, () => sdkSpans(50)));
      const replies = Promise.all(spans.map((batch) => postTraces(port, protobufBody(batch), PROTOBUF)));
      while (receiver.counters.requests < 10) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      await receiver.stop();
      assert.deepEqual((await replies).map((reply) => reply.status), spans.map(() => 200));
      assert.equal(receivedIds().length, 500);
      assert.equal(receiver.listening, false);
      assert.equal((await postTraces(port, protobufBody(spans[0]), PROTOBUF)).status, 0, 'no longer accepting');
    });

    it('can be started again after stop, on the same port', async () => {
      await receiver.stop();
      const again = new OtlpHttpReceiver({ port });
      try {
        await again.start();
        assert.equal(again.address?.port, port);
        await again.stop();
        await again.start();
        assert.equal((await postTraces(port, protobufBody(await sdkSpans(1)), PROTOBUF)).status, 200);
      } finally {
        await again.stop();
      }
    });
  });

  describe('binding', () => {
    it('rejects with PortInUseError when the port is taken', async () => {
      const second = new OtlpHttpReceiver({ host: '127.0.0.1', port });
      await assert.rejects(second.start(), (error: unknown) => {
        assert.ok(error instanceof PortInUseError);
        assert.equal(error.host, '127.0.0.1');
        assert.equal(error.port, port);
        assert.equal(error.code, 'EADDRINUSE');
        return true;
      });
      assert.equal(second.listening, false);
      // The first receiver is unaffected.
      assert.equal((await postTraces(port, protobufBody(await sdkSpans(1)), PROTOBUF)).status, 200);
    });

    it('reports its endpoint with the real port', () => {
      assert.equal(receiver.endpoint, `http://127.0.0.1:${port}`);
      assert.ok(port > 0);
    });
  });
});
