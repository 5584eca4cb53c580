/**
 * Reads whether the debuggee stopped or runs again from Debug Adapter Protocol traffic. Many adapters send no
 * `continued` event when the editor asks them to continue or step, so those requests count as continuing too.
 * No vscode import: unit-tested.
 */

export type DapActivity = { kind: 'stopped'; reason?: string } | { kind: 'continued' };

/** Requests after which the debuggee runs (until the next `stopped`). */
const RESUMING_REQUESTS = new Set(['continue', 'next', 'stepIn', 'stepOut', 'reverseContinue', 'stepBack']);

/** A message the adapter sent to the editor. */
export function activityFromAdapter(message: unknown): DapActivity | undefined {
  if (!isRecord(message) || message.type !== 'event') {
    return undefined;
  }
  if (message.event === 'stopped') {
    const reason = isRecord(message.body) && typeof message.body.reason === 'string' ? message.body.reason : undefined;
    return reason !== undefined && reason !== '' ? { kind: 'stopped', reason } : { kind: 'stopped' };
  }
  if (message.event === 'continued') {
    return { kind: 'continued' };
  }
  return undefined;
}

/** A message the editor sent to the adapter. */
export function activityFromEditor(message: unknown): DapActivity | undefined {
  if (isRecord(message) && message.type === 'request' && typeof message.command === 'string' && RESUMING_REQUESTS.has(message.command)) {
    return { kind: 'continued' };
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
