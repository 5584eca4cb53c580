import * as assert from 'node:assert/strict';
import { activityFromAdapter, activityFromEditor } from '../../../src/extension/debug/dapActivity';
import { MAX_MARKS_PER_SESSION, MAX_SESSIONS, SessionBook } from '../../../src/extension/debug/sessionBook';

const kinds = (book: SessionBook, index = 0): string[] => book.sessions()[index].marks.map((m) => (m.detail ? `${m.kind}:${m.detail}` : m.kind));

describe('extension/debug/sessionBook', () => {
  it('tracks only tagged sessions, under the name the provider announced', () => {
    const book = new SessionBook();
    book.expect('tag1', 'Launch order');
    assert.equal(book.start({ id: 'untagged', name: 'Other' }, 1), undefined);
    const started = book.start({ id: 'vs1', name: 'Launch order (renamed by adapter)', tag: 'tag1' }, 10);
    assert.deepEqual(started, { id: 'tag1', name: 'Launch order', state: 'running', marks: [{ atUnixMs: 10, kind: 'started' }] });
    assert.equal(book.isTracked('vs1'), true);
    assert.equal(book.isTracked('untagged'), false);
    assert.equal(book.sessions().length, 1);
  });

  it('a session starting twice (tracker, then start event) begins once', () => {
    const book = new SessionBook();
    assert.ok(book.start({ id: 'vs1', name: 'a', tag: 't' }, 1));
    assert.equal(book.start({ id: 'vs1', name: 'a', tag: 't' }, 2), undefined);
    assert.deepEqual(kinds(book), ['started']);
  });

  it('maps a child session (js-debug) to its parent’s panel session; it ends with the last of them', () => {
    const book = new SessionBook();
    book.start({ id: 'parent', name: 'Launch', tag: 't' }, 1);
    assert.equal(book.start({ id: 'child', name: 'main.js', parentId: 'parent' }, 2), undefined);
    assert.equal(book.start({ id: 'grandchild', name: 'worker', parentId: 'child' }, 3), undefined);
    assert.equal(book.stopped('grandchild', 'breakpoint', 4), true);
    assert.equal(book.sessions()[0].state, 'stopped');
    assert.equal(book.continued('child', 5), true);
    assert.equal(book.ended('grandchild', 6), false);
    assert.equal(book.ended('child', 7), false);
    assert.equal(book.sessions()[0].state, 'running');
    assert.equal(book.ended('parent', 8), true);
    assert.deepEqual(book.sessions()[0].marks, [
      { atUnixMs: 1, kind: 'started' },
      { atUnixMs: 4, kind: 'stopped', detail: 'breakpoint' },
      { atUnixMs: 5, kind: 'continued' },
      { atUnixMs: 8, kind: 'ended' },
    ]);
    assert.equal(book.sessions()[0].state, 'ended');
  });

  it('marks transitions only: repeated stops (threads) and continues add nothing', () => {
    const book = new SessionBook();
    book.start({ id: 'vs', name: 'go', tag: 't' }, 0);
    assert.equal(book.continued('vs', 1), false, 'running already');
    assert.equal(book.stopped('vs', 'breakpoint', 2), true);
    assert.equal(book.stopped('vs', 'breakpoint', 3), false);
    assert.equal(book.continued('vs', 4), true);
    assert.equal(book.continued('vs', 5), false, 'the continued event after the continue request');
    assert.equal(book.stopped('vs', 'step', 6), true);
    assert.equal(book.stopped('vs', undefined, 7), false);
    assert.deepEqual(kinds(book), ['started', 'stopped:breakpoint', 'continued', 'stopped:step']);
  });

  it('ignores events of sessions it does not track, and after the end', () => {
    const book = new SessionBook();
    assert.equal(book.stopped('nobody', 'step', 1), false);
    assert.equal(book.ended('nobody', 1), false);
    book.start({ id: 'vs', name: 'x', tag: 't' }, 0);
    book.ended('vs', 1);
    assert.equal(book.stopped('vs', 'step', 2), false);
    assert.equal(book.ended('vs', 3), false);
    assert.deepEqual(kinds(book), ['started', 'ended']);
  });

  it('a restart with the same tag runs the ended session again', () => {
    const book = new SessionBook();
    book.start({ id: 'vs1', name: 'x', tag: 't' }, 0);
    book.ended('vs1', 1);
    const again = book.start({ id: 'vs2', name: 'x', tag: 't' }, 2);
    assert.equal(again?.state, 'running');
    assert.deepEqual(kinds(book), ['started', 'ended', 'started']);
    assert.equal(book.sessions().length, 1);
  });

  it('keeps the newest sessions, dropping ended ones first', () => {
    const book = new SessionBook();
    book.start({ id: 'vs-first', name: 'first', tag: 'first' }, 0);
    for (let i = 0; i < MAX_SESSIONS; i++) {
      book.start({ id: `vs${i}`, name: `s${i}`, tag: `t${i}` }, i + 1);
      if (i === 3) {
        book.ended('vs3', 100);
      }
    }
    const ids = book.sessions().map((s) => s.id);
    assert.equal(ids.length, MAX_SESSIONS);
    assert.equal(ids[0], 'first', 'the oldest still runs');
    assert.ok(!ids.includes('t3'), 'the ended one went');
    book.start({ id: 'vs-last', name: 'last', tag: 'last' }, 200);
    const after = book.sessions().map((s) => s.id);
    assert.ok(!after.includes('first'), 'all running: the oldest goes');
    assert.equal(after[after.length - 1], 'last');
    assert.equal(book.isTracked('vs-first'), false);
  });

  it('bounds the marks of a long stepping session, keeping its start', () => {
    const book = new SessionBook();
    book.start({ id: 'vs', name: 'x', tag: 't' }, 0);
    for (let i = 1; i <= MAX_MARKS_PER_SESSION; i++) {
      book.stopped('vs', 'step', i * 2);
      book.continued('vs', i * 2 + 1);
    }
    const marks = book.sessions()[0].marks;
    assert.equal(marks.length, MAX_MARKS_PER_SESSION);
    assert.equal(marks[0].kind, 'started');
    assert.equal(marks[marks.length - 1].atUnixMs, MAX_MARKS_PER_SESSION * 2 + 1);
  });

  it('hands out copies', () => {
    const book = new SessionBook();
    book.start({ id: 'vs', name: 'x', tag: 't' }, 0);
    const before = book.sessions();
    book.stopped('vs', 'pause', 1);
    assert.equal(before[0].state, 'running');
    assert.equal(before[0].marks.length, 1);
  });
});

