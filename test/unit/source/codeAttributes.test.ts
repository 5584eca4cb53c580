import * as assert from 'node:assert/strict';
import { readCodeAttributes } from '../../../src/core/source/codeAttributes';

describe('readCodeAttributes', () => {
  it('reads the stable semconv keys', () => {
    const code = readCodeAttributes({
      'code.file.path': '/app/internal/order/service.go',
      'code.line.number': 20,
      'code.column.number': 2,
      'code.function.name': 'github.com/acme/shop/internal/order.(*Service).Create',
    });
    assert.deepEqual(code, {
      filePath: '/app/internal/order/service.go',
      line: 20,
      column: 2,
      functionName: 'github.com/acme/shop/internal/order.(*Service).Create',
    });
  });

  it('reads the older keys and joins code.namespace with code.function', () => {
    const code = readCodeAttributes({
      'code.filepath': 'worker/tasks.py',
      'code.lineno': 7,
      'code.column': 5,
      'code.function': 'process',
      'code.namespace': 'worker.tasks',
    });
    assert.deepEqual(code, { filePath: 'worker/tasks.py', line: 7, column: 5, functionName: 'worker.tasks.process' });
  });

  it('does not repeat a namespace the function name already carries', () => {
    const code = readCodeAttributes({ 'code.function': 'com.acme.Billing.charge', 'code.namespace': 'com.acme.Billing' });
    assert.equal(code.functionName, 'com.acme.Billing.charge');
  });

  it('accepts numbers sent as numeric strings (64-bit ints in OTLP/JSON)', () => {
    const code = readCodeAttributes({ 'code.file.path': 'a.go', 'code.line.number': '42', 'code.column.number': ' 7 ' });
    assert.equal(code.line, 42);
    assert.equal(code.column, 7);
  });

  it('prefers the stable key when both generations are present', () => {
    const code = readCodeAttributes({
      'code.file.path': 'new.go',
      'code.filepath': 'old.go',
      'code.line.number': 3,
      'code.lineno': 9,
    });
    assert.equal(code.filePath, 'new.go');
    assert.equal(code.line, 3);
  });

  it('ignores values that are not lines: zero, negative, fractional, non-numeric, empty paths', () => {
    assert.equal(readCodeAttributes({ 'code.line.number': 0 }).line, undefined);
    assert.equal(readCodeAttributes({ 'code.line.number': -3 }).line, undefined);
    assert.equal(readCodeAttributes({ 'code.line.number': 2.5 }).line, undefined);
    assert.equal(readCodeAttributes({ 'code.line.number': '12abc' }).line, undefined);
    assert.equal(readCodeAttributes({ 'code.line.number': true }).line, undefined);
    assert.equal(readCodeAttributes({ 'code.file.path': '  ' }).filePath, undefined);
    // A broken stable value does not hide a good older one.
    assert.equal(readCodeAttributes({ 'code.line.number': 'x', 'code.lineno': 11 }).line, 11);
  });

  it('returns nothing for a span without code attributes', () => {
    assert.deepEqual(readCodeAttributes({ 'http.route': '/orders' }), {});
  });
});
