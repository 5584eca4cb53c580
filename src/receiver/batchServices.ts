import type { Span } from '../core/model/span';

/** Distinct `service.name`s of a decoded batch, for the receivers' events and logs. */
export function servicesOf(spans: readonly Span[]): string[] {
  const services = new Set<string>();
  let last: unknown;
  for (const span of spans) {
    // Spans of one ResourceSpans block share one Resource object: check each block once.
    if (span.resource !== last) {
      last = span.resource;
      services.add(span.resource.serviceName);
    }
  }
  return [...services];
}
