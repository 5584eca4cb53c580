import type { SourceLocation } from '../model/span';

export type FindingKind =
  | 'orphan-span'
  | 'disconnected-server'
  | 'uninstrumented-client'
  | 'detached-async'
  | 'canceled-context'
  | 'queue-without-context'
  | 'silent-service';

/** Stable diagnostic codes, one per kind (shown in the Problems panel). */
export const FINDING_CODES: Record<FindingKind, string> = {
  'orphan-span': 'SL101',
  'disconnected-server': 'SL102',
  'uninstrumented-client': 'SL103',
  'detached-async': 'SL104',
  'canceled-context': 'SL105',
  'queue-without-context': 'SL106',
  'silent-service': 'SL107',
};

/** The order findings are listed in. */
export const FINDING_KINDS = Object.keys(FINDING_CODES) as FindingKind[];

export type EvidenceRole =
  | 'orphan'
  | 'caller'
  | 'callee'
  | 'parent'
  | 'request'
  | 'producer'
  | 'consumer'
  | 'detached'
  | 'canceled';

export interface FindingEvidence {
  role: EvidenceRole;
  traceId: string;
  spanId: string;
  service: string;
  name: string;
  startTimeUnixMs: number;
  durationMs: number;
}

export interface Finding {
  /** Stable: kind + blamed location key (+ the peer when it matters). */
  id: string;
  kind: FindingKind;
  code: string;
  /** The line to blame (absolute path, 1-based line); undefined when nothing in the workspace fits. */
  location: SourceLocation | undefined;
  /** What broke and the usual cause, one sentence. */
  message: string;
  /** "Why this matters", two short lines for the hover. */
  why: string;
  /** 0..1, grows with occurrences. */
  confidence: number;
  occurrences: number;
  /** Evidence traces, newest first, at most 10. */
  traceIds: string[];
  /** Newest first, at most 10: both spans of the newest occurrence first. */
  evidence: FindingEvidence[];
  firstSeenUnixMs: number;
  lastSeenUnixMs: number;
}

/**
 * Narrows a span's line to the statement actually at fault (the `go` statement, the uninstrumented call), from
 * the source. Undefined keeps the span's line.
 */
export interface BlameRefiner {
  refine(kind: FindingKind, spanLocation: SourceLocation, context: { service: string }): SourceLocation | undefined;
}
