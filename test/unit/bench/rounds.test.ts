import assert from 'node:assert/strict';
import { combineRounds, median, sharesByRound, type Measurement } from '../../../bench/peers/rounds';

function run(receiver: string, spansPerSecond: number | undefined, extra: Partial<Measurement> = {}): Measurement {
  return { receiver, protocol: 'http', load: 'own', spansPerSecond, note: `${receiver} at ${spansPerSecond}`, ...extra };
}

describe('peer bench rounds', () => {
  it('takes the median of odd and even counts and ignores what is not a number', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([5, NaN, Infinity, 1, 3]), 3);
    assert.equal(median([]), undefined);
  });

  it('gives one row per receiver, protocol and load with the median of every figure', () => {
    const rounds = [
      [run('Span Lens', 150_000, { cpuMicrosPerSpan: 9, peakRss: 700 }), run('bare', 1_000_000)],
      [run('Span Lens', 200_000, { cpuMicrosPerSpan: 7, peakRss: 760 }), run('bare', 1_300_000)],
      [run('Span Lens', 180_000, { cpuMicrosPerSpan: 8, peakRss: 740 }), run('bare', 1_200_000), run('Span Lens', 90_000, { protocol: 'grpc' })],
    ];
    const combined = combineRounds(rounds);
    assert.deepEqual(
      combined.map((m) => [m.receiver, m.protocol, m.spansPerSecond]),
      [
        ['Span Lens', 'http', 180_000],
        ['bare', 'http', 1_200_000],
        ['Span Lens', 'grpc', 90_000],
      ],
    );
    const ours = combined[0];
    assert.equal(ours.cpuMicrosPerSpan, 8);
    assert.equal(ours.peakRss, 740);
    // The row speaks with the note of its median run and lists every round's figure.
    assert.match(ours.note, /^Span Lens at 180000; median of 3 rounds: 150,000, 200,000, 180,000 spans\/s$/);
    // A single round is reported as it was measured.
    assert.equal(combined[2].note, 'Span Lens at 90000');
  });

  it('says how many rounds gave no figure, and gives none when no round did', () => {
    const combined = combineRounds([
      [run('Jaeger', 80_000), run('Collector', undefined, { note: 'could not start: port taken' })],
      [run('Jaeger', undefined, { note: 'failed: connection reset' }), run('Collector', undefined, { note: 'could not start: port taken' })],
    ]);
    assert.equal(combined[0].spansPerSecond, 80_000);
    assert.match(combined[0].note, /1 of 2 rounds gave no figure \(failed: connection reset\)/);
    assert.equal(combined[1].spansPerSecond, undefined);
    assert.equal(combined[1].note, 'could not start: port taken');
  });

  it('pairs shares within a round, so drift that slows every receiver alike does not move them', () => {
    const ours = (m: Measurement): boolean => m.receiver === 'Span Lens';
    const bare = (m: Measurement): boolean => m.receiver === 'bare';
    const rounds = [
      [run('Span Lens', 100_000), run('bare', 1_000_000)],
      [run('Span Lens', 200_000), run('bare', 2_000_000)],
      [run('Span Lens', 260_000), run('bare', 1_000_000)],
      [run('Span Lens', 300_000)],
    ];
    const shares = sharesByRound(rounds, ours, bare);
    assert.deepEqual(shares.perRound, [10, 10, 26]);
    assert.equal(shares.median, 10);
    // The ratio of the medians (230,000 / 1,000,000) would say 23 %, which no round measured.
    assert.equal(sharesByRound([], ours, bare).median, undefined);
  });
});
