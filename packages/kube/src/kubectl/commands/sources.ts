import { FsError, sleep, wait, type Proc } from "@ksim/sim";
import { loadManifests } from "../../api/manifest.js";
import type { KubeObject } from "../../api/types.js";
import { bundledUrl } from "../../examples/index.js";
import { KustomizeError, kustomize } from "../kustomize.js";
import { aggregate } from "./errors.js";
import type { Flags, FlagSpec } from "./flags.js";
import type { Session } from "./session.js";

/**
 * The manifests behind `-f` and `-k` (cli-runtime's FilenameOptions and its visitors): files,
 * directories (only .json/.yaml/.yml files, `-R` to descend), URLs (ksim serves the bundled
 * upstream examples), `-` for standard input, and kustomization directories.
 */
export const FILENAME_FLAGS: readonly FlagSpec[] = [
  { name: "filename", short: "f", type: "stringSlice" },
  { name: "kustomize", short: "k", type: "string" },
  { name: "recursive", short: "R", type: "bool" },
];

export interface SourcedObject {
  readonly object: KubeObject;
  /** The file, URL or directory it came from (`STDIN` for `-`), as errors name it. */
  readonly source: string;
}

export interface LoadedSources {
  readonly objects: SourcedObject[];
  /** Errors met while visiting; objects read before them are still there, as kubectl has them. */
  readonly errors: unknown[];
}

const EXTENSIONS = [".json", ".yaml", ".yml"];
/** readHttpWithRetries: three attempts a second apart. */
const URL_ATTEMPTS = 3;
const URL_RETRY_MS = 1000;

/** Whether `-f` or `-k` was given. */
export function hasSources(flags: Flags): boolean {
  return flags.strings("filename").length > 0 || flags.string("kustomize") !== "";
}

/** FilenameOptions.validate. */
function validateSources(flags: Flags): void {
  const errors: Error[] = [];
  if (flags.string("kustomize") !== "" && flags.strings("filename").length > 0) errors.push(new Error("only one of -f or -k can be specified"));
  if (flags.string("kustomize") !== "" && flags.bool("recursive")) errors.push(new Error("the -k flag can't be used with -f or -R"));
  if (errors.length > 0) throw aggregate(errors);
}

export function* loadSources(s: Session, flags: Flags): Proc<LoadedSources> {
  validateSources(flags);
  const out: LoadedSources = { objects: [], errors: [] };
  const dir = flags.string("kustomize");
  if (dir !== "") {
    loadKustomization(s, dir, out);
    return out;
  }
  // Paths are checked before anything is read: a missing one stops the whole command.
  for (const f of flags.strings("filename")) {
    if (f !== "-" && !isUrl(f) && !s.ctx.fs.exists(s.ctx.resolve(f))) throw new Error(`the path ${JSON.stringify(f)} does not exist`);
  }
  for (const f of flags.strings("filename")) {
    if (f === "-") addManifests(yield* readAll(s), "STDIN", out);
    else if (isUrl(f)) {
      const text = yield* fetchUrl(s, f);
      if (text instanceof Error) out.errors.push(text);
      else addManifests(text, f, out);
    } else {
      for (const file of expandPath(s, f, flags.bool("recursive"))) addManifests(s.ctx.fs.readText(s.ctx.resolve(file)), file, out);
    }
  }
  return out;
}

function isUrl(f: string): boolean {
  return f.startsWith("http://") || f.startsWith("https://");
}

function addManifests(text: string, source: string, out: LoadedSources): void {
  const loaded = loadManifests(text, source);
  // Unstructured objects always have metadata, if empty: a manifest without it is refused later, by name.
  for (const object of loaded.objects) out.objects.push({ object: object.metadata === undefined ? { ...object, metadata: {} } : object, source });
  if (loaded.error !== undefined) out.errors.push(new Error(loaded.error));
}

/** A file, or the manifest files of a directory in filepath.Walk order. */
function expandPath(s: Session, path: string, recursive: boolean): string[] {
  const abs = s.ctx.resolve(path);
  if (s.ctx.fs.stat(abs).type !== "dir") return [path];
  const files: string[] = [];
  const walk = (dir: string, shown: string) => {
    for (const name of [...s.ctx.fs.readdir(dir)].sort()) {
      const child = `${dir}/${name}`;
      const shownChild = `${shown.replace(/\/+$/, "")}/${name}`;
      // filepath.Walk does not follow links: a linked directory is not walked, a linked file is read.
      if (s.ctx.fs.lstat(child).type === "dir") {
        if (recursive) walk(child, shownChild);
      } else if (EXTENSIONS.some((e) => name.endsWith(e))) files.push(shownChild);
    }
  };
  walk(abs, path);
  return files;
}

function* readAll(s: Session): Proc<string> {
  let text = "";
  for (;;) {
    const chunk = yield* wait(s.ctx.stdin.read());
    if (chunk === null) return text;
    text += chunk;
  }
}

/** The bundled example at `url`, or the error an unreachable host gives after kubectl's retries. */
function* fetchUrl(s: Session, url: string): Proc<string | Error> {
  const text = bundledUrl(url);
  if (text !== undefined) return text;
  for (let attempt = 1; attempt < URL_ATTEMPTS; attempt++) yield* wait(sleep(s.sim, URL_RETRY_MS));
  const host = /^https?:\/\/([^/:?#]*)/.exec(url)?.[1] ?? "";
  return new Error(`Get ${JSON.stringify(url)}: dial tcp: lookup ${host}: no such host`);
}

function loadKustomization(s: Session, dir: string, out: LoadedSources): void {
  try {
    for (const object of buildKustomization(s, dir)) out.objects.push({ object, source: dir });
  } catch (e) {
    if (!(e instanceof KustomizeError)) throw e;
    out.errors.push(e);
  }
}

/** The resources the kustomization at `dir` builds, its warnings printed to stderr. Throws KustomizeError. */
export function buildKustomization(s: Session, dir: string): KubeObject[] {
  const fs = s.ctx.fs;
  const readFile = (p: string) => {
    try {
      return fs.readText(p);
    } catch (e) {
      if (e instanceof FsError) return undefined;
      throw e;
    }
  };
  const isDirectory = (p: string) => fs.exists(p) && fs.stat(p).type === "dir";
  const result = kustomize(s.ctx.resolve(dir), readFile, isDirectory, bundledUrl);
  for (const w of result.warnings) s.err(`${w}\n`);
  return result.resources;
}
