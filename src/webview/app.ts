/**
 * The trace panel's controller: receives host messages, keeps the TraceForest, and draws at most once per animation
 * frame (spans that arrive between two frames are added as one batch).
 */
import type { HostMessage, PanelSpan } from '../core/panel/protocol';
import { TraceForest, type Row, type ViewState } from '../core/panel/traceForest';
import { DetailPane, type DetailSubject } from './detailPane';
import { el, icon } from './dom';
import type { Host } from './host';
import { isExpandable, treeKeyAction } from './keyboard';
import { decorateRow, fillRow, ROW_HEIGHT } from './rowView';
import { clampHeight, createSplitter } from './splitter';
import { PanelState, type SavedState } from './state';
import { statusText } from './statusLine';
import { Toolbar } from './toolbar';
import { VirtualList } from './virtualList';

const OVERSCAN = 12;
const SAVE_DELAY_MS = 250;
/** Until the host's `reset` says otherwise. */
const DEFAULT_MAX_SPANS = 100_000;

interface Reveal {
  traceId: string;
  spanId?: string;
}

export class PanelApp {
  private readonly forest = new TraceForest({ maxSpans: DEFAULT_MAX_SPANS });
  private readonly state: PanelState;
  private readonly toolbar: Toolbar;
  private readonly list: VirtualList<Row>;
  private readonly detail: DetailPane;
  private readonly listArea: HTMLElement;
  private readonly emptyNote: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly root: HTMLElement;

  /** Span batches received since the last frame. */
  private incoming: PanelSpan[][] = [];
  /** Span batches held back while paused (never dropped). */
  private backlog: PanelSpan[][] = [];
  private pausedCount = 0;

  private rows: Row[] = [];
  private rowsVersion = -1;
  private rowsView: ViewState | undefined;
  private keyIndex: Map<string, number> | undefined;

  private frame = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** The saved scroll position, applied once the first data has rows to scroll. */
  private restoreScrollTop: number | undefined;
  private scrollTarget: { key: string; align: 'nearest' | 'center' } | undefined;
  private reveal: Reveal | undefined;
  private emptySignature = '';

  constructor(private readonly host: Host, root: HTMLElement, saved: SavedState) {
    this.root = root;
    this.state = new PanelState(saved);
    this.restoreScrollTop = saved.scrollTop > 0 ? saved.scrollTop : undefined;

    this.toolbar = new Toolbar({
      filterChanged: (values) => {
        this.state.setFilter({
          text: values.text,
          services: values.service ? [values.service] : [],
          status: values.status,
          minDurationMs: values.minDurationMs,
        });
        this.changed();
      },
      scopeChanged: (scope) => {
        this.state.setScope(scope);
        this.toolbar.setScope(scope, this.state.liveSession);
        this.changed();
      },
      togglePause: () => this.setPaused(!this.state.saved.paused),
      clear: () => {
        this.host.post({ type: 'clearPanel' });
        this.clearData();
      },
      openInEditor: () => this.host.post({ type: 'openInEditor' }),
    });
    this.toolbar.setValues({
      text: saved.filter.text,
      service: saved.filter.services[0] ?? '',
      status: saved.filter.status,
      minDurationMs: saved.filter.minDurationMs,
    });
    this.toolbar.setScope(saved.scope, undefined);

    this.list = new VirtualList<Row>({
      rowHeight: ROW_HEIGHT,
      overscan: OVERSCAN,
      keyOf: (row) => row.key,
      fill: fillRow,
      decorate: (element, row) => decorateRow(element, row, this.state.saved.selected),
    });
    const tree = this.list.scroller;
    tree.setAttribute('role', 'tree');
    tree.setAttribute('aria-label', 'Traces');
    tree.tabIndex = 0;

    this.detail = new DetailPane({
      copy: (text) => this.host.post({ type: 'copy', text }),
      openSource: (source) => this.host.post({ type: 'openSource', file: source.file, line: source.line }),
      reveal: (traceId, spanId) => this.revealTrace(traceId, spanId),
      isHeld: (traceId, spanId) => this.forest.span(traceId, spanId) !== undefined,
      sessionName: (sessionId) => this.state.sessionName(sessionId),
    });

    this.emptyNote = el('div', { class: 'empty-note', attrs: { 'aria-live': 'polite' } });
    this.statusLine = el('div', { class: 'status-line', attrs: { role: 'status' } });
    this.listArea = el('div', { class: 'list-area' }, [tree, this.emptyNote]);
    const splitter = createSplitter(() => this.root, (height) => this.setDetailHeight(height));
    root.classList.add('panel');
    root.replaceChildren(this.toolbar.element, this.listArea, this.statusLine, splitter, this.detail.element);
    this.applyDetailHeight();

    this.listen(tree);
    this.toolbar.setPaused(saved.paused, 0);
  }

