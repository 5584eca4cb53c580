/** Where the evidence spans of a finding map to, for the Problems panel's related locations. */
import type { SourceLocation, SpanLocator, SpanStore } from '../../core/model';
import type { Finding, FindingEvidence } from '../../core/propagation';

export interface EvidenceLocation {
  evidence: FindingEvidence;
  location: SourceLocation;
}

/**
 * The newest occurrence's spans that map to a line other than the blamed one (the callee's handler, the caller's
 * call site). Spans the store no longer holds, or that map nowhere, are left out.
 */
export function otherEvidenceLocations(finding: Finding, store: SpanStore, locator: SpanLocator, limit = 2): EvidenceLocation[] {
  const blamed = finding.location;
  const seen = new Set<string>(blamed ? [`${blamed.file}:${blamed.line}`] : []);
  const found: EvidenceLocation[] = [];
  for (const evidence of finding.evidence) {
    if (found.length >= limit) {
      break;
    }
    const span = store.getSpan(evidence.traceId, evidence.spanId);
    const location = span ? safeLocate(locator, span) : undefined;
    if (!location) {
      continue;
    }
    const key = `${location.file}:${location.line}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    found.push({ evidence, location });
  }
  return found;
}

function safeLocate(locator: SpanLocator, span: Parameters<SpanLocator['locate']>[0]): SourceLocation | undefined {
  try {
    return locator.locate(span);
  } catch {
    return undefined;
  }
}
