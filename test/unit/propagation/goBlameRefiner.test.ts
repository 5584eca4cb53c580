import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceLocation } from '../../../src/core/model/span';
import { GoBlameRefiner, PropagationDetector, type FindingKind } from '../../../src/core/propagation';
import { SourceMapper, WorkspaceIndex } from '../../../src/core/source';
import { CLIENT, ginServerAttributes, httpClientAttributes, ManualClock, SERVER, span } from './spanGraph';

const SHOP = path.resolve(__dirname, '../../../../test/fixtures/propagation/shop');

function file(relative: string): string {
  return path.join(SHOP, ...relative.split('/'));
}

/** 1-based line of the only line of `relative` containing `needle`. */
function lineOf(relative: string, needle: string): number {
  const lines = fs.readFileSync(file(relative), 'utf8').split('\n');
  const hits = lines.flatMap((text, i) => (text.includes(needle) ? [i + 1] : []));
  assert.equal(hits.length, 1, `${needle} should occur once in ${relative}`);
  return hits[0];
}

function at(relative: string, needle: string): SourceLocation {
  return { file: file(relative), line: lineOf(relative, needle), via: 'span-name' };
}

describe('GoBlameRefiner', () => {
  let index: WorkspaceIndex;
  let refiner: GoBlameRefiner;

  before(async () => {
    index = new WorkspaceIndex({ roots: [SHOP] });
    await index.indexAll();
    refiner = new GoBlameRefiner(index);
  });

  after(() => index.dispose());

  const refine = (kind: FindingKind, location: SourceLocation): [string, number] | undefined => {
    const refined = refiner.refine(kind, location, { service: 'order-service' });
    return refined && [path.relative(SHOP, refined.file), refined.line];
  };

  describe('uninstrumented-client', () => {
    it('names the one bare HTTP call of the span\'s package, in another file of it', () => {
      assert.deepEqual(refine('uninstrumented-client', at('order/service.go', '"order.Create"')), [
        'order/inventory_client.go',
        lineOf('order/inventory_client.go', 'http.DefaultClient.Do(req)'),
      ]);
    });

    it('follows an import alias (nethttp.Post)', () => {
      assert.deepEqual(refine('uninstrumented-client', at('worker/worker.go', '"worker.Poll"')), ['worker/worker.go', lineOf('worker/worker.go', 'nethttp.Post(')]);
    });

    it('keeps the span line when the package has several bare calls (http.Get and a bare &http.Client{})', () => {
      assert.equal(refine('uninstrumented-client', at('ambiguous/calls.go', '"ambiguous.Sync"')), undefined);
    });
  });

  describe('detached-async', () => {
    it('names the go statement that starts the span\'s function on context.Background()', () => {
      assert.deepEqual(refine('detached-async', at('order/service.go', '"order.audit"')), ['order/service.go', lineOf('order/service.go', 'go s.audit(context.Background(), sku)')]);
    });

    it('looks inside go func() { ... }() for context.TODO()', () => {
      assert.deepEqual(refine('detached-async', at('order/service.go', '"order.report"')), ['order/service.go', lineOf('order/service.go', 'go func() {')]);
    });

    it('keeps the span line when no go statement, or several, start the function', () => {
      assert.equal(refine('detached-async', at('order/service.go', '"order.sync"')), undefined);
      assert.equal(refine('detached-async', at('ambiguous/calls.go', '"ambiguous.flush"')), undefined);
      // loyalty is only ever started with a request ctx or WithoutCancel, never on Background().
      assert.equal(refine('detached-async', at('order/service.go', '"order.loyalty"')), undefined);
    });
  });

  describe('canceled-context', () => {
    it('names the go statement that passes the request ctx (not the one with context.WithoutCancel)', () => {
      assert.deepEqual(refine('canceled-context', at('order/service.go', '"order.loyalty"')), ['order/service.go', lineOf('order/service.go', 'go s.loyalty(ctx, sku)')]);
    });

    it('takes r.Context() as a request context', () => {
      assert.deepEqual(refine('canceled-context', at('worker/worker.go', '"worker.process"')), ['worker/worker.go', lineOf('worker/worker.go', 'go process(r.Context()')]);
    });
  });

  it('leaves other kinds and non-Go files alone', () => {
    assert.equal(refine('disconnected-server', at('order/service.go', '"order.Create"')), undefined);
    assert.equal(refiner.refine('detached-async', { file: path.join(SHOP, 'web', 'app.ts'), line: 3, via: 'span-name' }, { service: 'web' }), undefined);
  });

  it('reads edits: a second bare call makes the package ambiguous', () => {
    const texts = new Map<string, string>();
    const editing = new GoBlameRefiner(index, (f) => texts.get(f) ?? fs.readFileSync(f, 'utf8'));
    const location = at('order/service.go', '"order.Create"');
    assert.ok(editing.refine('uninstrumented-client', location, { service: 'order-service' }));
    const client = file('order/inventory_client.go');
    texts.set(client, `${fs.readFileSync(client, 'utf8')}\nfunc ping() { _, _ = http.Get("http://localhost:8082/ping") }\n`);
    assert.equal(editing.refine('uninstrumented-client', location, { service: 'order-service' }), undefined);
  });

  describe('inside the detector, with the real source mapper', () => {
    it('puts an uninstrumented call on the http.DefaultClient.Do line', () => {
      const clock = new ManualClock(0);
      const mapper = new SourceMapper(index);
      const detector = new PropagationDetector({ locator: mapper, refiner, clock: clock.now });
      for (const [n, s] of [['a', 0], ['b', 1000]] as const) {
        detector.add([
          span({ trace: `${n}1`, id: `${n}1`, name: 'POST /orders', service: 'order-service', kind: SERVER, start: s, duration: 40, attributes: ginServerAttributes('order-service', 'POST', '/orders', '/orders', 8081) }),
          span({ trace: `${n}1`, id: `${n}2`, parent: `${n}1`, name: 'order.Create', service: 'order-service', start: s + 1, duration: 38 }),
          span({ trace: `${n}2`, id: `${n}3`, name: 'GET /stock/:sku', service: 'inventory-service', kind: SERVER, start: s + 5, duration: 8, attributes: ginServerAttributes('inventory-service', 'GET', '/stock/:sku', '/stock/sku-1', 8082) }),
        ]);
      }
      detector.settleAll();
      const findings = detector.findings();
      assert.deepEqual(
        findings.map((f) => [f.kind, f.location && path.relative(SHOP, f.location.file), f.location?.line]),
        [['uninstrumented-client', 'order/inventory_client.go', lineOf('order/inventory_client.go', 'http.DefaultClient.Do(req)')]],
      );
      mapper.dispose();
    });

    it('puts a disconnected call on the caller\'s nearest mapped span (otelhttp client spans map nowhere)', () => {
      const mapper = new SourceMapper(index);
      const detector = new PropagationDetector({ locator: mapper, refiner, clock: () => 0 });
      detector.add([
        span({ trace: 'c1', id: 'c1', name: 'order.Create', service: 'order-service', start: 0, duration: 38 }),
        { ...span({ trace: 'c1', id: 'c2', parent: 'c1', name: 'HTTP GET', service: 'order-service', kind: CLIENT, start: 2, duration: 10, attributes: httpClientAttributes('GET', 'http://localhost:8082/stock/sku-1') }), scope: { name: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', version: '0.65.0' } },
        span({ trace: 'c2', id: 'c3', name: 'GET /stock/:sku', service: 'inventory-service', kind: SERVER, start: 3, duration: 8, attributes: ginServerAttributes('inventory-service', 'GET', '/stock/:sku', '/stock/sku-1', 8082) }),
      ]);
      detector.settleAll();
      assert.deepEqual(
        detector.findings().map((f) => [f.kind, f.location && path.relative(SHOP, f.location.file), f.location?.line]),
        [['disconnected-server', 'order/service.go', lineOf('order/service.go', '"order.Create"')]],
      );
      mapper.dispose();
    });
  });
});
