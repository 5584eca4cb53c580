import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits } from '../../../../src/core/analysis/goEdits';
import type { GoRule } from '../../../../src/core/analysis/goRule';
import type { StaticFinding } from '../../../../src/core/analysis/types';
import { analyzeFile, applyFixesAndBuild, checkPackage, FIXTURE_MODULE, fixJobs, REPO_ROOT } from './wantHarness';

export const GO_SHOP = path.join(REPO_ROOT, 'samples/go-shop');

/** Every non-test .go file under a directory. */
export function goFilesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...goFilesUnder(full));
    else if (entry.name.endsWith('.go') && !entry.name.endsWith('_test.go')) files.push(full);
  }
  return files.sort();
}

export interface RuleSuiteOptions {
  /** Lines (`file.go:line`) whose finding offers no fix on purpose. */
  unfixable?: string[];
}

/**
 * The checks every rule gets: its fixture package's `// want` markers match exactly, each finding offers one
 * preferred fix, every fix leaves the module gofmt-clean and building and vetting, the preferred fix makes
 * that finding go away, and the correct samples/go-shop code raises nothing.
 */
export function describeRuleSuite(rule: GoRule, fixtureDir: string, options: RuleSuiteOptions = {}): void {
  const pkgDir = path.join(FIXTURE_MODULE, fixtureDir);
  const where = (f: StaticFinding) => `${path.basename(f.file)}:${f.line}`;

  describe(`${rule.code} ${rule.id}`, function () {
    this.timeout(600_000);
    let findings: StaticFinding[] = [];

    before(async () => {
      const check = await checkPackage(pkgDir, { rules: [rule] });
      assert.deepEqual(check.problems, [], 'findings and // want markers differ');
      findings = check.findings;
    });

    it('finds exactly the marked lines, with the rule code, a one-sentence message and a precise range', () => {
      assert.ok(findings.length > 0, 'the fixture has faults to find');
      for (const finding of findings) {
        assert.equal(finding.code, rule.code);
        assert.equal(finding.rule, rule.id);
        assert.match(finding.message, /^[A-Z`*][^\n]*\.$/, finding.message);
        assert.equal(finding.message.split(/\.\s/).length, 1, `one sentence: ${finding.message}`);
        const text = fs.readFileSync(finding.file, 'utf8');
        const covered = text.slice(finding.start, finding.end);
        assert.ok(covered.length > 0 && !covered.includes('\n\n') && covered.trim() === covered, `range ${where(finding)}: ${JSON.stringify(covered)}`);
      }
    });

    it('offers one preferred fix per finding (where a fix is possible)', () => {
      for (const finding of findings) {
        if (options.unfixable?.includes(where(finding))) {
          assert.equal(finding.fixes.length, 0, `${where(finding)} offers no fix`);
          continue;
        }
        assert.ok(finding.fixes.length > 0, `${where(finding)} has a fix`);
        assert.equal(finding.fixes.filter((f) => f.preferred).length, 1, `${where(finding)} has one preferred fix`);
      }
    });

    it('each preferred fix removes its finding and nothing else', async () => {
      for (const finding of findings) {
        const fix = finding.fixes.find((f) => f.preferred);
        if (!fix) continue;
        const before = findings.filter((f) => f.file === finding.file).length;
        const fixed = applyEdits(fs.readFileSync(finding.file, 'utf8'), fix.edits);
        const after = await analyzeFile(finding.file, { rules: [rule], text: fixed });
        assert.equal(after.length, before - 1, `after fixing ${where(finding)}: ${after.map(where).join(', ')}`);
      }
    });

    it('every fix leaves the module gofmt-clean, building and vetting', async () => {
      const jobs = fixJobs(findings);
      const results = await applyFixesAndBuild(jobs);
      results.forEach((result, i) => {
        const label = `${where(jobs[i].finding)} "${jobs[i].fix.title}"`;
        assert.equal(result.gofmt, '', `${label}: gofmt\n${result.text}`);
        assert.ok(result.ok, `${label}:\n${result.build}\n${result.vet}\n${result.text}`);
      });
    });

    it('raises nothing on the correct samples/go-shop code', async () => {
      const raised: string[] = [];
      for (const file of goFilesUnder(GO_SHOP)) {
        for (const finding of await analyzeFile(file, { rules: [rule] })) raised.push(`${path.relative(GO_SHOP, file)}:${finding.line} ${finding.message}`);
      }
      assert.deepEqual(raised, []);
    });
  });
}
