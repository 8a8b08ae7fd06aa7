import { parseDocument, type YAMLError } from "yaml";
import { cloneJson } from "./json-value.js";
import { noKindMatch, typeForObject } from "./resources.js";
import type { KubeObject } from "./types.js";

/**
 * Reading manifest files as kubectl's resource builder does (a StreamVisitor over a
 * YAMLOrJSONDecoder): a stream of JSON objects or `---`-separated YAML documents (YAML 1.1, as
 * go-yaml v2 reads it: `yes`/`on`/`y` are booleans, `0777` is octal), empty documents skipped,
 * `kind: List` flattened, each document checked for apiVersion and kind and mapped to a
 * resource type. The first error ends the file; documents before it are still returned, as
 * kubectl has already visited them by then. Messages omit the `error: ` kubectl prints first.
 */
export interface LoadResult {
  readonly objects: KubeObject[];
  readonly error?: string;
}

export function loadManifests(text: string, source: string): LoadResult {
  const objects: KubeObject[] = [];
  const docs = looksLikeJson(text) ? jsonDocuments(text, source) : yamlDocuments(text, source);
  for (const doc of docs) {
    if (typeof doc === "string") return { objects, error: doc };
    if (doc === null) continue;
    const error = visit(doc, source, objects);
    if (error !== undefined) return { objects, error };
  }
  return { objects };
}

function visit(doc: unknown, source: string, out: KubeObject[]): string | undefined {
  const invalid = validateTypeFields(doc);
  if (invalid !== undefined) {
    return `error validating "${source}": error validating data: ${invalid}; if you choose to ignore these errors, turn validation off with --validate=false`;
  }
  const obj = doc as KubeObject;
  if (obj.apiVersion === "v1" && obj.kind === "List") {
    for (const item of (obj.items as unknown[] | undefined) ?? []) {
      const error = visit(item, source, out);
      if (error !== undefined) return error;
    }
    return undefined;
  }
  if (typeForObject(obj.apiVersion, obj.kind) === undefined) {
    const meta = (obj.metadata ?? {}) as { name?: string; namespace?: string };
    return `resource mapping not found for name: ${JSON.stringify(meta.name ?? "")} namespace: ${JSON.stringify(meta.namespace ?? "")} from ${JSON.stringify(source)}: ${noKindMatch(obj.apiVersion, obj.kind)}\nensure CRDs are installed first`;
  }
  out.push(obj);
  return undefined;
}

