import type { Attributes, AttributeValue, Span, SpanKind, StatusCode } from '../model/span';

/** What both decoders return: the usable spans, and how many were dropped and why (for partial_success). */
export interface DecodedTraceRequest {
  spans: Span[];
  rejectedSpans: number;
  /** '' when nothing was rejected, else e.g. "2 spans rejected: invalid trace id". */
  rejectionMessage: string;
}

export const UNKNOWN_SERVICE = 'unknown_service';

export type RejectionReason = 'invalid trace id' | 'invalid span id';

/** Tallies the unusable spans of one request by reason. */
export class SpanRejections {
  private rejected = 0;
  private readonly reasons = new Map<RejectionReason, number>();

  reject(reason: RejectionReason): void {
    this.rejected++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  get count(): number {
    return this.rejected;
  }

  message(): string {
    if (this.rejected === 0) {
      return '';
    }
    const head = `${this.rejected} ${this.rejected === 1 ? 'span' : 'spans'} rejected: `;
    if (this.reasons.size === 1) {
      return head + [...this.reasons.keys()][0];
    }
    return head + [...this.reasons].map(([reason, count]) => `${reason} (${count})`).join(', ');
  }
}

/** Collects the spans of one request and tallies the unusable ones by reason. */
export class DecodeResult extends SpanRejections {
  readonly spans: Span[] = [];

  finish(): DecodedTraceRequest {
    return { spans: this.spans, rejectedSpans: this.count, rejectionMessage: this.message() };
  }
}

/** Sets an attribute; a `__proto__` key must become an own property, not replace the object's prototype. */
export function setAttribute(target: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** `service.name` from resource attributes, with the SDKs' default when absent. */
export function serviceNameOf(attributes: Attributes): string {
  const name = attributes['service.name'];
  return typeof name === 'string' && name !== '' ? name : UNKNOWN_SERVICE;
}

/** Span kinds and status codes outside the enums (newer protos, garbage) fall back to unspecified/unset. */
export function toSpanKind(value: number): SpanKind {
  return (value >= 0 && value <= 5 ? value : 0) as SpanKind;
}

export function toStatusCode(value: number): StatusCode {
  return (value >= 0 && value <= 2 ? value : 0) as StatusCode;
}

const TWO_POW_32 = 4294967296;

/** ns → ms for a fixed64 split in two uint32 halves: one rounding of the exact value, then the division. */
export function nanosToMs(high: number, low: number): number {
  return (high * TWO_POW_32 + low) / 1e6;
}

/**
 * (end − start) in ms, subtracting the 64-bit halves first so the difference is exact (up to ~104 days)
 * although each timestamp alone exceeds 2^53. A span that ends before it starts gets 0, not a negative cost.
 */
export function durationNanosToMs(endHigh: number, endLow: number, startHigh: number, startLow: number): number {
  const nanos = (endHigh - startHigh) * TWO_POW_32 + (endLow - startLow);
  return nanos > 0 ? nanos / 1e6 : 0;
}
