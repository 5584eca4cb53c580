import * as assert from 'node:assert/strict';
import { assembleTrace } from '../../../src/core/model';
import { traceTree } from '../../../src/extension/traceTree';
import { errorMessage, keyAttributes } from '../../../src/extension/spanSummary';
import { makeSpan } from '../model/modelFixtures';

describe('extension/traceTree', () => {
  const t0 = 1_700_000_000_000;
  const root = makeSpan({ trace: 1, id: 1, name: 'GET /orders', service: 'order', startMs: t0, durationMs: 20 });
  const child = makeSpan({ trace: 1, id: 2, parent: 1, name: 'db', service: 'order', startMs: t0 + 5, durationMs: 3, error: true });
  const orphan = makeSpan({ trace: 1, id: 3, parent: 9, name: 'late', service: 'inventory', startMs: t0 + 2, durationMs: 1 });

  it('nests children under parents, with offsets, durations, status and where each span maps', () => {
    const tree = traceTree(
      assembleTrace(root.traceId, [child, orphan, root]),
      (span) => (span.name === 'db' ? { file: '/ws/order/db.go', line: 12, via: 'span-name' } : undefined),
      (file) => file.replace('/ws/', ''),
    );
    assert.equal(tree.spans, 3);
    assert.deepEqual(tree.services, ['inventory', 'order']);
    assert.equal(tree.orphans, 1);
    assert.deepEqual(tree.roots.map((r) => r.name), ['GET /orders', 'late']);
    const [first, second] = tree.roots;
    assert.equal(first.children.length, 1);
    assert.equal(first.children[0].name, 'db');
    assert.equal(first.children[0].start, '+5 ms');
    assert.equal(first.children[0].status, 'Error');
    assert.equal(first.children[0].statusMessage, 'failed');
    assert.equal(first.children[0].source, 'order/db.go:12');
    assert.equal(first.source, undefined);
    assert.equal(second.missingParent, '0000000000000009');
  });

  it('still shows the trace when the locator throws', () => {
    const tree = traceTree(assembleTrace(root.traceId, [root]), () => {
      throw new Error('mapper bug');
    });
    assert.equal(tree.roots[0].name, 'GET /orders');
  });
});

describe('extension/spanSummary', () => {
  it('picks the first present name of each attribute group, old or new semconv', () => {
    const span = makeSpan({ trace: 1, id: 1 });
    span.attributes = { 'http.method': 'GET', 'http.route': '/orders/:id', 'db.system': 'postgresql', other: 1 };
    assert.deepEqual(keyAttributes(span), [
      { key: 'http.method', value: 'GET' },
      { key: 'http.route', value: '/orders/:id' },
      { key: 'db.system', value: 'postgresql' },
    ]);
  });

  it('finds an error message in the status or in an exception event', () => {
    const span = makeSpan({ trace: 1, id: 1 });
    assert.equal(errorMessage(span), undefined);
    span.events = [{ name: 'exception', timeUnixMs: 0, attributes: { 'exception.message': 'stock exhausted' } }];
    assert.equal(errorMessage(span), 'stock exhausted');
    span.status = { code: 2, message: 'timeout' };
    assert.equal(errorMessage(span), 'timeout');
  });
});
