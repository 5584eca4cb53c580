import assert from 'node:assert/strict';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { threadId } from 'node:worker_threads';
import { DecodePool, resolveDecodeWorkerScript } from '../../../src/receiver';
import { jsonBody, protobufBody, sdkSpans, spanIds } from './otlpTestSupport';

const MiB = 1024 * 1024;

describe('DecodePool', () => {
  const pools: DecodePool[] = [];
  const pool = (options: ConstructorParameters<typeof DecodePool>[0] = {}): DecodePool => {
    const created = new DecodePool(options);
    pools.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it('finds the worker script beside the pool in tsc output', () => {
    assert.equal(resolveDecodeWorkerScript(), path.resolve(__dirname, '../../../src/receiver/decodeWorker.js'));
  });

  it('decodes protobuf, JSON and gzip in a worker, taking over the body buffer', async () => {
    const spans = await sdkSpans(4, 'inventory', (i) => ({ 'code.line.number': i + 10 }));
    const decoder = pool({ workers: 2 });
    const proto = protobufBody(spans).slice();
    const outcome = await decoder.decode(proto, 'protobuf', false, MiB);
    assert.equal(proto.byteLength, 0, 'the body was transferred to the worker, not copied');
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.spans.map((s) => s.spanId).sort(), spanIds(spans).sort());
    assert.equal(outcome.spans[0].resource, outcome.spans[1].resource, 'spans of one resource still share it after cloning');

    const json = await decoder.decode(gzipSync(jsonBody(spans)), 'json', true, MiB);
    assert.ok(json.ok);
    assert.deepEqual(json.spans.map((s) => s.attributes['code.line.number']).sort(), [10, 11, 12, 13]);
    assert.equal(threadId, 0, 'the test itself runs on the main thread');
  });

  it('copies a body that shares its buffer instead of detaching the shared memory', async () => {
    const spans = await sdkSpans(1);
    const bytes = protobufBody(spans);
    const shared = new Uint8Array(bytes.byteLength + 16);
    shared.set(bytes, 8);
    const view = shared.subarray(8, 8 + bytes.byteLength);
    const outcome = await pool().decode(view, 'protobuf', false, MiB);
    assert.ok(outcome.ok);
    assert.equal(shared.byteLength, bytes.byteLength + 16, 'the larger buffer is untouched');
  });

  it('maps decoder failures to 400 and oversize inflation to 413', async () => {
    const decoder = pool();
    const garbage = await decoder.decode(Buffer.from('{"resourceSpans": 4'), 'json', false, MiB);
    assert.deepEqual(garbage.ok ? 'ok' : garbage.status, 400);
    const bomb = await decoder.decode(gzipSync(Buffer.alloc(8 * MiB)), 'protobuf', true, MiB);
    assert.deepEqual(bomb.ok ? 'ok' : bomb.status, 413);
    const plainTooBig = await decoder.decode(Buffer.alloc(MiB + 1), 'protobuf', false, MiB);
    assert.deepEqual(plainTooBig.ok ? 'ok' : plainTooBig.status, 413);
  });

  it('answers 503 for the job of a worker that died, and replaces the worker', async () => {
    const decoder = pool({ workerScript: path.join(__dirname, 'dyingDecodeWorker.js') });
    const spans = await sdkSpans(2);
    const [dead, queued] = await Promise.all([
      decoder.decode(Buffer.from('DIE now'), 'protobuf', false, MiB),
      decoder.decode(protobufBody(spans), 'protobuf', false, MiB),
    ]);
    assert.deepEqual(dead.ok ? 'ok' : dead.status, 503);
    assert.ok(queued.ok, 'the job queued behind the dead one went to the replacement');
    assert.equal(queued.spans.length, 2);
    assert.equal(decoder.workerDeaths, 1);
    assert.equal(decoder.pending, 0);
  });

  it('refuses work beyond its queue bound with 503', async () => {
    const decoder = pool({ workers: 1, maxQueuedJobs: 2 });
    const body = protobufBody(await sdkSpans(1));
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => decoder.decode(body.slice(), 'protobuf', false, MiB)));
    const statuses = outcomes.map((o) => (o.ok ? 200 : o.status));
    // One job goes straight to the idle worker, two wait, the other seven are refused.
    assert.deepEqual(statuses, [200, 200, 200, 503, 503, 503, 503, 503, 503, 503]);
  });

  it('answers queued jobs with 503 when closed', async () => {
    const decoder = pool({ workers: 1 });
    const body = protobufBody(await sdkSpans(1));
    const jobs = Array.from({ length: 3 }, () => decoder.decode(body.slice(), 'protobuf', false, MiB));
    await decoder.close();
    const statuses = (await Promise.all(jobs)).map((o) => (o.ok ? 200 : o.status));
    assert.deepEqual(statuses.slice(1), [503, 503]);
    const late = await decoder.decode(body.slice(), 'protobuf', false, MiB);
    assert.deepEqual(late.ok ? 'ok' : late.status, 503);
  });
});
