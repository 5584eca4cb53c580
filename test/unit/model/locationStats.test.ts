import assert from 'node:assert/strict';
import { LocationStats, MAX_DISTINCT_NAMES } from '../../../src/core/model/locationStats';
import { makeSpan } from './modelFixtures';

const HERE = { file: '/ws/a.go', line: 3, column: 5, via: 'code-attributes' as const };

describe('LocationStats', () => {
  it('collects distinct span names and services, sorted, and stops growing past the bound', () => {
    const stats = new LocationStats(HERE);
    stats.record(makeSpan({ trace: 1, id: 1, name: 'b', service: 'orders' }));
    stats.record(makeSpan({ trace: 1, id: 2, name: 'a', service: 'inventory' }));
    stats.record(makeSpan({ trace: 1, id: 3, name: 'b', service: 'orders' }));
    assert.deepEqual(stats.snapshot().spanNames, ['a', 'b']);
    assert.deepEqual(stats.snapshot().services, ['inventory', 'orders']);

    for (let i = 0; i < MAX_DISTINCT_NAMES * 2; i++) {
      stats.record(makeSpan({ trace: 2, id: i, name: `GET /orders/${i}` }));
    }
    assert.equal(stats.snapshot().spanNames.length, MAX_DISTINCT_NAMES);
    assert.equal(stats.count, 3 + MAX_DISTINCT_NAMES * 2);
  });

  it('treats negative and missing durations as zero', () => {
    const stats = new LocationStats(HERE);
    stats.record(makeSpan({ trace: 1, id: 1, durationMs: -3 }));
    stats.record(makeSpan({ trace: 1, id: 2, durationMs: NaN }));
    const snapshot = stats.snapshot();
    assert.equal(snapshot.count, 2);
    assert.equal(snapshot.p95Ms, 0);
    assert.equal(snapshot.maxMs, 0);
  });

  it('updates cached quantiles when new spans arrive', () => {
    const stats = new LocationStats(HERE);
    stats.record(makeSpan({ trace: 1, id: 1, durationMs: 1 }));
    assert.equal(stats.snapshot().p50Ms, 1);
    for (let i = 2; i < 10; i++) stats.record(makeSpan({ trace: 1, id: i, durationMs: 100 }));
    assert.equal(stats.snapshot().p50Ms, 100);
  });

  it('keeps no spans when the ring size is 0, and snapshots are independent copies', () => {
    const none = new LocationStats(HERE, 0);
    none.record(makeSpan({ trace: 1, id: 1 }));
    assert.deepEqual(none.snapshot().recent, []);

    const stats = new LocationStats(HERE, 2);
    stats.record(makeSpan({ trace: 1, id: 1, startMs: 1 }));
    const before = stats.snapshot();
    stats.record(makeSpan({ trace: 1, id: 2, startMs: 2 }));
    assert.equal(before.recent.length, 1);
    assert.equal(before.count, 1);
    assert.equal(stats.snapshot().recent.length, 2);
    assert.deepEqual(stats.snapshot().location, HERE);
  });
});
