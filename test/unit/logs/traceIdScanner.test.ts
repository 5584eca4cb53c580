import * as assert from 'node:assert/strict';
import { scanTraceIds } from '../../../src/core/logs/traceIdScanner';
import { expectedOffsets, SPAN, TRACE, TRACE_ID_CASES } from './traceIdCases';

describe('core/logs/traceIdScanner', () => {
  for (const c of TRACE_ID_CASES) {
    it(c.title, () => {
      const found = scanTraceIds(c.text);
      assert.deepEqual(found, expectedOffsets(c));
      for (const match of found) {
        assert.equal(c.text.slice(match.start, match.end).toLowerCase(), match.traceId, 'offsets point at the id text');
      }
    });
  }

  it('finds nothing in empty or short text', () => {
    assert.deepEqual(scanTraceIds(''), []);
    assert.deepEqual(scanTraceIds('trace_id='), []);
  });

  it('scans every line of a long log, with exact offsets', () => {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      lines.push(i % 2 === 0 ? `ts=${i} level=info trace_id=${TRACE} span_id=${SPAN}` : `ts=${i} level=debug msg="nothing here"`);
    }
    const text = lines.join('\n');
    const found = scanTraceIds(text);
    assert.equal(found.length, 1000);
    for (const match of found) {
      assert.equal(text.slice(match.start, match.end), TRACE);
      assert.equal(match.spanId, SPAN);
    }
  });

  it('a regex state left by one call does not leak into the next', () => {
    const text = `trace_id=${TRACE}`;
    assert.equal(scanTraceIds(text).length, 1);
    assert.equal(scanTraceIds(text).length, 1);
  });
});
