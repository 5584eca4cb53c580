import * as assert from 'node:assert/strict';
import type { Span } from '../../../src/core/model/span';
import { FINDING_CODES, HEALTHY_TO_CLEAR, PropagationDetector, type Finding } from '../../../src/core/propagation';
import { LINES, PIDS, shopRequest } from './shopGraph';
import type { SourceLocation } from '../../../src/core/model/span';
import { CLIENT, CONSUMER, ginServerAttributes, httpClientAttributes, ManualClock, PRODUCER, SERVER, span, TableLocator, traceId } from './spanGraph';

const GRACE = 5000;
const FILE = '/ws/order/service.go';

function setup(): { detector: PropagationDetector; clock: ManualClock } {
  const clock = new ManualClock(1_000);
  const detector = new PropagationDetector({ locator: new TableLocator(LINES, FILE), graceMs: GRACE, clock: clock.now });
  return { detector, clock };
}

function summary(findings: Finding[]): string[] {
  return findings.map((f) => `${f.kind} ${f.location ? `${f.location.file}:${f.location.line}` : '-'}`);
}

/** The order side of a call to inventory: order.Create and an otelhttp client span (unmapped: "HTTP GET"). */
function orderCalling(trace: string, n: string, s: number, options: { client?: boolean; port?: number } = {}): Span[] {
  const spans = [
    span({ trace, id: `${n}3`, name: 'POST /orders', service: 'order-service', pid: PIDS.order, kind: SERVER, start: s, duration: 40, attributes: ginServerAttributes('order-service', 'POST', '/orders', '/orders', 8081) }),
    span({ trace, id: `${n}4`, parent: `${n}3`, name: 'order.Create', service: 'order-service', pid: PIDS.order, start: s + 1, duration: 38 }),
  ];
  if (options.client !== false) {
    spans.push(span({ trace, id: `${n}5`, parent: `${n}4`, name: 'HTTP GET', service: 'order-service', pid: PIDS.order, kind: CLIENT, start: s + 5, duration: 10, attributes: httpClientAttributes('GET', `http://localhost:${options.port ?? 8082}/stock/sku-1`) }));
  }
  return spans;
}

/** Inventory's side of the call, as a new trace (nothing extracted). */
function inventoryRoot(trace: string, n: string, s: number): Span[] {
  return [
    span({ trace, id: `${n}6`, name: 'GET /stock/:sku', service: 'inventory-service', pid: PIDS.inventory, kind: SERVER, start: s + 6, duration: 8, attributes: ginServerAttributes('inventory-service', 'GET', '/stock/:sku', '/stock/sku-1', 8082) }),
    span({ trace, id: `${n}7`, parent: `${n}6`, name: 'inventory.Check', service: 'inventory-service', pid: PIDS.inventory, start: s + 7, duration: 5 }),
  ];
}

/** Inventory's side of the call, joined to the client span. */
function inventoryChild(trace: string, n: string, s: number): Span[] {
  return [
    span({ trace, id: `${n}6`, parent: `${n}5`, name: 'GET /stock/:sku', service: 'inventory-service', pid: PIDS.inventory, kind: SERVER, start: s + 6, duration: 8, attributes: ginServerAttributes('inventory-service', 'GET', '/stock/:sku', '/stock/sku-1', 8082) }),
    span({ trace, id: `${n}7`, parent: `${n}6`, name: 'inventory.Check', service: 'inventory-service', pid: PIDS.inventory, start: s + 7, duration: 5 }),
  ];
}

