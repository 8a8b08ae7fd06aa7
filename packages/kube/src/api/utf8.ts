/**
 * Bytes in the UTF-8 encoding of `s`, as Go's len() counts a string, without encoding it:
 * validation asks for every label, annotation and ConfigMap value on every write.
 * A lone surrogate counts 3, as the encoder's U+FFFD replacement does.
 */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
