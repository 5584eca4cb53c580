import * as assert from 'node:assert/strict';
import { scanGoStringConstants } from '../../../src/core/source/goConstants';

describe('scanGoStringConstants', () => {
  it('reads top-level string consts and vars, single and in blocks, typed, raw, commented', () => {
    const text = [
      'package order',
      '',
      'const spanCreate = "order.create"',
      'var spanDelete string = "order.delete" // deleted',
      '',
      'const (',
      '\tspanList = "order.list"',
      '\tspanRaw SpanName = `order.raw`',
      '\tretries = 3',
      '\tspanEsc = "order.\\"quoted\\""',
      ')',
      '',
      'func f() {',
      '\tconst local = "not.package.level"',
      '\tname := "nope"',
      '}',
    ].join('\n');
    assert.deepEqual(
      [...scanGoStringConstants(text)],
      [
        ['spanCreate', 'order.create'],
        ['spanDelete', 'order.delete'],
        ['spanList', 'order.list'],
        ['spanRaw', 'order.raw'],
        ['spanEsc', 'order."quoted"'],
      ],
    );
  });

  it('handles CRLF files and ignores non-string values', () => {
    const text = 'package a\r\n\r\nconst n = 4\r\nconst s = "x"\r\nvar (\r\n\tv = "y"\r\n)\r\n';
    assert.deepEqual([...scanGoStringConstants(text)], [['s', 'x'], ['v', 'y']]);
  });
});
