/**
 * Several rounds of the same peer measurements combined into one table: each figure's median over the rounds, with
 * the spread of spans/s kept in the note, so one noisy run on a shared machine neither flatters nor sinks a receiver.
 */

/** One receiver, protocol and load, measured once. */
export interface Measurement {
  receiver: string;
  protocol: 'http' | 'grpc';
  load: 'telemetrygen' | 'own';
  spansPerSecond?: number;
  peakRss?: number;
  /** RSS growth right after the run, garbage included, per span kept. */
  bytesPerStoredSpan?: number;
  /** The same after the settle time idle. */
  settledBytesPerStoredSpan?: number;
  /** The receiver's CPU time per span over the measured run: what it costs, whoever else shares the cores. */
  cpuMicrosPerSpan?: number;
  note: string;
}

export function median(values: readonly number[]): number | undefined {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) {
    return undefined;
  }
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function keyOf(m: Measurement): string {
  return `${m.receiver}\u0000${m.protocol}\u0000${m.load}`;
}

/** The measurements of every round, one per receiver, protocol and load, in the order the first round met them. */
export function combineRounds(rounds: readonly (readonly Measurement[])[]): Measurement[] {
  const groups = new Map<string, Measurement[]>();
  for (const round of rounds) {
    for (const m of round) {
      const group = groups.get(keyOf(m));
      if (group) {
        group.push(m);
      } else {
        groups.set(keyOf(m), [m]);
      }
    }
  }
  return [...groups.values()].map(combineRuns);
}

function combineRuns(runs: Measurement[]): Measurement {
  const figure = (pick: (m: Measurement) => number | undefined): number | undefined =>
    median(runs.map(pick).filter((v): v is number => v !== undefined));
  const measured = runs.filter((m) => m.spansPerSecond !== undefined);
  const spansPerSecond = figure((m) => m.spansPerSecond);
  // The note (versions, counts, generator load) of the run nearest the median speaks for the row.
  const typical = measured.length
    ? measured.reduce((best, m) => (Math.abs((m.spansPerSecond as number) - (spansPerSecond as number)) < Math.abs((best.spansPerSecond as number) - (spansPerSecond as number)) ? m : best))
    : runs[0];
  const parts = [typical.note];
  if (runs.length > 1 && measured.length > 0) {
    parts.push(`median of ${measured.length} rounds: ${measured.map((m) => Math.round(m.spansPerSecond as number).toLocaleString('en-US')).join(', ')} spans/s`);
  }
  const failed = runs.filter((m) => m.spansPerSecond === undefined);
  if (failed.length > 0 && measured.length > 0) {
    parts.push(`${failed.length} of ${runs.length} rounds gave no figure (${failed[0].note})`);
  }
  return {
    receiver: typical.receiver,
    protocol: typical.protocol,
    load: typical.load,
    spansPerSecond,
    peakRss: figure((m) => m.peakRss),
    bytesPerStoredSpan: figure((m) => m.bytesPerStoredSpan),
    settledBytesPerStoredSpan: figure((m) => m.settledBytesPerStoredSpan),
    cpuMicrosPerSpan: figure((m) => m.cpuMicrosPerSpan),
    note: parts.join('; '),
  };
}

/**
 * `ours` as a percentage of `reference`, round by round (both measured in the same round, so under the same drift),
 * and the median of those shares; rounds missing either figure are left out.
 */
export function sharesByRound(rounds: readonly (readonly Measurement[])[], ours: (m: Measurement) => boolean, reference: (m: Measurement) => boolean): { median: number | undefined; perRound: number[] } {
  const perRound: number[] = [];
  for (const round of rounds) {
    const a = round.find(ours)?.spansPerSecond;
    const b = round.find(reference)?.spansPerSecond;
    if (a !== undefined && b) {
      perRound.push((100 * a) / b);
    }
  }
  return { median: median(perRound), perRound };
}
