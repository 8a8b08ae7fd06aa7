import type { ProcessContext } from "@ksim/kube";
import { wait, type Proc } from "@ksim/sim";
import { ZooKeeperClient, type Reply } from "../client/index.js";
import { Code, codeMessage, exceptionClass, formatStatsTrack, hex, parseStatsTrack, pathError, Perms, type Acl, type Result, type Stat } from "../core/index.js";
import { environment, javaDate } from "./java-env.js";
import type { Log4j } from "./log4j.js";

const QUOTA_ROOT = "/zookeeper/quota";

/** A StatsTrack read back and printed (new StatsTrack(data).toString()). */
const statsTrack = (data: string) => formatStatsTrack(parseStatsTrack(data));

/** ZooKeeperMain's command table, in the HashMap order 3.4 prints it in usage(). */
const USAGE = [
  "stat path [watch]",
  "set path data [version]",
  "ls path [watch]",
  "delquota [-n|-b] path",
  "ls2 path [watch]",
  "setAcl path acl",
  "setquota -n|-b val path",
  "history ",
  "redo cmdno",
  "printwatches on|off",
  "delete path [version]",
  "sync path",
  "listquota path",
  "rmr path",
  "get path [watch]",
  "create [-s] [-e] path data acl",
  "addauth scheme auth",
  "quit ",
  "getAcl path",
  "close ",
  "connect host:port",
];

/** ZooKeeper.java line numbers of each call, for the stack traces of uncaught exceptions. */
const CALL_SITES: Record<string, string> = {
  create: "create(ZooKeeper.java:786)",
  delete: "delete(ZooKeeper.java:873)",
  setData: "setData(ZooKeeper.java:1327)",
  getData: "getData(ZooKeeper.java:1212)",
  exists: "exists(ZooKeeper.java:1041)",
  getChildren: "getChildren(ZooKeeper.java:1470)",
};

export function formatStat(s: Stat): string {
  return [
    `cZxid = 0x${hex(s.czxid)}`,
    `ctime = ${javaDate(s.ctime)}`,
    `mZxid = 0x${hex(s.mzxid)}`,
    `mtime = ${javaDate(s.mtime)}`,
    `pZxid = 0x${hex(s.pzxid)}`,
    `cversion = ${s.cversion}`,
    `dataVersion = ${s.version}`,
    `aclVersion = ${s.aversion}`,
    `ephemeralOwner = 0x${hex(s.ephemeralOwner)}`,
    `dataLength = ${s.dataLength}`,
    `numChildren = ${s.numChildren}`,
  ].map((l) => `${l}\n`).join("");
}

/** A KeeperException the command did not catch: the JVM prints it and exits 1. */
class Uncaught extends Error {}

/** Errors processCmd catches and prints (3.4 wording). */
const CAUGHT: Record<number, string> = {
  [Code.NONODE]: "Node does not exist: ",
  [Code.NOCHILDRENFOREPHEMERALS]: "Ephemerals cannot have children: ",
  [Code.NODEEXISTS]: "Node already exists: ",
  [Code.NOTEMPTY]: "Node not empty: ",
  [Code.BADARGUMENTS]: "Arguments are not valid : ",
  [Code.BADVERSION]: "version No is not valid : ",
  [Code.INVALIDACL]: "Invalid ACL: ",
  [Code.NOAUTH]: "Authentication is not valid : ",
};

class Cli {
  /** `printwatches on|off`: whether MyWatcher prints what it is told. */
  printWatches = true;
  /** The JVM is exiting: callbacks still pending print nothing. */
  exited = false;
  /** Lines typed at the prompt, by command number (`history`, `redo`). */
  private readonly history = new Map<number, string>();

  /** ZooKeeperMain.addToHistory. */
  record(n: number, line: string): void {
    this.history.set(n, line);
  }

  /** The number the next command will get (commandCount). */
  get commandCount(): number {
    return this.history.size;
  }

  /** The client in use: `connect` replaces it. */
  zk: ZooKeeperClient;

  constructor(
    private readonly ctx: ProcessContext,
    /** connectString of the client in use, as the prompt shows it. */
    public host: string,
    /** new ZooKeeper(host, timeout, new MyWatcher()). */
    private readonly open: (host: string) => ZooKeeperClient,
  ) {
    this.zk = open(host);
  }

