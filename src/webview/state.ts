/**
 * The panel's view state: what the user chose (filter, collapsed nodes, selection, pause, scroll, pane size, scope),
 * saved with vscode.setState so a reloaded or re-shown webview comes back as it was. The TraceForest's ViewState is
 * derived from it; a new ViewState object is made only when something in it changed, so the forest can cache.
 */
import type { PanelSession, PanelSessionMark } from '../core/panel/protocol';
import type { PanelFilter, ViewState } from '../core/panel/traceForest';

export type Scope = 'session' | 'all';
export type StatusFilter = PanelFilter['status'];

export interface SavedState {
  /** The user's filter; the session id is not saved: it follows the live debug session. */
  filter: Omit<PanelFilter, 'sessionId'>;
  collapsed: string[];
  selected?: string;
  paused: boolean;
  scrollTop: number;
  detailHeight: number;
  scope: Scope;
  /** The live session the scope was chosen for: a newer session starts scoped to itself again. */
  scopeSessionId?: string;
}

export const DEFAULT_DETAIL_HEIGHT = 220;

export function defaultState(): SavedState {
  return {
    filter: { services: [], status: 'all', text: '', minDurationMs: 0 },
    collapsed: [],
    paused: false,
    scrollTop: 0,
    detailHeight: DEFAULT_DETAIL_HEIGHT,
    scope: 'session',
  };
}

/** getState() returns whatever an older version of the panel saved: take only well-formed fields. */
export function restoreState(raw: unknown): SavedState {
  const state = defaultState();
  if (typeof raw !== 'object' || raw === null) {
    return state;
  }
  const saved = raw as Record<string, unknown>;
  const filter = (typeof saved.filter === 'object' && saved.filter !== null ? saved.filter : {}) as Record<string, unknown>;
  if (Array.isArray(filter.services)) {
    state.filter.services = filter.services.filter((s): s is string => typeof s === 'string');
  }
  if (filter.status === 'error' || filter.status === 'ok' || filter.status === 'all') {
    state.filter.status = filter.status;
  }
  if (typeof filter.text === 'string') {
    state.filter.text = filter.text;
  }
  if (isNonNegative(filter.minDurationMs)) {
    state.filter.minDurationMs = filter.minDurationMs;
  }
  if (Array.isArray(saved.collapsed)) {
    state.collapsed = saved.collapsed.filter((s): s is string => typeof s === 'string');
  }
  if (typeof saved.selected === 'string') {
    state.selected = saved.selected;
  }
  state.paused = saved.paused === true;
  if (isNonNegative(saved.scrollTop)) {
    state.scrollTop = saved.scrollTop;
  }
  if (isNonNegative(saved.detailHeight)) {
    state.detailHeight = saved.detailHeight;
  }
  if (saved.scope === 'all' || saved.scope === 'session') {
    state.scope = saved.scope;
  }
  if (typeof saved.scopeSessionId === 'string') {
    state.scopeSessionId = saved.scopeSessionId;
  }
  return state;
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** The newest session, when the debuggee is still running or stopped. */
export function liveSession(sessions: readonly PanelSession[]): PanelSession | undefined {
  const newest = sessions[sessions.length - 1];
  return newest && newest.state !== 'ended' ? newest : undefined;
}

export class PanelState {
  private readonly collapsedSet: Set<string>;
  private sessions: readonly PanelSession[] = [];
  private cachedView: ViewState | undefined;

  constructor(readonly saved: SavedState) {
    this.collapsedSet = new Set(saved.collapsed);
  }

  get filter(): Omit<PanelFilter, 'sessionId'> {
    return this.saved.filter;
  }

  setFilter(change: Partial<Omit<PanelFilter, 'sessionId'>>): void {
    this.saved.filter = { ...this.saved.filter, ...change };
    this.cachedView = undefined;
  }

  isCollapsed(key: string): boolean {
    return this.collapsedSet.has(key);
  }

  setCollapsed(key: string, collapsed: boolean): void {
    if (collapsed === this.collapsedSet.has(key)) {
      return;
    }
    if (collapsed) {
      this.collapsedSet.add(key);
    } else {
      this.collapsedSet.delete(key);
    }
    this.cachedView = undefined;
  }

  /** Drops collapse entries for nodes no longer held, so the saved state does not grow forever. */
  pruneCollapsed(isHeld: (key: string) => boolean): void {
    for (const key of [...this.collapsedSet]) {
      if (!isHeld(key)) {
        this.setCollapsed(key, false);
      }
    }
  }

  get liveSession(): PanelSession | undefined {
    return liveSession(this.sessions);
  }

  sessionName(sessionId: string): string | undefined {
    return this.sessions.find((session) => session.id === sessionId)?.name;
  }

  /** The session the view is scoped to, when the scope is "This session" and a session is live. */
  get scopedSession(): PanelSession | undefined {
    const live = this.liveSession;
    return this.saved.scope === 'session' ? live : undefined;
  }

  setSessions(sessions: readonly PanelSession[]): void {
    this.sessions = sessions;
    const live = this.liveSession;
    // A new debug session starts scoped to itself, whatever the user chose for the previous one.
    if (live && live.id !== this.saved.scopeSessionId) {
      this.saved.scope = 'session';
      this.saved.scopeSessionId = live.id;
    }
    this.cachedView = undefined;
  }

  setScope(scope: Scope): void {
    this.saved.scope = scope;
    this.saved.scopeSessionId = this.liveSession?.id ?? this.saved.scopeSessionId;
    this.cachedView = undefined;
  }

  /** Stopped/continued marks to interleave: the scoped session's, else the newest session's. */
  private sessionMarks(): readonly PanelSessionMark[] {
    const session = this.scopedSession ?? this.sessions[this.sessions.length - 1];
    return session ? session.marks : [];
  }

  /** The same object until something in it changes. */
  view(): ViewState {
    if (!this.cachedView) {
      const sessionId = this.scopedSession?.id;
      this.cachedView = {
        filter: { ...this.saved.filter, services: [...this.saved.filter.services], ...(sessionId ? { sessionId } : {}) },
        collapsed: new Set(this.collapsedSet),
        sessionMarks: this.sessionMarks(),
      };
    }
    return this.cachedView;
  }

  toSaved(): SavedState {
    return { ...this.saved, collapsed: [...this.collapsedSet] };
  }
}
