/**
 * `spanlens check` as a user or CI runs it: the compiled CLI as a child process over a small Go module with two
 * faults (an `http.Get` and an `http.DefaultClient.Do`) and the same fault in vendor/, testdata/ and a hidden
 * directory, which must be skipped.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from './cliProcess';

const MODULE = path.resolve(__dirname, '../../../../test/fixtures/check-cli');
const CLIENT = path.join(MODULE, 'client/client.go');
const DOCS = 'https://github.com/span-lens/span-lens/blob/main/docs/static-checks.md';

/** 1-based line and column where `needle` first appears in the fixture file. */
function positionOf(file: string, needle: string): { line: number; column: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(needle));
  assert.ok(index >= 0, `${needle} is in ${file}`);
  return { line: index + 1, column: lines[index].indexOf(needle) + 1 };
}

async function check(args: string[], cwd = MODULE): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = runCli(['check', ...args], cwd);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

interface JsonItem {
  rule: string;
  file: string;
  line: number;
  column: number;
  message: string;
  fixable: boolean;
}

describe('spanlens check', function () {
  this.timeout(30_000);
  const get = positionOf(CLIENT, 'http.Get(url)');
  const defaultClient = positionOf(CLIENT, 'http.DefaultClient.Do(req)');

  it('prints one file:line:column line per finding and exits 1; vendor, testdata and hidden directories are skipped', async () => {
    const { code, stdout, stderr } = await check([]);
    assert.equal(code, 1, stderr);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2, stdout);
    assert.match(lines[0], new RegExp(`^client/client\\.go:${get.line}:${get.column}: SL204 \\S.* \\[fixable\\]$`));
    assert.match(lines[1], new RegExp(`^client/client\\.go:${defaultClient.line}:${defaultClient.column}: SL204 \\S.* \\[fixable\\]$`));
    assert.doesNotMatch(stdout, /skipped\.go/);
    assert.match(stderr, /checked 2 Go files: 2 findings in 1 file/);
  });

  it('writes JSON items with rule, cwd-relative posix file, line, column, message and fixable', async () => {
    const { code, stdout } = await check(['--format', 'json']);
    assert.equal(code, 1);
    const items = JSON.parse(stdout) as JsonItem[];
    assert.equal(items.length, 2);
    for (const item of items) {
      assert.deepEqual(Object.keys(item).sort(), ['column', 'file', 'fixable', 'line', 'message', 'rule']);
      assert.equal(item.rule, 'SL204');
      assert.equal(item.file, 'client/client.go');
      assert.equal(item.fixable, true);
      assert.match(item.message, /^\S.*[.!]$/, 'one sentence');
    }
    assert.deepEqual(
      items.map((item) => [item.line, item.column]),
      [
        [get.line, get.column],
        [defaultClient.line, defaultClient.column],
      ],
    );
  });

  it('names files relative to the directory it runs in, with paths given explicitly', async () => {
    const { code, stdout } = await check(['--format=json', 'check-cli/client/client.go', 'check-cli/clean'], path.dirname(MODULE));
    assert.equal(code, 1);
    const items = JSON.parse(stdout) as JsonItem[];
    assert.deepEqual([...new Set(items.map((item) => item.file))], ['check-cli/client/client.go']);
  });

  it('checks a file named explicitly even inside a skipped directory', async () => {
    const { code, stdout } = await check(['--format', 'json', 'vendor/example.com/dep/skipped.go']);
    assert.equal(code, 1);
    assert.deepEqual(
      (JSON.parse(stdout) as JsonItem[]).map((item) => [item.rule, item.file]),
      [['SL204', 'vendor/example.com/dep/skipped.go']],
    );
  });

  it('exits 0 with nothing to report on clean code, in every format', async () => {
    const text = await check(['clean']);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, '');
    assert.match(text.stderr, /checked 1 Go files: no findings/);
    const json = await check(['clean', '--format', 'json']);
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout), []);
    const sarif = await check(['clean', '--format', 'sarif']);
    assert.equal(sarif.code, 0);
    assert.deepEqual((JSON.parse(sarif.stdout) as { runs: { results: unknown[] }[] }).runs[0].results, []);
  });

  for (const [args, message] of [
    [['--format', 'xml'], /--format must be one of text, json, sarif/],
    [['--format'], /--format needs a value/],
    [['--format', 'json', '--format', 'text'], /given twice/],
    [['--fix'], /unknown option --fix/],
    [['no/such/dir'], /no such file or directory: no\/such\/dir/],
  ] as const) {
    it(`exits 2 on bad usage: ${args.join(' ')}`, async () => {
      const { code, stdout, stderr } = await check([...args]);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, message);
    });
  }

  describe('SARIF 2.1.0', () => {
    interface SarifRegion {
      startLine: number;
      startColumn: number;
      endLine: number;
      endColumn: number;
    }
    interface SarifLog {
      $schema: string;
      version: string;
      runs: {
        tool: { driver: { name: string; version: string; informationUri: string; rules: { id: string; name: string; shortDescription: { text: string }; helpUri: string }[] } };
        originalUriBaseIds: Record<string, { uri: string }>;
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: SarifRegion } }[];
          fixes?: { description: { text: string }; artifactChanges: { artifactLocation: { uri: string }; replacements: { deletedRegion: { charOffset: number; charLength: number }; insertedContent: { text: string } }[] }[] }[];
        }[];
      }[];
    }

    let log: SarifLog;
    before(async () => {
      const { code, stdout } = await check(['--format', 'sarif']);
      assert.equal(code, 1);
      log = JSON.parse(stdout) as SarifLog;
    });

    it('is a 2.1.0 log with one run', () => {
      assert.equal(log.version, '2.1.0');
      assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
      assert.equal(log.runs.length, 1);
    });

    it('describes the tool and every rule: id, name, short description, help URI into the docs', () => {
      const driver = log.runs[0].tool.driver;
      assert.equal(driver.name, 'Span Lens');
      assert.match(driver.version, /^\d+\.\d+\.\d+/);
      assert.ok(driver.rules.length >= 1);
      const ids = driver.rules.map((rule) => rule.id);
      assert.deepEqual(ids, [...new Set(ids)].sort(), 'unique, in code order');
      for (const rule of driver.rules) {
        assert.match(rule.id, /^SL2\d\d$/);
        assert.match(rule.name, /^[A-Z][A-Za-z0-9]+$/);
        assert.ok(rule.shortDescription.text.length > 0);
        assert.ok(rule.helpUri.startsWith(`${DOCS}#${rule.id.toLowerCase()}-go`), rule.helpUri);
      }
      assert.ok(ids.includes('SL204'));
    });

    it('reports each finding as a warning at its file and exact region, with its rule index', () => {
      const run = log.runs[0];
      assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, `file://${MODULE}/`);
      assert.equal(run.results.length, 2);
      const expected = [get, defaultClient];
      const source = readFileSync(CLIENT, 'utf8').split('\n');
      run.results.forEach((result, i) => {
        assert.equal(result.ruleId, 'SL204');
        assert.equal(run.tool.driver.rules[result.ruleIndex].id, 'SL204');
        assert.equal(result.level, 'warning');
        assert.ok(result.message.text.length > 0);
        assert.equal(result.locations.length, 1);
        const { artifactLocation, region } = result.locations[0].physicalLocation;
        assert.deepEqual(artifactLocation, { uri: 'client/client.go', uriBaseId: '%SRCROOT%' });
        assert.equal(region.startLine, expected[i].line);
        assert.equal(region.startColumn, expected[i].column);
        assert.ok(region.endLine >= region.startLine);
        // The region covers the faulty call: it starts with the client it uses.
        const covered = source[region.startLine - 1].slice(region.startColumn - 1, region.endLine === region.startLine ? region.endColumn - 1 : undefined);
        assert.match(covered, /^http\.(Get|DefaultClient)/);
      });
    });

    it('carries the preferred fix as replacements in the same file', () => {
      for (const result of log.runs[0].results) {
        assert.ok(result.fixes && result.fixes.length === 1);
        const [fix] = result.fixes;
        assert.ok(fix.description.text.length > 0);
        assert.equal(fix.artifactChanges[0].artifactLocation.uri, 'client/client.go');
        assert.ok(fix.artifactChanges[0].replacements.length > 0);
        assert.ok(fix.artifactChanges[0].replacements.some((r) => r.insertedContent.text.includes('otelhttp')));
      }
    });
  });
});
