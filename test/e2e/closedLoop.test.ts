/**
 * The closed loop, end to end: a private copy of go-shop run with a deliberate tracing fault yields the live finding
 * on the faulty line of the copy; the fix the product offers for that finding (the editor's code: GoAnalyzer and
 * fixesForLiveFinding over the copy's file) is applied, and the copy must stay gofmt-clean, build and vet; rebuilt
 * and run with the same fault, the shop yields no finding at all and its traces are whole again.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FindingKind } from '../../src/core/propagation';
import { SpanLensReport } from './support/cli';
import { GoShopBinaries } from './support/goBuild';
import { TrafficSummary } from './support/goShop';
import { findCode, findSpanStart, SpanStart } from './support/goSource';
import { GoChecks, runGoChecks } from './support/goChecks';
import { limited } from './support/limited';
import { OfferedFixes, offeredFixes, staticFindingsOf } from './support/offeredFix';
import { buildShopCopy, copyGoShop } from './support/shopCopy';
import { runShopSession, ShopRun } from './support/shopRun';
import { applyTextEdits, linesTouched } from './support/textEdits';

interface LoopCase {
  /** SHOP_FAULT, kept the same before and after the fix: the fix must repair the code the fault selects. */
  fault: string;
  kind: FindingKind;
  /** The faulty code, found in the copy to know the line the finding must name. */
  faultyCode: string;
  /** Beyond "no finding": what the rerun's traces show once the fault is repaired. */
  healed: string;
  showsHealed(run: ShopRun, copy: string): void;
}

const placed = (traffic: TrafficSummary): number => traffic.orders.byStatus['201'] ?? 0;
const visits = (traffic: TrafficSummary): number => traffic.orders.sent + traffic.lookups.sent;

function locationOf(report: SpanLensReport, at: SpanStart): SpanLensReport['locations'][number] | undefined {
  return report.locations.find((l) => l.file === at.file && l.line === at.line);
}

const cases: LoopCase[] = [
  {
    fault: 'default-client',
    kind: 'uninstrumented-client',
    faultyCode: 'http.DefaultClient.Do(',
    healed: "the inventory's spans join the order's trace",
    showsHealed: ({ report, traffic }) => {
      assert.ok(report.services.includes('inventory-service'), `services: ${report.services.join(', ')}`);
      assert.equal(report.traces, visits(traffic));
    },
  },
  {
    fault: 'background-goroutine',
    kind: 'detached-async',
    faultyCode: 'go s.audit(context.Background()',
    healed: 'the audit stays in the order trace',
    showsHealed: ({ report, traffic }, copy) => {
      assert.equal(locationOf(report, findSpanStart(copy, 'order.audit'))?.count, placed(traffic));
      assert.equal(report.traces, visits(traffic));
    },
  },
  {
    fault: 'canceled-context',
    kind: 'canceled-context',
    faultyCode: 'go s.loyalty(ctx,',
    healed: 'every loyalty credit succeeds',
    showsHealed: ({ report, traffic }, copy) => {
      const loyalty = locationOf(report, findSpanStart(copy, 'order.loyalty'));
      assert.ok(loyalty, 'order.loyalty spans arrived');
      assert.equal(loyalty.count, placed(traffic));
      assert.equal(loyalty.errors, 0);
      assert.equal(report.traces, visits(traffic));
    },
  },
];

/** A short, fixed burst: enough repetitions for a confident finding, no deliberate failures to muddy the traces. */
const TRAFFIC = ['-n', '30', '-rate', '50', '-concurrency', '4', '-invalid', '0', '-unknown', '0', '-lookup', '0'];

/** `kind file:line` of every finding in a report. */
const findingsOf = (report: SpanLensReport): string[] => report.findings.map((f) => `${f.kind} ${f.file ?? '(unmapped)'}:${f.line ?? '-'}`).sort();

function assertServed(run: ShopRun): void {
  assert.equal(run.traffic.orders.byStatus.transport ?? 0, 0, 'every order got an HTTP answer');
  assert.ok(placed(run.traffic) > 0, `orders were placed: ${JSON.stringify(run.traffic.orders.byStatus)}`);
  assert.equal(run.report.dropped, 0);
}

interface FaultyStage {
  copy: string;
  bins: GoShopBinaries;
  /** The faulty line in the copy. */
  at: SpanStart;
  run: ShopRun;
}

interface FixedStage {
  offered: OfferedFixes;
  /** The file's text once the chosen fix is applied (as saved to the copy). */
  edited: string;
  checks: GoChecks;
  /** `code` of each static finding of the edited file. */
  staticCodesAfter: string[];
}

/** Applies the fix a user would take for the live finding, saves the file and runs gofmt, go build and go vet. */
async function applyOfferedFix(loop: LoopCase, { copy, at }: FaultyStage): Promise<FixedStage> {
  const file = path.join(copy, at.file);
  const offered = await offeredFixes(file, loop.kind, at.line);
  if (!offered.chosen) {
    throw new Error(`no fix offered for ${loop.kind} at ${at.file}:${at.line}; static findings: ${JSON.stringify(offered.staticFindings.map((f) => `${f.code}:${f.line}`))}`);
  }
  const edited = applyTextEdits(offered.text, offered.chosen.fix.edits);
  writeFileSync(file, edited);
  const checks = await runGoChecks(copy, at.file);
  const staticCodesAfter = (await staticFindingsOf(file)).map((f) => f.code).sort();
  return { offered, edited, checks, staticCodesAfter };
}

