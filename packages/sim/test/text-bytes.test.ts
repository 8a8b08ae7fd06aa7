import { describe, expect, it } from "vitest";
import { decodeText, encodeText, Random } from "../src/index.js";

describe("text and bytes (UTF-8 with surrogateescape)", () => {
  it("carries any bytes through text and back unchanged", () => {
    const random = Random.fromSeed(7);
    for (let n = 0; n < 300; n++) {
      const bytes = Uint8Array.from({ length: random.int(0, 64) }, () => random.int(0, 255));
      expect(encodeText(decodeText(bytes))).toEqual(bytes);
    }
  });

  it("reads and writes UTF-8 text as TextDecoder and TextEncoder do", () => {
    const text = "plain, café, 日本, 🙂 and \u0000";
    const bytes = new TextEncoder().encode(text);
    expect(decodeText(bytes)).toBe(text);
    expect(encodeText(text)).toEqual(bytes);
  });

  it("keeps a leading byte-order mark, as cat does", () => {
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, 0x41, 0x0a]);
    expect(decodeText(bytes)).toBe("\uFEFFA\n");
    expect(encodeText(decodeText(bytes))).toEqual(bytes);
  });

  it("agrees with TextEncoder and TextDecoder around every escape, on text and bytes of every kind", () => {
    // The slow, obvious way: the standard codecs on the runs between escapes.
    const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    const referenceEncode = (text: string): number[] => {
      const out: number[] = [];
      let start = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        const afterHigh = i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff;
        if (c < 0xdc80 || c > 0xdcff || afterHigh) continue;
        out.push(...new TextEncoder().encode(text.slice(start, i)), c - 0xdc00);
        start = i + 1;
      }
      return [...out, ...new TextEncoder().encode(text.slice(start))];
    };
    const referenceDecode = (bytes: Uint8Array): string => {
      let out = "";
      for (let i = 0; i < bytes.length; ) {
        let len = 0;
        for (const n of [4, 3, 2, 1]) {
          try {
            if (i + n <= bytes.length && strict.decode(bytes.subarray(i, i + n)).length > 0) len = n;
          } catch {
            continue;
          }
          if (len > 0) break;
        }
        out += len > 0 ? strict.decode(bytes.subarray(i, i + len)) : String.fromCharCode(0xdc00 + bytes[i]!);
        i += len > 0 ? len : 1;
      }
      return out;
    };
    const random = Random.fromSeed(11);
    const pieces = ["a", "\n", "é", "日", "🙂", "\udc80", "\udcff", "\ud800", "\udc00", "\udfff", "\ud83d", "\uFEFF"];
    for (let n = 0; n < 300; n++) {
      const text = Array.from({ length: random.int(0, 40) }, () => pieces[random.int(0, pieces.length - 1)]).join("");
      expect(Array.from(encodeText(text))).toEqual(referenceEncode(text));
      const bytes = Uint8Array.from({ length: random.int(0, 40) }, () => (random.chance(0.5) ? random.int(0, 255) : [0xc3, 0xa9, 0xe6, 0x97, 0xa5, 0xf0, 0x9f, 0x99, 0x82][random.int(0, 8)]!));
      expect(decodeText(bytes)).toBe(referenceDecode(bytes));
    }
  });

  it("turns each byte that is not UTF-8 into a lone surrogate, next to the text around it", () => {
    expect(decodeText(Uint8Array.from([0x61, 0xff, 0xc3, 0xa9, 0xc3]))).toBe("a\udcffé\udcc3");
    // A real surrogate pair is a character, never an escaped byte.
    expect(encodeText("\ud83d\udc80")).toEqual(new TextEncoder().encode("💀"));
  });
});