  /** ZooKeeperMain.parseACLs: `scheme:id:perms` entries separated by commas; a malformed one is reported and skipped. */
  private parseACLs(text: string): Acl[] {
    const entries = text.split(",");
    // Java's split drops trailing empty strings (but keeps a lone one).
    while (entries.length > 1 && entries[entries.length - 1] === "") entries.pop();
    const acl: Acl[] = [];
    for (const a of entries) {
      const first = a.indexOf(":");
      const last = a.lastIndexOf(":");
      if (first === -1 || first === last) {
        this.ctx.stderr.write(`${a} does not have the form scheme:id:perm\n`);
        continue;
      }
      let perms = 0;
      for (const c of a.slice(last + 1)) {
        const bit = PERM_LETTERS[c];
        if (bit === undefined) this.ctx.stderr.write(`Unknown perm type: ${c}\n`);
        else perms |= bit;
      }
      acl.push({ perms, scheme: a.slice(0, first), id: a.slice(first + 1, last) });
    }
    return acl;
  }

  /** Waits for a reply; a caught error is printed and ends the command. */
  private *call(op: string, path: string, w: ReturnType<ZooKeeperClient["submit"]>): Proc<Reply | undefined> {
    const r = (yield* wait(w)) as Reply;
    if (r.err === Code.OK) return r;
    return this.failed(op, path, r);
  }

  /** A call that failed: a KeeperException processCmd catches is printed (undefined), any other ends zkCli. */
  private failed(op: string, path: string, r: Reply): undefined {
    const caught = CAUGHT[r.err];
    if (caught !== undefined) {
      this.ctx.stderr.write(`${caught}${path}\n`);
      return undefined;
    }
    this.ctx.stderr.write(
      `Exception in thread "main" ${exceptionClass(r.err)}: KeeperErrorCode = ${codeMessage(r.err)} for ${path}\n` +
        "\tat org.apache.zookeeper.KeeperException.create(KeeperException.java:99)\n" +
        "\tat org.apache.zookeeper.KeeperException.create(KeeperException.java:51)\n" +
        `\tat org.apache.zookeeper.ZooKeeper.${CALL_SITES[op] ?? "submitRequest(ZooKeeper.java:1)"}\n` +
        "\tat org.apache.zookeeper.ZooKeeperMain.processZKCmd(ZooKeeperMain.java:735)\n" +
        "\tat org.apache.zookeeper.ZooKeeperMain.processCmd(ZooKeeperMain.java:600)\n" +
        "\tat org.apache.zookeeper.ZooKeeperMain.run(ZooKeeperMain.java:363)\n" +
        "\tat org.apache.zookeeper.ZooKeeperMain.main(ZooKeeperMain.java:291)\n",
    );
    throw new Uncaught();
  }

  /**
   * A call whose NoNode and NodeExists the command handles itself; any other failure is reported
   * as `call` reports it and ends the command (undefined).
   */
  private *quiet(op: string, path: string, w: ReturnType<ZooKeeperClient["submit"]>): Proc<Reply | undefined> {
    const r = (yield* wait(w)) as Reply;
    if (r.err === Code.OK || r.err === Code.NONODE || r.err === Code.NODEEXISTS) return r;
    return this.failed(op, path, r);
  }

