import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TreeSitter, type GrammarId } from '../../../src/core/source/treeSitter';

const SAMPLES: Record<GrammarId, [string, string]> = {
  go: ['package a\n\nfunc f() {}\n', 'function_declaration'],
  javascript: ['function f() {}\n', 'function_declaration'],
  typescript: ['function f(x: number): void {}\n', 'function_declaration'],
  tsx: ['const a = <div>{1}</div>;\n', 'jsx_element'],
  python: ['def f():\n    pass\n', 'function_definition'],
  java: ['class A { void f() {} }\n', 'class_declaration'],
};

describe('TreeSitter', function () {
  this.timeout(20_000);

  it('loads each grammar from node_modules and parses with it', async () => {
    const ts = new TreeSitter();
    for (const [id, [text, expected]] of Object.entries(SAMPLES) as Array<[GrammarId, [string, string]]>) {
      assert.equal(ts.language(id), undefined, `${id} is loaded lazily`);
      await ts.load(id);
      const tree = ts.parse(id, text);
      assert.ok(tree, id);
      try {
        assert.ok(tree.rootNode.toString().includes(`(${expected}`), `${id}: ${tree.rootNode.toString()}`);
        assert.equal(tree.rootNode.hasError, false, id);
      } finally {
        tree.delete();
      }
    }
  });

  it('prefers <grammarDir>/grammars/<file>.wasm (how the bundle ships them)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-grammars-'));
    try {
      fs.mkdirSync(path.join(dir, 'grammars'));
      // A broken python grammar there proves the file is read from there and not from node_modules.
      fs.writeFileSync(path.join(dir, 'grammars', 'tree-sitter-python.wasm'), 'not wasm');
      fs.copyFileSync(require.resolve('tree-sitter-java/tree-sitter-java.wasm'), path.join(dir, 'grammars', 'tree-sitter-java.wasm'));
      const ts = new TreeSitter(dir);
      await assert.rejects(ts.load('python'));
      assert.equal(ts.language('python'), undefined);
      await ts.load('java');
      assert.ok(ts.language('java'));
      // Missing there: node_modules.
      await ts.load('go');
      assert.ok(ts.language('go'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parse before load answers undefined instead of throwing', () => {
    assert.equal(new TreeSitter().parse('python', 'x = 1\n'), undefined);
  });
});
