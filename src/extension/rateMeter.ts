/** Spans per second over a sliding window of whole-second buckets. No vscode import: unit-tested. */
export class RateMeter {
  /** counts[i] belongs to second `newestSecond - (newest index - i)`: a ring keyed by second number. */
  private readonly counts: number[];
  private newestSecond = -Infinity;

  constructor(private readonly windowSeconds = 10) {
    this.counts = new Array<number>(windowSeconds).fill(0);
  }

  record(count: number, nowMs = Date.now()): void {
    this.advance(nowMs);
    this.counts[this.newestSecond % this.windowSeconds] += count;
  }

  /** Average over the window's completed seconds plus the current one, so a burst shows at once and fades out. */
  perSecond(nowMs = Date.now()): number {
    this.advance(nowMs);
    const total = this.counts.reduce((sum, value) => sum + value, 0);
    return total / this.windowSeconds;
  }

  reset(): void {
    this.counts.fill(0);
  }

  private advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    if (second <= this.newestSecond) {
      return;
    }
    const gap = this.newestSecond === -Infinity ? this.windowSeconds : Math.min(second - this.newestSecond, this.windowSeconds);
    for (let i = 1; i <= gap; i++) {
      this.counts[(second - gap + i) % this.windowSeconds] = 0;
    }
    this.newestSecond = second;
  }
}
