/**
 * Bookkeeping of the debug sessions Span Lens wired: which editor debug sessions belong to which tagged session
 * (js-debug runs the program in a child session of the one launched), and when each debuggee started, stopped,
 * continued and ended. No vscode import: unit-tested; `DebugSessions` feeds it the editor's events.
 */
import type { PanelSession, PanelSessionMark } from '../../core/panel/protocol';

/** Sessions kept (oldest dropped first). */
export const MAX_SESSIONS = 10;
/** Marks kept per session: a long stepping session keeps its newest ones (and its `started`). */
export const MAX_MARKS_PER_SESSION = 500;

/** What the book needs to know of an editor debug session. */
export interface DebugSessionInfo {
  /** The editor's id (vscode.DebugSession.id). */
  id: string;
  name: string;
  /** `spanLensSessionTag` from its configuration, when it has one. */
  tag?: string;
  parentId?: string;
}

interface Tracked {
  session: PanelSession;
  /** Editor sessions of this tag that have started and not ended yet. */
  live: Set<string>;
}

export class SessionBook {
  /** Oldest first. */
  private readonly tracked: Tracked[] = [];
  /** Editor session id → tag, for every editor session mapped to a tracked session. */
  private readonly byEditorId = new Map<string, string>();
  /** Names announced by the configuration provider before the session starts. */
  private readonly expected = new Map<string, string>();

  /** The configuration provider tagged a configuration: its session will start under that name. */
  expect(tag: string, name: string): void {
    this.expected.set(tag, name);
    // Only ever a handful pending; a configuration that never started (cancelled) should not accumulate.
    if (this.expected.size > MAX_SESSIONS) {
      this.expected.delete(this.expected.keys().next().value as string);
    }
  }

  /**
   * An editor debug session started (or its adapter tracker was created, which comes first: both are fine).
   * Returns the panel session when this start began (or restarted) one, undefined when the session is not ours
   * or its panel session was already running.
   */
  start(info: DebugSessionInfo, nowMs: number): PanelSession | undefined {
    if (this.byEditorId.has(info.id)) {
      const tracked = this.find(this.byEditorId.get(info.id));
      tracked?.live.add(info.id);
      return undefined;
    }
    const tag = info.tag ?? (info.parentId !== undefined ? this.byEditorId.get(info.parentId) : undefined);
    if (tag === undefined) {
      return undefined;
    }
    this.byEditorId.set(info.id, tag);
    let tracked = this.find(tag);
    if (tracked === undefined) {
      const name = this.expected.get(tag) ?? info.name;
      this.expected.delete(tag);
      tracked = { session: { id: tag, name, state: 'running', marks: [] }, live: new Set() };
      this.tracked.push(tracked);
      this.dropOldest();
      tracked.live.add(info.id);
      this.mark(tracked, { atUnixMs: nowMs, kind: 'started' });
      return tracked.session;
    }
    const wasEnded = tracked.session.state === 'ended';
    tracked.live.add(info.id);
    if (wasEnded) {
      // Restarted with the same configuration (same tag): the panel session runs again.
      tracked.session.state = 'running';
      this.mark(tracked, { atUnixMs: nowMs, kind: 'started' });
      return tracked.session;
    }
    return undefined;
  }

  /** The debuggee stopped (breakpoint, step, pause, exception). True when the book changed. */
  stopped(editorId: string, reason: string | undefined, nowMs: number): boolean {
    const tracked = this.liveSession(editorId);
    if (!tracked || tracked.session.state !== 'running') {
      return false;
    }
    tracked.session.state = 'stopped';
    this.mark(tracked, reason ? { atUnixMs: nowMs, kind: 'stopped', detail: reason } : { atUnixMs: nowMs, kind: 'stopped' });
    return true;
  }

  /** The debuggee runs again (a `continued` event, or the user asked to continue or step). True when the book changed. */
  continued(editorId: string, nowMs: number): boolean {
    const tracked = this.liveSession(editorId);
    if (!tracked || tracked.session.state !== 'stopped') {
      return false;
    }
    tracked.session.state = 'running';
    this.mark(tracked, { atUnixMs: nowMs, kind: 'continued' });
    return true;
  }

  /** An editor session terminated; the panel session ends with the last of its editor sessions. True when the book changed. */
  ended(editorId: string, nowMs: number): boolean {
    const tracked = this.find(this.byEditorId.get(editorId));
    if (!tracked || !tracked.live.delete(editorId) || tracked.live.size > 0 || tracked.session.state === 'ended') {
      return false;
    }
    tracked.session.state = 'ended';
    this.mark(tracked, { atUnixMs: nowMs, kind: 'ended' });
    return true;
  }

  /** Whether this editor session belongs to a tracked panel session. */
  isTracked(editorId: string): boolean {
    return this.find(this.byEditorId.get(editorId)) !== undefined;
  }

  /** Oldest first; copies, so a caller holding a previous list sees it unchanged. */
  sessions(): PanelSession[] {
    return this.tracked.map(({ session }) => ({ ...session, marks: session.marks.map((mark) => ({ ...mark })) }));
  }

  private liveSession(editorId: string): Tracked | undefined {
    const tracked = this.find(this.byEditorId.get(editorId));
    return tracked && tracked.live.has(editorId) ? tracked : undefined;
  }

  private find(tag: string | undefined): Tracked | undefined {
    return tag === undefined ? undefined : this.tracked.find((t) => t.session.id === tag);
  }

  private mark(tracked: Tracked, mark: PanelSessionMark): void {
    const marks = tracked.session.marks;
    marks.push(mark);
    if (marks.length > MAX_MARKS_PER_SESSION) {
      // Keep the first `started`, drop the oldest after it.
      marks.splice(1, marks.length - MAX_MARKS_PER_SESSION);
    }
  }

  private dropOldest(): void {
    while (this.tracked.length > MAX_SESSIONS) {
      // The oldest ended session goes first; a session still running is dropped only when all ten run.
      const endedIndex = this.tracked.findIndex((t) => t.session.state === 'ended');
      const [dropped] = this.tracked.splice(endedIndex >= 0 ? endedIndex : 0, 1);
      for (const [editorId, tag] of this.byEditorId) {
        if (tag === dropped.session.id) {
          this.byEditorId.delete(editorId);
        }
      }
    }
  }
}
