/** The JSON report `spanlens receive` writes on exit. Later issues add fields here. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SpanStore } from '../core/model/spanStore';
import type { Finding, FindingKind } from '../core/propagation';

export interface ReportLocation {
  /** Relative to the workspace, posix separators. */
  file: string;
  /** 1-based, as in telemetry. */
  line: number;
  count: number;
  p50Ms: number;
  p95Ms: number;
  errors: number;
}

/** One broken link: a fault and the line to blame (one per fault and line, not one per trace). */
export interface ReportFinding {
  kind: FindingKind;
  /** Relative to the workspace, posix separators; null when no line in the workspace could be blamed. */
  file: string | null;
  /** 1-based; null with `file`. */
  line: number | null;
  message: string;
  /** 0..1, grows with the occurrences seen. */
  confidence: number;
  /** The traces that show it, newest first. */
  traceIds: string[];
}

export interface SpanLensReport {
  /** Distinct spans accepted (re-sent duplicates counted once). */
  spans: number;
  /** Distinct traces seen: those held at the end plus those evicted on the way. */
  traces: number;
  /** Spans lost: rejected by the decoder (reported to the client as partial success) plus evicted by the memory cap. */
  dropped: number;
  services: string[];
  locations: ReportLocation[];
  findings: ReportFinding[];
}

export interface ReportInput {
  store: SpanStore;
  /** The detector's findings, settled. */
  findings: readonly Finding[];
  workspaceRoot: string;
  /** Spans the receiver rejected. */
  rejectedSpans: number;
}

export function buildReport({ store, findings, workspaceRoot, rejectedSpans }: ReportInput): SpanLensReport {
  const totals = store.totals();
  const locations = store
    .allStats()
    .map((stats) => ({
      file: relativePosix(workspaceRoot, stats.location.file),
      line: stats.location.line,
      count: stats.count,
      p50Ms: roundMs(stats.p50Ms),
      p95Ms: roundMs(stats.p95Ms),
      errors: stats.errors,
    }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return {
    spans: totals.spansReceived,
    traces: totals.traces + totals.evictedTraces,
    dropped: rejectedSpans + totals.evictedSpans,
    services: [...totals.services],
    locations,
    findings: findings.map((finding) => ({
      kind: finding.kind,
      file: finding.location ? relativePosix(workspaceRoot, finding.location.file) : null,
      line: finding.location ? finding.location.line : null,
      message: finding.message,
      confidence: Math.round(finding.confidence * 1000) / 1000,
      traceIds: [...finding.traceIds],
    })),
  };
}

/** Writes to a temporary file beside the target, then renames: readers never see half a report. */
export async function writeReportAtomically(file: string, report: SpanLensReport): Promise<void> {
  const target = path.resolve(file);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    await fs.writeFile(temporary, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

function relativePosix(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** Microsecond precision is plenty for a report and keeps it readable. */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
