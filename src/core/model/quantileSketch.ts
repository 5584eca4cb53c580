/**
 * A streaming quantile sketch in the style of DDSketch (Masson, Rim, Lee: "DDSketch: a fast and fully-mergeable
 * quantile sketch with relative-error guarantees", VLDB 2019).
 *
 * Positive values fall into logarithmic buckets: bucket i holds (γ^(i-1), γ^i] with γ = (1+α)/(1-α), and reports
 * 2γ^i/(γ+1), which is within relative error α of every value in the bucket. Updates are O(1) (one log and one
 * array increment, no sorting); a quantile query walks the buckets once.
 *
 * Guarantee: for q in [0, 1] and n values, `quantile(q)` is within relative error α of the value at rank
 * floor(q·(n-1)) of the sorted values (the "lower" quantile), as long as no buckets were collapsed (see maxBuckets).
 * Min and max are exact.
 * Values below 1 ns (1e-6 when the unit is milliseconds, which is ours) cannot come out of nanosecond timestamps except
 * as exactly 0, so they are counted in a separate zero bucket and reported as 0. Negative values (clock skew in
 * telemetry) count as 0; non-finite values are ignored.
 */

export interface QuantileSketchOptions {
  /** α, the relative accuracy of every quantile. Default 0.01 (1 %). */
  relativeAccuracy?: number;
  /**
   * Upper bound on bucket count, so memory stays bounded whatever arrives. With α = 1 % the default 2048 spans
   * 1 ns to over 10^8 hours: in practice nothing is collapsed. Past it, the lowest buckets merge into one, so high
   * quantiles (the ones people look at: p95, max) keep their accuracy and only the lowest lose it.
   */
  maxBuckets?: number;
}

/** Values at or below this are "zero": OTLP timestamps are nanoseconds, and our unit is milliseconds. */
export const SKETCH_ZERO_THRESHOLD = 1e-6;

const DEFAULT_RELATIVE_ACCURACY = 0.01;
const DEFAULT_MAX_BUCKETS = 2048;
/** Room added on each side when the bucket array grows, so a spread of values does not reallocate on every add. */
const GROWTH_SLACK = 32;

export class QuantileSketch {
  readonly relativeAccuracy: number;
  readonly maxBuckets: number;
  private readonly gamma: number;
  private readonly logGamma: number;

  /** counts[i] is the count of bucket index `offset + i`. Empty until the first positive value. */
  private counts = new Float64Array(0);
  private offset = 0;
  /** Lowest and highest bucket index in use (valid when `positiveCount > 0`). */
  private minIndex = 0;
  private maxIndex = 0;
  private positiveCount = 0;
  private zeroCount = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;
  private total = 0;

  constructor(options: QuantileSketchOptions = {}) {
    const alpha = options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
    if (!(alpha > 0 && alpha < 1)) {
      throw new RangeError(`relativeAccuracy must be in (0, 1), got ${alpha}`);
    }
    const maxBuckets = options.maxBuckets ?? DEFAULT_MAX_BUCKETS;
    if (!(Number.isInteger(maxBuckets) && maxBuckets >= 2)) {
      throw new RangeError(`maxBuckets must be an integer >= 2, got ${maxBuckets}`);
    }
    this.relativeAccuracy = alpha;
    this.maxBuckets = maxBuckets;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.logGamma = Math.log(this.gamma);
  }

  /** Number of values added (non-finite values are not counted). */
  get count(): number {
    return this.zeroCount + this.positiveCount;
  }

  /** Exact largest value added, or NaN when empty. */
  get max(): number {
    return this.count === 0 ? NaN : this.maxValue;
  }

  /** Exact smallest value added, or NaN when empty. */
  get min(): number {
    return this.count === 0 ? NaN : this.minValue;
  }

  /** Exact sum of the values added (negatives counted as 0). */
  get sum(): number {
    return this.total;
  }

  /** Number of buckets the sketch currently spans; memory is proportional to this. */
  get bucketCount(): number {
    return this.positiveCount === 0 ? 0 : this.maxIndex - this.minIndex + 1;
  }

  add(value: number): void {
    this.addCount(value, 1);
  }

  /** Adds `value` `times` times (used by merge; also handy for pre-aggregated data). */
  addCount(value: number, times: number): void {
    if (!Number.isFinite(value) || !(times > 0)) {
      return;
    }
    const v = value > 0 ? value : 0;
    if (v < this.minValue) this.minValue = v;
    if (v > this.maxValue) this.maxValue = v;
    this.total += v * times;
    if (v <= SKETCH_ZERO_THRESHOLD) {
      this.zeroCount += times;
      return;
    }
    this.addToBucket(this.indexOf(v), times);
  }

