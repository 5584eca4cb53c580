import assert from 'node:assert/strict';
import type { PanelSessionMark } from '../../../src/core/panel/protocol';
import { TraceForest } from '../../../src/core/panel/traceForest';
import { outline, span, spanRows, T1, T2, T3, traceRows, view } from './forestFixtures';

/** order → inventory → db, plus a billing span under order; and a second trace in billing only. */
function sample(): TraceForest {
  const model = new TraceForest({ maxSpans: 1000 });
  model.add([
    span({ id: 'root', name: 'GET /orders', service: 'order', start: 1_000, duration: 100, sessionId: 'sess-1' }),
    span({
      id: 'check',
      parent: 'root',
      name: 'check stock',
      service: 'inventory',
      start: 1_010,
      duration: 40,
      sessionId: 'sess-1',
      attributes: [['sku', 'Widget-42']],
      sourceLabel: 'inventory/stock.go:17',
    }),
    span({ id: 'query', parent: 'check', name: 'SELECT', service: 'inventory', start: 1_020, duration: 2, status: 2, sessionId: 'sess-1' }),
    span({ id: 'charge', parent: 'root', name: 'charge', service: 'billing', start: 1_060, duration: 30, sessionId: 'sess-1' }),
    span({ trace: T2, id: 'batch', name: 'nightly batch', service: 'billing', start: 5_000, duration: 500, attributes: [['job.kind', 'nightly']] }),
  ]);
  return model;
}

function matchFlags(model: TraceForest, filter: Parameters<typeof view>[0]): string[] {
  return spanRows(model.rows(view(filter))).map((row) => `${row.span.spanId}${row.matches ? '' : '(context)'}`);
}

describe('TraceForest filters', () => {
  it('filters by service, keeping ancestors as context and hiding traces with no match', () => {
    const model = sample();
    assert.deepEqual(matchFlags(model, { services: ['inventory'] }), ['root(context)', 'check', 'query']);
    assert.deepEqual(traceRows(model.rows(view({ services: ['inventory'] }))).map((row) => row.key), [T1]);
    assert.deepEqual(matchFlags(model, { services: ['billing'] }), ['batch', 'root(context)', 'charge']);
    assert.deepEqual(matchFlags(model, { services: ['nobody'] }), []);
    assert.deepEqual(model.rows(view({ services: ['nobody'] })), []);
  });

  it('filters by status', () => {
    const model = sample();
    assert.deepEqual(matchFlags(model, { status: 'error' }), ['root(context)', 'check(context)', 'query']);
    assert.deepEqual(matchFlags(model, { status: 'ok' }), ['batch', 'root', 'check', 'charge']);
  });

  it('filters by text in names, services, ids, source labels and attribute keys and values, ignoring case', () => {
    const model = sample();
    assert.deepEqual(matchFlags(model, { text: 'widget-4' }), ['root(context)', 'check']);
    assert.deepEqual(matchFlags(model, { text: 'JOB.KIND' }), ['batch']);
    assert.deepEqual(matchFlags(model, { text: '  select ' }), ['root(context)', 'check(context)', 'query']);
    assert.deepEqual(matchFlags(model, { text: 'stock.go:17' }), ['root(context)', 'check']);
    assert.deepEqual(matchFlags(model, { text: 'inventory' }), ['root(context)', 'check', 'query']);
    assert.deepEqual(matchFlags(model, { text: 'charge' }), ['root(context)', 'charge']);
    assert.deepEqual(matchFlags(model, { text: T2.slice(0, 12) }), ['batch']);
    assert.deepEqual(matchFlags(model, { text: 'no such thing' }), []);
  });

  it('filters by minimum duration and by debug session, and combines filters', () => {
    const model = sample();
    assert.deepEqual(matchFlags(model, { minDurationMs: 40 }), ['batch', 'root', 'check']);
    assert.deepEqual(matchFlags(model, { sessionId: 'sess-1' }), ['root', 'check', 'query', 'charge']);
    assert.deepEqual(matchFlags(model, { sessionId: 'other' }), []);
    assert.deepEqual(matchFlags(model, { sessionId: 'sess-1', services: ['billing'], minDurationMs: 10 }), ['root(context)', 'charge']);
  });

  it('counts only children the filter shows in hasChildren', () => {
    const model = sample();
    const rows = spanRows(model.rows(view({ services: ['billing'] })));
    const root = rows.find((row) => row.span.spanId === 'root');
    const charge = rows.find((row) => row.span.spanId === 'charge');
    assert.equal(root?.hasChildren, true);
    assert.equal(charge?.hasChildren, false);
    const all = spanRows(model.rows(view()));
    assert.equal(all.find((row) => row.span.spanId === 'check')?.hasChildren, true);
  });

  it('a collapsed trace shows only its row; a collapsed span hides its descendants', () => {
    const model = sample();
    const collapsedTrace = model.rows(view({}, [T1]));
    assert.deepEqual(
      collapsedTrace.map((row) => row.key),
      [T2, `${T2}/batch`, T1],
    );
    const t1 = collapsedTrace[2];
    assert.equal(t1.kind === 'trace' && t1.expanded, false);

    const collapsedSpan = model.rows(view({}, [`${T1}/check`]));
    assert.deepEqual(outline(collapsedSpan), ['batch@0', 'root@0', 'check@1', 'charge@1']);
    const check = spanRows(collapsedSpan).find((row) => row.span.spanId === 'check');
    assert.equal(check?.expanded, false);
    assert.equal(check?.hasChildren, true);
    // The collapsed trace is still listed only when the filter matches something in it.
    assert.deepEqual(
      model.rows(view({ services: ['inventory'] }, [T1, T2])).map((row) => row.key),
      [T1],
    );
  });

  it('interleaves session marks among traces by time, newest first', () => {
    const model = new TraceForest({ maxSpans: 1000 });
    model.add([span({ trace: T1, id: 'a', start: 1_000 })]);
    model.add([span({ trace: T2, id: 'b', start: 2_000 })]);
    model.add([span({ trace: T3, id: 'c', start: 3_000 })]);
    const marks: PanelSessionMark[] = [
      { atUnixMs: 500, kind: 'started' },
      { atUnixMs: 1_500, kind: 'stopped', detail: 'breakpoint' },
      { atUnixMs: 2_500, kind: 'continued' },
      { atUnixMs: 9_000, kind: 'ended' },
    ];
    const rows = model.rows(view({}, [T1, T2, T3], marks));
    assert.deepEqual(
      rows.map((row) => row.key),
      ['mark:9000:ended', T3, 'mark:2500:continued', T2, 'mark:1500:stopped', T1, 'mark:500:started'],
    );
    const stopped = rows[4];
    assert.deepEqual(stopped.kind === 'mark' && stopped.mark, marks[1]);
    // Without marks, only traces.
    assert.equal(model.rows(view({}, [T1, T2, T3])).length, 3);
  });
});
