/**
 * Fills a row element for one tree row: a trace, a span or a debug-session mark. Text only (textContent); the
 * waterfall bar and indentation are positioned through element.style (CSSOM), which the CSP allows.
 */
import type { MarkRow, Row, RowMark, SpanRow, TraceRow } from '../core/panel/traceForest';
import { append, el, icon } from './dom';
import { formatClock, formatDuration, kindIcon, kindName, plural, shortId, transportLabel } from './format';
import { serviceColorClass } from './serviceColors';

export const ROW_HEIGHT = 22;
const INDENT_PX = 14;

/** Fills `element` (reused between rows) for `row`. */
export function fillRow(element: HTMLElement, row: Row): void {
  element.replaceChildren();
  delete element.dataset.traceId;
  delete element.dataset.spanId;
  element.dataset.key = row.key;
  element.setAttribute('role', 'treeitem');
  element.removeAttribute('aria-expanded');
  switch (row.kind) {
    case 'trace':
      fillTraceRow(element, row);
      break;
    case 'span':
      fillSpanRow(element, row);
      break;
    case 'mark':
      fillMarkRow(element, row);
      break;
  }
}

/** Selection state, applied on every frame to the rows in the window (cheap: no rebuild). */
export function decorateRow(element: HTMLElement, row: Row, selectedKey: string | undefined): void {
  const selected = row.key === selectedKey;
  element.classList.toggle('selected', selected);
  element.setAttribute('aria-selected', selected ? 'true' : 'false');
}

function chevron(expandable: boolean, expanded: boolean): HTMLElement {
  if (!expandable) {
    return el('span', { class: 'chevron-space' });
  }
  const glyph = icon(expanded ? 'chevron-down' : 'chevron-right');
  glyph.classList.add('chevron');
  glyph.dataset.action = 'toggle';
  return glyph;
}

export function serviceBadge(service: string, extraClass = ''): HTMLElement {
  return el('span', { class: `badge service ${serviceColorClass(service)} ${extraClass}`.trim(), text: service || 'unknown', title: `service ${service}` });
}

function fillTraceRow(element: HTMLElement, row: TraceRow): void {
  const { trace } = row;
  element.className = 'row trace-row';
  element.dataset.traceId = trace.traceId;
  element.setAttribute('aria-level', '1');
  element.setAttribute('aria-expanded', row.expanded ? 'true' : 'false');
  element.setAttribute('aria-label', `trace ${trace.rootName}, ${trace.rootService}, ${plural(trace.spanCount, 'span')}, ${formatDuration(trace.durationMs)}`);
  const others = trace.services.filter((service) => service !== trace.rootService);
  append(element, [
    el('span', { class: 'indent' }),
    chevron(true, row.expanded),
    icon('type-hierarchy-sub', 'trace'),
    el('span', { class: 'name', text: trace.rootName || '(awaiting root)', title: `${trace.rootName}\ntrace ${trace.traceId}` }),
    serviceBadge(trace.rootService),
    others.length > 0 ? el('span', { class: 'services' }, others.slice(0, 4).map((service) => serviceDot(service))) : null,
    others.length > 4 ? el('span', { class: 'meta', text: `+${others.length - 4}` }) : null,
    el('span', { class: 'meta', text: plural(trace.spanCount, 'span') }),
    trace.errorCount > 0 ? counter('error', 'error', trace.errorCount, plural(trace.errorCount, 'error')) : null,
    trace.brokenLinks > 0 ? counter('debug-disconnect', 'broken', trace.brokenLinks, plural(trace.brokenLinks, 'broken link')) : null,
    trace.awaitingParents > 0
      ? counter('watch', 'awaiting', trace.awaitingParents, `${plural(trace.awaitingParents, 'span')} waiting for a parent span that has not arrived yet`)
      : null,
    el('span', { class: 'fill' }),
    el('span', { class: 'when', text: formatClock(trace.startUnixMs) }),
    el('span', { class: 'duration', text: formatDuration(trace.durationMs) }),
  ]);
}

function serviceDot(service: string): HTMLElement {
  return el('span', { class: `service-dot ${serviceColorClass(service)}`, title: service, text: service });
}

function counter(iconName: string, className: string, count: number, title: string): HTMLElement {
  return el('span', { class: `counter ${className}`, title }, [icon(iconName), String(count)]);
}

