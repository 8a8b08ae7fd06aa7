import { Packr } from "msgpackr";

/**
 * Room kept in front of a batch for its array header, which is only known once the batch is
 * complete: fixarray (1 byte), array16 (3) or array32 (5).
 */
const HEADER_ROOM = 5;

/**
 * Writes trace records as msgpack straight into one reusable buffer, byte for byte what msgpackr
 * (`useRecords: false, variableMapSize: true`) writes for an array of `[time, type, data]` arrays,
 * so trace files and hashes do not depend on which of the two wrote them. A record is encoded
 * when it is made, not kept as a JavaScript array until its batch is packed: the trace of an idle
 * ensemble spent most of its time allocating and walking those arrays. Plain objects, arrays,
 * strings, numbers, booleans, null and undefined are written here; anything else (Maps, byte
 * arrays, class instances, bigints) is handed to msgpackr, whose encoding of a value does not
 * depend on what surrounds it.
 */
export class MsgpackWriter {
  private buf = new Uint8Array(64 * 1024);
  private view = new DataView(this.buf.buffer);
  private bytes = Buffer.from(this.buf.buffer);
  private pos = HEADER_ROOM;
  private records = 0;
  private fallback: Packr | undefined;

  /** Number of records written since the last `takeBatch`. */
  get pending(): number {
    return this.records;
  }

  record(time: number, type: string, data: unknown): void {
    this.room(1);
    this.buf[this.pos++] = 0x93;
    this.number(time);
    this.string(type);
    this.value(data);
    this.records++;
  }

  /**
   * The batch written so far as one msgpack array, or undefined when it is empty. The bytes are a
   * view of the writer's buffer, valid until the next record.
   */
  takeBatch(): Uint8Array | undefined {
    const n = this.records;
    if (n === 0) return undefined;
    let start: number;
    if (n < 0x10) {
      start = HEADER_ROOM - 1;
      this.buf[start] = 0x90 | n;
    } else if (n < 0x10000) {
      start = HEADER_ROOM - 3;
      this.buf[start] = 0xdc;
      this.view.setUint16(start + 1, n);
    } else {
      start = 0;
      this.buf[0] = 0xdd;
      this.view.setUint32(1, n);
    }
    const batch = this.buf.subarray(start, this.pos);
    this.pos = HEADER_ROOM;
    this.records = 0;
    return batch;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (this.pos + n > size) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.bytes = Buffer.from(next.buffer);
  }

  private value(v: unknown): void {
    switch (typeof v) {
      case "string":
        return this.string(v);
      case "number":
        return this.number(v);
      case "boolean":
        this.room(1);
        this.buf[this.pos++] = v ? 0xc3 : 0xc2;
        return;
      case "undefined":
        // msgpackr's default for undefined: fixext 1 of type 0.
        this.room(3);
        this.buf[this.pos++] = 0xd4;
        this.buf[this.pos++] = 0;
        this.buf[this.pos++] = 0;
        return;
      case "object":
        if (v === null) {
          this.room(1);
          this.buf[this.pos++] = 0xc0;
          return;
        }
        if (v.constructor === Object) return this.object(v as Record<string, unknown>);
        if (v.constructor === Array) return this.array(v as unknown[]);
        return this.delegate(v);
      default:
        return this.delegate(v);
    }
  }

  private array(a: readonly unknown[]): void {
    this.header(a.length, 0x90, 0xdc, 0xdd);
    for (let i = 0; i < a.length; i++) this.value(a[i]);
  }

