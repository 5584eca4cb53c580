import * as assert from 'node:assert/strict';
import { SpanTimeline } from '../../../src/core/propagation/spanTimeline';
import { WindowEntry } from '../../../src/core/propagation/spanWindow';
import { span, T0 } from './spanGraph';

/** A deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function entry(id: number, start: number, duration: number): WindowEntry {
  const s = span({ trace: 't', id: String(id), name: `s${id}`, service: 'svc', start, duration });
  return new WindowEntry(s, 0, 'p');
}

describe('SpanTimeline', function () {
  // Brute-force checking of a few thousand entries: seconds on a loaded two-core machine.
  this.timeout(30_000);

  it('answers like a brute-force scan after thousands of out-of-order inserts, repeated starts, drops and sweeps', () => {
    for (const seed of [1, 2, 3]) {
      const next = random(seed);
      const timeline = new SpanTimeline('svc');
      const all: WindowEntry[] = [];
      for (let i = 0; i < 4000; i++) {
        // Few distinct starts (many equal), arriving in no order; some long spans.
        const start = Math.floor(next() * 400);
        const e = entry(i, start, next() < 0.05 ? 200 : Math.floor(next() * 20));
        timeline.insert(e);
        all.push(e);
        if (next() < 0.3) {
          const victim = all[Math.floor(next() * all.length)];
          if (victim.alive) {
            victim.alive = false;
            timeline.dropped();
          }
        }
      }
      const live = all.filter((e) => e.alive);
      assert.equal(timeline.size, live.length);
      for (let q = 0; q < 100; q++) {
        const from = Math.floor(next() * 450) - 20;
        const to = from + Math.floor(next() * 60) - 30;
        const slack = q % 3;
        const containing = [...timeline.containing(T0 + from, T0 + to, slack)];
        const expectedContaining = live.filter((e) => e.span.startTimeUnixMs <= T0 + from + slack && e.endMs + slack >= T0 + to);
        assert.deepEqual(ids(containing), ids(expectedContaining), `containing(${from}, ${to}, ${slack}) seed ${seed}`);
        const starting = [...timeline.startingBetween(T0 + from, T0 + from + Math.abs(to - from))];
        const expectedStarting = live.filter((e) => e.span.startTimeUnixMs >= T0 + from && e.span.startTimeUnixMs <= T0 + from + Math.abs(to - from));
        assert.deepEqual(ids(starting), ids(expectedStarting), `startingBetween(${from}, …) seed ${seed}`);
        assert.ok(isSortedByStart(starting), 'startingBetween yields in start order');
      }
    }
  });

  it('yields containing spans latest start first and stops at the longest span', () => {
    const timeline = new SpanTimeline();
    for (let i = 0; i < 1000; i++) timeline.insert(entry(i, 999 - i, 1));
    const found = [...timeline.containing(T0 + 500, T0 + 500, 0)];
    // s499 starts at 500, s500 at 499 and ends at 500.
    assert.deepEqual(
      found.map((e) => e.span.name),
      ['s499', 's500'],
    );
    const window = [...timeline.containing(T0 + 500, T0 + 498, 0)].map((e) => e.span.startTimeUnixMs - T0);
    assert.deepEqual(window, [500, 499, 498, 497]);
  });

  it('inserts a span that starts before everything held at the front', () => {
    const timeline = new SpanTimeline();
    for (let i = 0; i < 2000; i++) timeline.insert(entry(i, 1000 + i, 1));
    timeline.insert(entry(5000, 0, 1));
    const first = [...timeline.startingBetween(T0 - 1, T0 + 1000)];
    assert.deepEqual(
      first.map((e) => e.span.startTimeUnixMs - T0),
      [0, 1000],
    );
    assert.equal(timeline.size, 2001);
  });
});

function ids(entries: WindowEntry[]): string[] {
  return entries.map((e) => e.span.spanId).sort();
}

function isSortedByStart(entries: WindowEntry[]): boolean {
  return entries.every((e, i) => i === 0 || entries[i - 1].span.startTimeUnixMs <= e.span.startTimeUnixMs);
}
