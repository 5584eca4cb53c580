/** The words Span Lens shows for a broken link: the line warning, the docs link. No vscode import: unit-tested. */
import { headingAnchor } from '../../core/util/markdownAnchor';
import type { Finding, FindingKind } from '../../core/propagation';
import { formatDuration } from '../format';

/** Where each kind is explained (evidence, usual cause, fix): a section of docs/broken-links.md. */
export const BROKEN_LINKS_DOC = 'https://github.com/span-lens/span-lens/blob/main/docs/broken-links.md';

/** What the reader sees after the line: the consequence at that line, in a few words. */
export const FINDING_TITLES: Record<FindingKind, string> = {
  'orphan-span': 'parent span never arrived',
  'disconnected-server': 'downstream started a new trace',
  'uninstrumented-client': 'call made without a client span',
  'detached-async': 'goroutine left the request trace',
  'canceled-context': 'async work canceled with the request',
  'queue-without-context': 'message sent without trace headers',
  'silent-service': 'called service reports no spans',
};

export const WARNING_PREFIX = '⚠ trace breaks here';

/** `⚠ trace breaks here · downstream started a new trace` (`(+1 more)` when several findings blame one line). */
export function warningText(findings: readonly Pick<Finding, 'kind'>[]): string {
  if (findings.length === 0) {
    return '';
  }
  const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : '';
  return `${WARNING_PREFIX} · ${FINDING_TITLES[findings[0].kind]}${more}`;
}

/** The heading of the kind's section in docs/broken-links.md, e.g. `SL102 disconnected-server`. */
export function docsHeading(kind: FindingKind, code: string): string {
  return `${code} ${kind}`;
}

export { headingAnchor };

export function docsUrl(kind: FindingKind, code: string): string {
  return `${BROKEN_LINKS_DOC}#${headingAnchor(docsHeading(kind, code))}`;
}

/** `+3.1 ms` / `−120 ms`: when one span started relative to another. */
export function offsetText(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${formatDuration(Math.abs(ms))}`;
}

/** `80%` */
export function confidenceText(confidence: number): string {
  return `${Math.round(Math.min(1, Math.max(0, confidence)) * 100)}%`;
}

/** Findings sorted by line, grouped per line, for one file: the decorations and the hover read them this way. */
export function findingsByLine(findings: readonly Finding[], file: string): Map<number, Finding[]> {
  const lines = new Map<number, Finding[]>();
  for (const finding of findings) {
    if (finding.location?.file !== file) {
      continue;
    }
    const list = lines.get(finding.location.line) ?? [];
    list.push(finding);
    lines.set(finding.location.line, list);
  }
  for (const list of lines.values()) {
    // The most certain first: it names the warning.
    list.sort((a, b) => b.confidence - a.confidence || a.code.localeCompare(b.code));
  }
  return lines;
}