  private object(o: Record<string, unknown>): void {
    const keys = Object.keys(o);
    this.header(keys.length, 0x80, 0xde, 0xdf);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      this.string(k);
      this.value(o[k]);
    }
  }

  private header(n: number, fix: number, sixteen: number, thirtyTwo: number): void {
    this.room(5);
    if (n < 0x10) {
      this.buf[this.pos++] = fix | n;
    } else if (n < 0x10000) {
      this.buf[this.pos++] = sixteen;
      this.view.setUint16(this.pos, n);
      this.pos += 2;
    } else {
      this.buf[this.pos++] = thirtyTwo;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
  }

  private number(v: number): void {
    this.room(9);
    const b = this.buf;
    if (v >>> 0 === v) {
      if (v < 0x80) {
        b[this.pos++] = v;
      } else if (v < 0x100) {
        b[this.pos++] = 0xcc;
        b[this.pos++] = v;
      } else if (v < 0x10000) {
        b[this.pos++] = 0xcd;
        this.view.setUint16(this.pos, v);
        this.pos += 2;
      } else {
        b[this.pos++] = 0xce;
        this.view.setUint32(this.pos, v);
        this.pos += 4;
      }
    } else if (v >> 0 === v) {
      if (v >= -0x20) {
        b[this.pos++] = 0x100 + v;
      } else if (v >= -0x80) {
        b[this.pos++] = 0xd0;
        b[this.pos++] = v + 0x100;
      } else if (v >= -0x8000) {
        b[this.pos++] = 0xd1;
        this.view.setInt16(this.pos, v);
        this.pos += 2;
      } else {
        b[this.pos++] = 0xd2;
        this.view.setInt32(this.pos, v);
        this.pos += 4;
      }
    } else {
      b[this.pos++] = 0xcb;
      this.view.setFloat64(this.pos, v);
      this.pos += 8;
    }
  }

  private string(s: string): void {
    const n = s.length;
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the header at most 5.
    this.room(n * 3 + 5);
    if (n < 0x20) {
      // Most strings are short ASCII: write them after a one-byte header, then widen the header if
      // the bytes came out longer than a fixstr holds.
      const at = this.pos + 1;
      const len = this.utf8(s, at);
      if (len < 0x20) {
        this.buf[this.pos] = 0xa0 | len;
        this.pos = at + len;
      } else {
        this.buf.copyWithin(this.pos + 2, at, at + len);
        this.buf[this.pos] = 0xd9;
        this.buf[this.pos + 1] = len;
        this.pos += 2 + len;
      }
      return;
    }
    const len = Buffer.byteLength(s, "utf8");
    if (len < 0x100) {
      this.buf[this.pos++] = 0xd9;
      this.buf[this.pos++] = len;
    } else if (len < 0x10000) {
      this.buf[this.pos++] = 0xda;
      this.view.setUint16(this.pos, len);
      this.pos += 2;
    } else {
      this.buf[this.pos++] = 0xdb;
      this.view.setUint32(this.pos, len);
      this.pos += 4;
    }
    this.pos += this.bytes.write(s, this.pos, len, "utf8");
  }

  /** UTF-8 of a short string at `at`, as Buffer and msgpackr write it (lone surrogates as U+FFFD). */
  private utf8(s: string, at: number): number {
    const b = this.buf;
    let p = at;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        b[p++] = c;
      } else if (c < 0x800) {
        b[p++] = (c >> 6) | 0xc0;
        b[p++] = (c & 0x3f) | 0x80;
      } else if ((c & 0xfc00) === 0xd800 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c & 0x03ff) << 10) + (s.charCodeAt(++i) & 0x03ff);
        b[p++] = (c >> 18) | 0xf0;
        b[p++] = ((c >> 12) & 0x3f) | 0x80;
        b[p++] = ((c >> 6) & 0x3f) | 0x80;
        b[p++] = (c & 0x3f) | 0x80;
      } else if ((c & 0xf800) === 0xd800) {
        b[p++] = 0xef;
        b[p++] = 0xbf;
        b[p++] = 0xbd;
      } else {
        b[p++] = (c >> 12) | 0xe0;
        b[p++] = ((c >> 6) & 0x3f) | 0x80;
        b[p++] = (c & 0x3f) | 0x80;
      }
    }
    return p - at;
  }

  private delegate(v: unknown): void {
    this.fallback ??= new Packr({ useRecords: false, variableMapSize: true });
    const encoded = this.fallback.pack(v);
    this.room(encoded.length);
    this.buf.set(encoded, this.pos);
    this.pos += encoded.length;
  }
}
