import { Span } from './span';

/**
 * Below this many spans a trace finds a span id by scanning its array, which costs no memory beyond the array;
 * larger traces build a Map once, so duplicate checks stay O(1) however big a trace grows.
 */
const SCAN_LIMIT = 16;

/** The spans of one retained trace, in arrival order, with lookup by span id. Holds references, never copies. */
export class TraceSpans {
  readonly spans: Span[] = [];
  private byId: Map<string, Span> | undefined;

  constructor(readonly traceId: string) {}

  get size(): number {
    return this.spans.length;
  }

  get(spanId: string): Span | undefined {
    if (this.byId) {
      return this.byId.get(spanId);
    }
    for (const span of this.spans) {
      if (span.spanId === spanId) {
        return span;
      }
    }
    return undefined;
  }

  /** Adds the span unless one with its id is already here; says whether it was added. */
  addIfNew(span: Span): boolean {
    if (this.get(span.spanId) !== undefined) {
      return false;
    }
    this.spans.push(span);
    if (this.byId) {
      this.byId.set(span.spanId, span);
    } else if (this.spans.length > SCAN_LIMIT) {
      this.byId = new Map(this.spans.map((s) => [s.spanId, s]));
    }
    return true;
  }
}
