import * as assert from 'node:assert/strict';
import { RateMeter } from '../../../src/extension/rateMeter';

describe('extension/RateMeter', () => {
  const t0 = 1_700_000_000_000;

  it('averages what arrived over the window', () => {
    const meter = new RateMeter(10);
    meter.record(50, t0);
    meter.record(50, t0 + 3_000);
    assert.equal(meter.perSecond(t0 + 3_500), 10);
  });

  it('forgets counts older than the window', () => {
    const meter = new RateMeter(10);
    meter.record(100, t0);
    meter.record(20, t0 + 5_000);
    assert.equal(meter.perSecond(t0 + 10_500), 2);
    assert.equal(meter.perSecond(t0 + 60_000), 0);
  });

  it('reset drops everything', () => {
    const meter = new RateMeter(5);
    meter.record(10, t0);
    meter.reset();
    assert.equal(meter.perSecond(t0), 0);
  });
});
