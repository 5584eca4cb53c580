/**
 * go-shop started with each deliberate tracing fault (`SHOP_FAULT`), its spans sent to `spanlens receive`: the report
 * must name exactly the broken links that fault makes, each on the line to blame, and the clean shop must yield none.
 * The expected lines are found by scanning the Go source for the faulty code, so editing the sample moves them along.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CliReceiver, SpanLensReport } from './support/cli';
import { buildGoShop, GoShopBinaries } from './support/goBuild';
import { runTraffic, startShop, TrafficSummary } from './support/goShop';
import { findCode, findSpanStart, SpanStart } from './support/goSource';
import { ProcessGroup } from './support/processes';
import { GO_SHOP } from './support/repo';

interface ShopRun {
  report: SpanLensReport;
  traffic: TrafficSummary;
}

interface Variant {
  /** SHOP_FAULT; undefined runs the clean shop. */
  fault: string | undefined;
  /** `kind file:line` of every finding the run must yield, and no other. */
  expected(): string[];
  /** What the fault does to the spans themselves, checked apart from the detector so a failure says which side broke. */
  symptom: string;
  showsSymptom(run: ShopRun): void;
}

const expect = (kind: string, at: SpanStart): string => `${kind} ${at.file}:${at.line}`;
const spanStart = (name: string): SpanStart => findSpanStart(GO_SHOP, name);
const code = (needle: string): SpanStart => findCode(GO_SHOP, needle);

function locationOf(report: SpanLensReport, at: SpanStart): SpanLensReport['locations'][number] | undefined {
  return report.locations.find((l) => l.file === at.file && l.line === at.line);
}

const placed = (traffic: TrafficSummary): number => traffic.orders.byStatus['201'] ?? 0;
const visits = (traffic: TrafficSummary): number => traffic.orders.sent + traffic.lookups.sent;

const variants: Variant[] = [
  {
    fault: undefined,
    expected: () => [],
    symptom: 'every visit stays one trace',
    showsSymptom: ({ report, traffic }) => assert.equal(report.traces, visits(traffic)),
  },
  {
    fault: 'default-client',
    expected: () => [expect('uninstrumented-client', code('http.DefaultClient.Do('))],
    symptom: "inventory's spans arrive but start traces of their own",
    showsSymptom: ({ report, traffic }) => {
      assert.ok(report.services.includes('inventory-service'));
      assert.ok(report.traces > visits(traffic), `${report.traces} traces for ${visits(traffic)} visits`);
    },
  },
  {
    fault: 'background-goroutine',
    expected: () => [expect('detached-async', code('go s.audit(context.Background()'))],
    symptom: 'each placed order leaves an audit trace of its own',
    showsSymptom: ({ report, traffic }) => assert.equal(report.traces, visits(traffic) + placed(traffic)),
  },
  {
    fault: 'canceled-context',
    expected: () => [expect('canceled-context', code('go s.loyalty(ctx,'))],
    symptom: 'every loyalty credit fails (context canceled)',
    showsSymptom: ({ report, traffic }) => {
      const loyalty = locationOf(report, spanStart('order.loyalty'));
      assert.ok(loyalty, 'order.loyalty spans arrived');
      assert.equal(loyalty.count, placed(traffic));
      assert.equal(loyalty.errors, loyalty.count);
      assert.equal(report.traces, visits(traffic));
    },
  },
  {
    fault: 'no-propagator',
    // order-service has no propagator at all, so every hop through it breaks: it injects nothing into its calls to
    // the inventory nor into the messages it publishes, and extracts nothing from the traffic's requests either.
    expected: () => [
      expect('disconnected-server', spanStart('order.Create')),
      expect('disconnected-server', spanStart('traffic.PlaceOrder')),
      expect('queue-without-context', spanStart('orders.placed publish')),
    ],
    symptom: 'each order splits into traffic, order, inventory and notifier traces',
    showsSymptom: ({ report, traffic }) => assert.ok(report.traces >= 3 * traffic.orders.sent, `${report.traces} traces for ${traffic.orders.sent} orders`),
  },
  {
    fault: 'queue-no-headers',
    expected: () => [expect('queue-without-context', spanStart('orders.placed publish'))],
    symptom: "each placed order's notification is a trace of its own",
    showsSymptom: ({ report, traffic }) => {
      assert.equal(report.traces, visits(traffic) + placed(traffic));
      assert.equal(locationOf(report, spanStart('orders.placed process'))?.count, placed(traffic));
    },
  },
  {
    fault: 'no-provider',
    expected: () => [expect('silent-service', spanStart('order.Create'))],
    symptom: 'inventory-service answers but reports no span',
    showsSymptom: ({ report, traffic }) => {
      assert.ok(!report.services.includes('inventory-service'), `services: ${report.services.join(', ')}`);
      assert.equal(report.traces, visits(traffic));
    },
  },
];

