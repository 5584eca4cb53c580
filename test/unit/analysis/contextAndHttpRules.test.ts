import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits } from '../../../src/core/analysis/goEdits';
import type { StaticFinding } from '../../../src/core/analysis/types';
import {
  analyzeFile,
  applyFixesAndBuild,
  checkPackage,
  FIXTURE_MODULE,
  FIXTURE_MODULE_GO120,
  fixJobs,
  REPO_ROOT,
} from './support/wantHarness';

const OWN_CODES = new Set(['SL201', 'SL202', 'SL203', 'SL204', 'SL213']);

interface PackageCase {
  dir: string;
  /** What the text at each finding's range must look like, per code. */
  ranges: Record<string, RegExp>;
  /** Every fix's replacement must contain one of these. */
  fixText: RegExp;
}

const RANGES = {
  SL201: /^context\.(?:Background|TODO)\(\)$/,
  SL202: /^(?:\w+|\w+\.Context\(\)|\w+\.Request\.Context\(\))$/,
  SL203: /^http\.NewRequest$/,
  SL204: /^(?:http\.(?:Get|Post|Head|PostForm|DefaultClient)|http\.Client\{[\s\S]*\})$/,
};

const CASES: PackageCase[] = [
  { dir: path.join(FIXTURE_MODULE, 'goroutinebg'), ranges: RANGES, fixText: /context\.WithoutCancel\((?:ctx|r\.Context\(\)|c\.Request\.Context\(\))\)/ },
  { dir: path.join(FIXTURE_MODULE, 'goroutinereq'), ranges: RANGES, fixText: /context\.WithoutCancel\(/ },
  { dir: path.join(FIXTURE_MODULE, 'newrequest'), ranges: RANGES, fixText: /NewRequestWithContext|otelhttp\.NewTransport/ },
  { dir: path.join(FIXTURE_MODULE, 'httpclient'), ranges: RANGES, fixText: /otelhttp\.NewTransport\(http\.DefaultTransport\)/ },
  { dir: path.join(FIXTURE_MODULE_GO120, 'worker'), ranges: RANGES, fixText: /trace\.ContextWithSpan\(context\.Background\(\), trace\.SpanFromContext\((?:ctx)\)\)/ },
  { dir: path.join(REPO_ROOT, 'test/fixtures/analysis/gomodnoprop'), ranges: { SL213: /^otel\.SetTracerProvider\(provider\)$/ }, fixText: /SetTextMapPropagator/ },
  { dir: path.join(FIXTURE_MODULE, 'telemetry'), ranges: {}, fixText: /^$/ },
];

describe('Go rules SL201–SL204, SL213 on their fixture packages', function () {
  this.timeout(600_000);

  for (const testCase of CASES) {
    const name = path.relative(path.join(REPO_ROOT, 'test/fixtures/analysis'), testCase.dir);

    describe(name, () => {
      let findings: StaticFinding[] = [];

      before(async () => {
        const check = await checkPackage(testCase.dir);
        assert.deepEqual(check.problems, [], `findings and // want markers differ in ${name}`);
        findings = check.findings;
      });

      it('reports exactly the marked lines, each with a precise range and one fix', () => {
        for (const finding of findings) {
          const text = fs.readFileSync(finding.file, 'utf8');
          const ranged = text.slice(finding.start, finding.end);
          const pattern = testCase.ranges[finding.code];
          if (pattern) assert.match(ranged, pattern, `${finding.code} at line ${finding.line}`);
          const lineText = text.split('\n')[finding.line - 1];
          assert.equal(lineText.slice(finding.column - 1, finding.column - 1 + Math.min(ranged.length, 10)), ranged.slice(0, 10), 'column points at the range start');
          assert.ok(!finding.message.includes('\n') && /\.$/.test(finding.message), 'one sentence');
          assert.ok(finding.fixes.length >= 1 && finding.fixes.some((f) => f.preferred));
          for (const fix of finding.fixes) assert.ok(fix.edits.some((e) => testCase.fixText.test(e.newText)), `${fix.title}: ${JSON.stringify(fix.edits)}`);
        }
      });

      it('every fix keeps the file gofmt-clean and the module building and vetting, and removes its finding', async () => {
        const jobs = fixJobs(findings.filter((f) => OWN_CODES.has(f.code)));
        const results = await applyFixesAndBuild(jobs);
        for (const [index, result] of results.entries()) {
          const { finding, fix } = jobs[index];
          const where = `${finding.code} at ${path.basename(finding.file)}:${finding.line} (${fix.title})`;
          assert.equal(result.gofmt, '', `${where}: gofmt -l lists the file\n${result.text}`);
          assert.equal(result.build.trim(), '', `${where}: go build\n${result.build}`);
          assert.ok(result.ok, `${where}: go vet\n${result.vet}`);
          const after = await analyzeFile(finding.file, { text: applyEdits(fs.readFileSync(finding.file, 'utf8'), fix.edits) });
          const sameLine = (f: StaticFinding) => f.code === finding.code && f.line === finding.line;
          assert.equal(after.filter(sameLine).length, findings.filter((f) => f.file === finding.file && sameLine(f)).length - 1, `${where}: the finding is still reported`);
        }
      });
    });
  }
});
