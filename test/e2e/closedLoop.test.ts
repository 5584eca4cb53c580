/**
 * The closed loop, end to end: a private copy of go-shop run with a deliberate tracing fault yields the live finding
 * on the faulty line of the copy; the fix the product offers for that finding (the editor's code: GoAnalyzer and
 * fixesForLiveFinding over the copy's file) is applied, and the copy must stay gofmt-clean, build and vet; rebuilt
 * and run with the same fault, the shop yields no finding at all and its traces are whole again.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FindingKind } from '../../src/core/propagation';
import { SpanLensReport } from './support/cli';
import { GoShopBinaries } from './support/goBuild';
import { TrafficSummary } from './support/goShop';
import { findCode, findSpanStart, SpanStart } from './support/goSource';
import { limited } from './support/limited';
import { buildShopCopy, copyGoShop } from './support/shopCopy';
import { runShopSession, ShopRun } from './support/shopRun';

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

type Outcome<T> = { value: T } | { error: unknown };
const settle = <T>(promise: Promise<T>): Promise<Outcome<T>> => promise.then((value) => ({ value }), (error: unknown) => ({ error }));

async function valueOf<T>(outcome: Promise<Outcome<T>> | undefined): Promise<T> {
  const settled = await outcome;
  assert.ok(settled, 'the stage never started');
  if ('error' in settled) {
    throw settled.error;
  }
  return settled.value;
}

describe('closed loop on a go-shop copy: live finding, offered fix applied, rebuilt, finding gone', function () {
  const scratch = mkdtempSync(path.join(tmpdir(), 'span-lens-closed-loop-'));
  const faulty = new Map<string, Promise<Outcome<FaultyStage>>>();

  before(function () {
    // Each loop builds and runs its own copy; two at a time keep a 2-core machine busy without starving the shops.
    const slot = limited(2);
    for (const loop of cases) {
      const dir = path.join(scratch, loop.fault);
      faulty.set(
        loop.fault,
        settle(
          slot(async () => {
            const copy = copyGoShop(dir);
            const at = findCode(copy, loop.faultyCode);
            const bins = await buildShopCopy(copy, path.join(dir, 'bin'));
            const run = await runShopSession(bins, { workspace: copy, fault: loop.fault, failureRate: 0, trafficArgs: TRAFFIC });
            return { copy, bins, at, run };
          }),
        ),
      );
    }
  });

  after(async function () {
    this.timeout(900_000);
    // Every stage has stopped its processes before the copies go.
    await Promise.all([...faulty.values()]);
    rmSync(scratch, { recursive: true, force: true });
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
    });
  }
});
