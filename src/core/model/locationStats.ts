import { QuantileSketch } from './quantileSketch';
import { Span, SourceLocation, StatusCode, locationKey } from './span';

/** What an annotation or hover shows for one source line; a fresh copy each time, safe to keep. */
export interface LocationStatsSnapshot {
  /** `locationKey(location)`: `file:line`. */
  key: string;
  /** The location as the locator first reported it for this line. */
  location: SourceLocation;
  count: number;
  /** Spans with status code Error. */
  errors: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Latest span end time seen here (telemetry clock, ms since the Unix epoch). */
  lastSeenUnixMs: number;
  /** The most recently ended spans, newest first, at most `recentSpansPerLocation`. */
  recent: Span[];
  /** Distinct span names seen here, sorted; at most MAX_DISTINCT_NAMES. */
  spanNames: string[];
  /** Distinct `service.name`s seen here, sorted; at most MAX_DISTINCT_NAMES. */
  services: string[];
}

export const DEFAULT_RECENT_SPANS_PER_LOCATION = 10;
/**
 * A line normally yields one span name and a few services; a name built from request data (an id in the name) would
 * otherwise grow these sets without bound, so they stop taking new entries here.
 */
export const MAX_DISTINCT_NAMES = 32;

/** Running statistics for one source line. Recording a span is O(recent ring size), independent of history. */
export class LocationStats {
  readonly key: string;
  readonly location: SourceLocation;
  private readonly sketch = new QuantileSketch();
  private readonly recentCapacity: number;
  /** Sorted by end time, newest first; ties keep the later arrival first. */
  private readonly recent: Span[] = [];
  private readonly spanNames = new Set<string>();
  private readonly services = new Set<string>();
  private countValue = 0;
  private errorCount = 0;
  private maxDuration = 0;
  private lastSeen = 0;
  /** Quantiles cost a walk over the sketch's buckets; cached until the next span arrives. */
  private cachedQuantiles: { p50: number; p95: number } | undefined;

  constructor(location: SourceLocation, recentCapacity = DEFAULT_RECENT_SPANS_PER_LOCATION) {
    this.key = locationKey(location);
    this.location = location;
    this.recentCapacity = Math.max(0, Math.floor(recentCapacity));
  }

  get count(): number {
    return this.countValue;
  }

  record(span: Span): void {
    const duration = Number.isFinite(span.durationMs) && span.durationMs > 0 ? span.durationMs : 0;
    this.countValue++;
    if (span.status.code === StatusCode.Error) {
      this.errorCount++;
    }
    this.sketch.add(duration);
    if (duration > this.maxDuration) {
      this.maxDuration = duration;
    }
    const end = endTimeOf(span, duration);
    if (end > this.lastSeen) {
      this.lastSeen = end;
    }
    this.remember(span, end);
    addBounded(this.spanNames, span.name);
    addBounded(this.services, span.resource.serviceName);
    this.cachedQuantiles = undefined;
  }

  snapshot(): LocationStatsSnapshot {
    if (!this.cachedQuantiles) {
      this.cachedQuantiles = { p50: this.sketch.quantile(0.5), p95: this.sketch.quantile(0.95) };
    }
    return {
      key: this.key,
      location: this.location,
      count: this.countValue,
      errors: this.errorCount,
      p50Ms: this.cachedQuantiles.p50,
      p95Ms: this.cachedQuantiles.p95,
      maxMs: this.maxDuration,
      lastSeenUnixMs: this.lastSeen,
      recent: this.recent.slice(),
      spanNames: [...this.spanNames].sort(),
      services: [...this.services].sort(),
    };
  }

  /** Keeps the `recentCapacity` latest-ending spans; a span older than all of a full ring is not kept. */
  private remember(span: Span, end: number): void {
    const ring = this.recent;
    if (this.recentCapacity === 0) {
      return;
    }
    if (ring.length === this.recentCapacity && end < endTimeOf(ring[ring.length - 1])) {
      return;
    }
    let at = 0;
    while (at < ring.length && endTimeOf(ring[at]) > end) {
      at++;
    }
    ring.splice(at, 0, span);
    if (ring.length > this.recentCapacity) {
      ring.pop();
    }
  }
}

function endTimeOf(span: Span, duration = Number.isFinite(span.durationMs) && span.durationMs > 0 ? span.durationMs : 0): number {
  return span.startTimeUnixMs + duration;
}

function addBounded(set: Set<string>, value: string): void {
  if (set.size < MAX_DISTINCT_NAMES || set.has(value)) {
    set.add(value);
  }
}
