import * as assert from 'node:assert/strict';
import { GoAnalyzer } from '../../../src/core/analysis/goAnalyzer';
import { alignTrailingComments, applyEdits } from '../../../src/core/analysis/goEdits';
import { ensureImport, ensureImports } from '../../../src/core/analysis/goImports';
import { treeSitter } from './support/wantHarness';

const OTELHTTP = 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp';

describe('ensureImport', () => {
  const analyzer = new GoAnalyzer(treeSitter(), { rules: [] });
  before(() => treeSitter().load('go'));

  const withImport = (text: string, ...paths: string[]) =>
    analyzer.withGoFile('/x.go', text, {}, undefined, (file) => {
      const { names, edits } = ensureImports(file, paths.map((p) => ({ path: p })));
      return { names, text: applyEdits(text, edits) };
    });

  it('reuses an existing import under its alias, with no edit', () => {
    const text = 'package p\n\nimport (\n\th "net/http"\n)\n';
    const result = analyzer.withGoFile('/x.go', text, {}, undefined, (file) => ensureImport(file, 'net/http'));
    assert.deepEqual(result, { name: 'h', edit: undefined });
  });

  it('adds std imports to the std group and others to the last third-party group, sorted', () => {
    const text = 'package p\n\nimport (\n\t"context"\n\t"net/http"\n\n\t"go.opentelemetry.io/otel"\n)\n';
    const result = withImport(text, 'fmt', OTELHTTP, 'go.opentelemetry.io/otel/trace');
    assert.deepEqual(result.names, ['fmt', 'otelhttp', 'trace']);
    assert.equal(
      result.text,
      `package p\n\nimport (\n\t"context"\n\t"fmt"\n\t"net/http"\n\n\t"${OTELHTTP}"\n\t"go.opentelemetry.io/otel"\n\t"go.opentelemetry.io/otel/trace"\n)\n`,
    );
  });

  it('opens a third-party group after a std-only block, and a std group before a third-party-only block', () => {
    assert.equal(withImport('package p\n\nimport (\n\t"net/http"\n)\n', OTELHTTP).text, `package p\n\nimport (\n\t"net/http"\n\n\t"${OTELHTTP}"\n)\n`);
    assert.equal(
      withImport('package p\n\nimport (\n\t"go.opentelemetry.io/otel"\n)\n', 'context').text,
      'package p\n\nimport (\n\t"context"\n\n\t"go.opentelemetry.io/otel"\n)\n',
    );
  });

  it('turns a single import into a grouped block, and creates one when there is none', () => {
    assert.equal(withImport('package p\n\nimport "net/http"\n\nvar _ = http.Get\n', 'context', OTELHTTP).text, `package p\n\nimport (\n\t"context"\n\t"net/http"\n\n\t"${OTELHTTP}"\n)\n\nvar _ = http.Get\n`);
    assert.equal(withImport('package p\n\nfunc f() {}\n', 'context').text, 'package p\n\nimport "context"\n\nfunc f() {}\n');
  });

  it('aliases an import whose name another import already uses', () => {
    const result = withImport('package p\n\nimport (\n\t"runtime/trace"\n)\n', 'go.opentelemetry.io/otel/trace');
    assert.deepEqual(result.names, ['oteltrace']);
    assert.match(result.text, /\toteltrace "go\.opentelemetry\.io\/otel\/trace"\n/);
  });
});

describe('alignTrailingComments', () => {
  it('re-aligns the run of trailing comments around an edited line, as gofmt does', () => {
    const text = 'func f() {\n\tgo a(x) // one\n\tgo bb(y) // two\n\tz()\n}\n';
    const edits = alignTrailingComments(text, [{ start: text.indexOf('x'), end: text.indexOf('x') + 1, newText: 'long(x)' }]);
    assert.equal(applyEdits(text, edits), 'func f() {\n\tgo a(long(x)) // one\n\tgo bb(y)      // two\n\tz()\n}\n');
  });

  it('leaves edits alone where no neighbouring comment is aligned', () => {
    const text = 'func f() {\n\tgo a(x) // one\n\tz()\n}\n';
    const edit = { start: text.indexOf('x'), end: text.indexOf('x') + 1, newText: 'y' };
    assert.deepEqual(alignTrailingComments(text, [edit]), [edit]);
  });
});
