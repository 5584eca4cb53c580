/**
 * What `spanlens check` prints: one line per finding (text), a JSON array, or a SARIF 2.1.0 log that code-scanning
 * tools (GitHub code scanning, VS Code's SARIF viewer) accept. No vscode import.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckedFinding } from '../core/analysis/types';
import { staticCheckDocsUrl } from '../core/analysis/checkDocs';

export type { CheckedFinding };

/** What SARIF lists about each rule the run knows. */
export interface RuleDescription {
  id: string;
  code: string;
  title: string;
}

export interface JsonFinding {
  rule: string;
  file: string;
  line: number;
  column: number;
  message: string;
  fixable: boolean;
}

/** `internal/order/client.go`: relative to the cwd, with forward slashes (absolute when outside it). */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  return shown.split(path.sep).join('/');
}

/** `file:line:col: SL204 message [fixable]`, the shape editors and terminals turn into links. */
export function formatText(findings: readonly CheckedFinding[], cwd: string): string {
  return findings
    .map((f) => `${displayPath(f.file, cwd)}:${f.line}:${f.column}: ${f.code} ${f.message}${f.fixes.length > 0 ? ' [fixable]' : ''}\n`)
    .join('');
}

export function jsonFindings(findings: readonly CheckedFinding[], cwd: string): JsonFinding[] {
  return findings.map((f) => ({
    rule: f.code,
    file: displayPath(f.file, cwd),
    line: f.line,
    column: f.column,
    message: f.message,
    fixable: f.fixes.length > 0,
  }));
}

export function formatJson(findings: readonly CheckedFinding[], cwd: string): string {
  return `${JSON.stringify(jsonFindings(findings, cwd), null, 2)}\n`;
}

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

/** `go/http-uninstrumented-client` → `HttpUninstrumentedClient`: SARIF wants a name without the id's punctuation. */
function ruleName(ruleId: string): string {
  return ruleId
    .replace(/^[a-z]+\//, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}

/** A relative, percent-encoded URI under %SRCROOT% when the file is inside the cwd; a file:// URI otherwise. */
function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const relative = path.relative(cwd, file);
  if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
    return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  }
  return { uri: pathToFileURL(file).href };
}

export function sarifLog(findings: readonly CheckedFinding[], rules: readonly RuleDescription[], cwd: string, version: string): object {
  // Rules by code, in code order; a finding of a rule the list lacks still gets an entry, so every ruleIndex resolves.
  const byCode = new Map<string, RuleDescription>();
  for (const rule of rules) byCode.set(rule.code, rule);
  for (const f of findings) {
    if (!byCode.has(f.code)) byCode.set(f.code, { id: f.rule, code: f.code, title: f.message });
  }
  const ordered = [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  const ruleIndex = new Map(ordered.map((rule, i) => [rule.code, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Span Lens',
            version,
            semanticVersion: version,
            informationUri: 'https://github.com/span-lens/span-lens',
            rules: ordered.map((rule) => ({
              id: rule.code,
              name: ruleName(rule.id),
              shortDescription: { text: rule.title },
              fullDescription: { text: `${rule.title} (${rule.id})` },
              helpUri: staticCheckDocsUrl(rule.code, rule.id),
              help: { text: `See ${staticCheckDocsUrl(rule.code, rule.id)}` },
              defaultConfiguration: { level: 'warning' },
              properties: { tags: ['opentelemetry', 'tracing', 'go'], spanLensRule: rule.id },
            })),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href } },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => {
          const location = artifactLocation(f.file, cwd);
          const preferred = f.fixes.find((fix) => fix.preferred) ?? f.fixes[0];
          return {
            ruleId: f.code,
            ruleIndex: ruleIndex.get(f.code),
            level: 'warning',
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: location,
                  region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
                },
              },
            ],
            ...(preferred
              ? {
                  fixes: [
                    {
                      description: { text: preferred.title },
                      artifactChanges: [
                        {
                          artifactLocation: location,
                          replacements: preferred.edits.map((edit) => ({
                            deletedRegion: { charOffset: edit.start, charLength: edit.end - edit.start },
                            insertedContent: { text: edit.newText },
                          })),
                        },
                      ],
                    },
                  ],
                }
              : {}),
          };
        }),
      },
    ],
  };
}

export function formatSarif(findings: readonly CheckedFinding[], rules: readonly RuleDescription[], cwd: string, version: string): string {
  return `${JSON.stringify(sarifLog(findings, rules, cwd, version), null, 2)}\n`;
}