  /**
   * ZooKeeperMain.createQuota: the path must exist and no quota may sit above or below it; the
   * quota path's nodes are made, then zookeeper_limits and zookeeper_stats (the server fills
   * the stats in); a quota already there gets the new limit.
   */
  private *createQuota(path: string, bytes: number, numNodes: number): Proc<void> {
    const err = this.ctx.stderr;
    const illegal = (message: string) => err.write(`Command failed: java.lang.IllegalArgumentException: ${message}\n`);
    const exists = yield* this.quiet("exists", path, this.zk.exists(path));
    if (exists === undefined) return;
    if ((exists.result as { stat: Stat | null } | undefined)?.stat == null) return void illegal(`${path} does not exist.`);
    const below = yield* this.quiet("getChildren", `${QUOTA_ROOT}${path}`, this.zk.getChildren(`${QUOTA_ROOT}${path}`));
    if (below === undefined) return;
    for (const child of (below.result as { children: string[] } | undefined)?.children ?? []) {
      if (!child.startsWith("zookeeper_")) return void illegal(`${path} has child ${child} which has a quota`);
    }
    // checkIfParentQuota walks every prefix, the path's own included.
    let quotaPath = QUOTA_ROOT;
    for (const part of path.split("/").filter((p) => p !== "")) {
      quotaPath += `/${part}`;
      const r = yield* this.quiet("getChildren", quotaPath, this.zk.getChildren(quotaPath));
      if (r === undefined) return;
      const children = (r.result as { children: string[] } | undefined)?.children ?? [];
      if (r.err === Code.NONODE || children.length === 0) break;
      if (children.includes("zookeeper_limits")) return void illegal(`${path} has a parent ${quotaPath} which has a quota`);
    }
    quotaPath = QUOTA_ROOT;
    for (const part of path.split("/").slice(1)) {
      quotaPath += `/${part}`;
      if ((yield* this.quiet("create", quotaPath, this.zk.create(quotaPath, ""))) === undefined) return;
    }
    const limitsPath = `${quotaPath}/zookeeper_limits`;
    const limits = yield* this.quiet("create", limitsPath, this.zk.create(limitsPath, `count=${numNodes},bytes=${bytes}`));
    if (limits === undefined) return;
    if (limits.err === Code.OK) {
      yield* this.quiet("create", `${quotaPath}/zookeeper_stats`, this.zk.create(`${quotaPath}/zookeeper_stats`, "count=0,bytes=0"));
      return;
    }
    const current = yield* this.call("getData", limitsPath, this.zk.getData(limitsPath));
    if (current === undefined) return;
    const s = parseStatsTrack((current.result as { data: string }).data);
    if (bytes !== -1) s.bytes = bytes;
    if (numNodes !== -1) s.count = numNodes;
    yield* this.call("setData", limitsPath, this.zk.setData(limitsPath, formatStatsTrack(s)));
  }

  /** ZooKeeperMain.delQuota: one limit unset, or the quota's nodes removed and the empty quota path trimmed. */
  private *delQuota(path: string, bytes: boolean, numNodes: boolean): Proc<void> {
    const parentPath = `${QUOTA_ROOT}${path}`;
    const limitsPath = `${parentPath}/zookeeper_limits`;
    const exists = yield* this.quiet("exists", limitsPath, this.zk.exists(limitsPath));
    if (exists === undefined) return;
    if ((exists.result as { stat: Stat | null } | undefined)?.stat == null) {
      this.ctx.stdout.write(`Quota does not exist for ${path}\n`);
      return;
    }
    const current = yield* this.quiet("getData", limitsPath, this.zk.getData(limitsPath));
    if (current === undefined) return;
    if (current.err === Code.NONODE) {
      this.ctx.stderr.write(`quota does not exist for ${path}\n`);
      return;
    }
    const s = parseStatsTrack((current.result as { data: string }).data);
    if (bytes !== numNodes) {
      if (bytes) s.bytes = -1;
      else s.count = -1;
      yield* this.call("setData", limitsPath, this.zk.setData(limitsPath, formatStatsTrack(s)));
      return;
    }
    const children = yield* this.call("getChildren", parentPath, this.zk.getChildren(parentPath));
    for (const c of (children?.result as { children: string[] } | undefined)?.children ?? []) yield* this.call("delete", `${parentPath}/${c}`, this.zk.delete(`${parentPath}/${c}`));
    // trimProcQuotas: empty quota nodes go, up to /zookeeper/quota.
    for (let p = parentPath; p !== QUOTA_ROOT; p = p.slice(0, p.lastIndexOf("/"))) {
      const r = yield* this.call("getChildren", p, this.zk.getChildren(p));
      if (r === undefined || (r.result as { children: string[] }).children.length > 0) break;
      yield* this.call("delete", p, this.zk.delete(p));
    }
  }

  private badPath(path: string, sequential = false): boolean {
    const err = pathError(path, sequential);
    if (err === undefined) return false;
    this.ctx.stderr.write(`Command failed: java.lang.IllegalArgumentException: ${err}\n`);
    return true;
  }

  private usage(): void {
    this.ctx.stderr.write(`ZooKeeper -server host:port cmd args\n${USAGE.map((u) => `\t${u}\n`).join("")}`);
  }

