/**
 * The hover on a blamed line, as Markdown: what broke, the evidence (both spans, both traces, services, timing) with
 * links to open each trace, and why it matters. Every piece of telemetry text is escaped; the only links are ours.
 * No vscode import: unit-tested.
 */
import type { Finding, FindingEvidence } from '../../core/propagation';
import { COMMANDS } from '../commandIds';
import { formatAgo, formatDuration, plural } from '../format';
import { commandUri, escapeMarkdown } from '../markdownText';
import { FINDING_TITLES, confidenceText, docsUrl, offsetText } from './findingText';

/** The evidence spans listed per finding: the newest occurrence's pair and one more. */
const MAX_EVIDENCE_SHOWN = 4;

/** The commands the hover's links may run. */
export const FINDING_HOVER_COMMANDS = [COMMANDS.openTrace];

export function findingHoverMarkdown(findings: readonly Finding[], nowMs: number): string {
  return findings.map((finding) => oneFinding(finding, nowMs)).join('\n\n---\n\n');
}

function oneFinding(finding: Finding, nowMs: number): string {
  const parts: string[] = [];
  parts.push(`$(warning) **Span Lens · ${escapeMarkdown(finding.code)} · ${escapeMarkdown(FINDING_TITLES[finding.kind])}**`);
  parts.push(escapeMarkdown(finding.message, 600));
  const seen = [
    plural(finding.occurrences, 'occurrence'),
    `confidence ${confidenceText(finding.confidence)}`,
    `last ${formatAgo(finding.lastSeenUnixMs, nowMs)}`,
  ];
  parts.push(`**Evidence** (${seen.join(' · ')}):`);
  const shown = finding.evidence.slice(0, MAX_EVIDENCE_SHOWN);
  const anchor = shown[0];
  parts.push(shown.map((evidence) => `- ${evidenceLine(evidence, anchor, nowMs)}`).join('\n'));
  const listed = new Set(shown.map((e) => e.traceId));
  const more = finding.traceIds.filter((id) => !listed.has(id));
  if (more.length > 0) {
    parts.push(`Also in ${plural(more.length, 'other trace')}: ${more.slice(0, 5).map((id) => traceLink(id)).join(' · ')}`);
  }
  const [first, ...rest] = finding.why.split('\n');
  parts.push(`**Why this matters:** ${escapeMarkdown(first, 300)}${rest.length > 0 ? `  \n${rest.map((line) => escapeMarkdown(line, 300)).join('  \n')}` : ''}`);
  parts.push(`[What ${escapeMarkdown(finding.code)} means and how to fix it](${docsUrl(finding.kind, finding.code)})`);
  return parts.join('\n\n');
}

/**
 * `caller **order.Create** · order-service · trace 4bf92f35 · 12 ms · started 3 s ago · [Open trace](…)`; spans after
 * the first are timed from it (`started +3.1 ms`), which is what shows one call inside the other.
 */
function evidenceLine(evidence: FindingEvidence, anchor: FindingEvidence, nowMs: number): string {
  const started =
    evidence === anchor
      ? `started ${formatAgo(evidence.startTimeUnixMs, nowMs)}`
      : `started ${offsetText(evidence.startTimeUnixMs - anchor.startTimeUnixMs)} after the ${escapeMarkdown(anchor.role)}`;
  return [
    `${escapeMarkdown(evidence.role)} **${escapeMarkdown(evidence.name, 80)}**`,
    escapeMarkdown(evidence.service, 60),
    `trace ${escapeMarkdown(evidence.traceId.slice(0, 8))}`,
    formatDuration(evidence.durationMs),
    started,
    traceLink(evidence.traceId, 'Open trace'),
  ].join(' · ');
}

function traceLink(traceId: string, label = traceId.slice(0, 8)): string {
  return `[${escapeMarkdown(label)}](${commandUri(COMMANDS.openTrace, [traceId])})`;
}
