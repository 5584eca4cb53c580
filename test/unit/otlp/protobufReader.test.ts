import assert from 'node:assert/strict';
import { OtlpDecodeError } from '../../../src/core/otlp';
import { ProtobufReader } from '../../../src/core/otlp/protobufReader';
import { decodeUtf8 } from '../../../src/core/otlp/utf8';
import { seededRandom } from './sdkSpans';
import { doubleField, fixed32Field, fixed64Field, groupField, stringField, tag, toUint8, unknownFieldsOfEveryType, varint, varintField } from './wire';

function reader(...bytes: number[][]): ProtobufReader {
  return new ProtobufReader(toUint8(...bytes));
}

function decode(bytes: Uint8Array): string {
  return decodeUtf8(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.length);
}

describe('ProtobufReader', () => {
  it('reads uint32 varints of every length, keeping the low 32 bits of longer ones', () => {
    for (const value of [0, 1, 127, 128, 300, 16383, 16384, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 32 - 1]) {
      const r = reader(varint(value));
      assert.equal(r.uint32(), value, `value ${value}`);
      assert.equal(r.pos, r.end);
    }
    const negative = reader(varint(-2));
    assert.equal(negative.uint32(), 2 ** 32 - 2, 'a negative int32 is ten bytes on the wire');
    assert.equal(negative.pos, 10);
  });

  it('reads int64 varints as signed numbers', () => {
    const cases: [bigint, number][] = [
      [0n, 0],
      [1n, 1],
      [-1n, -1],
      [-42n, -42],
      [2n ** 31n, 2 ** 31],
      [2n ** 32n + 5n, 2 ** 32 + 5],
      [2n ** 53n - 1n, 2 ** 53 - 1],
      [2n ** 62n, 2 ** 62],
      [-(2n ** 63n), -(2 ** 63)],
      [2n ** 63n - 1n, 2 ** 63],
      [-(2n ** 40n) - 7n, -(2 ** 40) - 7],
    ];
    for (const [wire, expected] of cases) {
      const r = reader(varint(wire));
      assert.equal(r.int64(), expected, `value ${wire}`);
      assert.equal(r.pos, r.end);
    }
  });

  it('reads fixed32, fixed64 halves and doubles little-endian', () => {
    const r = reader(fixed32Field(1, 0xfedcba98), fixed64Field(2, 0x0123456789abcdefn), doubleField(3, -1.5e-300));
    assert.equal(r.uint32(), (1 << 3) | 5);
    assert.equal(r.fixed32(), 0xfedcba98);
    r.uint32();
    assert.equal(r.fixed32(), 0x89abcdef);
    assert.equal(r.fixed32(), 0x01234567);
    r.uint32();
    assert.equal(r.double(), -1.5e-300);
  });

  it('skips every wire type, nested groups included, landing exactly after each field', () => {
    const bytes = toUint8(unknownFieldsOfEveryType(), varintField(1, 77));
    const r = new ProtobufReader(bytes);
    let skipped = 0;
    for (;;) {
      const t = r.tag();
      if (t === 1 << 3) {
        break;
      }
      r.skip(t);
      skipped++;
    }
    assert.equal(skipped, 6);
    assert.equal(r.int64(), 77);
    assert.equal(r.pos, bytes.length);
  });

  it('throws OtlpDecodeError for every read past the end', () => {
    const reads: [string, (r: ProtobufReader) => unknown][] = [
      ['uint32', (r) => r.uint32()],
      ['int64', (r) => r.int64()],
      ['fixed32', (r) => r.fixed32()],
      ['double', (r) => r.double()],
      ['string', (r) => r.string()],
      ['skip fixed64', (r) => r.skip((1 << 3) | 1)],
      ['skip group', (r) => r.skip((1 << 3) | 3)],
    ];
    for (const [name, read] of reads) {
      assert.throws(() => read(reader([])), OtlpDecodeError, name);
      assert.throws(() => read(reader([0x80, 0x80])), OtlpDecodeError, `${name} (partial)`);
    }
    assert.throws(() => reader(stringField(1, 'hello').slice(1, -1)).string(), OtlpDecodeError);
  });

  it('rejects groups closed by another field and ten-plus-byte varints', () => {
    assert.throws(() => reader(groupField(5, []).slice(1, -1), tag(6, 4)).skip((5 << 3) | 3), /closed by/);
    assert.throws(() => reader(new Array(10).fill(0xff), [1]).int64(), /longer than 10 bytes/);
    assert.throws(() => reader(new Array(10).fill(0xff), [1]).uint32(), /longer than 10 bytes/);
  });
});

describe('decodeUtf8 (with its string cache)', () => {
  const encoder = new TextEncoder();

  it('decodes ASCII, multi-byte UTF-8 and long strings, repeatedly, to the same text', () => {
    const samples = ['', 'a', 'http.route', 'héllo wörld', '日本語のスパン', '🙂 emoji', 'x'.repeat(95), 'y'.repeat(97), 'é'.repeat(60)];
    for (let round = 0; round < 3; round++) {
      for (const text of samples) {
        assert.equal(decode(encoder.encode(text)), text);
      }
    }
  });

  it('replaces invalid UTF-8 instead of throwing', () => {
    assert.equal(decode(Uint8Array.of(0x61, 0xff, 0x62)), 'a\ufffdb');
  });

  it('returns the cached instance for repeated bytes at any offset', () => {
    const bytes = encoder.encode('--service.name--service.name');
    const view = new DataView(bytes.buffer);
    assert.equal(decodeUtf8(bytes, view, 2, 14), 'service.name');
    assert.equal(decodeUtf8(bytes, view, 16, 28), 'service.name');
  });

  it('never confuses strings that collide, share samples or differ in one byte', () => {
    const random = seededRandom(77);
    const texts: string[] = [];
    for (let i = 0; i < 20000; i++) {
      // Same length, same start, middle and end: only the bytes between the hash samples differ.
      const middle = Math.floor(random() * 1e6).toString().padStart(6, '0');
      texts.push(`/orders/${middle}xxxxxxxxxx/items${i % 3 === 0 ? 'é' : ''}`);
      texts.push(`attr.${i % 5000}`);
    }
    for (let round = 0; round < 2; round++) {
      for (const text of texts) {
        assert.equal(decode(encoder.encode(text)), text);
      }
    }
  });

  it('does not keep a reference to the decoded buffer', () => {
    const bytes = encoder.encode('mutable-key');
    assert.equal(decode(bytes), 'mutable-key');
    bytes.set(encoder.encode('MUTABLE-KEY'));
    assert.equal(decode(bytes), 'MUTABLE-KEY');
    assert.equal(decode(encoder.encode('mutable-key')), 'mutable-key');
  });
});
