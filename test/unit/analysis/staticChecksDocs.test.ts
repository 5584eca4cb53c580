import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_GO_RULES } from '../../../src/core/analysis/rules';
import { STATIC_CHECKS_DOC, staticCheckDocsUrl, staticCheckHeading } from '../../../src/core/analysis/checkDocs';
import { headingAnchor } from '../../../src/extension/findings/findingText';

const root = path.join(__dirname, '..', '..', '..', '..');
const doc = fs.readFileSync(path.join(root, 'docs', 'static-checks.md'), 'utf8');
const headings = [...doc.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]);

describe('docs/static-checks.md', () => {
  it('has a section for every rule, at the anchor its Problems code and SARIF helpUri link to', () => {
    const anchors = new Set(headings.map(headingAnchor));
    for (const rule of ALL_GO_RULES) {
      const url = staticCheckDocsUrl(rule.code, rule.id);
      assert.ok(url.startsWith(`${STATIC_CHECKS_DOC}#`), url);
      const anchor = url.slice(url.indexOf('#') + 1);
      assert.ok(anchors.has(anchor), `docs/static-checks.md has a "${staticCheckHeading(rule.code, rule.id)}" section (#${anchor})`);
      const section = doc.slice(doc.indexOf(`## ${staticCheckHeading(rule.code, rule.id)}`)).split('\n## ')[0];
      for (const part of ['**Finds:**', '**Why it breaks the trace:**', '**Fix:**', '**Quiet when:**', '```go']) {
        assert.ok(section.includes(part), `${rule.code} section has ${part}`);
      }
    }
  });

  it('documents no rule that is not registered', () => {
    const documented = headings.filter((h) => /^SL\d+ /.test(h));
    const registered = ALL_GO_RULES.map((rule) => staticCheckHeading(rule.code, rule.id));
    assert.deepEqual([...documented].sort(), [...registered].sort());
  });

  it('turns rule ids with a slash into GitHub anchors', () => {
    assert.equal(
      staticCheckDocsUrl('SL204', 'go/http-uninstrumented-client'),
      `${STATIC_CHECKS_DOC}#sl204-gohttp-uninstrumented-client`,
    );
  });
});
