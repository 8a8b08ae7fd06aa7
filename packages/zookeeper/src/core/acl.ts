import { createHash } from "node:crypto";
import type { Acl } from "./messages.js";

/**
 * ACLs as ZooKeeper 3.4 checks them (PrepRequestProcessor.checkACL and fixupACL, the world, auth,
 * digest and ip AuthenticationProviders). A connection carries the ids it has authenticated as:
 * always `ip:<client address>`, and `digest:<user>:<hash>` for each `addauth digest user:pass`.
 */

/** ZooDefs.Perms. */
export const Perms = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;

/** An authenticated identity (an Id): a scheme and an id in that scheme. */
export interface AuthId {
  readonly scheme: string;
  readonly id: string;
}

/** DigestAuthenticationProvider.generateDigest: `user:` + base64(SHA-1(`user:password`)). */
export function generateDigest(idPassword: string): string {
  const user = idPassword.split(":", 1)[0]!;
  return `${user}:${createHash("sha1").update(idPassword).digest("base64")}`;
}

/** IPAuthenticationProvider.addr2Bytes: an IPv4 address as its four bytes, or undefined. */
function ipv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : undefined;
}

/** IPAuthenticationProvider.isValid: an address, optionally with /bits. */
function validIp(id: string): boolean {
  const [addr, bits, extra] = id.split("/");
  if (extra !== undefined || ipv4(addr!) === undefined) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= 32);
}

/** IPAuthenticationProvider.matches: the client address within the ACL's address and mask. */
function ipMatches(client: string, acl: string): boolean {
  const [addr, bitsText] = acl.split("/");
  const want = ipv4(addr!);
  const have = ipv4(client);
  if (want === undefined || have === undefined) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  for (let i = 0; i < 4; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    const mask = (0xff << (8 - keep)) & 0xff;
    if ((want[i]! & mask) !== (have[i]! & mask)) return false;
  }
  return true;
}

function providerMatches(scheme: string, id: string, aclId: string): boolean {
  if (scheme === "digest") return id === aclId;
  if (scheme === "ip") return ipMatches(id, aclId);
  return false;
}

/** checkACL: whether `ids` may do `perm` on a node with `acl` (an empty ACL lets anyone). */
export function allowed(acl: readonly Acl[], perm: number, ids: readonly AuthId[]): boolean {
  if (acl.length === 0 || ids.some((i) => i.scheme === "super")) return true;
  for (const a of acl) {
    if ((a.perms & perm) === 0) continue;
    if (a.scheme === "world" && a.id === "anyone") return true;
    if (ids.some((i) => i.scheme === a.scheme && providerMatches(a.scheme, i.id, a.id))) return true;
  }
  return false;
}

/** removeDuplicates: the first of each equal entry, in order. */
function removeDuplicates(acl: readonly Acl[]): Acl[] {
  const out: Acl[] = [];
  for (const a of acl) if (!out.some((b) => b.perms === a.perms && b.scheme === a.scheme && b.id === a.id)) out.push(a);
  return out;
}

/**
 * fixupACL: the ACL a create or setACL stores, or undefined if it is invalid (InvalidACL): an
 * empty list, an unknown scheme, a malformed id, or `auth` from a connection that has
 * authenticated as nobody a provider vouches for (ip does not count). `auth` entries become one
 * entry per such identity, appended after the others.
 */
export function fixupACL(ids: readonly AuthId[], given: readonly Acl[]): Acl[] | undefined {
  const acl = removeDuplicates(given);
  if (acl.length === 0) return undefined;
  const kept: Acl[] = [];
  const added: Acl[] = [];
  for (const a of acl) {
    if (a.scheme === "world" && a.id === "anyone") kept.push(a);
    else if (a.scheme === "auth") {
      const vouched = ids.filter((i) => i.scheme === "digest");
      if (vouched.length === 0) return undefined;
      for (const i of vouched) added.push({ perms: a.perms, scheme: i.scheme, id: i.id });
    } else if (a.scheme === "digest") {
      // Java's split drops trailing empty strings: "user:" has one part.
      const parts = a.id.split(":");
      while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
      if (parts.length !== 2) return undefined;
      kept.push(a);
    } else if (a.scheme === "ip") {
      if (!validIp(a.id)) return undefined;
      kept.push(a);
    } else return undefined;
  }
  const out = [...kept, ...added];
  return out.length > 0 ? out : undefined;
}

/** Whether two ACLs are the same list (the open ACL is left out of what is stored). */
export function sameAcl(a: readonly Acl[], b: readonly Acl[]): boolean {
  return a.length === b.length && a.every((x, i) => x.perms === b[i]!.perms && x.scheme === b[i]!.scheme && x.id === b[i]!.id);
}
