import type { FindingKind } from './findingTypes';

/** One sentence per finding: what broke here, then the usual cause. */
export const findingMessages = {
  orphan: (service: string, name: string): string =>
    `"${name}" in ${service} arrived but its parent span never did: the parent was not exported upstream (a no-op tracer, a missing or failing exporter, or sampled out).`,
  disconnected: (callee: string): string =>
    `${callee} started a new trace for a call made here: the trace context was not injected into the request or not extracted by the server (no propagator set?).`,
  uninstrumented: (callee: string): string =>
    `${callee} is called from here without a client span, so its requests start new traces: the HTTP client is not instrumented (http.DefaultClient, http.Get or an http.Client without otelhttp.NewTransport).`,
  detached: (service: string): string =>
    `Work started here runs in a trace of its own while ${service} handles a request: the goroutine was given context.Background() (or TODO()) instead of the request's context.`,
  canceled: (name: string): string =>
    `"${name}" ended with "context canceled" after its parent had ended: the goroutine was given the request's context, which is canceled when the request returns (use context.WithoutCancel(ctx)).`,
  queue: (destination: string): string =>
    `Messages published here to "${destination}" are consumed in new traces: the publisher does not inject the trace context into the message headers, or the consumer does not extract it.`,
  silent: (peer: string): string =>
    `${peer} receives calls made here but never reports a span: that service sets no tracer provider, or its exporter is misconfigured.`,
};

const WHY: Record<FindingKind, string> = {
  'orphan-span':
    'A trace with a missing parent cannot be read end to end.\nThe time spent upstream, and its errors, are invisible.',
  'disconnected-server':
    'The request is split into two unrelated traces.\nLatency and errors downstream are no longer charged to the caller.',
  'uninstrumented-client':
    'Without a client span the call is invisible and its server starts new traces.\nNetwork time and failures of the call cannot be seen.',
  'detached-async':
    'The background work cannot be tied to the request that started it.\nIts errors and cost show up as unrelated traces.',
  'canceled-context':
    'The work is cut off when the request returns, so it fails at random.\nIt looks like a flaky downstream, not the goroutine that was given the request context.',
  'queue-without-context':
    'Consumers start new traces, so a message cannot be followed from publish to processing.\nQueueing delay and consumer errors are lost.',
  'silent-service':
    'Everything that service does is invisible in the traces.\nIts latency shows up only as one long client span.',
};

export function whyItMatters(kind: FindingKind): string {
  return WHY[kind];
}
