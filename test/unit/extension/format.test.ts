import * as assert from 'node:assert/strict';
import { formatAgo, formatAnnotation, formatCount, formatDuration, formatRate, plural } from '../../../src/extension/format';

describe('extension/format', () => {
  describe('formatAnnotation', () => {
    it('shows count, p50, p95 and errors like the issue says', () => {
      assert.equal(formatAnnotation({ count: 42, p50Ms: 3.1, p95Ms: 12, errors: 2 }), '42× · p50 3.1 ms · p95 12 ms · 2 errors');
    });

    it('omits errors when there are none and says "1 error" for one', () => {
      assert.equal(formatAnnotation({ count: 1, p50Ms: 0.25, p95Ms: 0.25, errors: 0 }), '1× · p50 250 µs · p95 250 µs');
      assert.equal(formatAnnotation({ count: 3, p50Ms: 1, p95Ms: 2, errors: 1 }), '3× · p50 1 ms · p95 2 ms · 1 error');
    });

    it('has a compact form with p95 and errors only', () => {
      assert.equal(formatAnnotation({ count: 42, p50Ms: 3.1, p95Ms: 1500, errors: 2 }, 'compact'), 'p95 1.5 s · 2 errors');
    });
  });

  describe('formatDuration', () => {
    const cases: [number, string][] = [
      [0, '0 ms'],
      [0.0005, '500 ns'],
      [0.0009996, '1 µs'],
      [0.0123, '12 µs'],
      [0.0031, '3.1 µs'],
      [0.9999, '1 ms'],
      [3.14159, '3.1 ms'],
      [9.96, '10 ms'],
      [12.4, '12 ms'],
      [999.4, '999 ms'],
      [999.6, '1 s'],
      [1234, '1.2 s'],
      [59_000, '59 s'],
      [90_000, '1.5 min'],
      [7_200_000, '2 h'],
    ];
    for (const [ms, text] of cases) {
      it(`${ms} ms → ${text}`, () => assert.equal(formatDuration(ms), text));
    }

    it('does not pretend to know a negative or non-finite duration', () => {
      assert.equal(formatDuration(-1), '–');
      assert.equal(formatDuration(Number.NaN), '–');
    });
  });

  it('formatCount keeps large counts short', () => {
    assert.deepEqual([5, 9999, 12_345, 999_999, 1_250_000].map(formatCount), ['5', '9999', '12k', '1000k', '1.3M']);
  });

  it('formatRate shows one decimal below 10/s', () => {
    assert.deepEqual([0, 0.5, 2, 12.4, 15_000].map(formatRate), ['0', '0.5', '2', '12', '15k']);
  });

  it('plural and formatAgo read naturally', () => {
    assert.equal(plural(1, 'span'), '1 span');
    assert.equal(plural(1200, 'span'), '1,200 spans');
    assert.equal(formatAgo(10_000, 10_500), 'just now');
    assert.equal(formatAgo(0, 12_000), '12 s ago');
    assert.equal(formatAgo(0, 180_000), '3 min ago');
  });
});
