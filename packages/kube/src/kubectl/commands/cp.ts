import { decodeText, encodeText, FsError, type Proc } from "@ksim/sim";
import type { Pod } from "../../api/types.js";
import { devNull, StringSink, stringInput, unclosable } from "../../runtime/streams.js";
import { readTar, TarFormatError, writeTar, type TarEntry } from "../../userland/tar-format.js";
import { groupName, userName } from "../../userland/users.js";
import type { Command, Invocation } from "./command.js";
import { ExitError, StatusError } from "./errors.js";
import { execInContainer } from "./exec.js";
import { defaultContainer } from "./pods.js";
import type { Session } from "./session.js";

/**
 * `kubectl cp`: tar through the exec subresource, as kubectl does. From a pod it runs
 * `tar cf - SRC` in the container and unpacks the stream itself; to a pod it packs the local
 * files itself and runs `tar -xmf - -C DIR` there. The container needs tar, as upstream warns.
 */
export const cpCommand: Command = {
  name: "cp",
  short: "Copy files and directories to and from containers",
  usage: "<file-spec-src> <file-spec-dest>",
  flags: [
    { name: "container", short: "c", type: "string" },
    { name: "no-preserve", type: "bool" },
    { name: "retries", type: "int" },
  ],
  run: runCp,
};

interface FileSpec {
  readonly namespace: string | undefined;
  readonly pod: string | undefined;
  readonly file: string;
}

function* runCp(inv: Invocation): Proc<number> {
  const { s, flags, args } = inv;
  if (args.length !== 2) throw new Error("source and destination are required");
  const src = fileSpec(args[0]!);
  const dest = fileSpec(args[1]!);
  if (src.pod !== undefined && dest.pod !== undefined) throw new Error("one of src or dest must be a local file specification");
  if (src.file === "" || dest.file === "") throw new Error("filepath can not be empty");
  const container = flags.string("container");
  if (src.pod !== undefined) return yield* copyFromPod(s, src, dest.file, container);
  if (dest.pod !== undefined) return yield* copyToPod(s, src.file, dest, container, flags.bool("no-preserve"));
  throw new Error("one of src or dest must be a remote file specification");
}

/** extractFileSpec: `[[namespace/]pod:]file/path`; paths lose one trailing slash. */
function fileSpec(arg: string): FileSpec {
  const i = arg.indexOf(":");
  if (i === 0) throw new Error("filespec must match the canonical format: [[namespace/]pod:]file/path");
  if (i < 0) return { namespace: undefined, pod: undefined, file: stripTrailingSlash(arg) };
  const pieces = arg.slice(0, i).split("/");
  const file = stripTrailingSlash(arg.slice(i + 1).replace(/\\/g, "/"));
  if (pieces.length === 1) return { namespace: undefined, pod: pieces[0], file };
  if (pieces.length === 2) return { namespace: pieces[0], pod: pieces[1], file };
  throw new Error("filespec must match the canonical format: [[namespace/]pod:]file/path");
}

function stripTrailingSlash(file: string): string {
  return file !== "/" && file.endsWith("/") ? file.slice(0, -1) : file;
}

/** Go's path.Clean. */
function clean(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
    } else out.push(part);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined || ".";
}

const join = (...parts: string[]) => clean(parts.filter((p) => p !== "").join("/"));
const dir = (p: string) => (p.includes("/") ? clean(p.slice(0, p.lastIndexOf("/")) || "/") : ".");
const base = (p: string) => {
  const c = clean(p);
  return c === "/" ? "/" : c.slice(c.lastIndexOf("/") + 1);
};

/** Leading `../` (and a lone `.` or `..`) removed: a tar member may not climb out of its target. */
function stripPathShortcuts(p: string): string {
  let out = p;
  while (out.startsWith("../")) out = out.slice(3);
  if (out === "." || out === "..") out = "";
  return out.startsWith("/") ? out.slice(1) : out;
}

/** isRelative: `target` lies inside `root`. */
function isInside(root: string, target: string): boolean {
  const r = clean(root);
  const t = clean(target);
  if (r === t) return true;
  const rel = r === "." ? t : t.startsWith(`${r}/`) ? t.slice(r.length + 1) : r === "/" ? t.slice(1) : `../${t}`;
  return rel === stripPathShortcuts(rel);
}

/** The pod a file spec names, running, and the container to exec in. */
function target(s: Session, spec: FileSpec, container: string): { pod: Pod; container: string } {
  const pod = s.api.get<Pod>("Pod", spec.namespace ?? s.namespace, spec.pod!);
  if (pod === undefined) throw new StatusError("NotFound", `pods "${spec.pod}" not found`);
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") throw new Error(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  return { pod, container: container || defaultContainer(s, pod).name };
}

