import * as assert from 'node:assert/strict';
import { commandUri, escapeMarkdown } from '../../../src/extension/markdownText';

describe('extension/markdownText', () => {
  it('neutralises links, command links, HTML, emphasis, tables and theme icons', () => {
    const hostile = '[click](command:spanLens.clearData) <img src=x onerror=alert(1)> **bold** | cell $(zap)';
    const escaped = escapeMarkdown(hostile);
    assert.equal(escaped.includes('](command:'), false);
    assert.equal(/(^|[^\\])[[\]<>*|$()]/.test(escaped), false, escaped);
    assert.equal(escaped.replace(/\\(.)/g, '$1'), hostile);
  });

  it('keeps one value on one line and clips long values', () => {
    assert.equal(escapeMarkdown('a\n# b'), 'a \\# b');
    const long = escapeMarkdown('x'.repeat(500), 20);
    assert.equal(long.length, 20);
    assert.ok(long.endsWith('…'));
  });

  it('commandUri encodes its JSON arguments', () => {
    const uri = commandUri('spanLens.openTrace', ['abc"def']);
    assert.equal(uri, `command:spanLens.openTrace?${encodeURIComponent('["abc\\"def"]')}`);
    assert.deepEqual(JSON.parse(decodeURIComponent(uri.split('?')[1])), ['abc"def']);
  });
});
