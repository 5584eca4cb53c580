import assert from 'node:assert/strict';
import { QuantileSketch } from '../../../src/core/model/quantileSketch';
import { exactQuantile, seededRandom } from './modelFixtures';

const QUANTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];
/** Floating-point slack on top of α, for values that sit exactly on a bucket boundary. */
const FLOAT_SLACK = 1e-9;

function assertWithinRelativeError(sketch: QuantileSketch, values: number[], label: string): void {
  const sorted = [...values].sort((a, b) => a - b);
  const alpha = sketch.relativeAccuracy;
  for (const q of QUANTILES) {
    const exact = exactQuantile(sorted, q);
    const estimate = sketch.quantile(q);
    const allowed = exact * (alpha + FLOAT_SLACK);
    assert.ok(
      Math.abs(estimate - exact) <= allowed,
      `${label}: q=${q} estimate ${estimate} vs exact ${exact} (allowed ±${allowed})`,
    );
  }
}

function sketchOf(values: number[], options?: ConstructorParameters<typeof QuantileSketch>[0]): QuantileSketch {
  const sketch = new QuantileSketch(options);
  for (const v of values) sketch.add(v);
  return sketch;
}

function normal(random: () => number): number {
  // Box-Muller; 1 - random() keeps log away from 0.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

describe('QuantileSketch', () => {
  const random = seededRandom(42);
  const n = 20_000;
  const distributions: Record<string, number[]> = {
    'uniform 0..1000 ms': Array.from({ length: n }, () => random() * 1000),
    'log-normal around 5 ms': Array.from({ length: n }, () => Math.exp(Math.log(5) + 1.2 * normal(random))),
    'constant 12.5 ms': Array.from({ length: n }, () => 12.5),
    'a third zeros, rest uniform': Array.from({ length: n }, () => (random() < 0.33 ? 0 : random() * 50)),
    'sub-millisecond (1 µs .. 1 ms)': Array.from({ length: n }, () => 0.001 * Math.pow(1000, random())),
    'wide range (1 ns .. 1 h)': Array.from({ length: n }, () => 1e-6 * Math.pow(3.6e12, random())),
    'heavy tail (Pareto)': Array.from({ length: n }, () => 2 / Math.pow(1 - random(), 1 / 1.1)),
  };

  for (const [label, values] of Object.entries(distributions)) {
    it(`is within 1 % of the exact quantiles: ${label}`, () => {
      const sketch = sketchOf(values);
      assert.equal(sketch.relativeAccuracy, 0.01);
      assert.equal(sketch.count, values.length);
      assert.equal(sketch.max, Math.max(...values));
      assert.equal(sketch.min, Math.min(...values));
      assertWithinRelativeError(sketch, values, label);
    });
  }

  it('honours a coarser accuracy when asked, and is then really coarser', () => {
    const values = distributions['log-normal around 5 ms'];
    const coarse = sketchOf(values, { relativeAccuracy: 0.05 });
    assertWithinRelativeError(coarse, values, 'alpha 5%');
    assert.ok(coarse.bucketCount < sketchOf(values).bucketCount / 3);
  });

  it('reports a constant stream exactly, and zeros as exactly zero', () => {
    assert.equal(sketchOf([7.25, 7.25, 7.25]).quantile(0.5), 7.25);
    const zeros = sketchOf([0, 0, 0, 0, 3]);
    assert.equal(zeros.quantile(0.5), 0);
    assert.equal(zeros.quantile(0), 0);
    assert.equal(zeros.quantile(1), 3);
  });

  it('counts negative durations as 0 and ignores non-finite values', () => {
    const sketch = sketchOf([-4, NaN, Infinity, 2]);
    assert.equal(sketch.count, 2);
    assert.equal(sketch.min, 0);
    assert.equal(sketch.quantile(0), 0);
    assert.equal(sketch.sum, 2);
  });

  it('is NaN when empty', () => {
    const sketch = new QuantileSketch();
    assert.equal(sketch.count, 0);
    assert.ok(Number.isNaN(sketch.quantile(0.5)));
    assert.ok(Number.isNaN(sketch.max));
  });

  it('clamps q into [0, 1]', () => {
    const sketch = sketchOf([1, 2, 3, 4, 100]);
    assert.equal(sketch.quantile(-1), sketch.quantile(0));
    assert.equal(sketch.quantile(2), 100);
  });

  it('merges into the same answers as one sketch over everything', () => {
    const values = distributions['wide range (1 ns .. 1 h)'].concat(distributions['a third zeros, rest uniform']);
    const whole = sketchOf(values);
    const left = sketchOf(values.slice(0, 12_345));
    const right = sketchOf(values.slice(12_345));
    left.merge(right);
    assert.equal(left.count, whole.count);
    assert.equal(left.max, whole.max);
    for (const q of QUANTILES) {
      assert.equal(left.quantile(q), whole.quantile(q), `q=${q}`);
    }
    assertWithinRelativeError(left, values, 'merged');
  });

  it('refuses to merge sketches of different accuracy', () => {
    assert.throws(() => new QuantileSketch().merge(sketchOf([1], { relativeAccuracy: 0.02 })), /different accuracy/);
  });

  it('keeps the bucket count bounded, collapsing the lowest buckets so high quantiles stay accurate', () => {
    const values = distributions['wide range (1 ns .. 1 h)'];
    const sketch = sketchOf(values, { maxBuckets: 200 });
    assert.ok(sketch.bucketCount <= 200, `bucketCount ${sketch.bucketCount}`);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.9, 0.95, 0.99, 1]) {
      const exact = exactQuantile(sorted, q);
      assert.ok(Math.abs(sketch.quantile(q) - exact) <= exact * (0.01 + FLOAT_SLACK), `q=${q}`);
    }
    // The collapsed low end is over-estimated, never lost: counts still add up.
    assert.equal(sketch.count, values.length);
    assert.ok(sketch.quantile(0) >= exactQuantile(sorted, 0));
  });

  it('stays bounded when values arrive from high to low and when merged', () => {
    const sketch = new QuantileSketch({ maxBuckets: 50 });
    for (let v = 1e6; v > 1e-5; v /= 1.5) sketch.add(v);
    assert.ok(sketch.bucketCount <= 50, `bucketCount ${sketch.bucketCount}`);
    assert.equal(sketch.quantile(1), 1e6);
    const other = new QuantileSketch({ maxBuckets: 50 });
    for (let v = 1e-5; v < 1e9; v *= 1.5) other.add(v);
    sketch.merge(other);
    assert.ok(sketch.bucketCount <= 50, `bucketCount after merge ${sketch.bucketCount}`);
  });

  it('rejects nonsensical options', () => {
    assert.throws(() => new QuantileSketch({ relativeAccuracy: 0 }), RangeError);
    assert.throws(() => new QuantileSketch({ relativeAccuracy: 1 }), RangeError);
    assert.throws(() => new QuantileSketch({ maxBuckets: 1 }), RangeError);
  });

  it('clones independently', () => {
    const sketch = sketchOf([1, 2, 3]);
    const copy = sketch.clone();
    copy.add(1000);
    assert.equal(sketch.count, 3);
    assert.equal(copy.count, 4);
    assert.equal(copy.max, 1000);
  });
});
