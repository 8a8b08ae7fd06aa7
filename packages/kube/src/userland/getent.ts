import type { Proc } from "@ksim/sim";
import type { ProcessContext } from "../runtime/process.js";
import { groupEntries, passwdEntries } from "./users.js";

/**
 * glibc's getent for the databases a container's debugging reaches for: hosts and ahosts
 * (nsswitch's "files dns": /etc/hosts, then the cluster DNS through resolv.conf's search list),
 * passwd and group. Exit status 2 when a key is not found, as getent's.
 */

const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

interface HostEntry {
  readonly address: string;
  readonly name: string;
  readonly aliases: readonly string[];
}

/** /etc/hosts's entries, in order. */
function hostsFile(ctx: ProcessContext): HostEntry[] {
  let text = "";
  try {
    text = ctx.fs.readText("/etc/hosts");
  } catch {
    return [];
  }
  return text.split("\n").flatMap((line) => {
    const fields = line.replace(/#.*/, "").trim().split(/\s+/);
    if (fields.length < 2) return [];
    return [{ address: fields[0]!, name: fields[1]!, aliases: fields.slice(2) }];
  });
}

/** resolv.conf's search list and ndots, as the stub resolver reads them. */
function resolverConfig(ctx: ProcessContext): { search: string[]; ndots: number } {
  let text = "";
  try {
    text = ctx.fs.readText("/etc/resolv.conf");
  } catch {
    // No resolv.conf: no search list, ndots 1.
  }
  let search: string[] = [];
  let ndots = 1;
  for (const line of text.split("\n")) {
    const [word, ...rest] = line.trim().split(/\s+/);
    if (word === "search") search = rest;
    if (word === "options") for (const o of rest) if (o.startsWith("ndots:")) ndots = Number(o.slice(6));
  }
  return { search, ndots };
}

/**
 * gethostbyname2: /etc/hosts first, IPv6 entries before IPv4 ones (getent asks AF_INET6 first),
 * then DNS: a name with fewer dots than ndots is tried under each search domain before alone,
 * and the name that answered is the canonical one.
 */
function lookupHost(ctx: ProcessContext, key: string): HostEntry[] {
  if (IPV4.test(key)) {
    const known = hostsFile(ctx).find((e) => e.address === key);
    if (known !== undefined) return [known];
    const name = ctx.net.reverse(key);
    return name === undefined ? [] : [{ address: key, name, aliases: [] }];
  }
  const matches = hostsFile(ctx).filter((e) => e.name === key || e.aliases.includes(key));
  const v6 = matches.filter((e) => e.address.includes(":"));
  if (v6.length > 0) return v6.slice(0, 1);
  if (matches.length > 0) return matches.slice(0, 1);
  const { search, ndots } = resolverConfig(ctx);
  const absolute = key.endsWith(".");
  const bare = absolute ? key.slice(0, -1) : key;
  const dots = bare.split(".").length - 1;
  const candidates = absolute ? [bare] : dots >= ndots ? [bare, ...search.map((s) => `${bare}.${s}`)] : [...search.map((s) => `${bare}.${s}`), bare];
  for (const name of candidates) {
    const addresses = ctx.net.resolve(`${name}.`);
    if (addresses.length > 0) return addresses.map((address) => ({ address, name, aliases: [] }));
  }
  return [];
}

export function* getentProgram(ctx: ProcessContext): Proc<number> {
  const [database, ...keys] = ctx.argv.slice(1);
  if (database === undefined) {
    ctx.stderr.write("getent: wrong number of arguments\nTry `getent --help' or `getent --usage' for more information.\n");
    return 1;
  }
  const out = (s: string) => ctx.stdout.write(s);
  let status = 0;
  const each = (find: (key: string) => boolean) => {
    for (const key of keys) if (!find(key)) status = 2;
  };
  switch (database) {
    case "hosts": {
      // print_hosts: "%-15s %s" and the aliases.
      const print = (e: HostEntry) => out(`${e.address.padEnd(15)} ${[e.name, ...e.aliases].join(" ")}\n`);
      if (keys.length === 0) hostsFile(ctx).forEach(print);
      each((key) => {
        const found = lookupHost(ctx, key);
        // One line per address, each with the canonical name.
        found.forEach(print);
        return found.length > 0;
      });
      return status;
    }
    case "ahosts":
    case "ahostsv4": {
      if (keys.length === 0) {
        ctx.stderr.write(`Enumeration not supported on ${database}\n`);
        return 3;
      }
      // getaddrinfo: an entry per address and socket type; the canonical name on the first line only.
      each((key) => {
        const found = lookupHost(ctx, key).filter((e) => database === "ahosts" || IPV4.test(e.address));
        found.forEach((e, i) => {
          out(`${e.address.padEnd(15)} STREAM ${i === 0 ? e.name : ""}\n`);
          out(`${e.address.padEnd(15)} DGRAM  \n${e.address.padEnd(15)} RAW    \n`);
        });
        return found.length > 0;
      });
      return status;
    }
    case "passwd": {
      const all = passwdEntries(ctx.fs);
      const line = (e: (typeof all)[number]) => out(`${e.name}:x:${e.uid}:${e.gid}:${e.gecos}:${e.home}:${e.shell}\n`);
      if (keys.length === 0) all.forEach(line);
      each((key) => {
        const e = all.find((x) => x.name === key || String(x.uid) === key);
        if (e !== undefined) line(e);
        return e !== undefined;
      });
      return status;
    }
    case "group": {
      const all = groupEntries(ctx.fs);
      const line = (e: (typeof all)[number]) => out(`${e.name}:x:${e.gid}:${e.members.join(",")}\n`);
      if (keys.length === 0) all.forEach(line);
      each((key) => {
        const e = all.find((x) => x.name === key || String(x.gid) === key);
        if (e !== undefined) line(e);
        return e !== undefined;
      });
      return status;
    }
  }
  if (OTHER_DATABASES.includes(database)) {
    ctx.stderr.write(`getent: ksim does not model the ${database} database\n`);
    return 1;
  }
  ctx.stderr.write(`Unknown database: ${database}\nTry \`getent --help' or \`getent --usage' for more information.\n`);
  return 1;
}

/** The rest of glibc's databases, which this getent does not answer. */
const OTHER_DATABASES = ["ahostsv6", "aliases", "ethers", "gshadow", "initgroups", "netgroup", "networks", "protocols", "rpc", "services", "shadow"];
