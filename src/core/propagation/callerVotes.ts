/**
 * Where a service's context-less requests come from. A request without a parent lies inside spans of every
 * process busy at that moment; only the code that really makes the call contains such requests nearly every
 * time, while a concurrent consumer or batch job contains them only by chance.
 */
const MIN_SHARE = 0.5;
const MAX_CANDIDATES = 256;

interface Tally {
  roots: number;
  votes: Map<string, number>;
}

export class CallerVotes {
  private readonly byCallee = new Map<string, Tally>();

  /** One context-less request of `callee`, lying inside spans of each of `candidates` (one per process). */
  vote(callee: string, candidates: readonly string[]): void {
    if (candidates.length === 0) return;
    let tally = this.byCallee.get(callee);
    if (!tally) {
      tally = { roots: 0, votes: new Map() };
      this.byCallee.set(callee, tally);
    }
    tally.roots++;
    for (const candidate of new Set(candidates)) tally.votes.set(candidate, (tally.votes.get(candidate) ?? 0) + 1);
    if (tally.votes.size > MAX_CANDIDATES) dropRarest(tally.votes);
  }

  /** Whether `candidate` contains at least half of the callee's requests, and no other candidate more of them. */
  isDominant(callee: string, candidate: string): boolean {
    const tally = this.byCallee.get(callee);
    const mine = tally?.votes.get(candidate);
    if (!tally || mine === undefined || mine / tally.roots < MIN_SHARE) return false;
    for (const count of tally.votes.values()) if (count > mine) return false;
    return true;
  }

  clear(): void {
    this.byCallee.clear();
  }
}

function dropRarest(votes: Map<string, number>): void {
  let rarest: string | undefined;
  for (const [candidate, count] of votes) if (rarest === undefined || count < (votes.get(rarest) ?? 0)) rarest = candidate;
  if (rarest !== undefined) votes.delete(rarest);
}
