/**
 * The checker's cache: a second pass over unchanged files parses none of them and finds the same; an edited file is
 * checked again, alone, unless the edit changes a module-wide fact.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GoAnalyzer } from '../../../src/core/analysis';
import { TreeSitter } from '../../../src/core/source/treeSitter';
import { GoChecker, overlaySources } from '../../../src/core/analysis/goChecker';
import { listGoFiles } from '../../../src/core/analysis/goFiles';

const FIXTURE = path.resolve(__dirname, '../../../../test/fixtures/check-cli');

describe('spanlens check: the checker cache', function () {
  this.timeout(30_000);
  let dir: string;
  let treeSitter: TreeSitter;
  let checker: GoChecker;
  let files: string[];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'spanlens-check-'));
    cpSync(FIXTURE, dir, { recursive: true });
    treeSitter = new TreeSitter();
    checker = new GoChecker(new GoAnalyzer(treeSitter));
    files = await listGoFiles(['.'], dir);
  });

  afterEach(() => {
    treeSitter.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the module files the go tool would build, skipping vendor, testdata and hidden directories', () => {
    assert.deepEqual(
      files.map((file) => path.relative(dir, file)),
      ['clean/clean.go', 'client/client.go'],
    );
  });

  it('parses nothing on a second pass over unchanged files, and finds the same', async () => {
    const first = await checker.check(files);
    assert.deepEqual(checker.lastStats, { files: 2, analyzed: 2 });
    const second = await checker.check(files);
    assert.deepEqual(checker.lastStats, { files: 2, analyzed: 0 });
    assert.deepEqual(second, first);
    assert.equal(first.length, 2);
  });

  it('checks an edited file again, and only that one', async () => {
    await checker.check(files);
    const clean = path.join(dir, 'clean/clean.go');
    writeFileSync(clean, 'package clean\n\nimport "net/http"\n\nfunc Ping(url string) { _, _ = http.Get(url) }\n');
    const findings = await checker.check(files);
    assert.deepEqual(checker.lastStats, { files: 2, analyzed: 1 });
    assert.deepEqual(
      findings.map((f) => [path.relative(dir, f.file), f.code]),
      [
        ['clean/clean.go', 'SL204'],
        ['client/client.go', 'SL204'],
        ['client/client.go', 'SL204'],
      ],
    );
  });

  it('checks an unsaved buffer instead of the file on disk', async () => {
    const client = path.join(dir, 'client/client.go');
    const buffer = 'package client\n\nfunc Nothing() {}\n';
    assert.deepEqual(await checker.checkText(client, buffer), []);
    const findings = await checker.check(files, overlaySources((file) => (file === client ? buffer : undefined)));
    assert.deepEqual(findings, []);
    assert.equal((await checker.check(files)).length, 2, 'the disk still has both faults');
  });

  it('reports each range end as a line and column', async () => {
    const [finding] = await checker.check(files);
    assert.ok(finding.endLine > finding.line || (finding.endLine === finding.line && finding.endColumn > finding.column));
  });
});
