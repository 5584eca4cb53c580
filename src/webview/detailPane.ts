/**
 * The detail pane: everything about the selected span (or trace). Rebuilt only when the selection or the data
 * shown changes, so the user's scroll position and text selection inside it survive live updates.
 */
import type { PanelSource, PanelSpan } from '../core/panel/protocol';
import type { RowMark, TraceSummary } from '../core/panel/traceForest';
import { append, el, icon, iconButton, type Child } from './dom';
import { formatClock, formatCount, formatDuration, kindIcon, kindName, plural, statusName } from './format';
import { serviceBadge } from './rowView';

export type DetailSubject =
  | { kind: 'span'; span: PanelSpan; trace: TraceSummary; marks: RowMark[] }
  | { kind: 'trace'; trace: TraceSummary }
  | { kind: 'none' };

export interface DetailActions {
  copy(text: string): void;
  openSource(source: PanelSource): void;
  reveal(traceId: string, spanId?: string): void;
  isHeld(traceId: string, spanId: string): boolean;
  /** The debug session's name for its tag, while the host still lists it. */
  sessionName(sessionId: string): string | undefined;
}

export class DetailPane {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private shown: unknown[] = [];

  constructor(private readonly actions: DetailActions) {
    this.body = el('div', { class: 'detail-body' });
    this.element = el('section', { class: 'detail', attrs: { 'aria-label': 'Span details' } }, [this.body]);
  }

  /** `signature` lists what the content depends on; nothing is rebuilt when it is unchanged. */
  show(subject: DetailSubject, signature: unknown[]): void {
    if (signature.length === this.shown.length && signature.every((part, i) => part === this.shown[i])) {
      return;
    }
    const keepScroll = signature[0] === this.shown[0];
    const scrollTop = this.body.scrollTop;
    this.shown = signature;
    this.body.replaceChildren(...this.build(subject));
    if (keepScroll) {
      this.body.scrollTop = scrollTop;
    }
  }

  private build(subject: DetailSubject): Node[] {
    switch (subject.kind) {
      case 'none':
        return [el('div', { class: 'detail-empty', text: 'Select a span to see its attributes, events and links.' })];
      case 'trace':
        return this.traceDetail(subject.trace);
      case 'span':
        return this.spanDetail(subject.span, subject.trace, subject.marks);
    }
  }

  private traceDetail(trace: TraceSummary): Node[] {
    return [
      el('div', { class: 'detail-header' }, [
        icon('type-hierarchy-sub'),
        el('span', { class: 'detail-title', text: trace.rootName || '(awaiting root)' }),
        serviceBadge(trace.rootService),
      ]),
      section('Trace', [
        fields([
          ['Trace ID', this.idValue(trace.traceId)],
          ['Start', formatClock(trace.startUnixMs)],
          ['Duration', formatDuration(trace.durationMs)],
          ['Spans', formatCount(trace.spanCount)],
          ['Services', el('span', { class: 'badges' }, trace.services.map((service) => serviceBadge(service)))],
          ['Errors', String(trace.errorCount)],
          ['Broken links', String(trace.brokenLinks)],
          trace.awaitingParents > 0 ? ['Awaiting parent', plural(trace.awaitingParents, 'span')] : null,
        ]),
      ]),
    ];
  }