  /**
   * The estimated value at quantile q (clamped to [0, 1]): within relativeAccuracy of the exact lower quantile.
   * NaN when empty. Estimates are clamped to the exact [min, max], so a constant stream reports exactly.
   */
  quantile(q: number): number {
    const n = this.count;
    if (n === 0 || Number.isNaN(q)) {
      return NaN;
    }
    const clampedQ = q < 0 ? 0 : q > 1 ? 1 : q;
    const rank = Math.floor(clampedQ * (n - 1));
    if (rank < this.zeroCount) {
      return 0;
    }
    // The extremes are tracked exactly, so the ends of the range need no estimate.
    if (rank === n - 1) {
      return this.maxValue;
    }
    if (rank === 0) {
      return this.minValue;
    }
    let seen = this.zeroCount;
    for (let index = this.minIndex; index <= this.maxIndex; index++) {
      seen += this.counts[index - this.offset];
      if (seen > rank) {
        return this.clampToRange(this.valueOf(index));
      }
    }
    return this.maxValue;
  }

  /** Adds every value of `other` into this sketch. Both must have the same relative accuracy. */
  merge(other: QuantileSketch): void {
    if (other.gamma !== this.gamma) {
      throw new Error(`cannot merge sketches of different accuracy (${this.relativeAccuracy} vs ${other.relativeAccuracy})`);
    }
    if (other.count === 0) {
      return;
    }
    this.zeroCount += other.zeroCount;
    this.total += other.total;
    if (other.minValue < this.minValue) this.minValue = other.minValue;
    if (other.maxValue > this.maxValue) this.maxValue = other.maxValue;
    if (other.positiveCount === 0) {
      return;
    }
    for (let index = other.minIndex; index <= other.maxIndex; index++) {
      const c = other.counts[index - other.offset];
      if (c > 0) {
        this.addToBucket(index, c);
      }
    }
  }

  /** A new sketch holding the same values. */
  clone(): QuantileSketch {
    const copy = new QuantileSketch({ relativeAccuracy: this.relativeAccuracy, maxBuckets: this.maxBuckets });
    copy.merge(this);
    return copy;
  }

  private indexOf(value: number): number {
    return Math.ceil(Math.log(value) / this.logGamma);
  }

  private valueOf(index: number): number {
    return (2 * Math.pow(this.gamma, index)) / (this.gamma + 1);
  }

  private clampToRange(value: number): number {
    return value < this.minValue ? this.minValue : value > this.maxValue ? this.maxValue : value;
  }

  private addToBucket(index: number, times: number): void {
    if (this.positiveCount === 0) {
      this.minIndex = index;
      this.maxIndex = index;
      this.ensureRange(index, index);
    } else if (index < this.minIndex) {
      // Below the lowest bucket we may keep, a value joins the (collapsed) lowest bucket.
      const lowest = Math.max(index, this.maxIndex - this.maxBuckets + 1);
      if (lowest < this.minIndex) {
        this.ensureRange(lowest, this.maxIndex);
        this.minIndex = lowest;
      }
      index = lowest;
    } else if (index > this.maxIndex) {
      this.ensureRange(this.minIndex, index);
      this.maxIndex = index;
      if (this.maxIndex - this.minIndex + 1 > this.maxBuckets) {
        this.collapseBelow(this.maxIndex - this.maxBuckets + 1);
      }
    }
    this.counts[index - this.offset] += times;
    this.positiveCount += times;
  }

  /** Folds every bucket below `newMinIndex` into bucket `newMinIndex`. */
  private collapseBelow(newMinIndex: number): void {
    let folded = 0;
    for (let index = this.minIndex; index < newMinIndex; index++) {
      folded += this.counts[index - this.offset];
      this.counts[index - this.offset] = 0;
    }
    this.counts[newMinIndex - this.offset] += folded;
    this.minIndex = newMinIndex;
  }

  /** Makes counts cover bucket indexes [low, high], which include the range in use; keeps existing counts. */
  private ensureRange(low: number, high: number): void {
    if (this.counts.length > 0 && low >= this.offset && high < this.offset + this.counts.length) {
      return;
    }
    const newOffset = low - GROWTH_SLACK;
    const grown = new Float64Array(high - low + 1 + 2 * GROWTH_SLACK);
    if (this.positiveCount > 0) {
      // Only the range in use is copied, so the array never drifts larger than maxBuckets plus slack.
      grown.set(this.counts.subarray(this.minIndex - this.offset, this.maxIndex - this.offset + 1), this.minIndex - newOffset);
    }
    this.counts = grown;
    this.offset = newOffset;
  }
}
