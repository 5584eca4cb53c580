import { OtlpDecodeError } from './errors';
import { decodeUtf8 } from './utf8';

/** Protobuf wire types (the low three bits of a tag). */
export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

/** Groups nest through recursion; a hostile payload must not be able to exhaust the stack. */
const MAX_GROUP_DEPTH = 32;


/**
 * A cursor over protobuf wire-format bytes. Every read is bounds-checked against the buffer and throws
 * OtlpDecodeError on truncated or malformed input. Callers decode a sub-message by reading its length with
 * `messageEnd()`, looping while `pos < end`, then calling `expectEnd(end)`, which catches a field that ran
 * past its enclosing message.
 */
export class ProtobufReader {
  readonly buf: Uint8Array;
  /** The same bytes, for multi-byte little-endian loads. */
  readonly view: DataView;
  pos: number;
  readonly end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  /** A varint as an unsigned 32-bit number (tags, lengths, enums, uint32). Longer varints keep their low 32 bits. */
  uint32(): number {
    const pos = this.pos;
    // Inline fast paths for one and two bytes: every tag and nearly every length.
    if (pos + 1 < this.end) {
      const b0 = this.buf[pos];
      if (b0 < 0x80) {
        this.pos = pos + 1;
        return b0;
      }
      const b1 = this.buf[pos + 1];
      if (b1 < 0x80) {
        this.pos = pos + 2;
        return (b0 & 0x7f) | (b1 << 7);
      }
    }
    return this.uint32Slow();
  }

  private uint32Slow(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= end) {
        throw this.truncated('varint');
      }
      const b = buf[pos++];
      if (shift < 32) {
        value |= (b & 0x7f) << shift;
      }
      if (b < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw new OtlpDecodeError(`invalid varint at byte ${this.pos}: longer than 10 bytes`);
  }

  /** A varint as a signed 64-bit integer (int64), returned as the nearest JS number. */
  int64(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) {
        throw this.truncated('varint');
      }
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return lo;
      }
    }
    if (pos >= end) {
      throw this.truncated('varint');
    }
    b = buf[pos++];
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (let shift = 3; ; shift += 7) {
        if (shift > 31) {
          throw new OtlpDecodeError(`invalid varint at byte ${this.pos}: longer than 10 bytes`);
        }
        if (pos >= end) {
          throw this.truncated('varint');
        }
        b = buf[pos++];
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) {
          break;
        }
      }
    }
    this.pos = pos;
    return (hi | 0) * 4294967296 + (lo >>> 0);
  }

  bool(): boolean {
    return this.int64() !== 0;
  }

  /** Four little-endian bytes as an unsigned 32-bit number (fixed32; also each half of a fixed64). */
  fixed32(): number {
    const pos = this.pos;
    if (pos + 4 > this.end) {
      throw this.truncated('fixed32');
    }
    this.pos = pos + 4;
    return this.view.getUint32(pos, true);
  }

  double(): number {
    const pos = this.pos;
    if (pos + 8 > this.end) {
      throw this.truncated('double');
    }
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** Reads a length prefix and returns where the delimited payload ends; `pos` is left at its first byte. */
  messageEnd(): number {
    const length = this.uint32();
    const end = this.pos + length;
    if (end > this.end) {
      throw new OtlpDecodeError(
        `truncated input: a length-delimited field at byte ${this.pos} claims ${length} bytes, ${this.end - this.pos} remain`,
      );
    }
    return end;
  }

  /** After a sub-message loop: its last field must end exactly where the length prefix said. */
  expectEnd(end: number): void {
    if (this.pos !== end) {
      throw new OtlpDecodeError(`malformed message: a field ran ${this.pos - end} bytes past its enclosing message`);
    }
  }

  /** A length-delimited UTF-8 string. */
  string(): string {
    const end = this.messageEnd();
    const start = this.pos;
    this.pos = end;
    return decodeUtf8(this.buf, this.view, start, end);
  }

  /** Skips one field whose tag has just been read, whatever its wire type (groups included). */
  skip(tag: number, depth = 0): void {
    switch (tag & 7) {
      case WireType.Varint:
        this.int64();
        return;
      case WireType.Fixed64:
        this.advance(8, 'fixed64');
        return;
      case WireType.LengthDelimited:
        this.pos = this.messageEnd();
        return;
      case WireType.Fixed32:
        this.advance(4, 'fixed32');
        return;
      case WireType.StartGroup:
        this.skipGroup(tag >>> 3, depth);
        return;
      case WireType.EndGroup:
        throw new OtlpDecodeError(`malformed message: unexpected end-group tag for field ${tag >>> 3} at byte ${this.pos}`);
      default:
        throw new OtlpDecodeError(`malformed message: invalid wire type ${tag & 7} for field ${tag >>> 3} at byte ${this.pos}`);
    }
  }

  /** Reads a tag and rejects field number 0, which no valid message contains. */
  tag(): number {
    const tag = this.uint32();
    if (tag < 8) {
      throw new OtlpDecodeError(`malformed message: invalid tag ${tag} (field number 0) at byte ${this.pos}`);
    }
    return tag;
  }

  /** A known field arrived with the wrong wire type: the bytes are not the message we expect. */
  wrongWireType(tag: number, message: string): OtlpDecodeError {
    return new OtlpDecodeError(`malformed ${message}: field ${tag >>> 3} has wire type ${tag & 7}`);
  }

  private skipGroup(fieldNumber: number, depth: number): void {
    if (depth >= MAX_GROUP_DEPTH) {
      throw new OtlpDecodeError(`malformed message: groups nested deeper than ${MAX_GROUP_DEPTH}`);
    }
    for (;;) {
      if (this.pos >= this.end) {
        throw this.truncated(`group ${fieldNumber}`);
      }
      const tag = this.tag();
      if ((tag & 7) === WireType.EndGroup) {
        if (tag >>> 3 !== fieldNumber) {
          throw new OtlpDecodeError(`malformed message: group ${fieldNumber} closed by end-group tag ${tag >>> 3}`);
        }
        return;
      }
      this.skip(tag, depth + 1);
    }
  }

  private advance(count: number, what: string): void {
    if (this.pos + count > this.end) {
      throw this.truncated(what);
    }
    this.pos += count;
  }

  private truncated(what: string): OtlpDecodeError {
    return new OtlpDecodeError(`truncated input: ${what} at byte ${this.pos} runs past the end (${this.end} bytes)`);
  }
}
