import assert from 'node:assert/strict';
import { TraceForest } from '../../../src/core/panel/traceForest';
import { outline, seededRandom, shuffle, span, spanRows, T1, T2, traceRows, view } from './forestFixtures';

function forest(): TraceForest {
  return new TraceForest({ maxSpans: 1_000_000 });
}

describe('TraceForest tree', () => {
  it('shows a child that arrives first as a top-level span awaiting its parent, then moves it under the parent', () => {
    const model = forest();
    model.add([span({ id: 'child', parent: 'root', start: 5 })]);
    let rows = spanRows(model.rows(view()));
    assert.deepEqual(outline(rows), ['child@0']);
    assert.deepEqual(rows[0].marks, [{ kind: 'awaiting-parent', parentSpanId: 'root' }]);
    assert.equal(model.trace(T1)?.awaitingParents, 1);

    model.add([span({ id: 'root', start: 1 })]);
    rows = spanRows(model.rows(view()));
    assert.deepEqual(outline(rows), ['root@0', 'child@1']);
    assert.deepEqual(rows[1].marks, []);
    assert.deepEqual(model.marksFor(T1, 'child'), []);
    assert.equal(rows[0].hasChildren, true);
    assert.equal(model.trace(T1)?.awaitingParents, 0);
    assert.equal(model.spanCount, 2);
    assert.equal(model.parentOf(T1, 'child')?.spanId, 'root');
  });

  it('re-parents a deep chain that arrives in reverse order into one chain', () => {
    const model = forest();
    const depth = 1_000;
    for (let i = depth - 1; i >= 0; i--) {
      model.add([span({ id: `s${i}`, parent: i === 0 ? '' : `s${i - 1}`, start: i })]);
      if (i % 7 === 0) {
        assert.equal(spanRows(model.rows(view())).length, model.spanCount);
      }
    }
    const rows = spanRows(model.rows(view()));
    assert.deepEqual(
      outline(rows),
      Array.from({ length: depth }, (_, i) => `s${i}@${i}`),
    );
    assert.equal(model.trace(T1)?.awaitingParents, 0);
    assert.ok(rows.every((row) => row.marks.length === 0));
  });

  it('never loses or duplicates a span, whatever the arrival order and batching', () => {
    const specs = [];
    for (let i = 0; i < 300; i++) {
      // Parent of span i is a random earlier span: a random tree.
      const parent = i === 0 ? '' : `s${Math.floor(seededRandom(i)() * i)}`;
      specs.push(span({ id: `s${i}`, parent, start: 1000 + ((i * 7919) % 300) }));
    }
    const reference = forest();
    reference.add(specs);
    const expected = outline(reference.rows(view()));
    assert.equal(expected.length, 300);

    for (const seed of [1, 2, 3, 4, 5]) {
      const random = seededRandom(seed);
      const model = forest();
      const shuffled = shuffle(specs, random);
      while (shuffled.length > 0) {
        model.add(shuffled.splice(0, 1 + Math.floor(random() * 20)));
        const keys = spanRows(model.rows(view())).map((row) => row.key);
        assert.equal(keys.length, model.spanCount, `seed ${seed}: one row per span held`);
        assert.equal(new Set(keys).size, keys.length, `seed ${seed}: no span shown twice`);
      }
      assert.deepEqual(outline(model.rows(view())), expected, `seed ${seed}: same tree as in-order arrival`);
    }
  });

  it('ignores duplicates (same trace and span id), within a batch and across batches, without a version bump', () => {
    const model = forest();
    model.add([span({ id: 'a' }), span({ id: 'a', name: 'again' }), span({ id: 'b', parent: 'a' })]);
    const version = model.version;
    model.add([span({ id: 'a', name: 'third' }), span({ id: 'b', parent: 'a' })]);
    assert.equal(model.version, version);
    assert.equal(model.spanCount, 2);
    assert.equal(model.span(T1, 'a')?.name, 'op a');
    assert.deepEqual(outline(model.rows(view())), ['a@0', 'b@1']);
    // The same span id in another trace is another span.
    model.add([span({ trace: T2, id: 'a' })]);
    assert.equal(model.spanCount, 3);
    assert.equal(model.traceCount, 2);
  });

  it('shows each span of a parent cycle exactly once and does not loop', () => {
    const model = forest();
    // Two-cycle, in both arrival orders, a three-cycle with a child hanging off it, and a span that is its own parent.
    model.add([span({ id: 'x', parent: 'y', start: 1 })]);
    model.add([span({ id: 'y', parent: 'x', start: 2 })]);
    model.add([span({ trace: T2, id: 'p', parent: 'r', start: 1 }), span({ trace: T2, id: 'q', parent: 'p', start: 2 })]);
    model.add([span({ trace: T2, id: 'leaf', parent: 'q', start: 3 }), span({ trace: T2, id: 'r', parent: 'q', start: 4 })]);
    model.add([span({ trace: T2, id: 'self', parent: 'self', start: 9 })]);

    const rows = model.rows(view());
    const keys = spanRows(rows).map((row) => row.key);
    assert.equal(keys.length, 7);
    assert.equal(new Set(keys).size, 7);
    assert.deepEqual(outline(rows.filter((row) => row.kind === 'span' && row.trace.traceId === T1)), ['x@0', 'y@1']);
    assert.deepEqual(outline(rows.filter((row) => row.kind === 'span' && row.trace.traceId === T2)), [
      'p@0',
      'q@1',
      'leaf@2',
      'r@2',
      'self@0',
    ]);
    // Their parents are held, so none of them is "awaiting".
    assert.ok(spanRows(rows).every((row) => row.marks.length === 0));
  });

  it('orders children by start time, ties by arrival, and top-level spans likewise', () => {
    const model = forest();
    model.add([span({ id: 'root', start: 0 })]);
    model.add([span({ id: 'late', parent: 'root', start: 30 }), span({ id: 'early', parent: 'root', start: 10 })]);
    model.add([span({ id: 'tieA', parent: 'root', start: 20 })]);
    model.add([span({ id: 'tieB', parent: 'root', start: 20 })]);
    model.add([span({ id: 'orphan', parent: 'gone', start: -5 })]);
    assert.deepEqual(outline(model.rows(view())), ['orphan@0', 'root@0', 'early@1', 'tieA@1', 'tieB@1', 'late@1']);
  });

  it('lists traces newest first by start time (arrival breaks ties), each trace row before its spans', () => {
    const model = forest();
    model.add([span({ trace: T1, id: 'a', start: 100 })]);
    // Delivered later, but it started earlier: an exporter's late batch must not jump ahead of newer traces.
    model.add([span({ trace: T2, id: 'b', start: 1 })]);
    model.add([span({ trace: T1, id: 'c', parent: 'a', start: 101 })]);
    assert.deepEqual(
      model.rows(view()).map((row) => row.key),
      [T1, `${T1}/a`, `${T1}/c`, T2, `${T2}/b`],
    );
    assert.deepEqual(model.traceIds(), [T2, T1]);
    assert.ok(model.trace(T2)!.arrival > model.trace(T1)!.arrival);

    // A span that starts before everything held moves its trace down.
    model.add([span({ trace: T1, id: 'early', parent: 'a', start: 0 })]);
    assert.deepEqual(
      model.rows(view()).filter((row) => row.kind === 'trace').map((row) => row.key),
      [T2, T1],
    );
  });

  it('places a trace that starts at the same time as another by arrival, newest first', () => {
    const model = forest();
    model.add([span({ trace: T1, id: 'a', start: 5 })]);
    model.add([span({ trace: T2, id: 'b', start: 5 })]);
    assert.deepEqual(
      model.rows(view()).filter((row) => row.kind === 'trace').map((row) => row.key),
      [T2, T1],
    );
  });

  it('marks a service boundary with the calling service and the transport', () => {
    const model = forest();
    model.add([
      span({ id: 'client', service: 'order', transport: 'http', start: 1 }),
      span({ id: 'server', parent: 'client', service: 'inventory', transport: 'http', start: 2 }),
      span({ id: 'inner', parent: 'server', service: 'inventory', start: 3 }),
      span({ id: 'publish', parent: 'inner', service: 'inventory', transport: 'messaging', start: 4 }),
      span({ id: 'consume', parent: 'publish', service: 'billing', start: 5 }),
    ]);
    const rows = spanRows(model.rows(view()));
    const boundary = Object.fromEntries(rows.map((row) => [row.span.spanId, row.boundary]));
    assert.deepEqual(boundary, {
      client: undefined,
      server: { fromService: 'order', transport: 'http' },
      inner: undefined,
      publish: undefined,
      consume: { fromService: 'inventory', transport: 'messaging' },
    });
  });

  it('summarises a trace: root, services, errors, span count, time range, sessions', () => {
    const model = forest();
    model.add([
      span({ id: 'child', parent: 'root', service: 'inventory', start: 1_010, duration: 5, status: 2, sessionId: 's2' }),
      span({ id: 'root', name: 'GET /orders', service: 'order', start: 1_000, duration: 50, sessionId: 's1' }),
      span({ id: 'late', parent: 'root', service: 'order', start: 1_040, duration: 30, status: 2 }),
      span({ id: 'orphan', parent: 'elsewhere', service: 'billing', start: 1_020 }),
    ]);
    assert.deepEqual(model.trace(T1), {
      traceId: T1,
      rootName: 'GET /orders',
      rootService: 'order',
      services: ['billing', 'inventory', 'order'],
      spanCount: 4,
      startUnixMs: 1_000,
      durationMs: 70,
      errorCount: 2,
      awaitingParents: 1,
      brokenLinks: 0,
      sessionIds: ['s1', 's2'],
      arrival: model.trace(T1)!.arrival,
    });
    assert.deepEqual(model.services(), ['billing', 'inventory', 'order']);
    assert.equal(model.trace(T2), undefined);
    assert.equal(model.span(T1, 'nope'), undefined);
  });

  it('names a trace without a root after its earliest span, and the trace row carries the summary', () => {
    const model = forest();
    model.add([span({ id: 'b', parent: 'x', name: 'second', start: 9 }), span({ id: 'a', parent: 'x', name: 'first', start: 3 })]);
    const [row] = traceRows(model.rows(view()));
    assert.equal(row.trace.rootName, 'first');
    assert.equal(row.expanded, true);
    assert.equal(row.trace.spanCount, 2);
  });

  it('skips malformed spans and clears everything', () => {
    const model = forest();
    model.add([span({ id: '' }), { ...span({ id: 'ok' }), traceId: '' }, span({ id: 'fine' })]);
    assert.equal(model.spanCount, 1);
    const version = model.version;
    model.clear();
    assert.equal(model.spanCount, 0);
    assert.equal(model.traceCount, 0);
    assert.ok(model.version > version);
    assert.deepEqual(model.rows(view()), []);
  });
});
