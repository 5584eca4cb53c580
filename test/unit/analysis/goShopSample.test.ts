import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { fixesForLiveFinding } from '../../../src/core/analysis/dynamicFixes';
import { GoAnalyzer } from '../../../src/core/analysis/goAnalyzer';
import { applyEdits } from '../../../src/core/analysis/goEdits';
import { listModuleGoFiles, moduleFactsForRoot, readGoModuleInfo } from '../../../src/core/analysis/moduleFacts';
import type { Fix, StaticFinding } from '../../../src/core/analysis/types';
import type { FindingKind } from '../../../src/core/propagation/findingTypes';
import { applyFixesAndBuild, REPO_ROOT, treeSitter } from './support/wantHarness';

const SHOP = path.join(REPO_ROOT, 'samples/go-shop');
const SERVICE = path.join(SHOP, 'internal/order/service.go');
const INVENTORY_CLIENT = path.join(SHOP, 'internal/order/inventory_client.go');
const OWN_CODES = new Set(['SL201', 'SL202', 'SL203', 'SL204', 'SL213']);

/** 1-based line of the one line holding `needle`. */
function lineOf(file: string, needle: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  assert.equal(hits.length, 1, `exactly one line of ${path.basename(file)} holds ${needle}`);
  return hits[0];
}

describe('Go analysis on samples/go-shop', function () {
  this.timeout(300_000);
  const analyzer = new GoAnalyzer(treeSitter());
  const facts = moduleFactsForRoot(SHOP);
  const module = readGoModuleInfo(SHOP);
  let findings: StaticFinding[] = [];

  before(async () => {
    await treeSitter().load('go');
    for (const file of listModuleGoFiles(SHOP)) findings.push(...(await analyzer.analyze(file, fs.readFileSync(file, 'utf8'), module, facts)));
    findings = findings.filter((f) => OWN_CODES.has(f.code));
  });

  it('reports the deliberate faults and nothing on the correct code', () => {
    const got = findings.map((f) => `${f.code} ${path.relative(SHOP, f.file)}:${f.line}`).sort();
    const want = [
      `SL201 internal/order/service.go:${lineOf(SERVICE, 'go s.audit(context.Background(), o)')}`,
      `SL204 internal/order/inventory_client.go:${lineOf(INVENTORY_CLIENT, 'http.DefaultClient.Do(req)')}`,
    ].sort();
    assert.deepEqual(got, want);
    assert.ok(facts.moduleCallsSetTextMapPropagator && facts.moduleCallsSetTracerProvider, 'the module sets both: SL213 stays quiet');
  });

  it('the static fixes build in a copy of the sample', async () => {
    const jobs = findings.flatMap((f) => f.fixes.map((fix) => ({ file: f.file, fix })));
    const results = await applyFixesAndBuild(jobs);
    for (const result of results) assert.ok(result.ok, `${result.gofmt}\n${result.build}\n${result.vet}`);
    const audit = jobs.find((j) => j.file === SERVICE)!;
    assert.match(applyEdits(fs.readFileSync(SERVICE, 'utf8'), audit.fix.edits), /go s\.audit\(context\.WithoutCancel\(ctx\), o\)/);
  });

  describe('fixes for live findings at their blamed line', () => {
    const liveFixes = (kind: FindingKind, file: string, line: number): Fix[] =>
      analyzer.withGoFile(file, fs.readFileSync(file, 'utf8'), module, facts, (goFile) => fixesForLiveFinding(kind, goFile, line));
    const lineAfterFix = (file: string, fix: Fix, line: number) => applyEdits(fs.readFileSync(file, 'utf8'), fix.edits).split('\n')[line - 1].trim();

    it('canceled-context: WithoutCancel on the `go s.loyalty(ctx, o)` line, which SL202 cannot prove request-scoped', async () => {
      const line = lineOf(SERVICE, 'go s.loyalty(ctx, o)');
      assert.equal(findings.filter((f) => f.file === SERVICE && f.line === line).length, 0, 'the static rule stays quiet there');
      const fixes = liveFixes('canceled-context', SERVICE, line);
      assert.equal(fixes.length, 1);
      assert.ok(fixes[0].preferred);
      assert.equal(lineAfterFix(SERVICE, fixes[0], line), 'go s.loyalty(context.WithoutCancel(ctx), o)');
      const [built] = await applyFixesAndBuild([{ file: SERVICE, fix: fixes[0] }]);
      assert.ok(built.ok, `${built.gofmt}\n${built.build}\n${built.vet}`);
    });

    it('detached-async: the same fix as SL201 on the `go s.audit(context.Background(), o)` line', () => {
      const line = lineOf(SERVICE, 'go s.audit(context.Background(), o)');
      const fixes = liveFixes('detached-async', SERVICE, line);
      assert.equal(fixes.length, 1);
      assert.equal(lineAfterFix(SERVICE, fixes[0], line), 'go s.audit(context.WithoutCancel(ctx), o)');
      const staticFix = findings.find((f) => f.file === SERVICE && f.line === line)!.fixes[0];
      assert.deepEqual(fixes[0], staticFix);
    });

    it('uninstrumented-client: an otelhttp client on the http.DefaultClient line', () => {
      const line = lineOf(INVENTORY_CLIENT, 'http.DefaultClient.Do(req)');
      const fixes = liveFixes('uninstrumented-client', INVENTORY_CLIENT, line);
      assert.equal(fixes.length, 1);
      assert.match(lineAfterFix(INVENTORY_CLIENT, fixes[0], line), /^resp, err = \(&http\.Client\{Transport: otelhttp\.NewTransport\(http\.DefaultTransport\)\}\)\.Do\(req\)$/);
    });

    it('no fix where the blamed line does not match the pattern, nor a propagator fix when the module sets one', () => {
      assert.deepEqual(liveFixes('canceled-context', SERVICE, lineOf(SERVICE, 'go s.audit(context.WithoutCancel(ctx), o)')), []);
      assert.deepEqual(liveFixes('uninstrumented-client', INVENTORY_CLIENT, lineOf(INVENTORY_CLIENT, 'resp, err = c.http.Do(req)')), []);
      const telemetry = path.join(SHOP, 'internal/telemetry/telemetry.go');
      assert.deepEqual(liveFixes('disconnected-server', telemetry, lineOf(telemetry, 'otel.SetTracerProvider(provider)')), []);
    });

    it('disconnected-server in a module without a propagator: the propagator set after the provider', async () => {
      const file = path.join(REPO_ROOT, 'test/fixtures/analysis/gomodnoprop/main.go');
      const text = fs.readFileSync(file, 'utf8');
      const noPropagator = moduleFactsForRoot(path.dirname(file));
      const fixes = analyzer.withGoFile(file, text, readGoModuleInfo(file), noPropagator, (goFile) => fixesForLiveFinding('disconnected-server', goFile, 1));
      assert.equal(fixes.length, 1);
      assert.match(applyEdits(text, fixes[0].edits), /otel\.SetTracerProvider\(provider\)[^\n]*\n\totel\.SetTextMapPropagator\(propagation\.NewCompositeTextMapPropagator\(propagation\.TraceContext\{\}, propagation\.Baggage\{\}\)\)\n/);
      const [built] = await applyFixesAndBuild([{ file, fix: fixes[0] }]);
      assert.ok(built.ok, `${built.gofmt}\n${built.build}\n${built.vet}`);
    });
  });
});
