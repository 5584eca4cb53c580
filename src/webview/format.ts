/** Text formatting for durations, times and ids shown in the panel. */

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    return '–';
  }
  if (ms < 1) {
    return `${Math.round(ms * 1000)} µs`;
  }
  if (ms < 10) {
    return `${ms.toFixed(2)} ms`;
  }
  if (ms < 100) {
    return `${ms.toFixed(1)} ms`;
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  }
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/** Local wall-clock time with milliseconds: 12:01:03.120. */
export function formatClock(unixMs: number): string {
  const date = new Date(unixMs);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** 12,345 — by hand: toLocaleString goes through ICU and shows up in frame profiles. */
export function formatCount(count: number): string {
  const digits = String(Math.trunc(count));
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

export function kindName(kind: number): string {
  return KIND_NAMES[kind] ?? 'unspecified';
}

/** Codicon for a span kind: incoming calls, outgoing calls, queues. */
export function kindIcon(kind: number, transport: string): string {
  if (transport === 'db' && kind === 3) {
    return 'database';
  }
  switch (kind) {
    case 2:
      return 'call-incoming';
    case 3:
      return 'call-outgoing';
    case 4:
      return 'send';
    case 5:
      return 'inbox';
    case 1:
      return 'symbol-method';
    default:
      return 'circle-small';
  }
}

const TRANSPORT_LABELS: Record<string, string> = { http: 'HTTP', grpc: 'gRPC', messaging: 'queue', db: 'DB' };

export function transportLabel(transport: string): string {
  return TRANSPORT_LABELS[transport] ?? '';
}

const STATUS_NAMES = ['unset', 'ok', 'error'];

export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? 'unset';
}