type Outcome<T> = { value: T } | { error: unknown };
const settle = <T>(promise: Promise<T>): Promise<Outcome<T>> => promise.then((value) => ({ value }), (error: unknown) => ({ error }));

/** The stage's value, or its failure rethrown (a later stage fails with the earliest failure of its chain). */
async function valueOf<T>(outcome: Outcome<T> | Promise<Outcome<T>> | undefined): Promise<T> {
  const settled = await outcome;
  assert.ok(settled, 'the stage never started');
  if ('error' in settled) {
    throw settled.error;
  }
  return settled.value;
}

describe('closed loop on a go-shop copy: live finding, offered fix applied, rebuilt, finding gone', function () {
  let scratch: string | undefined;
  const faulty = new Map<string, Promise<Outcome<FaultyStage>>>();
  const fixed = new Map<string, Promise<Outcome<FixedStage>>>();
  const rerun = new Map<string, Promise<Outcome<ShopRun>>>();

  before(function () {
    scratch = mkdtempSync(path.join(tmpdir(), 'span-lens-closed-loop-'));
    // Each loop builds and runs its own copy; two at a time keep a 2-core machine busy without starving the shops.
    const slot = limited(2);
    for (const loop of cases) {
      const dir = path.join(scratch, loop.fault);
      const first = settle(
        slot(async () => {
          const copy = copyGoShop(dir);
          const at = findCode(copy, loop.faultyCode);
          const bins = await buildShopCopy(copy, path.join(dir, 'bin'));
          const run = await runShopSession(bins, { workspace: copy, fault: loop.fault, failureRate: 0, trafficArgs: TRAFFIC });
          return { copy, bins, at, run };
        }),
      );
      const second = settle(first.then(valueOf).then((stage) => slot(() => applyOfferedFix(loop, stage))));
      const third = settle(
        Promise.all([first.then(valueOf), second.then(valueOf)]).then(([{ copy, bins }]) =>
          slot(async () => {
            // Same binaries' paths, rebuilt from the edited copy; the fault flag stays as it was.
            await buildShopCopy(copy, path.dirname(bins.order));
            return runShopSession(bins, { workspace: copy, fault: loop.fault, failureRate: 0, trafficArgs: TRAFFIC });
          }),
        ),
      );
      faulty.set(loop.fault, first);
      fixed.set(loop.fault, second);
      rerun.set(loop.fault, third);
    }
  });

  after(async function () {
    this.timeout(900_000);
    // Every stage has stopped its processes before the copies go.
    await Promise.all([...faulty.values(), ...fixed.values(), ...rerun.values()]);
    if (scratch) {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  for (const loop of cases) {
    describe(`SHOP_FAULT=${loop.fault}`, function () {
      it(`the faulty copy yields exactly ${loop.kind} on the faulty line of the copy`, async function () {
        // A cold build of the shop's dependencies takes minutes on a busy 2-core machine.
        this.timeout(1_200_000);
        const { at, run } = await valueOf(faulty.get(loop.fault));
        assertServed(run);
        assert.deepEqual(findingsOf(run.report), [`${loop.kind} ${at.file}:${at.line}`], JSON.stringify(run.report.findings, null, 2));
      });

      it('the fix offered for it edits that line, and the copy stays gofmt-clean, builds and vets', async function () {
        this.timeout(1_200_000);
        const { at, copy } = await valueOf(faulty.get(loop.fault));
        const { offered, edited, checks, staticCodesAfter } = await valueOf(fixed.get(loop.fault));
        const fix = offered.chosen?.fix;
        assert.ok(fix, 'a fix is offered');
        assert.ok(linesTouched(offered.text, fix.edits).has(at.line), `"${fix.title}" (from the ${offered.chosen?.from}) edits line ${at.line}: ${JSON.stringify(fix.edits)}`);
        assert.notEqual(edited, offered.text);
        // The fault flag must still select the repaired code, or the rerun would prove nothing.
        assert.ok(readFileSync(path.join(copy, at.file), 'utf8').includes(`// Fault ${loop.fault}`), 'the fault branch is still there');
        assert.equal(checks.gofmt.code, 0, checks.gofmt.output);
        assert.deepEqual(checks.unformatted, [], `gofmt -l ${at.file}`);
        assert.equal(checks.build.code, 0, `go build ./...:\n${checks.build.output}`);
        assert.equal(checks.vet.code, 0, `go vet ./...:\n${checks.vet.output}`);
        // The static findings elsewhere in the file are untouched; the ones on the repaired line are gone.
        const expected = offered.staticFindings.filter((f) => f.line !== at.line).map((f) => f.code).sort();
        assert.deepEqual(staticCodesAfter, expected, 'static findings of the file after the fix');
      });

      it(`rebuilt and rerun with SHOP_FAULT=${loop.fault}: no finding at all, and ${loop.healed}`, async function () {
        this.timeout(1_200_000);
        const { copy } = await valueOf(faulty.get(loop.fault));
        const run = await valueOf(rerun.get(loop.fault));
        assertServed(run);
        assert.deepEqual(findingsOf(run.report), [], JSON.stringify(run.report.findings, null, 2));
        loop.showsHealed(run, copy);
      });
    });
  }
});
