import assert from 'node:assert/strict';
import { runLoad } from '../../bench/loadRun';

/**
 * Several exporters for ~3 s against receiver + store, unpaced (each keeps its requests in flight), so they always
 * outrun a decode queue kept tiny: the receiver refuses (503 + Retry-After) and the clients retry, on a fast machine
 * or a slow one. The store cap is small so traces are evicted. Every span must be
 * accounted for. Nothing here depends on how fast the machine is: only the counts are asserted.
 */
describe('receiver under sustained load (accounting)', function () {
  this.timeout(120_000);

  it('every span made is accepted once and is then stored or evicted-and-counted; refusals were retried', async () => {
    const result = await runLoad({
      clients: 3,
      // Far above what any machine ingests: the clients are limited only by their requests in flight.
      spansPerSecond: 1_000_000,
      durationMs: 3_000,
      maxSpans: 5_000,
      maxInFlightPerClient: 4,
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
    assert.ok(result.storeStored <= 5_000);
    assert.ok(result.refusals > 0, 'the tiny decode queue refused some requests, which were retried');
    for (const client of result.clients) {
      assert.equal(client.spansAccepted, client.spansMade, `client ${client.clientId}`);
    }
  });
});
