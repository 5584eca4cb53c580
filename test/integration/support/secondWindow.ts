/**
 * A second real VS Code window, opened, watched and closed by the code-server harness (test/harness/secondWindow.mjs):
 * the suite writes `<name>.request.json` and waits for `<name>.response.json`. Under `@vscode/test-electron` nobody
 * answers, and `secondWindowAvailable` says so.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Set by run-code-server.mjs; the same name as WINDOW_CHECKPOINTS_ENV in secondWindow.mjs. */
const CHECKPOINTS_ENV = 'SPAN_LENS_IT_WINDOW_CHECKPOINTS';

export interface ObservedWindow {
  /** The second window's extension host process. */
  pid: number;
  folder: string;
  receiverAddress?: string;
  /** The asked trace ids its store holds. */
  held: string[];
  statusBar: string;
}

export interface WindowsState {
  first: { statusBar: string };
  /** Absent once the second window is closed. */
  second?: ObservedWindow;
}

/** What a window's status bar says about its share of `address`: the owner, or a subscriber of owner `pid`. */
export type ShareRoleShown = { kind: 'owner' } | { kind: 'subscriber'; ownerPid: number } | { kind: 'none'; statusBar: string };

export function secondWindowAvailable(): boolean {
  return Boolean(process.env[CHECKPOINTS_ENV]);
}

let sequence = 0;

async function request<T>(kind: string, body: object, timeoutMs: number): Promise<T> {
  const dir = process.env[CHECKPOINTS_ENV];
  if (!dir) {
    throw new Error(`${CHECKPOINTS_ENV} is not set: no harness to open a second window`);
  }
  // A fresh name per request: the harness answers each request file once.
  const name = `${String(++sequence).padStart(3, '0')}-${kind}`;
  const requestFile = path.join(dir, `${name}.request.json`);
  const responseFile = path.join(dir, `${name}.response.json`);
  fs.writeFileSync(`${requestFile}.partial`, JSON.stringify({ ...body, kind }, null, 2));
  fs.renameSync(`${requestFile}.partial`, requestFile);
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(responseFile)) {
    if (Date.now() > deadline) {
      throw new Error(`the harness did not answer ${name} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const response = JSON.parse(fs.readFileSync(responseFile, 'utf8')) as { ok: boolean; error?: string } & T;
  if (!response.ok) {
    throw new Error(`the harness could not ${kind}: ${response.error}`);
  }
  return response;
}

/** Opens the second window on a folder of its own; resolves once its Span Lens answers, with its pid. */
export function openSecondWindow(): Promise<{ pid: number; folder: string }> {
  return request('open', {}, 150_000);
}

/** Both windows as they are now: the second's observer report (which of `traceIds` it holds) and both status bars. */
export function windowsState(traceIds: string[] = []): Promise<WindowsState> {
  return request('state', { traceIds }, 60_000);
}

/** Closes the second window's page; answered at once, while its extension host may still run. */
export function closeSecondWindow(): Promise<{ closed: boolean }> {
  return request('close', {}, 30_000);
}

/** Waits until the process `pid` has exited; `exited` false if it still ran after `timeoutMs`. */
export function processGone(pid: number, timeoutMs: number): Promise<{ exited: boolean; waitedMs: number }> {
  return request('gone', { pid, timeoutMs }, timeoutMs + 30_000);
}

/** The Span Lens status bar entry for `address`: "<address> shared from pid N" on a subscriber, "<address>" on the owner. */
export function shareRoleShown(statusBar: string, address: string): ShareRoleShown {
  const escaped = address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}(?: shared from pid (\\d+))?`).exec(statusBar);
  if (!match) {
    return { kind: 'none', statusBar };
  }
  return match[1] ? { kind: 'subscriber', ownerPid: Number(match[1]) } : { kind: 'owner' };
}

/** Asks for the state until `accept` holds or `timeoutMs` passes; returns the last state either way. */
export async function waitForWindows(
  traceIds: string[],
  accept: (state: WindowsState) => boolean,
  timeoutMs = 60_000,
): Promise<WindowsState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await windowsState(traceIds);
    if (accept(state) || Date.now() > deadline) {
      return state;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