describe('PropagationDetector', () => {
  describe('a whole trace', () => {
    it('finds nothing in fan-out, retries, a consumed publish and async work that outlives the request, arriving out of order', () => {
      const { detector, clock } = setup();
      const spans: Span[] = [];
      for (let i = 1; i <= 6; i++) spans.push(...shopRequest(i, i * 200));
      // Someone's curl: a root server span with no caller at all is not a broken link.
      spans.push(span({ trace: 'ext', id: 'e1', name: 'GET /orders/:id', service: 'order-service', pid: PIDS.order, kind: SERVER, start: 1400, duration: 3, attributes: ginServerAttributes('order-service', 'GET', '/orders/:id', '/orders/o-1', 8081) }));
      spans.push(span({ trace: 'ext', id: 'e2', parent: 'e1', name: 'order.Get', service: 'order-service', pid: PIDS.order, start: 1401, duration: 1 }));
      // Children before parents, inventory before order: three batches, the last parents arriving 4 s after their children.
      const reversed = [...spans].reverse();
      const third = Math.ceil(reversed.length / 3);
      const changes: number[] = [];
      detector.onDidChange((e) => changes.push(e.findings.length));
      detector.add(reversed.slice(0, third));
      clock.advance(2000);
      detector.add(reversed.slice(third, 2 * third));
      clock.advance(2000);
      detector.settle();
      detector.add(reversed.slice(2 * third));
      clock.advance(GRACE + 1);
      detector.settle();
      detector.settleAll();
      assert.deepEqual(summary(detector.findings()), []);
      assert.deepEqual(changes, []);
    });

    it('the same traffic with one stock check split into a new trace is found (so the clean run above can fail)', () => {
      const { detector, clock } = setup();
      // The last request's second stock check: later healthy calls from the same place would clear it.
      for (let i = 1; i <= 3; i++) detector.add(shopRequest(i, i * 200, i === 3 ? { breakCheck: 'server-root' } : {}));
      clock.advance(GRACE + 1);
      detector.settle();
      assert.deepEqual(summary(detector.findings()), [`disconnected-server ${FILE}:${LINES['order.Create']}`]);
    });
  });

  describe('orphan-span', () => {
    const child = (): Span => span({ trace: 'o1', id: 'c1', parent: 'p1', name: 'inventory.Check', service: 'inventory-service', start: 0, duration: 2 });
    const parent = (): Span => span({ trace: 'o1', id: 'p1', name: 'GET /stock/:sku', service: 'inventory-service', kind: SERVER, start: 0, duration: 5 });

    it('is reported at the orphan\'s own line once the grace window has passed without its parent', () => {
      const { detector, clock } = setup();
      detector.add([child()]);
      clock.advance(GRACE - 1);
      detector.settle();
      assert.deepEqual(detector.findings(), [], 'the parent may still come');
      clock.advance(2);
      detector.settle();
      const [finding] = detector.findings();
      assert.equal(finding.kind, 'orphan-span');
      assert.equal(finding.code, FINDING_CODES['orphan-span']);
      assert.deepEqual(finding.location && [finding.location.file, finding.location.line], [FILE, LINES['inventory.Check']]);
      assert.deepEqual(finding.traceIds, [traceId('o1')]);
      assert.equal(finding.evidence[0].role, 'orphan');
      assert.match(finding.message, /inventory\.Check.*parent/);
      assert.ok(finding.confidence > 0 && finding.confidence < 1);
    });

    it('is not reported when the parent arrives late but inside the grace window, in a later batch', () => {
      const { detector, clock } = setup();
      detector.add([child()]);
      clock.advance(GRACE - 100);
      detector.add([parent()]);
      clock.advance(GRACE * 3);
      detector.settle();
      assert.deepEqual(detector.findings(), []);
    });

    it('is not reported when the parent arrived first, even after the parent left the window', () => {
      const clock = new ManualClock(0);
      const detector = new PropagationDetector({ locator: new TableLocator(LINES, FILE), graceMs: GRACE, clock: clock.now, windowMs: 10_000 });
      detector.add([parent()]);
      clock.advance(60_000);
      detector.add([child()]);
      detector.settleAll();
      assert.deepEqual(detector.findings(), []);
    });

    it('settleAll decides a pending orphan at once (end of input)', () => {
      const { detector } = setup();
      detector.add([child()]);
      assert.deepEqual(detector.findings(), []);
      detector.settleAll();
      assert.deepEqual(summary(detector.findings()), [`orphan-span ${FILE}:${LINES['inventory.Check']}`]);
    });
  });

  describe('disconnected-server', () => {
    it('blames the caller\'s nearest mapped span when the callee starts a new trace inside an unanswered client span', () => {
      const { detector, clock } = setup();
      detector.add([...orderCalling('d1', 'a', 0), ...inventoryRoot('d2', 'a', 0)]);
      clock.advance(GRACE + 1);
      detector.settle();
      const findings = detector.findings();
      assert.deepEqual(summary(findings), [`disconnected-server ${FILE}:${LINES['order.Create']}`]);
      const [f] = findings;
      assert.equal(f.code, 'SL102');
      assert.match(f.message, /^inventory-service started a new trace for a call made here/);
      assert.deepEqual(f.evidence.map((e) => [e.role, e.service, e.name]), [
        ['caller', 'order-service', 'HTTP GET'],
        ['callee', 'inventory-service', 'GET /stock/:sku'],
      ]);
      assert.deepEqual([...f.traceIds].sort(), [traceId('d1'), traceId('d2')]);
      assert.equal(f.why.split('\n').length, 2);
    });

    it('pairs the two sides whichever arrives first, across batches', () => {
      const { detector, clock } = setup();
      detector.add(inventoryRoot('d2', 'a', 0));
      clock.advance(GRACE - 500);
      detector.add(orderCalling('d1', 'a', 0));
      clock.advance(GRACE + 1);
      detector.settle();
      assert.deepEqual(summary(detector.findings()), [`disconnected-server ${FILE}:${LINES['order.Create']}`]);
    });

    it('does not pair a server with a client span aimed at another port', () => {
      const { detector } = setup();
      detector.add([...orderCalling('d1', 'a', 0, { port: 9999 }), ...inventoryRoot('d2', 'a', 0)]);
      detector.settleAll();
      assert.deepEqual(detector.findings().filter((f) => f.kind === 'disconnected-server'), []);
    });

    it('grows in confidence with repetition and keeps one finding per line', () => {
      const { detector, clock } = setup();
      detector.add([...orderCalling('d1', 'a', 0), ...inventoryRoot('d2', 'a', 0)]);
      clock.advance(GRACE + 1);
      detector.settle();
      const once = detector.findings()[0];
      detector.add([...orderCalling('d3', 'b', 1000), ...inventoryRoot('d4', 'b', 1000)]);
      clock.advance(GRACE + 1);
      detector.settle();
      const findings = detector.findings();
      assert.equal(findings.length, 1);
      assert.equal(findings[0].occurrences, 2);
      assert.ok(findings[0].confidence > once.confidence);
      assert.equal(findings[0].traceIds[0] === traceId('d3') || findings[0].traceIds[0] === traceId('d4'), true, 'newest first');
      assert.equal(findings[0].id, once.id);
    });

    it(`goes away after ${HEALTHY_TO_CLEAR} healthy calls from the same place, not before`, () => {
      const { detector, clock } = setup();
      const seen: number[] = [];
      detector.onDidChange((e) => seen.push(e.findings.length));
      detector.add([...orderCalling('d1', 'a', 0), ...inventoryRoot('d2', 'a', 0)]);
      clock.advance(GRACE + 1);
      detector.settle();
      for (let i = 1; i < HEALTHY_TO_CLEAR; i++) detector.add([...orderCalling(`h${i}`, `h${i}`, 1000 * i), ...inventoryChild(`h${i}`, `h${i}`, 1000 * i)]);
      clock.advance(GRACE + 1);
      detector.settle();
      assert.equal(detector.findings().length, 1, 'still there after two healthy calls');
      detector.add([...orderCalling('h9', 'h9', 9000), ...inventoryChild('h9', 'h9', 9000)]);
      clock.advance(GRACE + 1);
      detector.settle();
      assert.deepEqual(detector.findings(), []);
      assert.deepEqual(seen, [1, 0]);
    });
  });

  describe('uninstrumented-client', () => {
    it('needs two calling spans at one place, then blames that place', () => {
      const { detector, clock } = setup();
      detector.add([...orderCalling('u1', 'a', 0, { client: false }), ...inventoryRoot('u2', 'a', 0)]);
      clock.advance(GRACE + 1);
      detector.settle();
      assert.deepEqual(detector.findings(), [], 'once may be a coincidence');
      detector.add([...orderCalling('u3', 'b', 1000, { client: false }), ...inventoryRoot('u4', 'b', 1000)]);
      clock.advance(GRACE + 1);
      detector.settle();
      const findings = detector.findings();
      assert.deepEqual(summary(findings), [`uninstrumented-client ${FILE}:${LINES['order.Create']}`]);
      assert.match(findings[0].message, /inventory-service is called from here without a client span/);
      assert.equal(findings[0].occurrences, 2);
      assert.deepEqual(findings[0].evidence.slice(0, 2).map((e) => [e.role, e.name]), [
        ['caller', 'order.Create'],
        ['callee', 'GET /stock/:sku'],
      ]);
    });

    it('does not take a short span that merely ran next to the request for its caller', () => {
      const { detector } = setup();
      for (const [n, s] of [['a', 0], ['b', 1000]] as const) {
        // A publish 1 ms after the call, far shorter than the request it would have to contain.
        detector.add([
          span({ trace: `${n}p`, id: `${n}p`, name: 'orders.placed publish', service: 'order-service', pid: PIDS.order, kind: PRODUCER, start: s + 15, duration: 0.05 }),
          ...inventoryRoot(`${n}i`, n, s),
        ]);
      }
      detector.settleAll();
      assert.deepEqual(detector.findings(), []);
    });

    it('blames the code that contains most of the requests, not a busy consumer that overlaps some', () => {
      const { detector } = setup();
      // Four context-less stock checks from order.Create; a notifier consumer span, running at the same time
      // and shorter than order.Create, happens to contain two of them.
      for (const [n, s] of [['a', 0], ['b', 1000], ['c', 2000], ['d', 3000]] as const) {
        detector.add([...orderCalling(`${n}o`, n, s, { client: false }), ...inventoryRoot(`${n}i`, n, s)]);
      }
      for (const [n, s] of [['a', 0], ['b', 1000]] as const) {
        detector.add([span({ trace: `${n}n`, id: `${n}9`, name: 'orders.placed process', service: 'notifier', pid: PIDS.notifier, kind: CONSUMER, start: s + 4, duration: 12 })]);
      }
      detector.settleAll();
      assert.deepEqual(summary(detector.findings()), [`uninstrumented-client ${FILE}:${LINES['order.Create']}`]);
    });

    it('keeps the finding when several spans of the calling function are blamed on its one uninstrumented call', () => {
      const CALL_LINE = 79;
      // The refiner narrows every order-service span to the function's single bare http call.
      const refiner = { refine: (kind: string, location: SourceLocation) => (kind === 'uninstrumented-client' ? { ...location, line: CALL_LINE } : location) };
      const detector = new PropagationDetector({ locator: new TableLocator(LINES, FILE), refiner, graceMs: GRACE, clock: new ManualClock(1_000).now });
      for (const [n, s] of [['a', 0], ['b', 1000], ['c', 2000]] as const) {
        detector.add([...orderCalling(`${n}o`, n, s, { client: false }), ...inventoryRoot(`${n}i`, n, s)]);
      }
      // The last request lies inside a short order.save of another request: that span votes last, and alone.
      detector.add([
        span({ trace: 'dsv', id: 'd7', name: 'POST /orders', service: 'order-service', pid: PIDS.order, kind: SERVER, start: 2990, duration: 40 }),
        span({ trace: 'dsv', id: 'd8', parent: 'd7', name: 'order.save', service: 'order-service', pid: PIDS.order, start: 3005, duration: 10 }),
        ...inventoryRoot('di', 'd', 3000),
      ]);
      detector.settleAll();
      assert.deepEqual(summary(detector.findings()), [`uninstrumented-client ${FILE}:${CALL_LINE}`]);
    });

    it('does not count two requests inside one long span as two', () => {
      const { detector } = setup();
      const long = span({ trace: 'job', id: 'j1', name: 'traffic.PlaceOrder', service: 'traffic', pid: PIDS.traffic, start: 0, duration: 5000 });
      detector.add([long, ...inventoryRoot('u2', 'a', 100), ...inventoryRoot('u3', 'b', 2000)]);
      detector.settleAll();
      assert.deepEqual(detector.findings(), []);
    });
  });

  describe('detached-async', () => {
    const request = (): Span[] => [
      span({ trace: 'r1', id: 'r1', name: 'POST /orders', service: 'order-service', pid: PIDS.order, kind: SERVER, start: 0, duration: 40 }),
      span({ trace: 'r1', id: 'r2', parent: 'r1', name: 'order.Create', service: 'order-service', pid: PIDS.order, start: 1, duration: 38 }),
    ];
    const audit = (start: number, pid = PIDS.order): Span => span({ trace: 'x1', id: 'x1', name: 'order.audit', service: 'order-service', pid, start, duration: 5 });

    for (const [label, start] of [['inside', 20], ['right after', 40 + 600]] as const) {
      it(`blames the root span of the same process that starts ${label} a request`, () => {
        const { detector, clock } = setup();
        detector.add([audit(start)]);
        clock.advance(1000);
        detector.add(request());
        clock.advance(GRACE + 1);
        detector.settle();
        const findings = detector.findings();
        assert.deepEqual(summary(findings), [`detached-async ${FILE}:${LINES['order.audit']}`]);
        assert.deepEqual(findings[0].evidence.map((e) => e.role), ['detached', 'request']);
      });
    }

    it('ignores roots of another process, and roots long after the request', () => {
      const { detector } = setup();
      detector.add([...request(), audit(20, 999)]);
      detector.add([span({ trace: 'x2', id: 'x2', name: 'order.audit', service: 'order-service', pid: PIDS.order, start: 5000, duration: 5 })]);
      detector.settleAll();
      assert.deepEqual(detector.findings(), []);
    });
  });

  describe('canceled-context', () => {
    const parent = span({ trace: 'c1', id: 'c1', name: 'order.Create', service: 'order-service', pid: PIDS.order, start: 0, duration: 50 });

    it('blames a child that ends "context canceled" after its parent ended (status message)', () => {
      const { detector } = setup();
      detector.add([span({ trace: 'c1', id: 'c2', parent: 'c1', name: 'order.loyalty', service: 'order-service', pid: PIDS.order, start: 60, duration: 1, statusMessage: 'context canceled' }), parent]);
      detector.settleAll();
      const findings = detector.findings();
      assert.deepEqual(summary(findings), [`canceled-context ${FILE}:${LINES['order.loyalty']}`]);
      assert.deepEqual(findings[0].evidence.map((e) => e.role), ['canceled', 'parent']);
      assert.match(findings[0].message, /context\.WithoutCancel/);
    });

    it('reads an exception event too', () => {
      const { detector } = setup();
      const child = span({ trace: 'c1', id: 'c2', parent: 'c1', name: 'order.loyalty', service: 'order-service', start: 40, duration: 20, events: [{ name: 'exception', timeUnixMs: 0, attributes: { 'exception.message': 'credit: context canceled' } }] });
      detector.add([parent, child]);
      detector.settleAll();
      assert.deepEqual(summary(detector.findings()), [`canceled-context ${FILE}:${LINES['order.loyalty']}`]);
    });

    it('ignores a cancellation that ends before its parent (the caller gave up and waited)', () => {
      const { detector } = setup();
      detector.add([parent, span({ trace: 'c1', id: 'c2', parent: 'c1', name: 'order.loyalty', service: 'order-service', start: 10, duration: 5, statusMessage: 'context canceled' })]);
      detector.settleAll();
      assert.deepEqual(detector.findings(), []);
    });
  });

  describe('queue-without-context', () => {
    const publish = (trace: string, id: string, s: number): Span[] => [
      span({ trace, id: `${id}0`, name: 'order.Create', service: 'order-service', pid: PIDS.order, start: s, duration: 10 }),
      span({ trace, id: `${id}1`, parent: `${id}0`, name: 'orders.placed publish', service: 'order-service', pid: PIDS.order, kind: PRODUCER, start: s + 2, duration: 1, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': 'orders.placed' } }),
    ];
    const consume = (trace: string, id: string, s: number, destination = 'orders.placed'): Span[] => [
      span({ trace, id: `${id}2`, name: 'orders.placed process', service: 'notifier', pid: PIDS.notifier, kind: CONSUMER, start: s + 5, duration: 3, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': destination } }),
      span({ trace, id: `${id}3`, parent: `${id}2`, name: 'notifier.confirm', service: 'notifier', pid: PIDS.notifier, start: s + 6, duration: 1 }),
    ];

    it('reports one finding at the publish when consumers on its destination start new traces, consumer first', () => {
      const { detector, clock } = setup();
      detector.add(consume('q2', 'a', 0));
      clock.advance(3000);
      detector.add([...publish('q1', 'a', 0), ...publish('q3', 'b', 100)]);
      detector.add(consume('q4', 'b', 100));
      clock.advance(GRACE + 1);
      detector.settle();
      const findings = detector.findings();
      assert.deepEqual(summary(findings), [`queue-without-context ${FILE}:${LINES['orders.placed publish']}`]);
      assert.equal(findings[0].occurrences, 2);
      assert.deepEqual(findings[0].evidence.slice(0, 2).map((e) => e.role).sort(), ['consumer', 'producer']);
      assert.match(findings[0].message, /"orders\.placed"/);
    });

    it('says nothing about a publish nobody consumed, or consumers of another destination', () => {
      const { detector } = setup();
      detector.add([...publish('q1', 'a', 0), ...consume('q2', 'a', 0, 'payments')]);
      detector.settleAll();
      assert.deepEqual(detector.findings(), []);
    });

    it('takes a link from the consumer as intact context', () => {
      const { detector } = setup();
      const linked = span({ trace: 'q2', id: 'a2', name: 'orders.placed process', service: 'notifier', kind: CONSUMER, start: 5, duration: 3, attributes: { 'messaging.destination.name': 'orders.placed' }, links: [{ trace: 'q1', id: 'a1' }] });
      detector.add([...publish('q1', 'a', 0), linked]);
      detector.settleAll();
      assert.deepEqual(detector.findings(), []);
    });
  });

  describe('silent-service', () => {
    it('blames the caller when a peer that receives calls never reports a span', () => {
      const { detector, clock } = setup();
      detector.add(orderCalling('s1', 'a', 0));
      clock.advance(GRACE + 1);
      detector.settle();
      const findings = detector.findings();
      assert.deepEqual(summary(findings), [`silent-service ${FILE}:${LINES['order.Create']}`]);
      assert.match(findings[0].message, /^localhost:8082 receives calls made here but never reports a span/);
    });

    it('is not reported for a peer that reports spans, a database, or a public API', () => {
      const { detector } = setup();
      detector.add([...orderCalling('s1', 'a', 0), ...inventoryChild('s2', 'z', 500)]);
      detector.add([
        span({ trace: 's3', id: 'b1', name: 'db.query', service: 'inventory-service', kind: CLIENT, start: 0, duration: 1, attributes: { 'db.system.name': 'postgresql', 'server.address': 'localhost', 'server.port': 5432 } }),
        span({ trace: 's4', id: 'b2', name: 'HTTP POST', service: 'order-service', kind: CLIENT, start: 0, duration: 1, attributes: httpClientAttributes('POST', 'https://api.stripe.com:443/v1/charges') }),
      ]);
      detector.settleAll();
      assert.deepEqual(detector.findings().filter((f) => f.kind === 'silent-service'), []);
    });
  });

  describe('lifecycle', () => {
    it('clear() drops findings and pending checks and announces it', () => {
      const { detector } = setup();
      detector.add(orderCalling('s1', 'a', 0));
      detector.settleAll();
      assert.equal(detector.findings().length, 1);
      const seen: number[] = [];
      detector.onDidChange((e) => seen.push(e.findings.length));
      detector.add([span({ trace: 'o', id: 'c', parent: 'missing', name: 'x', service: 'y', start: 0, duration: 1 })]);
      detector.clear();
      detector.settleAll();
      assert.deepEqual(detector.findings(), []);
      assert.deepEqual(seen, [0]);
    });

    it('a re-sent span is checked once', () => {
      const { detector } = setup();
      const orphan = span({ trace: 'o', id: 'c', parent: 'missing', name: 'inventory.Check', service: 'inventory-service', start: 0, duration: 1 });
      detector.add([orphan]);
      detector.add([orphan]);
      detector.settleAll();
      assert.equal(detector.findings()[0].occurrences, 1);
    });

    it('a trace larger than the window pushes spans out before their grace elapsed: unchecked, and no longer evidence', () => {
      const clock = new ManualClock(0);
      const detector = new PropagationDetector({ locator: new TableLocator(LINES, FILE), graceMs: GRACE, clock: clock.now, maxSpans: 100 });
      detector.add(orderCalling('d1', 'a', 0));
      // One trace of 200 spans, taken in whole: it pushes the client span out before its server shows up.
      detector.add(Array.from({ length: 200 }, (_, k) => span({ trace: 'f', id: `f${k}`, parent: k ? 'f0' : undefined, name: 'noise', service: 'noise', start: 100 + k, duration: 1 })));
      clock.advance(GRACE + 1);
      detector.settle();
      detector.add(inventoryRoot('d2', 'a', 0));
      detector.settleAll();
      assert.deepEqual(detector.findings().filter((f) => f.kind === 'disconnected-server'), []);
      const counters = detector.counters();
      assert.equal(counters.notAdmittedSpans, 0);
      assert.equal(counters.uncheckedSpans, 103);
      assert.equal(counters.checkedSpans, 102);
    });
  });

  describe('under a load its window cannot hold through the grace period', () => {
    const loaded = (): { detector: PropagationDetector; clock: ManualClock } => {
      const clock = new ManualClock(0);
      // Room for 80 spans waiting out their grace (80 % of the window).
      return { detector: new PropagationDetector({ locator: new TableLocator(LINES, FILE), graceMs: GRACE, clock: clock.now, maxSpans: 100 }), clock };
    };
    const noise = (prefix: string, count: number, start = 0): Span[] =>
      Array.from({ length: count }, (_, k) => span({ trace: `${prefix}${k}`, id: `${prefix}${k}`, name: 'noise', service: 'noise', start: start + k, duration: 1 }));

    it('takes whole traces while there is room and turns the next ones away, counting both', () => {
      const { detector, clock } = loaded();
      detector.add(noise('n', 300));
      clock.advance(GRACE + 1);
      detector.settle();
      assert.deepEqual(detector.counters(), { checkedSpans: 80, checkedWithinTraceSpans: 80, uncheckedSpans: 0, notAdmittedSpans: 220 });
    });

    it('a trace taken in keeps every later span (a late parent makes no orphan), a trace turned away stays away', () => {
      const { detector, clock } = loaded();
      // Taken in while there is room: a child whose parent comes late, and a child whose parent never comes.
      detector.add([span({ trace: 'k', id: 'k2', parent: 'k1', name: 'inventory.Check', service: 'inventory-service', start: 1, duration: 1 })]);
      detector.add([span({ trace: 'b', id: 'b2', parent: 'gone', name: 'order.Create', service: 'order-service', start: 2, duration: 1 })]);
      detector.add(noise('n', 200, 10));
      // The window is full now: a new trace's child is turned away, the late parent of a trace taken in is not.
      detector.add([span({ trace: 'a', id: 'a2', parent: 'a1', name: 'order.Get', service: 'order-service', start: 3, duration: 1 })]);
      detector.add([span({ trace: 'k', id: 'k1', name: 'GET /stock/:sku', service: 'inventory-service', kind: SERVER, start: 0, duration: 5 })]);
      clock.advance(GRACE + 1);
      detector.settle();
      // Room again; the turned-away trace's parent is still turned away (its child was never checked).
      detector.add([span({ trace: 'a', id: 'a1', name: 'GET /orders/:id', service: 'order-service', kind: SERVER, start: 0, duration: 9 })]);
      detector.settleAll();
      assert.deepEqual(
        detector.findings().map((f) => `${f.kind} ${f.evidence.map((e) => e.name).join(',')}`),
        ['orphan-span order.Create'],
      );
      assert.equal(detector.counters().notAdmittedSpans, 2 + 122);
    });

    it('checks across traces wait until nothing was turned away for a grace period either side', () => {
      const { detector, clock } = loaded();
      // A call whose callee started a new trace, taken in just before the load turns traces away: not judged.
      detector.add(orderCalling('d1', 'a', 0));
      detector.add(inventoryRoot('d2', 'a', 0));
      detector.add(noise('n', 200, 100));
      clock.advance(GRACE + 1);
      detector.settle();
      assert.deepEqual(detector.findings().filter((f) => f.kind === 'disconnected-server'), []);
      assert.ok(detector.counters().checkedWithinTraceSpans >= 5);
      // The same fault once the load is over by a grace period: found.
      clock.advance(GRACE + 1);
      detector.add(orderCalling('d3', 'b', 1000));
      detector.add(inventoryRoot('d4', 'b', 1000));
      clock.advance(GRACE + 1);
      detector.settle();
      assert.equal(detector.findings().filter((f) => f.kind === 'disconnected-server').length, 1);
    });
  });
});
