import assert from 'node:assert/strict';
import type { PanelBrokenLink } from '../../../src/core/panel/protocol';
import { TraceForest } from '../../../src/core/panel/traceForest';
import { span, spanRows, T1, T2, T3, view } from './forestFixtures';

function rowOf(model: TraceForest, traceId: string, spanId: string) {
  const row = spanRows(model.rows(view())).find((candidate) => candidate.key === `${traceId}/${spanId}`);
  assert.ok(row, `row ${traceId}/${spanId} shown`);
  return row;
}

const DISCONNECTED: PanelBrokenLink = {
  id: 'f1',
  kind: 'disconnected-server',
  code: 'SL102',
  message: 'order called inventory over HTTP but inventory started a new trace',
  blame: 'order/client.go:42',
  evidence: [
    { role: 'caller', traceId: T1, spanId: 'call' },
    { role: 'callee', traceId: T2, spanId: 'serve' },
  ],
};

const DETACHED: PanelBrokenLink = {
  id: 'f2',
  kind: 'detached-async',
  code: 'SL104',
  message: 'goroutine work lost its parent context',
  evidence: [
    { role: 'parent', traceId: T1, spanId: 'root' },
    { role: 'detached', traceId: T1, spanId: 'work' },
  ],
};

describe('TraceForest broken links', () => {
  it('marks the span a finding names in this trace, without a jump when the other end is in the same trace', () => {
    const model = new TraceForest({ maxSpans: 1000 });
    model.add([span({ id: 'root', start: 1 }), span({ id: 'work', parent: 'root', start: 2 })]);
    model.rows(view());
    model.setBrokenLinks([DETACHED]);
    assert.deepEqual(rowOf(model, T1, 'work').marks, [
      {
        kind: 'broken',
        code: 'SL104',
        findingKind: 'detached-async',
        role: 'detached',
        message: 'goroutine work lost its parent context',
      },
    ]);
    assert.equal(rowOf(model, T1, 'root').marks[0].kind, 'broken');
    assert.equal(model.trace(T1)?.brokenLinks, 1);
  });

  it('gives each end of a cross-trace break a jump to the other trace', () => {
    const model = new TraceForest({ maxSpans: 1000 });
    model.add([span({ trace: T1, id: 'call' }), span({ trace: T2, id: 'serve', service: 'inventory' })]);
    model.setBrokenLinks([DISCONNECTED]);
    const caller = rowOf(model, T1, 'call').marks;
    const callee = rowOf(model, T2, 'serve').marks;
    assert.deepEqual(caller, [
      {
        kind: 'broken',
        code: 'SL102',
        findingKind: 'disconnected-server',
        role: 'caller',
        message: DISCONNECTED.message,
        blame: 'order/client.go:42',
        jump: { traceId: T2, spanId: 'serve' },
      },
    ]);
    assert.equal(callee.length, 1);
    assert.deepEqual(callee[0].kind === 'broken' && callee[0].jump, { traceId: T1, spanId: 'call' });
    assert.deepEqual(model.marksFor(T1, 'call'), caller);
    assert.equal(model.trace(T2)?.brokenLinks, 1);
    assert.equal(model.trace(T3), undefined);
  });

  it('keeps "awaiting parent" neutral, and adds a broken mark only when a finding names the orphan', () => {
    const model = new TraceForest({ maxSpans: 1000 });
    model.add([span({ id: 'waiting', parent: 'p1' }), span({ id: 'orphan', parent: 'p2' })]);
    model.setBrokenLinks([
      { id: 'f3', kind: 'orphan-span', code: 'SL101', message: 'parent never arrived', evidence: [{ role: 'orphan', traceId: T1, spanId: 'orphan' }] },
    ]);
    assert.deepEqual(
      rowOf(model, T1, 'waiting').marks.map((mark) => mark.kind),
      ['awaiting-parent'],
    );
    assert.deepEqual(
      rowOf(model, T1, 'orphan').marks.map((mark) => mark.kind),
      ['awaiting-parent', 'broken'],
    );
    // The parent arriving ends the wait; the finding's mark stays until the findings change.
    model.add([span({ id: 'p2', start: 0 })]);
    assert.deepEqual(
      rowOf(model, T1, 'orphan').marks.map((mark) => mark.kind),
      ['broken'],
    );
    assert.equal(rowOf(model, T1, 'orphan').depth, 1);
  });

  it('replaces the previous findings: marks go away and cached rows are rebuilt', () => {
    const model = new TraceForest({ maxSpans: 1000 });
    model.add([span({ trace: T1, id: 'call' }), span({ trace: T2, id: 'serve' })]);
    model.setBrokenLinks([DISCONNECTED, DETACHED]);
    assert.equal(rowOf(model, T1, 'call').marks.length, 1);
    assert.equal(model.trace(T1)?.brokenLinks, 2);
    const version = model.version;
    model.setBrokenLinks([]);
    assert.ok(model.version > version);
    assert.deepEqual(rowOf(model, T1, 'call').marks, []);
    assert.deepEqual(rowOf(model, T2, 'serve').marks, []);
    assert.equal(model.trace(T1)?.brokenLinks, 0);
  });

  it('shows marks for a span that arrives after its finding', () => {
    const model = new TraceForest({ maxSpans: 1000 });
    model.setBrokenLinks([DISCONNECTED]);
    model.add([span({ trace: T2, id: 'serve' })]);
    assert.equal(rowOf(model, T2, 'serve').marks.length, 1);
  });
});
