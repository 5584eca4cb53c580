/**
 * Follows the debug sessions Span Lens wired (their configuration carries `spanLensSessionTag`, or their parent
 * session does: js-debug runs the program in a child session) and tells the trace panel when each debuggee started,
 * stopped, continued and ended.
 */
import * as vscode from 'vscode';
import type { PanelSession } from '../../core/panel/protocol';
import { activityFromAdapter, activityFromEditor } from './dapActivity';
import { Logger } from '../logger';
import { DebugSessionInfo, SessionBook } from './sessionBook';

/** The configuration key the provider writes the tag to. */
export const SESSION_TAG_KEY = 'spanLensSessionTag';

/** Bursts (a stepping user, many threads stopping at once) become one change event at most this often. */
const CHANGE_INTERVAL_MS = 50;

export class DebugSessions implements vscode.Disposable {
  private readonly book = new SessionBook();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly startEmitter = new vscode.EventEmitter<PanelSession>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private changeTimer: NodeJS.Timeout | undefined;
  private lastChange = 0;

  /** The session list changed (coalesced). */
  readonly onDidChange: vscode.Event<void> = this.changeEmitter.event;
  /** A wired session started (once per session, also when restarted after it ended). */
  readonly onDidStartSession: vscode.Event<PanelSession> = this.startEmitter.event;

  constructor(private readonly logger: Logger) {
    this.subscriptions.push(
      vscode.debug.onDidStartDebugSession((session) => this.started(session)),
      vscode.debug.onDidTerminateDebugSession((session) => {
        if (this.book.ended(session.id, Date.now())) {
          this.logger.info(`Debug session "${session.name}" ended.`);
          this.changed();
        }
      }),
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (session) => {
          // The tracker is created before the session counts as started: map it now so no early `stopped` is lost.
          this.started(session);
          if (!this.book.isTracked(session.id)) {
            return undefined;
          }
          return {
            onDidSendMessage: (message: unknown) => this.activity(session.id, activityFromAdapter(message)),
            onWillReceiveMessage: (message: unknown) => this.activity(session.id, activityFromEditor(message)),
          };
        },
      }),
    );
  }

  /** The configuration provider tagged a configuration (the name is the one shown in the panel). */
  expect(tag: string, name: string): void {
    this.book.expect(tag, name);
  }

  /** Sessions Span Lens injected into, oldest first (at most 10 kept), with their marks. */
  sessions(): PanelSession[] {
    return this.book.sessions();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    if (this.changeTimer) {
      clearTimeout(this.changeTimer);
    }
    this.changeEmitter.dispose();
    this.startEmitter.dispose();
  }

  private started(session: vscode.DebugSession): void {
    const begun = this.book.start(sessionInfo(session), Date.now());
    if (begun) {
      this.logger.info(`Debug session "${begun.name}" started (Span Lens session ${begun.id}).`);
      this.startEmitter.fire(begun);
      this.changed();
    }
  }

  private activity(editorId: string, activity: ReturnType<typeof activityFromAdapter>): void {
    if (activity === undefined) {
      return;
    }
    const now = Date.now();
    const changed = activity.kind === 'stopped' ? this.book.stopped(editorId, activity.reason, now) : this.book.continued(editorId, now);
    if (changed) {
      this.changed();
    }
  }

  /** Fires at once after a quiet spell, else at the end of the current interval. */
  private changed(): void {
    if (this.changeTimer) {
      return;
    }
    const wait = Math.max(0, this.lastChange + CHANGE_INTERVAL_MS - Date.now());
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.lastChange = Date.now();
      this.changeEmitter.fire();
    }, wait);
  }
}

function sessionInfo(session: vscode.DebugSession): DebugSessionInfo {
  const tag: unknown = session.configuration[SESSION_TAG_KEY];
  return {
    id: session.id,
    name: session.name,
    tag: typeof tag === 'string' && tag !== '' ? tag : undefined,
    parentId: session.parentSession?.id,
  };
}