function* copyFromPod(s: Session, src: FileSpec, dest: string, container: string): Proc<number> {
  const t = target(s, src, container);
  const archive = new StringSink();
  // Upstream wires tar's stderr to kubectl's stdout: "tar: Removing leading `/'…" shows there.
  const stdout = unclosable(s.ctx.stdout);
  // Go's tar reader stops at the end-of-archive blocks, before the exec reports tar's status, so
  // kubectl exits 0 even when tar failed (kubernetes/kubectl#980): only the messages tell.
  yield* execInContainer(s, t.pod, t.container, ["tar", "cf", "-", src.file], { stdin: devNull, stdout: archive, stderr: stdout, tty: false });
  let entries: TarEntry[];
  try {
    entries = readTar(encodeText(archive.text()));
  } catch (e) {
    if (!(e instanceof TarFormatError)) throw e;
    throw new Error("archive/tar: invalid tar header");
  }
  const prefix = stripPathShortcuts(clean(src.file.replace(/^[/\\]+/, "")));
  const fs = s.ctx.fs;
  let symlinkWarned = false;
  for (const e of entries) {
    if (!e.name.startsWith(prefix)) throw new Error("tar contents corrupted");
    const name = stripTrailingSlash(e.name.slice(prefix.length));
    const destFile = join(dest, name);
    if (!isInside(dest, destFile)) {
      s.err(`warning: file ${JSON.stringify(destFile)} is outside target destination, skipping\n`);
      continue;
    }
    if (e.type === "symlink") {
      const namespace = src.namespace ?? s.namespace;
      s.err(
        symlinkWarned
          ? `warning: skipping symlink: ${JSON.stringify(destFile)} -> ${JSON.stringify(e.linkname)}\n`
          : `warning: skipping symlink: ${JSON.stringify(destFile)} -> ${JSON.stringify(e.linkname)} (consider using "kubectl exec -n ${JSON.stringify(namespace)} ${JSON.stringify(src.pod)} -- tar cf - ${JSON.stringify(src.file)} | tar xf -")\n`,
      );
      symlinkWarned = true;
      continue;
    }
    try {
      mkdirAll(s, dir(destFile));
      if (e.type === "dir") mkdirAll(s, destFile);
      else fs.writeFile(s.ctx.resolve(destFile), e.data, { mode: 0o644 });
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      throw new Error(`open ${destFile}: ${err.description.toLowerCase()}`);
    }
  }
  return 0;
}

function mkdirAll(s: Session, path: string): void {
  const abs = s.ctx.resolve(path);
  if (s.ctx.fs.exists(abs)) {
    if (s.ctx.fs.stat(abs).type !== "dir") throw new FsError("ENOTDIR", path);
    return;
  }
  s.ctx.fs.mkdir(abs, { recursive: true, mode: 0o755 });
}

function* copyToPod(s: Session, src: string, dest: FileSpec, container: string, noPreserve: boolean): Proc<number> {
  const fs = s.ctx.fs;
  if (!fs.exists(s.ctx.resolve(src))) throw new Error(`${src} doesn't exist in local filesystem`);
  const t = target(s, dest, container);
  let destFile = dest.file;
  const quiet = { stdin: devNull, stdout: new StringSink(), stderr: new StringSink(), tty: false };
  if ((yield* execInContainer(s, t.pod, t.container, ["test", "-d", destFile], quiet)) === 0) destFile = join(destFile, base(src));
  const entries: TarEntry[] = [];
  packLocal(s, clean(src), clean(destFile) === "/" ? "/" : base(clean(destFile)), entries);
  const command = noPreserve ? ["tar", "--no-same-permissions", "--no-same-owner", "-xmf", "-"] : ["tar", "-xmf", "-"];
  command.push("-C", dir(clean(destFile)));
  const streams = { stdin: stringInput(decodeText(writeTar(entries))), stdout: unclosable(s.ctx.stdout), stderr: unclosable(s.ctx.stderr), tty: false };
  const code = yield* execInContainer(s, t.pod, t.container, command, streams);
  if (code !== 0) throw new ExitError(`command terminated with exit code ${code}`, code);
  return 0;
}

/** recursiveTar: regular files and empty directories, named from the destination's base name. */
function packLocal(s: Session, path: string, name: string, entries: TarEntry[]): void {
  const fs = s.ctx.fs;
  const abs = s.ctx.resolve(path);
  const st = fs.lstat(abs);
  const owner = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, uname: userName(fs, st.uid) ?? "", gname: groupName(fs, st.gid) ?? "", mtimeMs: st.mtimeMs };
  if (st.type === "dir") {
    const children = fs.readdir(abs);
    if (children.length === 0) entries.push({ ...owner, name, type: "dir", data: new Uint8Array(0), linkname: "" });
    for (const child of children) packLocal(s, `${path}/${child}`, `${name}/${child}`, entries);
  } else if (st.type === "symlink") {
    entries.push({ ...owner, name, type: "symlink", data: new Uint8Array(0), linkname: fs.readlink(abs) });
  } else {
    entries.push({ ...owner, name, type: "file", data: fs.readFile(abs), linkname: "" });
  }
}