  /** processZKCmd. Returns false when the command line did not parse. */
  *run(args: readonly string[]): Proc<boolean> {
    const out = this.ctx.stdout;
    const err = this.ctx.stderr;
    const cmd = args[0];
    if (cmd === undefined || !USAGE.some((u) => u.split(" ")[0] === cmd)) {
      this.usage();
      return false;
    }
    const path = args[1] ?? "";
    // processZKCmd: any word after the path asks for a watch.
    const watch = args.length > 2;
    if (cmd === "printwatches") {
      if (args.length === 1) out.write(`printwatches is ${this.printWatches ? "on" : "off"}\n`);
      else this.printWatches = args[1] === "on";
      return true;
    }
    if (cmd === "connect") {
      // connectToZK: a live session is closed first; a new client (and watcher) for the new host.
      if (this.zk.state !== "CLOSED") yield* wait(this.zk.close());
      this.host = args[1] ?? this.host;
      this.zk = this.open(this.host);
      return true;
    }
    if (cmd !== "quit" && cmd !== "history" && this.zk.state === "CLOSED") {
      out.write("Not connected\n");
      return false;
    }
    if (cmd === "create" && args.length >= 3) {
      let first = 0;
      let ephemeral = false;
      let sequential = false;
      if ((args[1] === "-e" && args[2] === "-s") || (args[1] === "-s" && args[2] === "-e")) {
        first += 2;
        ephemeral = sequential = true;
      } else if (args[1] === "-e") {
        first++;
        ephemeral = true;
      } else if (args[1] === "-s") {
        first++;
        sequential = true;
      }
      const p = args[first + 1];
      const data = args[first + 2];
      if (p === undefined || data === undefined) {
        this.usage();
        return false;
      }
      const acl = args.length === first + 4 ? this.parseACLs(args[first + 3]!) : undefined;
      if (this.badPath(p, sequential)) return true;
      // ZooKeeper.create refuses an empty ACL itself, with an InvalidACLException that has no path.
      if (acl !== undefined && acl.length === 0) {
        err.write(`${CAUGHT[Code.INVALIDACL]}null\n`);
        return true;
      }
      const r = yield* this.call("create", p, this.zk.create(p, data, { ephemeral, sequential }, acl));
      if (r !== undefined) err.write(`Created ${(r.result as { path: string }).path}\n`);
    } else if (cmd === "delete" && args.length >= 2) {
      if (this.badPath(path)) return true;
      yield* this.call("delete", path, this.zk.delete(path, args.length > 2 ? Number(args[2]) : -1));
    } else if (cmd === "rmr" && args.length >= 2) {
      if (this.badPath(path)) return true;
      // ZKUtil.deleteRecursive: list the subtree breadth-first, delete from the leaves up.
      const tree = [path];
      for (let i = 0; i < tree.length; i++) {
        const r = yield* this.call("getChildren", tree[i]!, this.zk.getChildren(tree[i]!));
        if (r === undefined) return true;
        for (const c of (r.result as { children: string[] }).children) tree.push(tree[i] === "/" ? `/${c}` : `${tree[i]}/${c}`);
      }
      for (const p of tree.reverse()) if ((yield* this.call("delete", p, this.zk.delete(p))) === undefined) return true;
    } else if (cmd === "set" && args.length >= 3) {
      if (this.badPath(path)) return true;
      const r = yield* this.call("setData", path, this.zk.setData(path, args[2]!, args.length > 3 ? Number(args[3]) : -1));
      if (r !== undefined) err.write(formatStat((r.result as { stat: Stat }).stat));
    } else if (cmd === "get" && args.length >= 2) {
      if (this.badPath(path)) return true;
      const r = yield* this.call("getData", path, this.zk.getData(path, watch));
      if (r !== undefined) {
        const d = r.result as { data: string; stat: Stat };
        out.write(`${d.data}\n`);
        err.write(formatStat(d.stat));
      }
    } else if ((cmd === "ls" || cmd === "ls2") && args.length >= 2) {
      if (this.badPath(path)) return true;
      const r = yield* this.call("getChildren", path, this.zk.getChildren(path, cmd === "ls2", watch));
      if (r !== undefined) {
        const res = r.result as Result & { children: string[]; stat?: Stat };
        out.write(`[${res.children.join(", ")}]\n`);
        if (res.stat !== undefined) err.write(formatStat(res.stat));
      }
    } else if (cmd === "stat" && args.length >= 2) {
      if (this.badPath(path)) return true;
      const r = yield* this.call("exists", path, this.zk.exists(path, watch));
      if (r !== undefined) {
        const stat = (r.result as { stat: Stat | null }).stat;
        if (stat === null) err.write(`Node does not exist: ${path}\n`);
        else err.write(formatStat(stat));
      }
    } else if (cmd === "setAcl" && args.length >= 3) {
      if (this.badPath(path)) return true;
      const acl = this.parseACLs(args[2]!);
      if (acl.length === 0) {
        err.write(`${CAUGHT[Code.INVALIDACL]}${path}\n`);
        return true;
      }
      // 3.4's processZKCmd reads the version only when a fifth word follows it.
      const r = yield* this.call("setACL", path, this.zk.setACL(path, acl, args.length > 4 ? Number(args[3]) : -1));
      if (r !== undefined) err.write(formatStat((r.result as { stat: Stat }).stat));
    } else if (cmd === "addauth" && args.length >= 2) {
      this.zk.addAuthInfo(args[1]!, args[2] ?? null);
    } else if (cmd === "getAcl" && args.length >= 2) {
      const r = yield* this.call("getACL", path, this.zk.getACL(path));
      // Id.toString is jute's CSV form, ending in a newline of its own.
      for (const a of (r?.result as { acl: readonly Acl[] } | undefined)?.acl ?? []) out.write(`'${a.scheme},'${a.id}\n: ${permString(a.perms)}\n`);
    } else if (cmd === "sync" && args.length >= 2) {
      if (this.badPath(path)) return true;
      // An async call: its callback prints when the reply is in, after the next prompt (and not at all if zkCli exits first).
      this.zk.sync(path).subscribe((r) => {
        if (!this.exited) out.write(`Sync returned ${r.err}\n`);
      });
    } else if (cmd === "setquota" && args.length >= 4) {
      const [, option, val, target] = args as [string, string, string, string];
      err.write(`Comment: the parts are option ${option} val ${val} path ${target}\n`);
      if (option === "-b") yield* this.createQuota(target, Number(val), -1);
      else if (option === "-n") yield* this.createQuota(target, -1, Number(val));
      else this.usage();
    } else if (cmd === "listquota" && args.length >= 2) {
      err.write(`absolute path is ${QUOTA_ROOT}${path}/zookeeper_limits\n`);
      const limits = yield* this.quiet("getData", path, this.zk.getData(`${QUOTA_ROOT}${path}/zookeeper_limits`));
      if (limits === undefined) return true;
      if (limits.err === Code.NONODE) {
        err.write(`quota for ${path} does not exist.\n`);
        return true;
      }
      out.write(`Output quota for ${path} ${statsTrack((limits.result as { data: string }).data)}\n`);
      const stats = yield* this.quiet("getData", path, this.zk.getData(`${QUOTA_ROOT}${path}/zookeeper_stats`));
      if (stats === undefined) return true;
      if (stats.err === Code.NONODE) err.write(`quota for ${path} does not exist.\n`);
      else out.write(`Output stat for ${path} ${statsTrack((stats.result as { data: string }).data)}\n`);
    } else if (cmd === "delquota" && args.length >= 2) {
      // Without -n or -b the whole quota goes.
      if (args.length === 3) {
        if (args[1] === "-b") yield* this.delQuota(args[2]!, true, false);
        else if (args[1] === "-n") yield* this.delQuota(args[2]!, false, true);
      } else if (args.length === 2) yield* this.delQuota(path, true, true);
    } else if (cmd === "history") {
      // commandCount counts this command too; with nothing typed yet (a command line) it is entry 0, null.
      const last = Math.max(0, this.commandCount - 1);
      for (let i = Math.max(0, last - 10); i <= last; i++) out.write(`${i} - ${this.history.get(i) ?? "null"}\n`);
    } else if (cmd === "close") {
      yield* wait(this.zk.close());
    } else if (cmd === "quit") {
      out.write("Quitting...\n");
      yield* wait(this.zk.close());
    } else {
      this.usage();
    }
    return true;
  }
}