describe('extension/debug/dapActivity', () => {
  it('reads stopped (with its reason) and continued events', () => {
    assert.deepEqual(activityFromAdapter({ seq: 5, type: 'event', event: 'stopped', body: { reason: 'breakpoint', threadId: 1 } }), { kind: 'stopped', reason: 'breakpoint' });
    assert.deepEqual(activityFromAdapter({ type: 'event', event: 'stopped' }), { kind: 'stopped' });
    assert.deepEqual(activityFromAdapter({ type: 'event', event: 'continued', body: { threadId: 1 } }), { kind: 'continued' });
    assert.equal(activityFromAdapter({ type: 'event', event: 'output', body: { output: 'x' } }), undefined);
    assert.equal(activityFromAdapter({ type: 'response', command: 'continue', success: true }), undefined);
    assert.equal(activityFromAdapter(null), undefined);
  });

  it('counts continue and step requests as continuing', () => {
    for (const command of ['continue', 'next', 'stepIn', 'stepOut', 'reverseContinue', 'stepBack']) {
      assert.deepEqual(activityFromEditor({ seq: 9, type: 'request', command, arguments: { threadId: 1 } }), { kind: 'continued' }, command);
    }
    for (const command of ['pause', 'stackTrace', 'variables', 'setBreakpoints']) {
      assert.equal(activityFromEditor({ type: 'request', command }), undefined, command);
    }
    assert.equal(activityFromEditor({ type: 'event', event: 'continue' }), undefined);
  });
});
