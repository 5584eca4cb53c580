import assert from 'node:assert/strict';
import { runLoad } from '../../bench/loadRun';

/**
 * Several exporters for ~10 s against receiver + store; the decode queue is kept tiny so the receiver refuses
 * (503 + Retry-After) and the clients retry, and the store cap is small so traces are evicted. Every span must be
 * accounted for. Nothing here depends on how fast the machine is: only the counts are asserted.
 */
describe('receiver under sustained load (accounting)', function () {
  this.timeout(120_000);

  it('every span made is accepted once and is then stored or evicted-and-counted; refusals were retried', async () => {
    const result = await runLoad({
      clients: 3,
      spansPerSecond: 12_000,
      durationMs: 10_000,
      maxSpans: 20_000,
      maxInFlightPerClient: 3,
      maxQueuedJobs: 1,
      retryDelayMs: 20,
    });
    assert.ok(result.spansMade >= 3 * 512, `the clients sent something (${result.spansMade})`);
    assert.equal(result.failures, 0, 'no request failed other than by a deliberate 503');
    assert.equal(result.spansAccepted, result.spansMade, 'every span was eventually accepted');
    assert.equal(result.receiverSpans, result.spansAccepted, 'the receiver handed on exactly what it accepted');
    assert.equal(result.storeReceived, result.spansAccepted, 'the store received every accepted span');
    assert.equal(result.storeDuplicates, 0, 'a retried body is not stored twice');
    assert.equal(result.storeStored + result.storeEvicted, result.storeReceived, 'stored + evicted = received');
    assert.ok(result.storeEvicted > 0, 'the cap was exceeded, so eviction was exercised');
    assert.ok(result.storeStored <= 20_000);
    assert.ok(result.refusals > 0, 'the tiny decode queue refused some requests, which were retried');
    for (const client of result.clients) {
      assert.equal(client.spansAccepted, client.spansMade, `client ${client.clientId}`);
    }
  });
});