/** Short, fixed bursts: enough repetitions for a confident finding, little CI time. */
function trafficArgs(fault: string | undefined): string[] {
  return fault === undefined
    ? // The clean run is the tricky one: failures, lookups and retried shelves must not look like broken links.
      ['-n', '40', '-rate', '50', '-concurrency', '8', '-invalid', '0.1', '-unknown', '0.05', '-lookup', '0.3']
    : ['-n', '30', '-rate', '50', '-concurrency', '4', '-invalid', '0', '-unknown', '0', '-lookup', '0'];
}

async function runShop(bins: GoShopBinaries, fault: string | undefined): Promise<ShopRun> {
  const group = new ProcessGroup();
  const scratch = mkdtempSync(path.join(tmpdir(), 'span-lens-fault-'));
  try {
    const cli = await CliReceiver.start(group, GO_SHOP, path.join(scratch, 'report.json'));
    const shop = await startShop(group, bins, cli.endpoint, fault === undefined ? 0.05 : 0, fault);
    const traffic = await runTraffic(group, bins, cli.endpoint, shop.orderUrl, trafficArgs(fault));
    await shop.stop();
    // SIGTERM: no more spans can come, so the CLI settles every pending grace window before writing the report.
    const report = await cli.stop();
    return { report, traffic };
  } finally {
    await group.killAll();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs tasks at most n at a time; each result settles on its own (a rejection waits for the test that reads it). */
function limited(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) {
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

type Outcome = { run: ShopRun } | { error: unknown };

describe('go-shop fault variants end to end: each fault yields exactly its finding on the line to blame', function () {
  const outcomes = new Map<string, Promise<Outcome>>();
  const name = (fault: string | undefined): string => fault ?? 'clean';

  before(async function () {
    // A cold `go build` of gin, grpc, NATS and the OTel SDK takes minutes on a busy 2-core machine.
    this.timeout(1_200_000);
    const bins = await buildGoShop();
    // Each run has its own receiver, ports and processes; a few at once keep the total short without starving the
    // machine. Runs start now and each test awaits its own.
    const slot = limited(3);
    for (const { fault } of variants) {
      outcomes.set(name(fault), slot(() => runShop(bins, fault)).then((run) => ({ run }), (error: unknown) => ({ error })));
    }
  });

  after(async function () {
    this.timeout(300_000);
    await Promise.all(outcomes.values()); // every run has stopped its processes before the suite ends
  });

  async function runOf(fault: string | undefined): Promise<ShopRun> {
    const outcome = await outcomes.get(name(fault));
    assert.ok(outcome, `no run for ${name(fault)}`);
    if ('error' in outcome) {
      throw outcome.error;
    }
    return outcome.run;
  }

  for (const variant of variants) {
    describe(variant.fault === undefined ? 'clean shop' : `SHOP_FAULT=${variant.fault}`, function () {
      it(`serves every order and shows the symptom: ${variant.symptom}`, async function () {
        this.timeout(600_000);
        const run = await runOf(variant.fault);
        assert.equal(run.traffic.orders.byStatus.transport ?? 0, 0, 'every order got an HTTP answer');
        assert.ok(placed(run.traffic) > 0, `orders were placed: ${JSON.stringify(run.traffic.orders.byStatus)}`);
        assert.equal(run.report.dropped, 0);
        variant.showsSymptom(run);
      });

      const wanted = variant.fault === undefined ? 'reports no finding at all' : `reports exactly ${variant.expected().join(', ')}`;
      it(wanted, async function () {
        this.timeout(600_000);
        const { report } = await runOf(variant.fault);
        assert.ok(Array.isArray(report.findings), `the report has no findings array; its fields: ${Object.keys(report).join(', ')}`);
        const found = report.findings.map((f) => `${f.kind} ${f.file ?? '(unmapped)'}:${f.line ?? '-'}`).sort();
        assert.deepEqual(found, [...variant.expected()].sort(), `findings: ${JSON.stringify(report.findings, null, 2)}`);
        for (const finding of report.findings) {
          assert.ok(finding.message.trim().length > 0, `${finding.kind} has a message`);
          assert.ok(finding.confidence > 0 && finding.confidence <= 1, `${finding.kind} confidence ${finding.confidence}`);
          assert.ok(finding.traceIds.length >= 1 && finding.traceIds.length <= 10, `${finding.kind} names 1..10 evidence traces`);
          for (const traceId of finding.traceIds) {
            assert.match(traceId, /^[0-9a-f]{32}$/);
          }
        }
      });
    });
  }
});