  // ---- host messages -------------------------------------------------------------------------------------------

  receive(message: HostMessage): void {
    switch (message.type) {
      case 'reset': {
        this.forest.clear();
        const maxSpans = message.config.maxSpans;
        if (Number.isInteger(maxSpans) && maxSpans > 0) {
          this.forest.setMaxSpans(maxSpans);
        }
        this.incoming = [];
        this.backlog = [];
        this.pausedCount = 0;
        this.forest.add(message.spans);
        this.forest.setBrokenLinks(message.brokenLinks);
        this.state.setSessions(message.sessions);
        this.toolbar.setScope(this.state.saved.scope, this.state.liveSession);
        // Collapse marks of traces the panel no longer holds would only grow the saved state.
        this.state.pruneCollapsed((key) => this.forest.trace(key.split('/')[0]) !== undefined);
        this.markDirty();
        break;
      }
      case 'spans':
        if (message.spans.length === 0) {
          return;
        }
        if (this.state.saved.paused) {
          this.backlog.push(message.spans);
          this.pausedCount += message.spans.length;
        } else {
          this.incoming.push(message.spans);
        }
        break;
      case 'brokenLinks':
        // Spans first, so the links' evidence is placed on the spans it names.
        this.flushIncoming();
        this.forest.setBrokenLinks(message.brokenLinks);
        break;
      case 'sessions':
        this.state.setSessions(message.sessions);
        this.toolbar.setScope(this.state.saved.scope, this.state.liveSession);
        this.markDirty();
        break;
      case 'cleared':
        this.clearData();
        break;
      case 'revealTrace':
        this.revealTrace(message.traceId, message.spanId);
        break;
    }
    this.schedule();
  }

  private flushIncoming(): void {
    if (this.incoming.length === 0) {
      return;
    }
    const batch = this.incoming.length === 1 ? this.incoming[0] : this.incoming.flat();
    this.incoming = [];
    this.forest.add(batch);
  }

  private clearData(): void {
    this.forest.clear();
    this.incoming = [];
    this.backlog = [];
    this.pausedCount = 0;
    this.state.saved.selected = undefined;
    this.state.pruneCollapsed(() => false);
    this.changed();
  }

  private setPaused(paused: boolean): void {
    this.state.saved.paused = paused;
    if (!paused && this.backlog.length > 0) {
      this.incoming.push(...this.backlog);
      this.backlog = [];
      this.pausedCount = 0;
    }
    this.changed();
  }

  // ---- user actions --------------------------------------------------------------------------------------------

