/**
 * A deterministic generator of hostile OTLP trace payloads: valid requests from the OpenTelemetry JS SDK's own
 * serializers (protobuf and JSON), then mutated — bit flips, truncation, corrupted length fields, overlong varints,
 * wrong wire types, splices, deep nesting, random JSON edits, random bytes. Same seed, same inputs: a failure
 * reproduces from its seed and index.
 */
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { generateSdkSpans, seededRandom } from '../unit/otlp/sdkSpans';

export type FuzzEncoding = 'protobuf' | 'json';

export interface FuzzInput {
  encoding: FuzzEncoding;
  body: Uint8Array;
  /** The mutations applied, in order ('valid' when none), for reports. */
  mutations: string[];
}

class Dice {
  constructor(private readonly random: () => number) {}
  int(max: number): number {
    return Math.floor(this.random() * max);
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.int(256);
    }
    return out;
  }
}

/** The valid requests every input starts from; built once per process (the SDK is slow next to the decoders). */
interface SeedCorpus {
  protobuf: Uint8Array[];
  json: Uint8Array[];
  /** Parsed JSON seeds, for structural edits. */
  jsonObjects: unknown[];
}

let corpus: SeedCorpus | undefined;

function seedCorpus(): SeedCorpus {
  if (!corpus) {
    const protobuf: Uint8Array[] = [];
    const json: Uint8Array[] = [];
    for (let seed = 1; seed <= 24; seed++) {
      const spans = generateSdkSpans(1000 + seed, [0, 1, 2, 3, 5, 8, 13, 30][seed % 8]);
      protobuf.push(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
      json.push(JsonTraceSerializer.serializeRequest(spans) as Uint8Array);
    }
    const text = new TextDecoder();
    corpus = { protobuf, json, jsonObjects: json.map((bytes) => JSON.parse(text.decode(bytes)) as unknown) };
  }
  return corpus;
}

// ---- protobuf ----------------------------------------------------------------------------------------------------

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  let length = 0;
  for (const part of parts) {
    length += part.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Where a length-delimited field's length varint sits, found by walking the message (and the ones inside it). */
interface LengthField {
  /** Offset of the length varint. */
  at: number;
  /** Bytes the varint takes. */
  size: number;
  length: number;
  /** Offset of the tag in front of it. */
  tagAt: number;
}

function readVarint(bytes: Uint8Array, pos: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < bytes.length && i < pos + 10; i++) {
    value += (bytes[i] & 0x7f) * scale;
    scale *= 128;
    if (bytes[i] < 0x80) {
      return { value, next: i + 1 };
    }
  }
  return undefined;
}

/** Best-effort walk: stops quietly at anything that does not parse (mutated input). */
function lengthFields(bytes: Uint8Array, start = 0, end = bytes.length, out: LengthField[] = [], depth = 0): LengthField[] {
  let pos = start;
  while (pos < end && out.length < 400) {
    const tagAt = pos;
    const tag = readVarint(bytes, pos);
    if (!tag || tag.value === 0) {
      return out;
    }
    pos = tag.next;
    switch (tag.value & 7) {
      case 0: {
        const v = readVarint(bytes, pos);
        if (!v) {
          return out;
        }
        pos = v.next;
        break;
      }
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2: {
        const length = readVarint(bytes, pos);
        if (!length || length.next + length.value > end) {
          return out;
        }
        out.push({ at: pos, size: length.next - pos, length: length.value, tagAt });
        if (depth < 8) {
          // Strings and bytes also land here; the walk inside them just stops early.
          lengthFields(bytes, length.next, length.next + length.value, out, depth + 1);
        }
        pos = length.next + length.value;
        break;
      }
      default:
        return out;
    }
  }
  return out;
}

function replaceRange(bytes: Uint8Array, at: number, size: number, replacement: ArrayLike<number>): Uint8Array {
  return concat(bytes.subarray(0, at), replacement, bytes.subarray(at + size));
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12, 0x1a, 0x22];

/** The OTLP envelope ResourceSpans(1) > ScopeSpans(2) > Span(2) with `spanFields` inside the span. */
function wrapInSpan(spanFields: Uint8Array): Uint8Array {
  const traceId = concat([0x0a, 16], new Uint8Array(16).fill(7));
  const spanId = concat([0x12, 8], new Uint8Array(8).fill(9));
  const name = concat([0x2a, 1], [0x78]);
  const span = concat(traceId, spanId, name, spanFields);
  const scopeSpans = concat([0x12], varint(span.length), span);
  const resourceSpans = concat([0x12], varint(scopeSpans.length), scopeSpans);
  return concat([0x0a], varint(resourceSpans.length), resourceSpans);
}

/** A span attribute whose value is an ArrayValue nested `depth` deep (or a KeyValueList), built inside out. */
function deepAttribute(depth: number, kvlist: boolean): Uint8Array {
  // AnyValue.int_value (field 3) = 42 at the bottom.
  let value: Uint8Array = concat([0x18, 42]);
  for (let i = 0; i < depth; i++) {
    if (kvlist) {
      // AnyValue.kvlist_value(6) > KeyValueList.values(1) > KeyValue{key(1) "k", value(2)}
      const keyValue = concat([0x0a, 1, 0x6b, 0x12], varint(value.length), value);
      const list = concat([0x0a], varint(keyValue.length), keyValue);
      value = concat([0x32], varint(list.length), list);
    } else {
      // AnyValue.array_value(5) > ArrayValue.values(1)
      const array = concat([0x0a], varint(value.length), value);
      value = concat([0x2a], varint(array.length), array);
    }
  }
  const keyValue = concat([0x0a, 1, 0x61, 0x12], varint(value.length), value);
  return concat([0x4a], varint(keyValue.length), keyValue); // Span.attributes = field 9
}

/** Unknown field 99 as a group nested `depth` deep. */
function deepGroups(depth: number): Uint8Array {
  const open = varint((99 << 3) | 3);
  const close = varint((99 << 3) | 4);
  const out: number[] = [];
  for (let i = 0; i < depth; i++) {
    out.push(...open);
  }
  for (let i = 0; i < depth; i++) {
    out.push(...close);
  }
  return Uint8Array.from(out);
}

type Mutator = (bytes: Uint8Array, dice: Dice) => Uint8Array;

const protobufMutators: Record<string, Mutator> = {
  'bit-flip': (bytes, dice) => {
    const out = bytes.slice();
    for (let n = 1 + dice.int(8); n > 0 && out.length > 0; n--) {
      out[dice.int(out.length)] ^= 1 << dice.int(8);
    }
    return out;
  },
  'byte-set': (bytes, dice) => {
    const out = bytes.slice();
    for (let n = 1 + dice.int(4); n > 0 && out.length > 0; n--) {
      out[dice.int(out.length)] = dice.pick(INTERESTING_BYTES);
    }
    return out;
  },
  truncate: (bytes, dice) => bytes.subarray(0, dice.int(bytes.length + 1)),
  'insert-random': (bytes, dice) => {
    const at = dice.int(bytes.length + 1);
    return replaceRange(bytes, at, 0, dice.bytes(1 + dice.int(16)));
  },
  'delete-range': (bytes, dice) => {
    const at = dice.int(bytes.length + 1);
    return replaceRange(bytes, at, Math.min(bytes.length - at, 1 + dice.int(32)), []);
  },
  splice: (bytes, dice) => {
    const other = dice.pick(seedCorpus().protobuf);
    const from = dice.int(other.length + 1);
    const piece = other.subarray(from, from + dice.int(64));
    return replaceRange(bytes, dice.int(bytes.length + 1), 0, piece);
  },
  'length-corrupt': (bytes, dice) => {
    const fields = lengthFields(bytes);
    if (fields.length === 0) {
      return bytes;
    }
    const field = dice.pick(fields);
    const lengths = [0, field.length + 1, field.length - 1, field.length * 2 + 3, 2 ** 31 - 1, 2 ** 32 + 5, 2 ** 53 - 1, dice.int(1 << 20)];
    return replaceRange(bytes, field.at, field.size, varint(Math.max(0, dice.pick(lengths))));
  },
  'overlong-varint': (bytes, dice) => {
    // 10 to 12 continuation-heavy bytes: past what a 64-bit varint may take.
    const size = 10 + dice.int(3);
    const huge: number[] = [];
    for (let i = 0; i < size; i++) {
      huge.push(i < size - 1 ? 0xff : dice.int(128));
    }
    const fields = lengthFields(bytes);
    if (fields.length > 0 && dice.chance(0.5)) {
      const field = dice.pick(fields);
      return replaceRange(bytes, field.at, field.size, huge);
    }
    return replaceRange(bytes, dice.int(bytes.length + 1), 0, huge);
  },
  'wire-type': (bytes, dice) => {
    const fields = lengthFields(bytes);
    if (fields.length === 0) {
      return bytes;
    }
    const out = bytes.slice();
    const field = dice.pick(fields);
    out[field.tagAt] = (out[field.tagAt] & 0xf8) | dice.pick([0, 1, 3, 4, 5, 6, 7]);
    return out;
  },
  'duplicate-field': (bytes, dice) => {
    const fields = lengthFields(bytes);
    if (fields.length === 0) {
      return concat(bytes, bytes);
    }
    const field = dice.pick(fields);
    const whole = bytes.subarray(field.tagAt, field.at + field.size + field.length);
    return replaceRange(bytes, field.tagAt, 0, whole);
  },
};

function protobufInput(dice: Dice): FuzzInput {
  const seeds = seedCorpus().protobuf;
  const roll = dice.int(100);
  if (roll < 4) {
    return { encoding: 'protobuf', body: dice.pick(seeds), mutations: ['valid'] };
  }
  if (roll < 7) {
    return { encoding: 'protobuf', body: dice.bytes(dice.int(256)), mutations: ['random-bytes'] };
  }
  if (roll < 12) {
    const depth = dice.pick([1, 10, 63, 64, 65, 200, 5000]);
    const kind = dice.int(3);
    const body = kind === 2 ? wrapInSpan(deepGroups(depth)) : wrapInSpan(deepAttribute(Math.min(depth, 1000), kind === 1));
    return { encoding: 'protobuf', body, mutations: [`deep-nesting:${['array', 'kvlist', 'group'][kind]}:${depth}`] };
  }
  let body = dice.pick(seeds);
  const mutations: string[] = [];
  const names = Object.keys(protobufMutators);
  for (let n = 1 + dice.int(3); n > 0; n--) {
    const name = dice.pick(names);
    body = protobufMutators[name](body, dice);
    mutations.push(name);
  }
  return { encoding: 'protobuf', body, mutations };
}

// ---- JSON ----------------------------------------------------------------------------------------------------

const STRUCTURAL_CHARS = '{}[]",:0123456789.-+eEtrufalsn\\ x';
const text = new TextEncoder();
const untext = new TextDecoder();

/** Values that break a type or a range somewhere in OTLP/JSON. */
function oddValue(dice: Dice): unknown {
  return dice.pick<() => unknown>([
    () => null,
    () => true,
    () => 0,
    () => -1,
    () => 1e308,
    () => -1.5,
    () => 2 ** 64,
    () => '',
    () => 'zz',
    () => '99999999999999999999999999',
    () => '-9223372036854775809',
    () => '0x10',
    () => 'AAAAAAAAAAAAAAAAAAAAAA==',
    () => '0123456789abcdef0123456789abcdeg',
    () => '00000000000000000000000000000000',
    () => '\u0000\ud800',
    () => [],
    () => {
      return {};
    },
    () => [null, 1, 'x'],
    () => ({ intValue: '1', stringValue: 'both' }),
    () => ({ arrayValue: { values: 'not an array' } }),
    () => ({ kvlistValue: { values: [{ key: 5, value: {} }] } }),
    () => ({ bytesValue: '!!!' }),
    () => ({ doubleValue: 'NaN' }),
  ])();
}

/** Every container node of a parsed JSON value, with how to replace or delete a member of it. */
function containers(root: unknown, out: (Record<string, unknown> | unknown[])[] = [], depth = 0): (Record<string, unknown> | unknown[])[] {
  if (root !== null && typeof root === 'object' && depth < 40 && out.length < 2000) {
    out.push(root as Record<string, unknown> | unknown[]);
    for (const child of Object.values(root)) {
      containers(child, out, depth + 1);
    }
  }
  return out;
}

function deepJsonValue(depth: number, kvlist: boolean): unknown {
  let value: unknown = { intValue: '1' };
  for (let i = 0; i < depth; i++) {
    value = kvlist ? { kvlistValue: { values: [{ key: 'k', value }] } } : { arrayValue: { values: [value] } };
  }
  return value;
}


function jsonStructuralMutation(dice: Dice, mutations: string[]): Uint8Array {
  const root = structuredClone(dice.pick(seedCorpus().jsonObjects));
  for (let n = 1 + dice.int(3); n > 0; n--) {
    const nodes = containers(root);
    const node = dice.pick(nodes);
    const keys = Object.keys(node);
    const key = keys.length > 0 ? dice.pick(keys) : '0';
    const action = dice.int(6);
    if (action === 0 && keys.length > 0) {
      if (Array.isArray(node)) {
        node.splice(Number(key), 1);
      } else {
        delete node[key];
      }
      mutations.push('json-delete');
    } else if (action === 1) {
      // A copy: the node could be an ancestor, and a cycle cannot be serialized.
      (node as Record<string, unknown>)[key] = structuredClone(dice.pick(nodes));
      mutations.push('json-swap-node');
    } else if (action === 2 && !Array.isArray(node)) {
      const value = node[key];
      delete node[key];
      node[dice.pick(['resource_spans', 'scopeSpans', 'instrumentationLibrarySpans', 'traceId', 'span_id', 'attributes', '__proto__', 'constructor', key.toUpperCase()])] = value;
      mutations.push('json-rename');
    } else {
      (node as Record<string, unknown>)[key] = oddValue(dice);
      mutations.push('json-odd-value');
    }
  }
  return text.encode(JSON.stringify(root));
}

function jsonTextMutation(bytes: Uint8Array, dice: Dice, mutations: string[]): Uint8Array {
  let body = untext.decode(bytes);
  for (let n = 1 + dice.int(3); n > 0; n--) {
    const at = dice.int(body.length + 1);
    switch (dice.int(5)) {
      case 0:
        body = body.slice(0, at);
        mutations.push('json-truncate');
        break;
      case 1:
        body = body.slice(0, at) + dice.pick([...STRUCTURAL_CHARS]) + body.slice(at + 1);
        mutations.push('json-replace-char');
        break;
      case 2:
        body = body.slice(0, at) + dice.pick([...STRUCTURAL_CHARS]) + body.slice(at);
        mutations.push('json-insert-char');
        break;
      case 3:
        body = body.slice(0, at) + body.slice(at + 1 + dice.int(32));
        mutations.push('json-delete-range');
        break;
      default: {
        const from = dice.int(body.length + 1);
        body = body.slice(0, at) + body.slice(from, from + dice.int(64)) + body.slice(at);
        mutations.push('json-duplicate-range');
      }
    }
  }
  return text.encode(body);
}

function jsonInput(dice: Dice): FuzzInput {
  const { json } = seedCorpus();
  const roll = dice.int(100);
  if (roll < 4) {
    return { encoding: 'json', body: dice.pick(json), mutations: ['valid'] };
  }
  if (roll < 7) {
    // Random bytes, invalid UTF-8 included.
    return { encoding: 'json', body: dice.bytes(dice.int(256)), mutations: ['random-bytes'] };
  }
  if (roll < 12) {
    const depth = dice.pick([1, 10, 63, 64, 65, 200, 3000]);
    const kind = dice.int(3);
    if (kind === 2) {
      // Plain nested arrays: deep for JSON.parse itself, meaningless for OTLP.
      return { encoding: 'json', body: text.encode('['.repeat(depth * 10) + ']'.repeat(depth * 10)), mutations: [`deep-nesting:raw:${depth * 10}`] };
    }
    const request = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  name: 'deep',
                  attributes: [{ key: 'a', value: deepJsonValue(Math.min(depth, 1000), kind === 1) }],
                },
              ],
            },
          ],
        },
      ],
    };
    return { encoding: 'json', body: text.encode(JSON.stringify(request)), mutations: [`deep-nesting:${kind === 1 ? 'kvlist' : 'array'}:${depth}`] };
  }
  const mutations: string[] = [];
  if (roll < 55) {
    return { encoding: 'json', body: jsonStructuralMutation(dice, mutations), mutations };
  }
  return { encoding: 'json', body: jsonTextMutation(dice.pick(json), dice, mutations), mutations };
}

/** An endless, reproducible stream of inputs, half protobuf and half JSON. */
export class FuzzInputs {
  private readonly dice: Dice;

  constructor(seed: number) {
    this.dice = new Dice(seededRandom(seed));
    seedCorpus();
  }

  next(): FuzzInput {
    return this.dice.chance(0.5) ? protobufInput(this.dice) : jsonInput(this.dice);
  }

  /** A helper random draw for callers that vary the transport (gzip, content type) reproducibly. */
  roll(max: number): number {
    return this.dice.int(max);
  }
}
