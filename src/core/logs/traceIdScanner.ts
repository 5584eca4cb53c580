/**
 * Finds the trace ids services write into their logs: a W3C `traceparent` value, or 32 hex digits after a trace-id
 * key (`trace_id=`, `traceId:`, `"trace_id": "…"`, `trace-id`, `trace.id`, `otel.trace_id`, …). A bare 32-digit
 * hex string is never taken (it is as likely a hash), nor the all-zero id (invalid). The span id comes along where
 * the line gives one: the traceparent's, or a `span_id` key on the same line. Pure: used by the editor's links and
 * hovers; the injection grammar in syntaxes/ highlights the same shapes.
 */

export interface TraceIdMatch {
  /** Lowercased. */
  traceId: string;
  /** Lowercased; when the same line names the span. */
  spanId?: string;
  /** Offsets of the trace id's 32 digits in the text (end exclusive). */
  start: number;
  end: number;
}

const HEX = '[0-9a-fA-F]';
/** Not inside a longer word or number. */
const NOT_AFTER_WORD = '(?<![0-9A-Za-z_.])';
const NOT_BEFORE_WORD = '(?![0-9A-Za-z_])';
/** `=`, `:` or `=>`, with the quotes and spaces keys and values come with in logfmt, JSON and YAML. */
const SEPARATOR = `["']?\\s*(?:=>|[:=])\\s*["']?`;
/** Case-insensitive without flags, so the same source compiles in Oniguruma (the grammar) and JS. */
const TRACE_ID_KEY = '(?:[A-Za-z][0-9A-Za-z_]*[._-])*[Tt][Rr][Aa][Cc][Ee][._-]?[Ii][Dd]';

/** `00-<trace>-<span>-<flags>`; version ff is invalid, as are zero ids. Groups: trace id, span id. */
export const TRACEPARENT_SOURCE = `(?<![0-9A-Za-z])(?![fF]{2})${HEX}{2}-(?!0{32})(${HEX}{32})-(?!0{16})(${HEX}{16})-${HEX}{2}(?![0-9A-Za-z])`;
/** A trace-id key, then the id. Groups: key, trace id. */
export const KEYED_TRACE_ID_SOURCE = `${NOT_AFTER_WORD}(${TRACE_ID_KEY})${SEPARATOR}(?!0{32}${NOT_BEFORE_WORD})(${HEX}{32})${NOT_BEFORE_WORD}`;
/** `span_id`, `spanId`, `span-id`, `otel.span_id` (not `parent_span_id`). Group: span id. */
const SPAN_ID_SOURCE = `${NOT_AFTER_WORD}(?:[Oo][Tt][Ee][Ll][._])?[Ss][Pp][Aa][Nn][._-]?[Ii][Dd]${SEPARATOR}(?!0{16}${NOT_BEFORE_WORD})(${HEX}{16})${NOT_BEFORE_WORD}`;

const TRACEPARENT = new RegExp(TRACEPARENT_SOURCE, 'g');
const KEYED_TRACE_ID = new RegExp(KEYED_TRACE_ID_SOURCE, 'g');
const SPAN_ID = new RegExp(SPAN_ID_SOURCE, 'g');

/** Lines longer than this are scanned up to it only (a minified blob is not a log line). */
const MAX_LINE_LENGTH = 20_000;

export function scanTraceIds(text: string): TraceIdMatch[] {
  const found: TraceIdMatch[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? text.length : newline;
    const line = text.slice(lineStart, Math.min(lineEnd, lineStart + MAX_LINE_LENGTH));
    if (line.length >= 32) {
      for (const match of scanLine(line)) {
        found.push({ ...match, start: match.start + lineStart, end: match.end + lineStart });
      }
    }
    if (newline < 0) {
      break;
    }
    lineStart = newline + 1;
  }
  return found;
}

function scanLine(line: string): TraceIdMatch[] {
  const matches: TraceIdMatch[] = [];
  TRACEPARENT.lastIndex = 0;
  for (let m = TRACEPARENT.exec(line); m !== null; m = TRACEPARENT.exec(line)) {
    const start = m.index + 3;
    matches.push({ traceId: m[1].toLowerCase(), spanId: m[2].toLowerCase(), start, end: start + 32 });
  }
  KEYED_TRACE_ID.lastIndex = 0;
  const keyed: TraceIdMatch[] = [];
  for (let m = KEYED_TRACE_ID.exec(line); m !== null; m = KEYED_TRACE_ID.exec(line)) {
    const end = m.index + m[0].length;
    keyed.push({ traceId: m[2].toLowerCase(), start: end - 32, end });
  }
  if (keyed.length > 0) {
    attachSpanIds(line, keyed);
    matches.push(...keyed);
    matches.sort((a, b) => a.start - b.start);
  }
  return matches;
}

/**
 * A keyed trace id takes the first span id key after it (before the next trace id); a line with one trace id takes
 * the line's span id wherever it is (JSON logs often write `span_id` first).
 */
function attachSpanIds(line: string, keyed: TraceIdMatch[]): void {
  SPAN_ID.lastIndex = 0;
  const spans: { spanId: string; at: number }[] = [];
  for (let m = SPAN_ID.exec(line); m !== null; m = SPAN_ID.exec(line)) {
    spans.push({ spanId: m[1].toLowerCase(), at: m.index });
  }
  if (spans.length === 0) {
    return;
  }
  if (keyed.length === 1) {
    keyed[0].spanId = (spans.find((s) => s.at >= keyed[0].end) ?? spans[0]).spanId;
    return;
  }
  keyed.forEach((match, index) => {
    const limit = index + 1 < keyed.length ? keyed[index + 1].start : Infinity;
    const span = spans.find((s) => s.at >= match.end && s.at < limit);
    if (span) {
      match.spanId = span.spanId;
    }
  });
}