function fillSpanRow(element: HTMLElement, row: SpanRow): void {
  const { span, trace } = row;
  const isError = span.status === 2;
  element.className = `row span-row${row.matches ? '' : ' context'}${isError ? ' error' : ''}`;
  element.dataset.traceId = span.traceId;
  element.dataset.spanId = span.spanId;
  element.setAttribute('aria-level', String(row.depth + 2));
  if (row.hasChildren) {
    element.setAttribute('aria-expanded', row.expanded ? 'true' : 'false');
  }
  element.setAttribute('aria-label', `${span.name}, ${span.service}, ${formatDuration(span.durationMs)}${isError ? ', error' : ''}`);
  const indent = el('span', { class: 'indent' });
  indent.style.width = `${(row.depth + 1) * INDENT_PX}px`;
  const kindGlyph = icon(kindIcon(span.kind, span.transport), kindName(span.kind));
  kindGlyph.classList.add('kind');
  append(element, [
    indent,
    chevron(row.hasChildren, row.expanded),
    kindGlyph,
    el('span', { class: 'name', text: span.name, title: span.source ? `${span.name}\n${span.source.label}` : span.name }),
    isError ? icon('error', span.statusMessage ? `error: ${span.statusMessage}` : 'error') : null,
    row.boundary ? boundaryBadge(row.boundary.fromService, span.service, row.boundary.transport) : serviceBadge(span.service, 'quiet'),
    ...row.marks.map(markBadge),
    el('span', { class: 'fill' }),
    waterfall(span.startUnixMs - trace.startUnixMs, span.durationMs, trace.durationMs, isError, span.service),
    el('span', { class: 'duration', text: formatDuration(span.durationMs) }),
  ]);
}

function boundaryBadge(from: string, to: string, transport: string): HTMLElement {
  const via = transportLabel(transport);
  const text = `${from} → ${to}${via ? ` · ${via}` : ''}`;
  return el('span', { class: `badge boundary ${serviceColorClass(to)}`, title: `${from} called ${to}${via ? ` over ${via}` : ''}`, text });
}

function markBadge(mark: RowMark): HTMLElement {
  if (mark.kind === 'awaiting-parent') {
    return el('span', { class: 'mark awaiting', title: `Waiting for parent span ${mark.parentSpanId}: it has not arrived (yet). Not a break.` }, [
      icon('watch'),
    ]);
  }
  const badge = el('span', { class: 'mark broken', title: `${mark.code} ${mark.message}${mark.blame ? `\nat ${mark.blame}` : ''}` }, [
    icon(mark.findingKind === 'detached-async' ? 'debug-disconnect' : 'warning'),
    el('span', { class: 'code', text: mark.code }),
  ]);
  if (mark.jump) {
    const jump = el('button', {
      class: 'jump',
      text: `→ trace ${shortId(mark.jump.traceId)}`,
      title: `Show the other end: trace ${mark.jump.traceId}`,
      attrs: { type: 'button', tabindex: '-1' },
    });
    jump.dataset.action = 'jump';
    jump.dataset.jumpTrace = mark.jump.traceId;
    jump.dataset.jumpSpan = mark.jump.spanId;
    badge.appendChild(jump);
  }
  return badge;
}

function waterfall(offsetMs: number, durationMs: number, traceMs: number, isError: boolean, service: string): HTMLElement {
  const bar = el('span', { class: `bar ${isError ? 'error' : serviceColorClass(service)}` });
  const total = traceMs > 0 ? traceMs : Math.max(durationMs, 1);
  const left = Math.min(100, Math.max(0, (offsetMs / total) * 100));
  const width = Math.min(100 - left, Math.max(0, (durationMs / total) * 100));
  bar.style.left = `${left}%`;
  bar.style.width = `${width}%`;
  return el('span', { class: 'waterfall', title: `+${formatDuration(offsetMs)} into the trace, ${formatDuration(durationMs)}` }, [bar]);
}

const MARK_TEXT: Record<string, { glyph: string; label: string }> = {
  started: { glyph: 'debug-start', label: 'started' },
  stopped: { glyph: 'debug-pause', label: 'stopped' },
  continued: { glyph: 'debug-continue', label: 'continued' },
  ended: { glyph: 'debug-stop', label: 'ended' },
};

function fillMarkRow(element: HTMLElement, row: MarkRow): void {
  const { mark } = row;
  const text = MARK_TEXT[mark.kind] ?? { glyph: 'debug-stackframe', label: mark.kind };
  const label = `${text.label}${mark.detail ? ` (${mark.detail})` : ''}`;
  element.className = `row mark-row mark-${mark.kind}`;
  element.setAttribute('aria-level', '1');
  element.setAttribute('aria-label', `debuggee ${label} at ${formatClock(mark.atUnixMs)}`);
  append(element, [
    el('span', { class: 'indent' }),
    icon(text.glyph),
    el('span', { class: 'mark-label', text: label }),
    el('span', { class: 'rule' }),
    el('span', { class: 'when', text: formatClock(mark.atUnixMs) }),
  ]);
}
