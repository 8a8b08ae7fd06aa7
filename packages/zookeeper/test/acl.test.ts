import { describe, expect, it } from "vitest";
import { allowed, fixupACL, generateDigest, Perms } from "../src/core/acl.js";
import { ensembleWithClients } from "./clients.js";
import { Pods, START } from "./pods.js";

/**
 * ACLs (3.4): setAcl and create's ACL argument, checked by the server that orders writes
 * (CREATE and DELETE on the parent, WRITE and ADMIN on the node) and by the one answering reads
 * (READ for get and ls); `addauth digest user:password` makes a connection `digest:user:<hash>`.
 */
describe("ZooKeeper ACLs", () => {
  it("digests credentials as DigestAuthenticationProvider does and matches ids per scheme", () => {
    // The superDigest ZooKeeper's own tests configure, whose password is "test".
    expect(generateDigest("super:test")).toBe("super:D/InIHSb7yEEbrWz8b9l71RjZJU=");
    const ip = (id: string) => [{ scheme: "ip", id }];
    const acl = [{ perms: Perms.READ, scheme: "ip", id: "10.244.0.0/16" }];
    expect(allowed(acl, Perms.READ, ip("10.244.3.7"))).toBe(true);
    expect(allowed(acl, Perms.READ, ip("10.245.0.1"))).toBe(false);
    expect(allowed(acl, Perms.WRITE, ip("10.244.3.7"))).toBe(false);
    expect(allowed([], Perms.ADMIN, [])).toBe(true);
    expect(allowed(acl, Perms.ADMIN, [{ scheme: "super", id: "x" }])).toBe(true);
  });

  it("fixes an ACL up as fixupACL does: auth becomes the digest ids, bad entries make it invalid", () => {
    const digest = { scheme: "digest", id: "alice:h" };
    const ipId = { scheme: "ip", id: "127.0.0.1" };
    expect(fixupACL([ipId, digest], [{ perms: 31, scheme: "auth", id: "" }, { perms: 1, scheme: "world", id: "anyone" }])).toEqual([
      { perms: 1, scheme: "world", id: "anyone" },
      { perms: 31, scheme: "digest", id: "alice:h" },
    ]);
    // ip is not an id auth can stand for; nothing else vouches for the connection.
    expect(fixupACL([ipId], [{ perms: 31, scheme: "auth", id: "" }])).toBeUndefined();
    expect(fixupACL([], [{ perms: 31, scheme: "digest", id: "alice:" }])).toBeUndefined();
    expect(fixupACL([], [{ perms: 31, scheme: "ip", id: "10.0.0.300" }])).toBeUndefined();
    expect(fixupACL([], [{ perms: 31, scheme: "world", id: "everyone" }])).toBeUndefined();
    expect(fixupACL([], [])).toBeUndefined();
  });

  it("enforces a node's ACL on every member, for clients of followers too, and keeps it across a restart", () => {
    const { p } = ensembleWithClients();
    const keep = (s: string) => s.split("\n").filter((l) => !/^\d{4}-\d\d-\d\d |^Connecting to|^WATCHER::|^WatchedEvent|^$|^\[zk: /.test(l)).join("\n");
    const zk = (i: number, ...args: string[]) => {
      const r = p.exec(p.pods[i]!, ["zkCli.sh", ...args]);
      return { out: keep(r.out), err: keep(r.err) };
    };
    zk(0, "create", "/q", "data");
    expect(zk(0, "setAcl", "/q", "world:anyone:r").err).toContain("aclVersion = 1\n");
    expect(zk(1, "getAcl", "/q").out).toBe("'world,'anyone\n: r");
    expect(zk(1, "set", "/q", "x").err).toBe("Authentication is not valid : /q");
    expect(zk(2, "create", "/q/child", "x").err).toBe("Authentication is not valid : /q/child");
    expect(zk(2, "get", "/q").out).toBe("data");
    expect(zk(0, "setAcl", "/q", "world:anyone:cdrwa").err).toBe("Authentication is not valid : /q");

    // create's ACL argument as parseACLs reads it, and the client's own refusal of an empty one.
    expect(zk(1, "create", "/s", "x", "bogus").err).toBe("bogus does not have the form scheme:id:perm\nInvalid ACL: null");
    expect(zk(1, "create", "/s", "x", "auth::cdrwa").err).toBe("Invalid ACL: /s");
    expect(zk(1, "create", "/s", "x", "world:anyone:rz").err).toBe("Unknown perm type: z\nCreated /s");

    // A connection that authenticated can use an auth ACL; others cannot read the node.
    const session = p.exec(p.pods[2]!, ["zkCli.sh"], 60_000, "addauth digest alice:secret\ncreate /secret s auth::cdrwa\nget /secret\nquit\n");
    expect(keep(session.out)).toContain("s");
    expect(keep(session.err)).toContain("Created /secret");
    // addauth with no credentials: the server refuses them (AuthFailed) and closes; the client is done.
    const refused = p.exec(p.pods[2]!, ["zkCli.sh"], 60_000, "addauth digest\nls /\nquit\n");
    expect(refused.out).toContain("WatchedEvent state:AuthFailed type:None path:null");
    expect(refused.err.split("\n")[0]).toBe('Exception in thread "main" org.apache.zookeeper.KeeperException$AuthFailedException: KeeperErrorCode = AuthFailed for /');
    const alice = `'digest,'${generateDigest("alice:secret")}\n: cdrwa`;
    expect(zk(0, "getAcl", "/secret").out).toBe(alice);
    expect(zk(0, "get", "/secret").err).toBe("Authentication is not valid : /secret");
    expect(zk(0, "ls", "/secret").err).toBe("Authentication is not valid : /secret");

    const pod = p.pods[1]!;
    p.crash(pod);
    p.start(pod);
    p.run(60_000);
    expect(zk(1, "getAcl", "/secret").out).toBe(alice);
    expect(zk(1, "getAcl", "/q").out).toBe("'world,'anyone\n: r");
    expect(zk(1, "set", "/q", "x").err).toBe("Authentication is not valid : /q");

    // A member that was down while an ACL changed learns it when it syncs with the leader.
    const late = p.pods[2]!;
    p.crash(late);
    p.run(60_000);
    expect(zk(0, "create", "/late", "x", "world:anyone:r").err).toBe("Created /late");
    p.start(late);
    p.run(60_000);
    expect(zk(2, "getAcl", "/late").out).toBe("'world,'anyone\n: r");
    expect(zk(2, "delete", "/late").err).toBe("");
    expect(zk(2, "set", "/late", "y").err).toBe("Node does not exist: /late");
  });
  it("lets the superDigest's user past every ACL, on members started with it, as the admin's way back in", () => {
    const p = new Pods(11);
    // The digest of super:test, given as ZooKeeper's docs say: a JVM system property.
    const flags = { SERVER_JVMFLAGS: `-Dzookeeper.DigestAuthenticationProvider.superDigest=${generateDigest("super:test")}` };
    for (const pod of p.pods) {
      p.start(pod, START, flags);
      p.run(10_000);
      p.ready.add(pod.name);
    }
    p.run(30_000);
    const session = (i: number, lines: string) => {
      const r = p.exec(p.pods[i]!, ["zkCli.sh"], 60_000, `${lines}\nquit\n`);
      return r.err.split("\n").filter((l) => !/^\d{4}-\d\d-\d\d |^$/.test(l)).join("\n");
    };
    // Locked out: even the creator cannot change the ACL back.
    session(0, "create /locked x\nsetAcl /locked world:anyone:r");
    expect(session(1, "setAcl /locked world:anyone:cdrwa")).toBe("Authentication is not valid : /locked");
    expect(session(1, "addauth digest alice:test\nsetAcl /locked world:anyone:cdrwa")).toBe("Authentication is not valid : /locked");
    // The super user may, through a follower too (the leader checks the id the request carries).
    expect(session(1, "addauth digest super:test\nsetAcl /locked world:anyone:cdrwa")).toContain("aclVersion = 2");
    expect(session(2, "set /locked y")).toContain("dataVersion = 1");
    // A member started without the property knows no super user.
    const plain = p.pods[2]!;
    p.crash(plain);
    p.start(plain);
    p.run(30_000);
    session(0, `setAcl /locked digest:${generateDigest("alice:x")}:cdrwa`);
    expect(session(2, "addauth digest super:test\nget /locked")).toBe("Authentication is not valid : /locked");
    // Its writes carry no super id to the leader either.
    expect(session(2, "addauth digest super:test\nset /locked z")).toBe("Authentication is not valid : /locked");
    expect(session(0, "addauth digest super:test\nget /locked")).toContain("dataVersion = 1");
  });
});
