/** Human-readable numbers for annotations, hovers, the status bar and the locations view. No vscode import: unit-tested. */

export interface AnnotationNumbers {
  count: number;
  p50Ms: number;
  p95Ms: number;
  errors: number;
}

/** `42× · p50 3.1 ms · p95 12 ms · 2 errors` ("full") or `p95 12 ms · 2 errors` ("compact"); errors omitted when 0. */
export function formatAnnotation(stats: AnnotationNumbers, format: 'full' | 'compact' = 'full'): string {
  const parts =
    format === 'compact'
      ? [`p95 ${formatDuration(stats.p95Ms)}`]
      : [`${formatCount(stats.count)}×`, `p50 ${formatDuration(stats.p50Ms)}`, `p95 ${formatDuration(stats.p95Ms)}`];
  if (stats.errors > 0) {
    parts.push(plural(stats.errors, 'error'));
  }
  return parts.join(' · ');
}

/** Two significant digits below 10 of a unit, whole numbers above: 850 ns, 12.5 µs → 13 µs, 3.1 ms, 12 ms, 1.4 s, 2.5 min. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    return '–';
  }
  if (ms === 0) {
    return '0 ms';
  }
  const units: [number, string][] = [
    [1e-6, 'ns'],
    [1e-3, 'µs'],
    [1, 'ms'],
    [1000, 's'],
    [60_000, 'min'],
    [3_600_000, 'h'],
  ];
  // Pick the largest unit the value reaches, but step up once rounding carries it over the next boundary (999.96 µs → 1.0 ms).
  let index = 0;
  while (index + 1 < units.length && ms >= nextThreshold(units, index)) {
    index++;
  }
  const [scale, unit] = units[index];
  return `${trimNumber(ms / scale)} ${unit}`;
}

function nextThreshold(units: [number, string][], index: number): number {
  const [scale] = units[index];
  const [nextScale] = units[index + 1];
  // The value shown in the current unit would round to the next unit's size: switch. (ms→s at 999.5, s→min at 59.5, …)
  return nextScale - scale / 2;
}

function trimNumber(value: number): string {
  if (value < 9.95) {
    return value.toFixed(1).replace(/\.0$/, '');
  }
  return String(Math.round(value));
}

/** 42, 9999, 12k, 1.2M: counts grow without bound, the annotation should not. */
export function formatCount(count: number): string {
  if (count < 10_000) {
    return String(count);
  }
  if (count < 1_000_000) {
    return `${trimNumber(count / 1000)}k`;
  }
  return `${trimNumber(count / 1_000_000)}M`;
}

/** Spans per second for the status bar: 0, 0.5, 12, 1.2k. */
export function formatRate(perSecond: number): string {
  if (perSecond <= 0 || !Number.isFinite(perSecond)) {
    return '0';
  }
  if (perSecond < 10) {
    return perSecond.toFixed(1).replace(/\.0$/, '');
  }
  return formatCount(Math.round(perSecond));
}

export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

/** How long ago, for hovers: "just now", "12 s ago", "3 min ago". */
export function formatAgo(thenMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 2) {
    return 'just now';
  }
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  return `${Math.round(minutes / 60)} h ago`;
}
