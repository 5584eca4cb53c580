/** A tiny protobuf writer for hand-crafting test payloads, including ones no real encoder would produce. */

export type Bytes = number[];

export function varint(value: number | bigint): Bytes {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: Bytes = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export function tag(field: number, wireType: number): Bytes {
  return varint((field << 3) | wireType);
}

export function varintField(field: number, value: number | bigint): Bytes {
  return [...tag(field, 0), ...varint(value)];
}

export function fixed64Field(field: number, value: bigint): Bytes {
  const out = tag(field, 1);
  let v = BigInt.asUintN(64, value);
  for (let i = 0; i < 8; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

export function doubleField(field: number, value: number): Bytes {
  const bytes = new Uint8Array(new Float64Array([value]).buffer);
  return [...tag(field, 1), ...bytes];
}

export function fixed32Field(field: number, value: number): Bytes {
  return [...tag(field, 5), value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

export function bytesField(field: number, bytes: ArrayLike<number>): Bytes {
  return [...tag(field, 2), ...varint(bytes.length), ...Array.from(bytes)];
}

export function stringField(field: number, text: string): Bytes {
  return bytesField(field, new TextEncoder().encode(text));
}

export function messageField(field: number, ...parts: Bytes[]): Bytes {
  return bytesField(field, parts.flat());
}

export function groupField(field: number, ...parts: Bytes[]): Bytes {
  return [...tag(field, 3), ...parts.flat(), ...tag(field, 4)];
}

export function hexBytes(hex: string): Bytes {
  const out: Bytes = [];
  for (let i = 0; i < hex.length; i += 2) {
    out.push(parseInt(hex.slice(i, i + 2), 16));
  }
  return out;
}

export function toUint8(...parts: Bytes[]): Uint8Array {
  return Uint8Array.from(parts.flat());
}

/** One unknown field of every wire type, a group with nested content included, using field numbers OTLP never assigned. */
export function unknownFieldsOfEveryType(): Bytes {
  return [
    ...varintField(901, 12345678901234n),
    ...fixed64Field(902, 0xdeadbeefcafebaben),
    ...stringField(903, 'unknown length-delimited'),
    ...fixed32Field(904, 0x01020304),
    ...groupField(905, varintField(1, 1), stringField(2, 'in a group'), groupField(3, fixed32Field(4, 9))),
    ...varintField(906, -1),
  ];
}
