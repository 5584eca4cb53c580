import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FINDING_CODES, FINDING_KINDS } from '../../../../src/core/propagation';
import type { Finding, FindingKind } from '../../../../src/core/propagation';
import { BROKEN_LINKS_DOC, docsHeading, docsUrl, findingsByLine, headingAnchor, offsetText, warningText } from '../../../../src/extension/findings/findingText';

const root = path.join(__dirname, '..', '..', '..', '..', '..');

function finding(kind: FindingKind, file: string, line: number, confidence = 0.5): Finding {
  return {
    id: `${kind}:${file}:${line}`,
    kind,
    code: FINDING_CODES[kind],
    location: { file, line, via: 'span-name' },
    message: 'm',
    why: 'w',
    confidence,
    occurrences: 1,
    traceIds: [],
    evidence: [],
    firstSeenUnixMs: 0,
    lastSeenUnixMs: 0,
  };
}

describe('extension/findings/findingText', () => {
  it('says where the trace breaks and what happened, naming the most certain finding first', () => {
    assert.equal(warningText([finding('disconnected-server', '/a.go', 3)]), '⚠ trace breaks here · downstream started a new trace');
    assert.equal(
      warningText(findingsByLine([finding('orphan-span', '/a.go', 3, 0.3), finding('detached-async', '/a.go', 3, 0.9)], '/a.go').get(3) ?? []),
      '⚠ trace breaks here · goroutine left the request trace (+1 more)',
    );
    assert.equal(warningText([]), '');
  });

  it('groups a file’s findings by line and leaves other files and unmapped findings out', () => {
    const unmapped = { ...finding('orphan-span', '/a.go', 1), location: undefined };
    const lines = findingsByLine([finding('orphan-span', '/a.go', 7), finding('silent-service', '/b.go', 7), unmapped, finding('canceled-context', '/a.go', 9)], '/a.go');
    assert.deepEqual([...lines.keys()].sort(), [7, 9]);
    assert.deepEqual(lines.get(7)?.map((f) => f.kind), ['orphan-span']);
  });

  it('links every kind to a section of docs/broken-links.md that explains it', () => {
    const doc = fs.readFileSync(path.join(root, 'docs', 'broken-links.md'), 'utf8');
    const anchors = new Set([...doc.matchAll(/^#+ (.+)$/gm)].map((m) => headingAnchor(m[1])));
    for (const kind of FINDING_KINDS) {
      const url = docsUrl(kind, FINDING_CODES[kind]);
      assert.ok(url.startsWith(`${BROKEN_LINKS_DOC}#`), url);
      const anchor = url.slice(url.indexOf('#') + 1);
      assert.ok(anchors.has(anchor), `docs/broken-links.md has a "${docsHeading(kind, FINDING_CODES[kind])}" section (#${anchor})`);
      const section = doc.slice(doc.indexOf(`## ${docsHeading(kind, FINDING_CODES[kind])}`)).split('\n## ')[0];
      for (const part of ['**Evidence:**', '**Blamed line:**', '**Usual cause:**', '**Fix:**']) {
        assert.ok(section.includes(part), `${kind} section has ${part}`);
      }
    }
  });

  it('makes GitHub heading anchors', () => {
    assert.equal(headingAnchor('SL102 disconnected-server'), 'sl102-disconnected-server');
    assert.equal(headingAnchor('Broken links: where a trace breaks, and why'), 'broken-links-where-a-trace-breaks-and-why');
  });

  it('times one span from another with a sign', () => {
    assert.equal(offsetText(3.14), '+3.1 ms');
    assert.equal(offsetText(-1200), '−1.2 s');
  });
});
