import { createHash } from "node:crypto";
import type { Random } from "@ksim/sim";

/**
 * WordPress's password hashes before 6.8: phpass "portable" hashes, `$P$B` + 8 salt characters
 * + 22 characters of 2^13 iterated MD5. wp_users.user_pass holds these.
 */

const ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** WordPress uses 2^8 rounds in its PasswordHash constructor; the hash stores log2 + 5. */
const COUNT_LOG2 = 8 + 5;

function encode64(input: Uint8Array, count: number): string {
  let out = "";
  let i = 0;
  do {
    let value = input[i++]!;
    out += ITOA64[value & 0x3f];
    if (i < count) value |= input[i]! << 8;
    out += ITOA64[(value >> 6) & 0x3f];
    if (i++ >= count) break;
    if (i < count) value |= input[i]! << 16;
    out += ITOA64[(value >> 12) & 0x3f];
    if (i++ >= count) break;
    out += ITOA64[(value >> 18) & 0x3f];
  } while (i < count);
  return out;
}

/**
 * 2^13 MD5 rounds per check is the point of phpass and costs real CPU in every authenticated
 * request; the result is a pure function of its inputs, so recent ones are remembered.
 */
const memo = new Map<string, string>();
const MEMO_LIMIT = 256;

function cryptPrivate(password: string, setting: string): string {
  const key = `${setting.slice(0, 12)}\u0000${password}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const result = computeCrypt(password, setting);
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(key, result);
  return result;
}

function computeCrypt(password: string, setting: string): string {
  const countLog2 = ITOA64.indexOf(setting[3]!);
  if (!setting.startsWith("$P$") || countLog2 < 7 || countLog2 > 30) return "*0";
  const salt = setting.slice(4, 12);
  let hash = createHash("md5").update(salt + password, "utf8").digest();
  const pw = Buffer.from(password, "utf8");
  for (let n = 1 << countLog2; n > 0; n--) hash = createHash("md5").update(hash).update(pw).digest();
  return setting.slice(0, 12) + encode64(hash, 16);
}

export function hashPassword(password: string, random: Random): string {
  const salt = new Uint8Array(6);
  for (let i = 0; i < 6; i++) salt[i] = random.int(0, 255);
  return cryptPrivate(password, `$P$${ITOA64[COUNT_LOG2]}${encode64(salt, 6)}`);
}

export function checkPassword(password: string, stored: string): boolean {
  return cryptPrivate(password, stored) === stored;
}