/** kubectl's schema check before anything else (getObjectKind). */
function validateTypeFields(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return "invalid object to validate";
  const o = doc as Record<string, unknown>;
  const errs: string[] = [];
  if (o.apiVersion === undefined || o.apiVersion === null) errs.push("apiVersion not set");
  else if (typeof o.apiVersion !== "string") errs.push("apiVersion isn't string type");
  else if (o.apiVersion.split("/").length > 2) errs.push(`unexpected GroupVersion string: ${o.apiVersion}`);
  if (o.kind === undefined || o.kind === null) errs.push("kind not set");
  else if (typeof o.kind !== "string") errs.push("kind isn't string type");
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`;
}

function looksLikeJson(text: string): boolean {
  return /^\s*\{/.test(text);
}

// ---- YAML -------------------------------------------------------------------------------------------

/**
 * Documents as k8s.io/apimachinery's YAMLReader cuts them: at lines starting with `---`
 * (anything after it but a comment is an error, returned as the last element's `error`).
 */
export function splitYamlDocuments(text: string): { docs: string[]; error?: string } {
  const docs: string[] = [];
  let chunk = "";
  for (const line of text.split(/(?<=\n)/)) {
    if (line.startsWith("---")) {
      const rest = line.slice(3).trim();
      if (rest !== "" && !rest.startsWith("#")) return { docs, error: `invalid Yaml document separator: ${rest}` };
      if (chunk !== "") docs.push(chunk);
      chunk = "";
      continue;
    }
    chunk += line;
  }
  if (chunk !== "") docs.push(chunk);
  return { docs };
}

/** Each document converts on its own, so YAML error line numbers count from its first line. */
function* yamlDocuments(text: string, source: string): Generator<unknown> {
  const split = splitYamlDocuments(text);
  for (const doc of split.docs) {
    const parsed = parseYaml(doc);
    yield "error" in parsed ? `error parsing ${source}: error converting YAML to JSON: ${parsed.error}` : parsed.value;
  }
  if (split.error !== undefined) yield `error parsing ${source}: ${split.error}`;
}

/**
 * One YAML document as go-yaml v2 reads it into interface{} (YAML 1.1 scalars, timestamps left
 * as strings, later duplicate keys winning); null for an empty document. Errors are worded as
 * go-yaml words them: `yaml: line 3: mapping values are not allowed in this context`.
 */
export function parseYaml(doc: string): { value: unknown } | { error: string } {
  const known = parsedDocs.get(doc);
  if (known !== undefined) return "error" in known ? { error: known.error } : { value: cloneJson(known.value) };
  const result = parseYamlText(doc);
  if ("error" in result || isPlainJson(result.value)) {
    if (parsedDocs.size >= PARSED_DOCS_KEPT) parsedDocs.clear();
    parsedDocs.set(doc, "error" in result ? result : { value: cloneJson(result.value) });
  }
  return result;
}

/**
 * Parse results by document text. Scenarios apply the same manifests again and again (and every
 * run of a sweep applies them anew), and parsing YAML costs far more than copying what it gave.
 * Callers change what they are given, so each gets its own copy of a kept value; only plain JSON
 * trees are kept, as cloneJson copies nothing else (`!!binary`, `!!set`, `!!omap`, aliases are not).
 */
const parsedDocs = new Map<string, { value: unknown } | { error: string }>();
const PARSED_DOCS_KEPT = 256;

/** A tree of JSON values: no other types, and no value reached twice (YAML aliases share one). */
function isPlainJson(v: unknown, seen = new Set<object>()): boolean {
  if (v === undefined || typeof v === "function" || typeof v === "symbol" || typeof v === "bigint") return false;
  if (v === null || typeof v !== "object") return true;
  if (seen.has(v)) return false;
  seen.add(v);
  if (Array.isArray(v)) return v.every((x) => isPlainJson(x, seen));
  // cloneJson's `out[k] =` would set the prototype for an own `__proto__` key.
  if (Object.getPrototypeOf(v) !== Object.prototype || Object.hasOwn(v, "__proto__")) return false;
  for (const k in v) if (!isPlainJson((v as Record<string, unknown>)[k], seen)) return false;
  return true;
}

function parseYamlText(doc: string): { value: unknown } | { error: string } {
  if (doc.trim() === "") return { value: null };
  const parsed = parseDocument(doc, {
    version: "1.1",
    uniqueKeys: false,
    // go-yaml v2 leaves timestamp-looking scalars as strings when decoding into interface{}.
    customTags: (tags) => tags.filter((t) => t !== "timestamp" && !(typeof t === "object" && t.tag === "tag:yaml.org,2002:timestamp")),
  });
  if (parsed.errors.length > 0) return { error: `yaml: ${goYamlError(parsed.errors, doc)}` };
  return { value: parsed.toJS() ?? null };
}

/**
 * go-yaml v2's wording for the yaml library's errors, as far as they correspond. Scanner errors
 * (`mapping values are not allowed in this context`, tabs) carry the 1-based line; parser errors
 * (`did not find expected key`) carry go-yaml's 0-based line, which reads one line early.
 * Other errors keep the yaml library's message.
 */
function goYamlError(errors: readonly YAMLError[], doc: string): string {
  const byCode = (code: string) => errors.find((e) => e.code === code);
  const lines = doc.split("\n");
  const multiline = byCode("MULTILINE_IMPLICIT_KEY");
  if (multiline?.linePos) return `line ${multiline.linePos[1]?.line ?? multiline.linePos[0].line}: mapping values are not allowed in this context`;
  const compact = byCode("BLOCK_AS_IMPLICIT_KEY");
  if (compact?.linePos) return `line ${compact.linePos[0].line}: mapping values are not allowed in this context`;
  const tab = byCode("TAB_AS_INDENT");
  if (tab?.linePos) return `line ${tab.linePos[0].line}: found character that cannot start any token`;
  const quote = byCode("MISSING_CHAR");
  if (quote?.linePos) return `line ${quote.linePos[0].line}: found unexpected end of stream`;
  const indent = byCode("BAD_INDENT");
  if (indent?.linePos) {
    const line = indent.linePos[0].line;
    if (/^Flow (sequence|mapping)/.test(indent.message)) {
      const closer = indent.message.startsWith("Flow sequence") ? "']'" : "'}'";
      return `line ${line - 1}: did not find expected ',' or ${closer}`;
    }
    return `line ${line - 1}: did not find expected ${inSequence(lines, line) ? "'-' indicator" : "key"}`;
  }
  const first = errors[0]!;
  return `${first.linePos ? `line ${first.linePos[0].line}: ` : ""}${first.message.split(" at line")[0]}`;
}

/** Whether the badly indented line sits where a block sequence's `- ` entries are. */
function inSequence(lines: string[], oneBased: number): boolean {
  const bad = lines[oneBased - 1] ?? "";
  const col = bad.length - bad.trimStart().length;
  for (let i = oneBased - 2; i >= 0; i--) {
    const l = lines[i]!;
    if (l.trim() === "" || l.trimStart().startsWith("#")) continue;
    const c = l.length - l.trimStart().length;
    if (c <= col) return c === col && l.trimStart().startsWith("- ");
  }
  return false;
}

// ---- JSON -------------------------------------------------------------------------------------------

/** A stream of JSON values as Go's json.Decoder reads it, with its syntax errors. */
function* jsonDocuments(text: string, source: string): Generator<unknown> {
  let pos = 0;
  const fail = (message: string) => `error parsing ${source}: ${message}`;
  for (;;) {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
    if (pos >= text.length) return;
    const scanner = new JsonScanner(text, pos);
    try {
      const value = scanner.value();
      pos = scanner.pos;
      yield value;
    } catch (e) {
      if (!(e instanceof JsonSyntax)) throw e;
      yield fail(e.offset === undefined ? e.message : `json: offset ${e.offset}: ${e.message}`);
      return;
    }
  }
}

class JsonSyntax extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  return "'" + JSON.stringify(c).slice(1, -1) + "'";
}

class JsonScanner {
  constructor(
    readonly text: string,
    public pos: number,
  ) {}

  private bad(context: string): never {
    if (this.pos >= this.text.length) throw new JsonSyntax("unexpected EOF");
    throw new JsonSyntax(`invalid character ${quoteChar(this.text[this.pos]!)} ${context}`, this.pos + 1);
  }

  private ws(): void {
    while (this.pos < this.text.length && " \t\r\n".includes(this.text[this.pos]!)) this.pos++;
  }

  value(): unknown {
    this.ws();
    const c = this.text[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const [lit, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (c === lit[0]) {
        for (let i = 1; i < lit.length; i++) {
          this.pos++;
          if (this.text[this.pos] !== lit[i]) this.bad(`in literal ${lit} (expecting ${quoteChar(lit[i]!)})`);
        }
        this.pos++;
        return v;
      }
    }
    return this.bad("looking for beginning of value");
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.ws();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.bad("looking for beginning of object key string");
      const k = this.string();
      this.ws();
      if (this.text[this.pos] !== ":") this.bad("after object key");
      this.pos++;
      out[k] = this.value();
      this.ws();
      const c = this.text[this.pos];
      if (c === ",") {
        this.pos++;
        continue;
      }
      if (c === "}") {
        this.pos++;
        return out;
      }
      this.bad("after object key:value pair");
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.ws();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.text[this.pos];
      if (c === ",") {
        this.pos++;
        continue;
      }
      if (c === "]") {
        this.pos++;
        return out;
      }
      this.bad("after array element");
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.bad("");
      if (c === '"') break;
      if (c < " ") this.bad("in string literal");
      if (c === "\\") {
        this.pos++;
        const e = this.text[this.pos];
        if (e === undefined) this.bad("");
        if (e === "u") {
          for (let i = 0; i < 4; i++) {
            this.pos++;
            if (!/[0-9a-fA-F]/.test(this.text[this.pos] ?? "")) this.bad("in \\u hexadecimal character escape");
          }
        } else if (!'"\\/bfnrt'.includes(e)) this.bad("in string escape code");
      }
      this.pos++;
    }
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private number(): number {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos));
    if (!m || m[0] === "-") {
      this.pos++;
      this.bad("in numeric literal");
    }
    this.pos += m![0].length;
    return Number(m![0]);
  }
}