  private spanDetail(span: PanelSpan, trace: TraceSummary, marks: RowMark[]): Node[] {
    const isError = span.status === 2;
    const parentHeld = span.parentSpanId !== '' && this.actions.isHeld(span.traceId, span.parentSpanId);
    const nodes: Node[] = [
      el('div', { class: 'detail-header' }, [
        icon(kindIcon(span.kind, span.transport), kindName(span.kind)),
        el('span', { class: 'detail-title', text: span.name }),
        serviceBadge(span.service),
        isError ? el('span', { class: 'badge status-error', text: 'error' }) : null,
      ]),
    ];
    const broken = marks.filter((mark): mark is Extract<RowMark, { kind: 'broken' }> => mark.kind === 'broken');
    if (broken.length > 0) {
      nodes.push(section('Broken links', broken.map((mark) => this.brokenItem(mark))));
    }
    nodes.push(
      section('Span', [
        fields([
          ['Source', span.source ? this.sourceLink(span.source) : el('span', { class: 'muted', text: 'not mapped to a line' })],
          ['Duration', formatDuration(span.durationMs)],
          ['Start', startText(span.startUnixMs, trace.startUnixMs)],
          ['Kind', kindName(span.kind)],
          ['Status', isError && span.statusMessage ? `${statusName(span.status)}: ${span.statusMessage}` : statusName(span.status)],
          ['Trace ID', this.idValue(span.traceId, () => this.actions.reveal(span.traceId))],
          ['Span ID', this.idValue(span.spanId)],
          span.parentSpanId
            ? [
                'Parent ID',
                this.idValue(span.parentSpanId, parentHeld ? () => this.actions.reveal(span.traceId, span.parentSpanId) : undefined,
                  parentHeld ? undefined : 'not arrived (yet)'),
              ]
            : null,
          span.sessionId ? ['Debug session', this.actions.sessionName(span.sessionId) ?? span.sessionId] : null,
        ]),
      ]),
      section(`Attributes (${span.attributes.length})`, [attributeTable(span.attributes, 'No attributes.')]),
    );
    if (span.events.length > 0) {
      nodes.push(
        section(`Events (${span.events.length})`, span.events.map((event) =>
          el('div', { class: 'event' }, [
            el('div', { class: 'event-head' }, [
              el('span', { class: 'offset', text: `+${formatDuration(event.offsetMs)}` }),
              el('span', { class: 'event-name', text: event.name }),
            ]),
            event.attributes.length > 0 ? attributeTable(event.attributes, '') : null,
          ]),
        )),
      );
    }
    if (span.links.length > 0) {
      nodes.push(
        section(`Links (${span.links.length})`, span.links.map((link) => {
          const held = this.actions.isHeld(link.traceId, link.spanId);
          return el('div', { class: 'link-item' }, [
            el('div', { class: 'link-head' }, [
              icon('link'),
              held
                ? actionLink(`trace ${link.traceId} / span ${link.spanId}`, 'Show the linked span', () => this.actions.reveal(link.traceId, link.spanId))
                : el('span', { class: 'mono', text: `trace ${link.traceId} / span ${link.spanId}`, title: 'The linked span is not held by the panel' }),
            ]),
            link.attributes.length > 0 ? attributeTable(link.attributes, '') : null,
          ]);
        })),
      );
    }
    return nodes;
  }

  private brokenItem(mark: Extract<RowMark, { kind: 'broken' }>): HTMLElement {
    return el('div', { class: 'broken-item' }, [
      el('div', { class: 'broken-head' }, [
        icon('warning'),
        el('span', { class: 'code', text: mark.code }),
        el('span', { text: mark.message }),
      ]),
      el('div', { class: 'muted', text: `${mark.findingKind} · this span is the ${mark.role}${mark.blame ? ` · blamed on ${mark.blame}` : ''}` }),
      mark.jump ? actionLink(`→ trace ${mark.jump.traceId}`, 'Show the other end', () => this.actions.reveal(mark.jump!.traceId, mark.jump!.spanId)) : null,
    ]);
  }

  private sourceLink(source: PanelSource): HTMLElement {
    const link = actionLink(source.label, `Open ${source.label}`, () => this.actions.openSource(source));
    link.prepend(icon('go-to-file'));
    return link;
  }

  private idValue(id: string, reveal?: () => void, note?: string): HTMLElement {
    return el('span', { class: 'id-value' }, [
      reveal ? actionLink(id, 'Show it in the tree', reveal, 'mono') : el('span', { class: 'mono', text: id }),
      iconButton('copy', `Copy ${id}`, () => this.actions.copy(id), 'inline'),
      note ? el('span', { class: 'muted', text: note }) : null,
    ]);
  }
}

function startText(startUnixMs: number, traceStartUnixMs: number): string {
  const offset = startUnixMs - traceStartUnixMs;
  return `${formatClock(startUnixMs)}  (${offset > 0 ? `+${formatDuration(offset)} into the trace` : 'trace start'})`;
}

function section(title: string, children: Child[]): HTMLElement {
  return el('div', { class: 'detail-section' }, [el('h3', { text: title }), ...children]);
}

function fields(rows: ([string, Child] | null)[]): HTMLElement {
  const table = el('div', { class: 'fields', attrs: { role: 'table' } });
  for (const row of rows) {
    if (!row) {
      continue;
    }
    const [label, value] = row;
    append(table, [el('div', { class: 'field-label', text: label, attrs: { role: 'rowheader' } }), el('div', { class: 'field-value', attrs: { role: 'cell' } }, [value])]);
  }
  return table;
}

function attributeTable(attributes: readonly [string, string][], emptyText: string): HTMLElement {
  if (attributes.length === 0) {
    return el('div', { class: 'muted', text: emptyText });
  }
  const table = el('table', { class: 'attributes' });
  const body = el('tbody');
  for (const [key, value] of attributes) {
    body.appendChild(el('tr', {}, [el('th', { text: key, title: key, attrs: { scope: 'row' } }), el('td', { text: value })]));
  }
  table.appendChild(body);
  return table;
}

function actionLink(text: string, title: string, onClick: () => void, extraClass = ''): HTMLElement {
  const link = el('a', { class: `action-link ${extraClass}`.trim(), text, title, attrs: { role: 'button', tabindex: '0' } });
  link.addEventListener('click', (event) => {
    event.preventDefault();
    onClick();
  });
  link.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onClick();
    }
  });
  return link;
}
