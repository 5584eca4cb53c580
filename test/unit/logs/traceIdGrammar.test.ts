/**
 * The injection grammar highlights what the scanner links: each pattern, compiled as a JS RegExp (the grammar uses
 * only syntax Oniguruma and JavaScript read alike), run line by line as TextMate does, must mark exactly the trace
 * ids the scanner finds in the shared cases.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expectedOffsets, TRACE_ID_CASES } from './traceIdCases';

interface Capture {
  name: string;
}
interface Rule {
  match: string;
  name?: string;
  captures?: Record<string, Capture>;
}
interface Grammar {
  scopeName: string;
  injectionSelector: string;
  patterns: { include: string }[];
  repository: Record<string, Rule>;
}

const TRACE_ID_SCOPE = 'constant.other.trace-id.span-lens';
// Compiled to out/test/unit/logs/: the repository root is four levels up.
const grammarPath = path.resolve(__dirname, '../../../../syntaxes/trace-ids.injection.tmLanguage.json');
const grammar = JSON.parse(readFileSync(grammarPath, 'utf8')) as Grammar;

const rules = grammar.patterns.map(({ include }) => {
  const rule = grammar.repository[include.replace(/^#/, '')];
  assert.ok(rule, `${include} is in the repository`);
  return rule;
});

/** Ranges the grammar gives the trace-id scope, in text offsets; a TextMate scan resumes after each match. */
function highlighted(text: string): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  let lineStart = 0;
  for (const line of text.split('\n')) {
    let position = 0;
    const compiled = rules.map((rule) => new RegExp(rule.match, 'dg'));
    while (position <= line.length) {
      // TextMate takes the pattern matching earliest (the first listed on a tie).
      let best: { match: RegExpExecArray; rule: Rule } | undefined;
      compiled.forEach((regex, index) => {
        regex.lastIndex = position;
        const match = regex.exec(line);
        if (match && (!best || match.index < best.match.index)) {
          best = { match, rule: rules[index] };
        }
      });
      if (!best) {
        break;
      }
      for (const [group, capture] of Object.entries(best.rule.captures ?? {})) {
        const indices = best.match.indices?.[Number(group)];
        if (capture.name === TRACE_ID_SCOPE && indices) {
          ranges.push({ start: lineStart + indices[0], end: lineStart + indices[1] });
        }
      }
      position = best.match.index + Math.max(1, best.match[0].length);
    }
    lineStart += line.length + 1;
  }
  return ranges;
}

describe('syntaxes/trace-ids.injection.tmLanguage.json', () => {
  it('is an injection into log files with the agreed scope names', () => {
    assert.equal(grammar.scopeName, 'span-lens.trace-ids.injection');
    assert.equal(grammar.injectionSelector, 'L:text.log');
    assert.equal(grammar.repository.traceparent.name, 'constant.other.traceparent.span-lens');
    for (const rule of rules) {
      assert.ok(Object.values(rule.captures ?? {}).some((c) => c.name === TRACE_ID_SCOPE), rule.match);
    }
  });

  it('uses no Oniguruma-only syntax (\\h, inline flags, possessive or atomic groups, \\A \\z \\G)', () => {
    for (const rule of rules) {
      assert.doesNotMatch(rule.match, /\\[hHAzZG]|\(\?[imx]+[:)]|\(\?>|[*+?}]\+/, rule.match);
    }
  });

  for (const c of TRACE_ID_CASES) {
    it(`marks the same ids as the scanner: ${c.title}`, () => {
      assert.deepEqual(
        highlighted(c.text),
        expectedOffsets(c).map(({ start, end }) => ({ start, end })),
      );
    });
  }
});
