/** What the trace panel suite sends and reads back: the store's spans by trace, and the traces the page checks. */
import type { SpanStore } from '../../../src/core/model/spanStore';
import type { Span } from '../../../src/core/model/span';
import type { TraceNode } from '../../../src/core/model/traceAssembly';
import { SentSpan, SpanToSend, sendSpans } from './otlpSender';

/** Every span the store holds now, oldest trace first. */
export function storedSpans(store: SpanStore): Span[] {
  const spans: Span[] = [];
  const walk = (nodes: TraceNode[]): void => {
    for (const node of nodes) {
      spans.push(node.span);
      walk(node.children);
    }
  };
  for (const traceId of store.traceIds()) {
    walk(store.getTrace(traceId)?.roots ?? []);
  }
  return spans;
}

/**
 * One trace of `count` spans, each span the child of span ⌊(i-1)/4⌋: a tree seven levels deep, as a fan-out
 * request to many backends would make. Exported in one OTLP request, as one batch from one service.
 */
export function sendLargeTrace(receiver: string, service: string, count: number): Promise<SentSpan[]> {
  const spans: SpanToSend[] = Array.from({ length: count }, (_, i) => ({
    name: i === 0 ? 'it.panel.large-fan-out' : `it.panel.step-${i % 50}`,
    durationMs: i === 0 ? count + 10 : 1 + (i % 7),
    startMs: i,
    childOf: i === 0 ? undefined : Math.floor((i - 1) / 4),
    attributes: { 'it.index': i },
  }));
  return sendSpans(receiver, service, spans);
}

/** Text a hostile or careless service puts where the panel shows it: markup that would run if parsed as HTML. */
export const HOSTILE = {
  imgName: '<img src=x onerror="window.__spanLensXss=1">',
  scriptName: '<script>window.__spanLensXss=1</script>',
  attributeValue: '<img src=x onerror="window.__spanLensXss=2"><b>bold</b>',
  attributeKey: '<svg onload="window.__spanLensXss=3">',
};

/** A two-span trace whose names, attribute key and values are all markup. */
export function sendHostileTrace(receiver: string, service: string): Promise<SentSpan[]> {
  return sendSpans(receiver, service, [
    { name: HOSTILE.imgName, durationMs: 30, attributes: { 'it.note': HOSTILE.attributeValue } },
    {
      name: HOSTILE.scriptName,
      durationMs: 10,
      startMs: 5,
      childOf: 0,
      attributes: { 'it.footer': HOSTILE.scriptName, [HOSTILE.attributeKey]: 'value' },
      error: HOSTILE.attributeValue,
    },
  ]);
}
