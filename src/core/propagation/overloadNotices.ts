import type { PropagationCounters } from './propagationDetector';

/** Quiet this long (no trace turned away) before detection counts as back to checking everything. */
const QUIET_MS = 30_000;
/** Spans pushed out of the window unchecked are summed and told at most this often. */
const PUSHED_OUT_EVERY_MS = 60_000;

/**
 * What a user watching the log should learn from the detector's counters: when it starts turning traces away under
 * load (its findings are then partial), when it is back to checking every span, and that spans of an oversized trace
 * went unchecked. Fed the counters at each settle; returns the lines to log (usually none).
 */
export class OverloadNotices {
  private last: PropagationCounters | undefined;
  private episode: { startedMs: number; lastRefusalMs: number; turnedAway: number; checkedWithinTrace: number } | undefined;
  private pushedOut = 0;
  private pushedOutToldMs = Number.NEGATIVE_INFINITY;

  /** A new detector (counters from zero): forget what the old one said. */
  reset(): void {
    this.last = undefined;
    this.episode = undefined;
    this.pushedOut = 0;
    this.pushedOutToldMs = Number.NEGATIVE_INFINITY;
  }

  update(counters: PropagationCounters, nowMs: number): string[] {
    const last = this.last ?? { checkedSpans: 0, checkedWithinTraceSpans: 0, uncheckedSpans: 0, notAdmittedSpans: 0 };
    this.last = counters;
    const lines: string[] = [];
    const turnedAway = counters.notAdmittedSpans - last.notAdmittedSpans;
    const checkedWithinTrace = counters.checkedWithinTraceSpans - last.checkedWithinTraceSpans;
    if (turnedAway > 0) {
      if (!this.episode) {
        this.episode = { startedMs: nowMs, lastRefusalMs: nowMs, turnedAway: 0, checkedWithinTrace: 0 };
        lines.push(
          'Spans are arriving faster than broken-link detection can hold them through its grace window: it now checks ' +
            'whole traces as room allows and turns the others away (they are still annotated), and does not judge links ' +
            'across traces until the load passes. Findings are incomplete meanwhile.',
        );
      }
      this.episode.lastRefusalMs = nowMs;
    }
    if (this.episode) {
      this.episode.turnedAway += turnedAway;
      this.episode.checkedWithinTrace += checkedWithinTrace;
      if (turnedAway === 0 && nowMs - this.episode.lastRefusalMs >= QUIET_MS) {
        const seconds = Math.round((this.episode.lastRefusalMs - this.episode.startedMs) / 1000);
        lines.push(
          `Broken-link detection checks every span again. Over the last ${seconds} s of load it turned away ` +
            `${this.episode.turnedAway} spans and checked ${this.episode.checkedWithinTrace} only within their own trace.`,
        );
        this.episode = undefined;
      }
    }
    this.pushedOut += counters.uncheckedSpans - last.uncheckedSpans;
    if (this.pushedOut > 0 && nowMs - this.pushedOutToldMs >= PUSHED_OUT_EVERY_MS) {
      lines.push(
        `${this.pushedOut} spans of traces too large for broken-link detection's window left it before ` +
          'their grace window ended and were not checked for broken links (they are still annotated).',
      );
      this.pushedOut = 0;
      this.pushedOutToldMs = nowMs;
    }
    return lines;
  }
}
