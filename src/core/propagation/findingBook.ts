import type { SourceLocation } from '../model/span';
import { FINDING_CODES, FINDING_KINDS, type Finding, type FindingEvidence, type FindingKind } from './findingTypes';
import { whyItMatters } from './findingTexts';

/** One faulty occurrence of a finding, as a check saw it. */
export interface FaultObservation {
  id: string;
  kind: FindingKind;
  location: SourceLocation | undefined;
  message: string;
  /** The spans of this occurrence, the one at fault's side first. */
  evidence: FindingEvidence[];
  /**
   * What makes occurrences distinct for kinds that need several (the calling span for uninstrumented calls:
   * one long span containing two unrelated requests is one coincidence, not two).
   */
  distinctBy?: string;
}

/** Span time of an observation: the latest start among its spans. */
function observedAt(evidence: readonly FindingEvidence[]): number {
  return evidence.reduce((latest, e) => Math.max(latest, e.startTimeUnixMs), Number.NEGATIVE_INFINITY);
}

/** How many healthy observations in a row, after the last fault, make a finding go away. */
export const HEALTHY_TO_CLEAR = 3;
const MAX_LISTED = 10;
const MAX_STATES = 2000;

/** Distinct occurrences needed before a finding is shown. */
const MIN_DISTINCT: Partial<Record<FindingKind, number>> = { 'uninstrumented-client': 2 };
/** How much one occurrence says: confidence = 1 - (1 - base)^occurrences. */
const BASE_CONFIDENCE: Record<FindingKind, number> = {
  'orphan-span': 0.35,
  'disconnected-server': 0.6,
  'uninstrumented-client': 0.3,
  'detached-async': 0.45,
  'canceled-context': 0.6,
  'queue-without-context': 0.5,
  'silent-service': 0.4,
};

interface State {
  finding: Finding;
  distinct: Set<string>;
  healthyStreak: number;
  /** Span time of the newest fault: only later healthy observations show that the fault stopped. */
  lastFaultAtMs: number;
}

/** Findings by id: faults add occurrences, healthy observations at the same place take them away. */
export class FindingBook {
  private readonly states = new Map<string, State>();
  private readonly perKind = new Map<FindingKind, number>();

  /** Whether anything of this kind is tracked (shown or not yet): healthy observations only matter then. */
  tracks(kind: FindingKind): boolean {
    return (this.perKind.get(kind) ?? 0) > 0;
  }

  /** Returns whether the visible findings changed. */
  fault(observation: FaultObservation, nowMs: number): boolean {
    let state = this.states.get(observation.id);
    if (!state) {
      if (this.states.size >= MAX_STATES) this.evictStalest();
      state = {
        finding: {
          id: observation.id,
          kind: observation.kind,
          code: FINDING_CODES[observation.kind],
          location: observation.location,
          message: observation.message,
          why: whyItMatters(observation.kind),
          confidence: 0,
          occurrences: 0,
          traceIds: [],
          evidence: [],
          firstSeenUnixMs: nowMs,
          lastSeenUnixMs: nowMs,
        },
        distinct: new Set(),
        healthyStreak: 0,
        lastFaultAtMs: Number.NEGATIVE_INFINITY,
      };
      this.states.set(observation.id, state);
      this.perKind.set(observation.kind, (this.perKind.get(observation.kind) ?? 0) + 1);
    }
    const f = state.finding;
    f.occurrences++;
    f.message = observation.message;
    f.location = observation.location;
    f.lastSeenUnixMs = nowMs;
    f.confidence = confidence(observation.kind, f.occurrences);
    f.evidence = [...observation.evidence, ...f.evidence].slice(0, MAX_LISTED);
    const traces = [...new Set(observation.evidence.map((e) => e.traceId))];
    f.traceIds = [...traces, ...f.traceIds.filter((t) => !traces.includes(t))].slice(0, MAX_LISTED);
    if (state.distinct.size < 64) state.distinct.add(observation.distinctBy ?? String(f.occurrences));
    state.healthyStreak = 0;
    state.lastFaultAtMs = Math.max(state.lastFaultAtMs, observedAt(observation.evidence));
    return this.isVisible(state);
  }

  /**
   * The link was intact at the finding's place in a span that started at `atMs`. Healthy calls made alongside
   * the faulty one (the same request's other calls) say nothing about whether the fault stopped: only later
   * ones count. Returns whether the visible findings changed.
   */
  healthy(id: string, atMs: number): boolean {
    const state = this.states.get(id);
    if (!state || atMs <= state.lastFaultAtMs) return false;
    state.healthyStreak++;
    if (state.healthyStreak < HEALTHY_TO_CLEAR) return false;
    this.remove(id, state);
    return this.isVisible(state);
  }

  list(): Finding[] {
    const visible: Finding[] = [];
    for (const state of this.states.values()) if (this.isVisible(state)) visible.push(copy(state.finding));
    return visible.sort(byKindThenPlace);
  }

  clear(): boolean {
    const hadVisible = [...this.states.values()].some((s) => this.isVisible(s));
    this.states.clear();
    this.perKind.clear();
    return hadVisible;
  }

  private isVisible(state: State): boolean {
    return state.distinct.size >= (MIN_DISTINCT[state.finding.kind] ?? 1);
  }

  private remove(id: string, state: State): void {
    this.states.delete(id);
    const left = (this.perKind.get(state.finding.kind) ?? 1) - 1;
    if (left > 0) this.perKind.set(state.finding.kind, left);
    else this.perKind.delete(state.finding.kind);
  }

  private evictStalest(): void {
    let stalest: [string, State] | undefined;
    for (const entry of this.states) if (!stalest || entry[1].finding.lastSeenUnixMs < stalest[1].finding.lastSeenUnixMs) stalest = entry;
    if (stalest) this.remove(stalest[0], stalest[1]);
  }
}

function confidence(kind: FindingKind, occurrences: number): number {
  const value = 1 - Math.pow(1 - BASE_CONFIDENCE[kind], occurrences);
  return Math.min(0.99, Math.round(value * 100) / 100);
}

function copy(finding: Finding): Finding {
  return {
    ...finding,
    location: finding.location && { ...finding.location },
    traceIds: [...finding.traceIds],
    evidence: finding.evidence.map((e) => ({ ...e })),
  };
}

function byKindThenPlace(a: Finding, b: Finding): number {
  const kinds = FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind);
  if (kinds !== 0) return kinds;
  const fa = a.location?.file ?? '\uffff';
  const fb = b.location?.file ?? '\uffff';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const lines = (a.location?.line ?? 0) - (b.location?.line ?? 0);
  return lines !== 0 ? lines : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
