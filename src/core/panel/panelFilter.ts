/** The panel's filter, compiled once per rows() call into a predicate and a signature for cache keys. */
import type { PanelFilter } from './forestTypes';
import type { PanelSpan } from './protocol';

export interface CompiledFilter {
  /** Equal for filters that select the same spans. */
  signature: string;
  /** True when every span matches (no filter set): the model skips per-span checks. */
  matchesAll: boolean;
  matches(span: PanelSpan, haystack: () => string): boolean;
}

export const EMPTY_FILTER: PanelFilter = { services: [], status: 'all', text: '', minDurationMs: 0 };

export function compileFilter(filter: PanelFilter): CompiledFilter {
  const services = filter.services.length > 0 ? new Set(filter.services) : undefined;
  const status = filter.status;
  const text = filter.text.trim().toLowerCase();
  const minDurationMs = Number.isFinite(filter.minDurationMs) && filter.minDurationMs > 0 ? filter.minDurationMs : 0;
  const sessionId = filter.sessionId;
  const matchesAll = services === undefined && status === 'all' && text === '' && minDurationMs === 0 && sessionId === undefined;
  const signature = JSON.stringify([services ? [...services].sort() : [], status, text, minDurationMs, sessionId ?? null]);
  return {
    signature,
    matchesAll,
    matches(span, haystack) {
      if (services !== undefined && !services.has(span.service)) {
        return false;
      }
      if (status === 'error' ? span.status !== 2 : status === 'ok' ? span.status === 2 : false) {
        return false;
      }
      if (minDurationMs > 0 && !(span.durationMs >= minDurationMs)) {
        return false;
      }
      if (sessionId !== undefined && span.sessionId !== sessionId) {
        return false;
      }
      // Last: the haystack is built (once per span, lazily) only when the cheap checks pass.
      return text === '' || haystack().includes(text);
    },
  };
}

/** Everything the text filter searches, lower-cased; a separator no query contains keeps fields apart. */
export function spanHaystack(span: PanelSpan): string {
  const parts = [span.name, span.service, span.spanId, span.traceId];
  if (span.source) {
    parts.push(span.source.label);
  }
  for (const [key, value] of span.attributes) {
    parts.push(key, value);
  }
  return parts.join('\n').toLowerCase();
}
