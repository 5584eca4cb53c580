import * as assert from 'node:assert/strict';
import { OverloadNotices, PropagationDetector } from '../../../src/core/propagation';
import { LINES } from './shopGraph';
import { ManualClock, span, TableLocator } from './spanGraph';

const GRACE = 5000;

describe('OverloadNotices', () => {
  const setup = () => {
    const clock = new ManualClock(0);
    // Room for 80 spans waiting out their grace.
    const detector = new PropagationDetector({ locator: new TableLocator(LINES, '/ws/order/service.go'), graceMs: GRACE, clock: clock.now, maxSpans: 100 });
    const notices = new OverloadNotices();
    const tick = (ms: number): string[] => {
      clock.advance(ms);
      detector.settle();
      return notices.update(detector.counters(), clock.now());
    };
    return { clock, detector, notices, tick };
  };
  const traces = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, k) => span({ trace: `${prefix}${k}`, id: `${prefix}${k}`, name: 'load', service: 'load', start: k, duration: 1 }));

  it('says once when traces start being turned away, and once with the totals when the load has passed', () => {
    const { detector, tick } = setup();
    detector.add(traces('a', 300));
    const first = tick(0);
    assert.equal(first.length, 1);
    assert.match(first[0], /^Spans are arriving faster than broken-link detection can hold them/);
    // More load, more refusals: nothing new to say.
    detector.add(traces('b', 50));
    assert.deepEqual(tick(1000), []);
    // Quiet, but not yet for long enough.
    assert.deepEqual(tick(GRACE), []);
    assert.deepEqual(tick(20_000), []);
    const after = tick(10_000);
    assert.equal(after.length, 1);
    assert.match(after[0], /^Broken-link detection checks every span again\. Over the last 1 s of load it turned away 270 spans and checked 80 only within their own trace\.$/);
    assert.deepEqual(tick(60_000), []);
  });

  it('sums spans of oversized traces pushed out unchecked, told at most once a minute', () => {
    const { detector, tick } = setup();
    const bigTrace = (trace: string) => Array.from({ length: 300 }, (_, k) => span({ trace, id: `${trace}${k}`, parent: k ? `${trace}0` : undefined, name: 'load', service: 'load', start: k, duration: 1 }));
    detector.add(bigTrace('x'));
    const first = tick(GRACE + 1);
    assert.deepEqual(first, ["200 spans of traces too large for broken-link detection's window left it before their grace window ended and were not checked for broken links (they are still annotated)."]);
    detector.add(bigTrace('y'));
    assert.deepEqual(tick(GRACE + 1), []);
    const later = tick(60_000);
    assert.equal(later.length, 1);
    assert.match(later[0], /^200 spans of traces too large/);
  });

  it('starts over with a new detector', () => {
    const { detector, notices, tick } = setup();
    detector.add(traces('a', 300));
    assert.equal(tick(0).length, 1);
    notices.reset();
    const fresh = new PropagationDetector({ locator: new TableLocator(LINES, '/ws/order/service.go'), graceMs: GRACE, maxSpans: 100 });
    assert.deepEqual(notices.update(fresh.counters(), 0), []);
  });
});
