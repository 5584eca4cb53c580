/** The status line under the tree: what the panel holds, and the paused feed's backlog. */
import { formatCount, plural } from './format';

export interface StatusCounts {
  traces: number;
  spans: number;
  evicted: number;
  paused: boolean;
  pending: number;
}

export function statusText(counts: StatusCounts): string {
  const parts = [plural(counts.traces, 'trace'), plural(counts.spans, 'span')];
  if (counts.evicted > 0) {
    parts.push(`${formatCount(counts.evicted)} evicted`);
  }
  if (counts.paused) {
    parts.push(`paused (+${formatCount(counts.pending)} new)`);
  }
  return parts.join(' · ');
}
