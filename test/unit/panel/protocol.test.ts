import assert from 'node:assert/strict';
import { isHostMessage, isWebviewMessage, SESSION_RESOURCE_ATTRIBUTE } from '../../../src/core/panel/protocol';
import { span } from './forestFixtures';

describe('panel protocol guards', () => {
  it('accepts every well-formed webview message', () => {
    for (const message of [
      { type: 'ready' },
      { type: 'clearPanel' },
      { type: 'openInEditor' },
      { type: 'openSource', file: '/ws/a.go', line: 1 },
      { type: 'openSource', file: '/ws/a.go', line: 120 },
      { type: 'copy', text: 'a'.repeat(32) },
      { type: 'copy', text: '' },
    ]) {
      assert.equal(isWebviewMessage(message), true, JSON.stringify(message));
    }
  });

  it('rejects malformed webview messages', () => {
    for (const message of [
      undefined,
      null,
      'ready',
      42,
      [],
      {},
      { type: 'nope' },
      { type: 'READY' },
      { type: 'openSource' },
      { type: 'openSource', file: '', line: 3 },
      { type: 'openSource', file: 7, line: 3 },
      { type: 'openSource', file: '/ws/a.go', line: 0 },
      { type: 'openSource', file: '/ws/a.go', line: -1 },
      { type: 'openSource', file: '/ws/a.go', line: 1.5 },
      { type: 'openSource', file: '/ws/a.go', line: '3' },
      { type: 'openSource', file: '/ws/a.go', line: Number.NaN },
      { type: 'copy' },
      { type: 'copy', text: 12 },
      { type: 'copy', text: 'x'.repeat(1025) },
    ]) {
      assert.equal(isWebviewMessage(message), false, JSON.stringify(message) ?? String(message));
    }
  });

  it('accepts every well-formed host message', () => {
    for (const message of [
      { type: 'reset', config: { maxSpans: 100 }, spans: [span({ id: 'a' })], brokenLinks: [], sessions: [] },
      { type: 'spans', spans: [] },
      { type: 'spans', spans: [span({ id: 'b' })] },
      { type: 'brokenLinks', brokenLinks: [] },
      { type: 'sessions', sessions: [{ id: 's', name: 'Launch', state: 'running', marks: [] }] },
      { type: 'cleared' },
      { type: 'revealTrace', traceId: 'a'.repeat(32) },
      { type: 'revealTrace', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) },
    ]) {
      assert.equal(isHostMessage(message), true, JSON.stringify(message));
    }
  });

  it('rejects malformed host messages', () => {
    for (const message of [
      undefined,
      null,
      'cleared',
      {},
      { type: 'ready' },
      { type: 'reset', spans: [], brokenLinks: [], sessions: [] },
      { type: 'reset', config: null, spans: [], brokenLinks: [], sessions: [] },
      { type: 'reset', config: {}, spans: {}, brokenLinks: [], sessions: [] },
      { type: 'reset', config: {}, spans: [], sessions: [] },
      { type: 'reset', config: {}, spans: [], brokenLinks: [] },
      { type: 'spans' },
      { type: 'spans', spans: 'many' },
      { type: 'brokenLinks', brokenLinks: {} },
      { type: 'sessions', sessions: null },
      { type: 'revealTrace' },
      { type: 'revealTrace', traceId: 5 },
      { type: 'revealTrace', traceId: 'abc', spanId: 5 },
    ]) {
      assert.equal(isHostMessage(message), false, JSON.stringify(message) ?? String(message));
    }
  });

  it('names the session resource attribute the debug wiring sets', () => {
    assert.equal(SESSION_RESOURCE_ATTRIBUTE, 'spanlens.debug.session');
  });
});
