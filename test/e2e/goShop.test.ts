/**
 * The go-shop services, built from source and run for real, send their spans to `spanlens receive`; the report must
 * put each `tracer.Start` span on its exact source line with counts and errors that match the traffic sent.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CliReceiver, SpanLensReport } from './support/cli';
import { buildGoShop } from './support/goBuild';
import { runTraffic, startShop, TrafficSummary } from './support/goShop';
import { findSpanStart, lineCount } from './support/goSource';
import { ProcessGroup } from './support/processes';
import { GO_SHOP } from './support/repo';

type Location = SpanLensReport['locations'][number];

describe('go-shop end to end: Go services → spanlens receive → report', function () {
  const group = new ProcessGroup();
  const scratch = mkdtempSync(path.join(tmpdir(), 'span-lens-e2e-'));
  let report: SpanLensReport;
  let traffic: TrafficSummary;

  before(async function () {
    // A cold `go build` of gin, grpc and the OTel SDK takes minutes on a busy 2-core machine.
    this.timeout(1_200_000);
    const bins = await buildGoShop();
    try {
      const cli = await CliReceiver.start(group, GO_SHOP, path.join(scratch, 'report.json'));
      const shop = await startShop(group, bins, cli.endpoint, 0.05);
      traffic = await runTraffic(group, bins, cli.endpoint, shop.orderUrl, [
        '-n', '120', '-rate', '60', '-concurrency', '8', '-invalid', '0.15', '-unknown', '0.1', '-lookup', '0.3',
      ]);
      await shop.stop();
      report = await cli.stop();
    } finally {
      await group.killAll();
    }
  });

  after(async function () {
    await group.killAll();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The report's location for the span started as `tracer.Start(ctx, "<name>"` — same file, same line. */
  function at(name: string): Location {
    const start = findSpanStart(GO_SHOP, name);
    const found = report.locations.find((l) => l.file === start.file && l.line === start.line);
    assert.ok(found, `no location for ${name} at ${start.file}:${start.line}; the report has ${JSON.stringify(report.locations.map((l) => `${l.file}:${l.line}`))}`);
    return found;
  }

  const status = (tally: TrafficSummary['orders'], code: string): number => tally.byStatus[code] ?? 0;
  const created = (): number => status(traffic.orders, '201');

  it('hears from both services and the traffic generator, and loses nothing', function () {
    assert.deepEqual([...report.services].sort(), ['inventory-service', 'notifier', 'order-service', 'traffic']);
    assert.equal(report.dropped, 0);
    assert.equal(traffic.orders.sent, 120);
    assert.equal(status(traffic.orders, 'transport'), 0, 'every order got an HTTP answer');
  });

  it('puts every tracer.Start span on its exact file and line', function () {
    const names = [
      'order.Create', 'order.validate', 'order.price', 'order.save', 'order.Get',
      'order.audit', 'order.loyalty', 'orders.placed publish',
      'inventory.Check', 'inventory.Reserve', 'db.query',
      'orders.placed process', 'notifier.confirm',
      'traffic.PlaceOrder', 'traffic.LookupOrder',
    ];
    for (const name of names) {
      assert.ok(at(name).count > 0, name);
    }
  });

  it('keeps each visit in one trace across the four programs and the queue (context propagates)', function () {
    assert.equal(report.traces, traffic.orders.sent + traffic.lookups.sent);
  });

  it('counts order-service spans as often as the traffic caused them', function () {
    assert.equal(at('order.Create').count, traffic.orders.sent);
    assert.equal(at('order.validate').count, traffic.orders.sent);
    assert.equal(at('order.save').count, created());
    assert.equal(at('order.Get').count, traffic.lookups.sent);
    const priced = at('order.price').count;
    assert.ok(priced >= created() && priced <= traffic.orders.sent - traffic.invalid, `order.price ran ${priced} times`);
  });

  it('announces every placed order once on the queue, and the notifier confirms each', function () {
    assert.equal(at('orders.placed publish').count, created());
    assert.equal(at('orders.placed publish').errors, 0);
    assert.equal(at('orders.placed process').count, created());
    assert.equal(at('notifier.confirm').count, created());
  });

  it('finishes the background work of every placed order, on a context that outlives the request', function () {
    assert.equal(at('order.audit').count, created());
    assert.equal(at('order.loyalty').count, created());
    // The clean shop hands its goroutines a context without the request's cancellation: none fails.
    assert.equal(at('order.audit').errors, 0);
    assert.equal(at('order.loyalty').errors, 0);
  });

  it('counts inventory-service spans consistently with the orders that reached it', function () {
    // Every priced order is reserved next; every order past validation checks at least one item.
    assert.equal(at('inventory.Reserve').count, at('order.price').count);
    assert.ok(at('inventory.Check').count >= traffic.orders.sent - traffic.invalid);
    // Each check and each reservation makes exactly one simulated database query.
    assert.equal(at('db.query').count, at('inventory.Check').count + at('inventory.Reserve').count);
  });

  it('counts the traffic generator own spans', function () {
    assert.equal(at('traffic.PlaceOrder').count, traffic.orders.sent);
    assert.equal(at('traffic.LookupOrder').count, traffic.lookups.sent);
    assert.equal(at('traffic.LookupOrder').errors, traffic.lookups.sent - status(traffic.lookups, '200'));
  });

  it('counts errors on the lines where the sample fails', function () {
    const failedOrders = traffic.orders.sent - created();
    assert.ok(traffic.invalid > 0 && status(traffic.orders, '502') > 0, `the run must include invalid orders and database failures: ${JSON.stringify(traffic)}`);

    assert.equal(at('order.Create').errors, failedOrders);
    assert.equal(at('traffic.PlaceOrder').errors, failedOrders);
    assert.equal(at('order.validate').errors, traffic.invalid);
    assert.equal(status(traffic.orders, '400'), traffic.invalid);
    assert.equal(at('order.save').errors, 0);
    assert.equal(at('order.Get').errors, 0);
    // A database failure fails its order with 502, and an order stops at its first failure.
    assert.equal(at('db.query').errors, status(traffic.orders, '502'));
    // Inventory spans fail for unknown SKUs (422), database failures (502), and reservations of an empty shelf (some 409s).
    const inventoryErrors = at('inventory.Check').errors + at('inventory.Reserve').errors;
    const certain = status(traffic.orders, '422') + status(traffic.orders, '502');
    assert.ok(inventoryErrors >= certain && inventoryErrors <= certain + status(traffic.orders, '409'), `inventory errors ${inventoryErrors}, ${JSON.stringify(traffic.orders.byStatus)}`);
  });

  it('reports only lines that exist in the workspace', function () {
    for (const location of report.locations) {
      const lines = lineCount(GO_SHOP, location.file);
      assert.ok(lines !== undefined && location.line >= 1 && location.line <= lines, `${location.file}:${location.line} is not a line of the workspace`);
    }
  });
});
