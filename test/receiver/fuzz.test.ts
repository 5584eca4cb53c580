/**
 * Fuzzing: ~20,000 generated and mutated OTLP payloads (protobuf and JSON) into both decoders directly and through
 * the HTTP receiver. No decoder throws anything but OtlpDecodeError; every request is answered with the status its
 * payload calls for; every span of a 200 is stored. A failure prints its index, mutations and body (base64).
 * The million-input run is `node scripts/fuzz.mjs --count 1000000`.
 */
import assert from 'node:assert/strict';
import { runFuzz, type FuzzReport } from './fuzzRunner';

function describeFailures(report: FuzzReport): string {
  return report.failures.map((failure) => JSON.stringify({ ...failure, body: failure.body.slice(0, 400) })).join('\n');
}

describe('fuzzing the OTLP decoders and the HTTP receiver', function () {
  this.timeout(180_000);

  it('decodes 10,000 mutated payloads directly: only OtlpDecodeError, never a crash', async () => {
    const report = await runFuzz({ seed: 2, count: 10_000, httpEvery: 0, concurrency: 1 });
    assert.equal(report.direct.crash, 0, describeFailures(report));
    assert.deepEqual(report.failures, []);
    // The generator reaches every outcome: decoded, partially rejected, refused.
    assert.ok(report.direct.ok > 0 && report.direct.partial > 0 && report.direct.rejected > 0, JSON.stringify(report.direct));
    assert.equal(report.inputs, 10_000);
  });

  it('answers 12,000 mutated payloads over HTTP with the right status each, storing every span of every 200', async () => {
    const report = await runFuzz({ seed: 1, count: 12_000, httpEvery: 1, concurrency: 8 });
    assert.deepEqual(report.failures, [], describeFailures(report));
    assert.equal(report.direct.crash, 0);
    assert.equal(report.httpRequests, 12_000);
    const answered = Object.values(report.http).reduce((sum, n) => sum + n, 0);
    assert.equal(answered, report.httpRequests);
    for (const status of ['200', '400', '413', '415']) {
      assert.ok((report.http[status] ?? 0) > 0, `no ${status} among ${JSON.stringify(report.http)}`);
    }
    assert.ok(report.spansExpected > 0);
    assert.equal(report.spansStored, report.spansExpected);
  });
});