/**
 * org.apache.zookeeper.ZooKeeperMain (zkCli): connects, runs one command from the arguments (or
 * reads commands from stdin), and exits. Like 3.4, a command-line run does not close its session
 * on exit: the JVM's client threads are daemons, so the session expires on the server later.
 */
export function* zooKeeperMain(ctx: ProcessContext, args: readonly string[], log: Log4j, classPath: string): Proc<number> {
  let server = "localhost:2181";
  let timeout = 30000;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "-server" && i + 1 < args.length) server = args[++i]!;
    else if (args[i] === "-timeout" && i + 1 < args.length) timeout = Number(args[++i]);
    else if (args[i] === "-r") continue;
    else rest.push(args[i]!);
  }
  ctx.stdout.write(`Connecting to ${server}\n`);
  for (const line of environment(ctx, classPath)) log.log("INFO", "main", "Environment@100", `Client environment:${line}`);
  // MyWatcher: what it is told, printed unless `printwatches off`.
  const watcher = (type: string, state: string, path: string) => {
    if (cli.printWatches) ctx.stdout.write(`\nWATCHER::\n\nWatchedEvent state:${state} type:${type} path:${path}\n`);
  };
  let clients = 0;
  const open = (host: string) => {
    // A new MyWatcher each time: a new identity hash in the log line.
    const watcherHash = (((ctx.pid + clients) * 0x9e3779b1) >>> 0).toString(16);
    log.log("INFO", "main", "ZooKeeper@438", `Initiating client connection, connectString=${host} sessionTimeout=${timeout} watcher=org.apache.zookeeper.ZooKeeperMain$MyWatcher@${watcherHash}`);
    return new ZooKeeperClient(
      { sim: ctx.sim, random: ctx.random.fork(clients++ === 0 ? "zkcli" : `zkcli-${clients}`), resolve: (n) => ctx.net.resolve(n), connect: (ip, port, o) => ctx.net.connect(ip, port, o) },
      {
        connectString: host,
        sessionTimeout: timeout,
        log: (level, thread, at, msg) => log.log(level, thread, at, msg),
        onState: (state) => watcher("None", state, "null"),
        onEvent: (type, path) => watcher(type, "SyncConnected", path),
      },
    );
  };
  const cli = new Cli(ctx, server, open);
  try {
    if (rest.length > 0) {
      yield* cli.run(rest);
    } else {
      ctx.stdout.write("Welcome to ZooKeeper!\nJLine support is enabled\n");
      let count = 0;
      let buffered = "";
      for (;;) {
        ctx.stdout.write(`[zk: ${cli.host}(${cli.zk.state}) ${count}] `);
        let nl = buffered.indexOf("\n");
        while (nl < 0) {
          const chunk = yield* wait(ctx.stdin.read());
          if (chunk === null) break;
          buffered += chunk;
          nl = buffered.indexOf("\n");
        }
        if (nl < 0 && buffered === "") break;
        const line = nl < 0 ? buffered : buffered.slice(0, nl);
        buffered = nl < 0 ? "" : buffered.slice(nl + 1);
        const words = line.trim().split(/\s+/).filter((w) => w !== "");
        if (words.length === 0) continue;
        cli.record(count, line);
        count++;
        yield* cli.run(words);
        if (words[0] === "quit") break;
      }
    }
  } catch (e) {
    if (!(e instanceof Uncaught)) throw e;
    cli.exited = true;
    cli.zk.shut();
    return 1;
  }
  cli.exited = true;
  cli.zk.shut();
  return 0;
}

/** getPermFromString's letters. */
const PERM_LETTERS: Readonly<Record<string, number>> = { r: Perms.READ, w: Perms.WRITE, c: Perms.CREATE, d: Perms.DELETE, a: Perms.ADMIN };

/** ZooKeeperMain.getPermString: c, d, r, w, a for CREATE, DELETE, READ, WRITE, ADMIN. */
function permString(perms: number): string {
  return [[4, "c"], [8, "d"], [1, "r"], [2, "w"], [16, "a"]].map(([bit, letter]) => ((perms & (bit as number)) !== 0 ? letter : "")).join("");
}
