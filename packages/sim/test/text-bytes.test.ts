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

  it("turns each byte that is not UTF-8 into a lone surrogate, next to the text around it", () => {
    expect(decodeText(Uint8Array.from([0x61, 0xff, 0xc3, 0xa9, 0xc3]))).toBe("a\udcffé\udcc3");
    // A real surrogate pair is a character, never an escaped byte.
    expect(encodeText("\ud83d\udc80")).toEqual(new TextEncoder().encode("💀"));
  });
});