  private listen(tree: HTMLElement): void {
    tree.addEventListener('scroll', () => {
      this.markDirty();
      this.schedule();
    }, { passive: true });
    tree.addEventListener('click', (event) => this.onClick(event));
    tree.addEventListener('dblclick', (event) => {
      const row = this.rowAt(event.target);
      if (row?.kind === 'trace' && !(event.target as Element).closest('[data-action]')) {
        this.setExpanded(row, !row.expanded);
      }
    });
    tree.addEventListener('keydown', (event) => this.onTreeKey(event));
    document.addEventListener('keydown', (event) => {
      const target = event.target as HTMLElement | null;
      const typing = target !== null && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName);
      if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        this.toolbar.focusFilter();
      } else if (event.key === 'Escape' && !typing && this.state.filter.text !== '') {
        event.preventDefault();
        this.state.setFilter({ text: '' });
        this.toolbar.setValues(this.toolbarValues());
        this.changed();
      }
    });
    new ResizeObserver(() => {
      this.applyDetailHeight();
      this.schedule();
    }).observe(this.root);
  }

  private rowAt(target: EventTarget | null): Row | undefined {
    const element = (target as Element | null)?.closest<HTMLElement>('.row');
    const key = element?.dataset.key;
    if (key === undefined) {
      return undefined;
    }
    const index = this.indexOf(key);
    return index === undefined ? undefined : this.rows[index];
  }

  private onClick(event: MouseEvent): void {
    const target = event.target as Element;
    const row = this.rowAt(target);
    if (!row) {
      return;
    }
    this.list.scroller.focus({ preventScroll: true });
    const action = target.closest<HTMLElement>('[data-action]');
    if (action?.dataset.action === 'jump' && action.dataset.jumpTrace) {
      this.revealTrace(action.dataset.jumpTrace, action.dataset.jumpSpan);
      return;
    }
    if (action?.dataset.action === 'toggle') {
      this.state.saved.selected = row.key;
      this.setExpanded(row, !(row.kind !== 'mark' && row.expanded));
      return;
    }
    this.select(row.key, 'nearest');
    if (row.kind === 'span') {
      this.openSource(row);
    }
  }

  private onTreeKey(event: KeyboardEvent): void {
    const selected = this.state.saved.selected;
    const index = selected === undefined ? -1 : (this.indexOf(selected) ?? -1);
    const action = treeKeyAction(event.key, this.rows, index, this.list.pageSize);
    if (action.kind === 'none') {
      return;
    }
    event.preventDefault();
    const row = this.rows[action.index];
    switch (action.kind) {
      case 'select':
        this.select(row.key, 'nearest');
        break;
      case 'expand':
        this.setExpanded(row, action.expanded);
        break;
      case 'open':
        if (row.kind === 'span') {
          this.openSource(row);
        }
        break;
    }
  }

  private openSource(row: Extract<Row, { kind: 'span' }>): void {
    const source = row.span.source;
    if (source) {
      this.host.post({ type: 'openSource', file: source.file, line: source.line });
    }
  }

  private setExpanded(row: Row, expanded: boolean): void {
    if (!isExpandable(row)) {
      return;
    }
    this.state.setCollapsed(row.key, !expanded);
    // Collapsing a trace that holds the selection moves the selection to the trace.
    const selected = this.state.saved.selected;
    if (!expanded && row.kind === 'trace' && selected?.startsWith(`${row.key}/`)) {
      this.select(row.key, 'nearest');
    }
    this.changed();
  }

  private select(key: string, align: 'nearest' | 'center'): void {
    this.state.saved.selected = key;
    this.scrollTarget = { key, align };
    this.changed();
  }

  private setDetailHeight(height: number): void {
    this.state.saved.detailHeight = height;
    this.applyDetailHeight();
    this.markDirty();
    this.schedule();
  }

  private applyDetailHeight(): void {
    const available = this.root.clientHeight || window.innerHeight;
    this.detail.element.style.height = `${clampHeight(this.state.saved.detailHeight, available)}px`;
  }

  /** Select a trace (and span), expanding what hides it; retried as data arrives when it is not held yet. */
  revealTrace(traceId: string, spanId?: string): void {
    this.reveal = spanId ? { traceId, spanId } : { traceId };
    this.schedule();
  }

  private tryReveal(): void {
    const reveal = this.reveal;
    if (!reveal || !this.forest.trace(reveal.traceId)) {
      return;
    }
    this.reveal = undefined;
    const { traceId } = reveal;
    let key = traceId;
    this.state.setCollapsed(traceId, false);
    const span = reveal.spanId ? this.forest.span(traceId, reveal.spanId) : undefined;
    if (span) {
      key = `${traceId}/${span.spanId}`;
      const seen = new Set<string>([span.spanId]);
      for (let parent = this.forest.span(traceId, span.parentSpanId); parent && !seen.has(parent.spanId); parent = this.forest.span(traceId, parent.parentSpanId)) {
        seen.add(parent.spanId);
        this.state.setCollapsed(`${traceId}/${parent.spanId}`, false);
      }
    }
    this.refreshRows();
    if (this.indexOf(key) === undefined) {
      // The filter or the session scope hides it: show everything rather than reveal nothing.
      this.state.setFilter({ text: '', services: [], status: 'all', minDurationMs: 0 });
      if (this.state.scopedSession && !this.forest.trace(traceId)?.sessionIds.includes(this.state.scopedSession.id)) {
        this.state.setScope('all');
        this.toolbar.setScope('all', this.state.liveSession);
      }
      this.toolbar.setValues(this.toolbarValues());
      this.refreshRows();
    }
    this.state.saved.selected = key;
    this.scrollTarget = { key, align: 'center' };
    this.markDirty();
  }

  private toolbarValues(): Parameters<Toolbar['setValues']>[0] {
    const filter = this.state.filter;
    return { text: filter.text, service: filter.services[0] ?? '', status: filter.status, minDurationMs: filter.minDurationMs };
  }

  // ---- drawing -------------------------------------------------------------------------------------------------

  private changed(): void {
    this.markDirty();
    this.schedule();
  }

  private schedule(): void {
    if (this.frame === 0) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.render();
      });
    }
  }

  private refreshRows(): void {
    const view = this.state.view();
    if (this.forest.version !== this.rowsVersion || view !== this.rowsView) {
      if (this.forest.version !== this.rowsVersion) {
        this.toolbar.setServices(this.forest.services());
      }
      this.rows = this.forest.rows(view);
      this.rowsVersion = this.forest.version;
      this.rowsView = view;
      this.keyIndex = undefined;
    }
  }

  private indexOf(key: string): number | undefined {
    if (!this.keyIndex) {
      this.keyIndex = new Map();
      for (let i = 0; i < this.rows.length; i++) {
        this.keyIndex.set(this.rows[i].key, i);
      }
    }
    return this.keyIndex.get(key);
  }

  private render(): void {
    this.flushIncoming();
    this.refreshRows();
    this.tryReveal();

    const tree = this.list.scroller;
    this.list.setItems(this.rows);
    if (this.restoreScrollTop !== undefined && this.rows.length > 0) {
      tree.scrollTop = this.restoreScrollTop;
      this.restoreScrollTop = undefined;
    }
    if (this.scrollTarget) {
      const index = this.indexOf(this.scrollTarget.key);
      if (index !== undefined) {
        this.list.scrollToIndex(index, this.scrollTarget.align);
      }
      this.scrollTarget = undefined;
    }
    const rendered = this.list.render();

    const selected = this.state.saved.selected;
    const active = selected === undefined ? undefined : this.list.elementFor(selected);
    if (active) {
      tree.setAttribute('aria-activedescendant', active.id);
    } else {
      tree.removeAttribute('aria-activedescendant');
    }
    this.renderEmptyNote();
    this.renderDetail();
    const paused = this.state.saved.paused;
    this.toolbar.setPaused(paused, this.pausedCount);
    this.statusLine.textContent = statusText({
      traces: this.forest.traceCount,
      spans: this.forest.spanCount,
      evicted: this.forest.evictedSpans,
      paused,
      pending: this.pausedCount,
    });

    const data = document.body.dataset;
    data.spans = String(this.forest.spanCount);
    data.rows = String(this.rows.length);
    data.renderedRows = String(rendered);
  }

  private renderDetail(): void {
    const key = this.state.saved.selected;
    if (key === undefined) {
      this.detail.show({ kind: 'none' }, ['none']);
      return;
    }
    const slash = key.indexOf('/');
    const traceId = slash < 0 ? key : key.slice(0, slash);
    const trace = this.forest.trace(traceId);
    if (!trace || key.startsWith('mark:')) {
      this.detail.show({ kind: 'none' }, ['none']);
      return;
    }
    if (slash < 0) {
      const subject: DetailSubject = { kind: 'trace', trace };
      this.detail.show(subject, [key, trace.spanCount, trace.durationMs, trace.errorCount, trace.brokenLinks, trace.awaitingParents, trace.rootName]);
      return;
    }
    const span = this.forest.span(traceId, key.slice(slash + 1));
    if (!span) {
      this.detail.show({ kind: 'none' }, ['none']);
      return;
    }
    const marks = this.forest.marksFor(traceId, span.spanId);
    const held = (t: string, s: string): boolean => this.forest.span(t, s) !== undefined;
    this.detail.show({ kind: 'span', span, trace, marks }, [
      key,
      span,
      trace.startUnixMs,
      JSON.stringify(marks),
      span.parentSpanId !== '' && held(traceId, span.parentSpanId),
      span.links.map((link) => (held(link.traceId, link.spanId) ? '1' : '0')).join(''),
      span.sessionId ? this.state.sessionName(span.sessionId) : undefined,
    ]);
  }

  private renderEmptyNote(): void {
    let signature = '';
    if (this.rows.length === 0) {
      const scoped = this.state.scopedSession;
      const filter = this.state.filter;
      const filtered = filter.text !== '' || filter.services.length > 0 || filter.status !== 'all' || filter.minDurationMs > 0;
      if (this.forest.spanCount === 0) {
        signature = this.pausedCount > 0 ? 'paused' : 'empty';
      } else if (filtered) {
        signature = 'filtered';
      } else if (scoped) {
        signature = `session:${scoped.name}`;
      } else {
        signature = 'filtered';
      }
    }
    if (signature === this.emptySignature) {
      return;
    }
    this.emptySignature = signature;
    this.emptyNote.hidden = signature === '';
    const button = (text: string, onClick: () => void): HTMLButtonElement => {
      const element = el('button', { class: 'text-button', text, attrs: { type: 'button' } });
      element.addEventListener('click', onClick);
      return element;
    };
    if (signature === 'empty') {
      this.emptyNote.replaceChildren(
        icon('pulse'),
        el('div', { class: 'empty-title', text: 'No traces yet' }),
        el('div', { text: 'Start a debug session, or point an OpenTelemetry exporter at the Span Lens receiver.' }),
      );
    } else if (signature === 'paused') {
      this.emptyNote.replaceChildren(
        icon('debug-pause'),
        el('div', { class: 'empty-title', text: 'Paused' }),
        button('Resume', () => this.setPaused(false)),
      );
    } else if (signature === 'filtered') {
      this.emptyNote.replaceChildren(
        icon('filter'),
        el('div', { class: 'empty-title', text: 'No spans match the filter' }),
        button('Clear filter', () => {
          this.state.setFilter({ text: '', services: [], status: 'all', minDurationMs: 0 });
          this.toolbar.setValues(this.toolbarValues());
          this.changed();
        }),
      );
    } else if (signature.startsWith('session:')) {
      this.emptyNote.replaceChildren(
        icon('debug-alt'),
        el('div', { class: 'empty-title', text: `No spans from ${this.state.scopedSession?.name ?? 'this session'} yet` }),
        el('div', { text: 'Spans appear here as the debuggee exports them.' }),
        button('Show all spans', () => {
          this.state.setScope('all');
          this.toolbar.setScope('all', this.state.liveSession);
          this.changed();
        }),
      );
    } else {
      this.emptyNote.replaceChildren();
    }
  }

  // ---- saved state ---------------------------------------------------------------------------------------------

  private markDirty(): void {
    if (this.saveTimer === undefined) {
      this.saveTimer = setTimeout(() => {
        this.saveTimer = undefined;
        this.save();
      }, SAVE_DELAY_MS);
    }
  }

  private save(): void {
    const saved = this.state.toSaved();
    if (this.restoreScrollTop === undefined) {
      saved.scrollTop = this.list.scroller.scrollTop;
    }
    this.host.setState(saved);
  }
}
