/**
 * Log lines and the trace ids in them, shared by the scanner's tests and the injection grammar's: both must find
 * exactly these. `ids` lists [the text before the id, trace id as found, span id] so offsets are computed, not typed.
 */
export const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
export const TRACE_UPPER = TRACE.toUpperCase();
export const TRACE2 = '0af7651916cd43dd8448eb211c80319c';
export const SPAN = '00f067aa0ba902b7';
export const SPAN2 = 'b7ad6b7169203331';
export const ZERO_TRACE = '0'.repeat(32);

export interface TraceIdCase {
  title: string;
  text: string;
  /** Each expected id: where its 32 digits start (the index of `needle`'s first occurrence at or after `from`). */
  expected: { traceId: string; spanId?: string; needle: string; from?: number }[];
}

export const TRACE_ID_CASES: TraceIdCase[] = [
  {
    title: 'traceparent header value',
    text: `INFO request traceparent=00-${TRACE}-${SPAN}-01 method=GET`,
    expected: [{ traceId: TRACE, spanId: SPAN, needle: TRACE }],
  },
  {
    title: 'traceparent in a JSON header map, uppercase hex',
    text: `{"headers":{"traceparent":"00-${TRACE_UPPER}-${SPAN.toUpperCase()}-00"}}`,
    expected: [{ traceId: TRACE, spanId: SPAN, needle: TRACE_UPPER }],
  },
  {
    title: 'logfmt trace_id= and span_id= after it',
    text: `level=info msg="order created" trace_id=${TRACE} span_id=${SPAN} dur=12ms`,
    expected: [{ traceId: TRACE, spanId: SPAN, needle: TRACE }],
  },
  {
    title: 'JSON "trace_id" with span_id before it',
    text: `{"level":"info","span_id":"${SPAN}","trace_id":"${TRACE}","msg":"x"}`,
    expected: [{ traceId: TRACE, spanId: SPAN, needle: TRACE }],
  },
  {
    title: 'JSON "traceId" with spaces',
    text: `{ "traceId" : "${TRACE}", "spanId": "${SPAN}" }`,
    expected: [{ traceId: TRACE, spanId: SPAN, needle: TRACE }],
  },
  {
    title: 'ECS "trace.id"',
    text: `{"@timestamp":"2024-05-01T10:00:00Z","trace.id":"${TRACE}","span.id":"${SPAN}"}`,
    expected: [{ traceId: TRACE, spanId: SPAN, needle: TRACE }],
  },
  {
    title: 'otel.trace_id with otel.span_id',
    text: `2024-05-01 10:00:00 INFO [otel.trace_id=${TRACE} otel.span_id=${SPAN}] handled`,
    expected: [{ traceId: TRACE, spanId: SPAN, needle: TRACE }],
  },
  {
    title: 'trace-id: with a space, no span id',
    text: `WARN slow query trace-id: ${TRACE}`,
    expected: [{ traceId: TRACE, needle: TRACE }],
  },
  {
    title: 'uppercase key and value, lowercased id',
    text: `TRACEID=${TRACE_UPPER}`,
    expected: [{ traceId: TRACE, needle: TRACE_UPPER }],
  },
  {
    title: 'TraceID in single quotes, Ruby arrow',
    text: `{:TraceID => '${TRACE}'}`,
    expected: [{ traceId: TRACE, needle: TRACE }],
  },
  {
    title: 'a CLI flag --trace-id',
    text: `replay --trace-id=${TRACE}`,
    expected: [{ traceId: TRACE, needle: TRACE }],
  },
  {
    title: 'B3 header name',
    text: `X-B3-TraceId: ${TRACE2}`,
    expected: [{ traceId: TRACE2, needle: TRACE2 }],
  },
  {
    title: 'several per line, each with the span id after it',
    text: `trace_id=${TRACE} span_id=${SPAN} caused trace_id=${TRACE2} span_id=${SPAN2}`,
    expected: [
      { traceId: TRACE, spanId: SPAN, needle: TRACE },
      { traceId: TRACE2, spanId: SPAN2, needle: TRACE2 },
    ],
  },
  {
    title: 'several per line without span ids, a traceparent among them',
    text: `link from trace_id=${TRACE} to 00-${TRACE2}-${SPAN2}-01`,
    expected: [
      { traceId: TRACE, needle: TRACE },
      { traceId: TRACE2, spanId: SPAN2, needle: TRACE2 },
    ],
  },
  {
    title: 'across lines: offsets count from the start of the text',
    text: `first line\r\nsecond trace_id=${TRACE}\nthird\n{"traceId":"${TRACE2}"}`,
    expected: [
      { traceId: TRACE, needle: TRACE },
      { traceId: TRACE2, needle: TRACE2 },
    ],
  },
  {
    title: 'parent_span_id is not the span id',
    text: `trace_id=${TRACE} parent_span_id=${SPAN2}`,
    expected: [{ traceId: TRACE, needle: TRACE }],
  },
  { title: 'a bare 32-hex (a hash) is not a trace id', text: `commit ${TRACE} md5=${TRACE2}`, expected: [] },
  { title: 'a key that only ends in traceid is not a key', text: `subtraceid=${TRACE} mytrace_id=${TRACE2}`, expected: [] },
  { title: 'the all-zero trace id is invalid', text: `trace_id=${ZERO_TRACE} traceparent: 00-${ZERO_TRACE}-${SPAN}-01`, expected: [] },
  { title: 'a traceparent with a zero span id is invalid', text: `00-${TRACE}-0000000000000000-01`, expected: [] },
  { title: 'version ff is invalid', text: `ff-${TRACE}-${SPAN}-01`, expected: [] },
  { title: '33 hex digits are not an id', text: `trace_id=${TRACE}a`, expected: [] },
  { title: '31 hex digits are not an id', text: `trace_id=${TRACE.slice(1)}`, expected: [] },
  { title: 'a 16-hex (64-bit) trace id is not taken', text: `trace_id=${SPAN}`, expected: [] },
  { title: 'key with nothing between key and value is not a key', text: `trace_id${TRACE}`, expected: [] },
];

/** Where each expected id starts and ends in the case's text. */
export function expectedOffsets(c: TraceIdCase): { traceId: string; spanId?: string; start: number; end: number }[] {
  let from = 0;
  return c.expected.map((e) => {
    const start = c.text.indexOf(e.needle, Math.max(from, e.from ?? 0));
    if (start < 0) {
      throw new Error(`case "${c.title}": ${e.needle} not in text`);
    }
    from = start + e.needle.length;
    return e.spanId === undefined ? { traceId: e.traceId, start, end: start + 32 } : { traceId: e.traceId, spanId: e.spanId, start, end: start + 32 };
  });
}
