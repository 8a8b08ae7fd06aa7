import type { Proc } from "@ksim/sim";
import { fnv1a_32 } from "../../api/gojson.js";
import { base64ErrorOffset } from "../../api/schema.js";
import { goQuote } from "../../api/validation/field.js";
import type { Entry, Kubeconfig } from "../kubeconfig.js";
import type { Command, Invocation } from "./command.js";
import { commandHelp } from "./help.js";

/**
 * `kubectl config set` and `unset`: a dotted path walked over clientcmd's internal api.Config
 * by reflection (navigation_step_parser.go, set.go). The walk knows each struct's json tags, so
 * a map key may contain dots up to the next tag its value type has; what it cannot place becomes
 * part of the key, which is why `unset clusters.c.nope` succeeds (there is no key `c.nope`).
 */

/** A field's Go type, as the walk sees it. */
type GoType =
  | { readonly kind: "string" | "bool" | "bytes" | "strings" | "objects" | "stringLists" | "authProvider" | "exec" }
  | StructType
  | { readonly kind: "entries"; readonly of: StructType };

interface StructType {
  readonly kind: "struct";
  readonly go: string;
  readonly fields: Readonly<Record<string, GoType>>;
}

const STRING: GoType = { kind: "string" };
const BOOL: GoType = { kind: "bool" };
const BYTES: GoType = { kind: "bytes" };
const OBJECTS: GoType = { kind: "objects" };

const struct = (go: string, fields: Record<string, GoType>): StructType => ({ kind: "struct", go, fields });

// `LocationOfOrigin` has the json tag "-", which the walk takes as a field name like any other.
const CLUSTER = struct("api.Cluster", {
  "-": STRING,
  server: STRING,
  "tls-server-name": STRING,
  "insecure-skip-tls-verify": BOOL,
  "certificate-authority": STRING,
  "certificate-authority-data": BYTES,
  "proxy-url": STRING,
  "disable-compression": BOOL,
  extensions: OBJECTS,
});
const AUTH_INFO = struct("api.AuthInfo", {
  "-": STRING,
  "client-certificate": STRING,
  "client-certificate-data": BYTES,
  "client-key": STRING,
  "client-key-data": BYTES,
  token: STRING,
  tokenFile: STRING,
  "act-as": STRING,
  "act-as-uid": STRING,
  "act-as-groups": { kind: "strings" },
  "act-as-user-extra": { kind: "stringLists" },
  username: STRING,
  password: STRING,
  "auth-provider": { kind: "authProvider" },
  exec: { kind: "exec" },
  extensions: OBJECTS,
});
const CONTEXT = struct("api.Context", { "-": STRING, cluster: STRING, user: STRING, namespace: STRING, extensions: OBJECTS });
const PREFERENCES = struct("api.Preferences", { colors: BOOL, extensions: OBJECTS });
const CONFIG = struct("api.Config", {
  kind: STRING,
  apiVersion: STRING,
  preferences: PREFERENCES,
  clusters: { kind: "entries", of: CLUSTER },
  users: { kind: "entries", of: AUTH_INFO },
  contexts: { kind: "entries", of: CONTEXT },
  "current-context": STRING,
  extensions: OBJECTS,
});

/** The internal tags whose v1 (file) names differ. */
const V1_NAMES: Readonly<Record<string, string>> = { "act-as": "as", "act-as-uid": "as-uid", "act-as-groups": "as-groups", "act-as-user-extra": "as-user-extra" };

function goTypeString(t: GoType): string {
  switch (t.kind) {
    case "struct":
      return t.go;
    case "entries":
      return `map[string]*${t.of.go}`;
    case "string":
      return "string";
    case "bool":
      return "bool";
    case "bytes":
      return "[]uint8";
    case "strings":
      return "[]string";
    case "objects":
      return "map[string]runtime.Object";
    case "stringLists":
      return "map[string][]string";
    case "authProvider":
      return "*api.AuthProviderConfig";
    case "exec":
      return "*api.ExecConfig";
  }
}

interface Step {
  readonly value: string;
  /** The type of what the step reaches (a map step: the map's value type, the struct). */
  readonly type: GoType;
}

/** An error kubectl reaches as a Go panic: printed as `panic: …`, exit 2. */
class GoPanic extends Error {
  override name = "GoPanic";
}

/** newNavigationSteps. */
function navigationSteps(path: string): Step[] {
  const steps: Step[] = [];
  const parts = path.split(".");
  let type: GoType = CONFIG;
  let i = 0;
  const stepsText = () => `[${steps.map((s) => `{${s.value} ${typeAddress(s.type)}}`).join(" ")}]`;
  while (i < parts.length) {
    if (type.kind === "entries") {
      const options = type.of.fields;
      // The key runs up to the first later part that names one of the value type's fields.
      const rest = parts.slice(i);
      const known = rest.slice(1).findIndex((p) => Object.hasOwn(options, p));
      const name = (known < 0 ? rest : rest.slice(0, known + 1)).join(".");
      steps.push({ value: name, type: type.of });
      i += name.split(".").length;
      type = type.of;
    } else if (type.kind === "struct") {
      const part = parts[i]!;
      const field: GoType | undefined = Object.hasOwn(type.fields, part) ? type.fields[part] : undefined;
      if (field === undefined) throw new Error(`unable to parse ${path} after ${stepsText()} at ${type.go}`);
      steps.push({ value: part, type: field });
      i++;
      type = field;
    } else if (type.kind === "objects") {
      throw new GoPanic("reflect: Elem of invalid type runtime.Object");
    } else if (type.kind === "stringLists") {
      throw new Error("string is not of type struct");
    } else if (type.kind === "exec") {
      throw new Error("found ExecConfig");
    } else if (type.kind === "authProvider") {
      throw new Error(`ksim does not model auth-provider settings (${path})`);
    } else {
      throw new Error(`unable to parse one or more field values of ${path}`);
    }
  }
  return steps;
}

/** One struct value: the Config itself, or a cluster, user or context entry of it. */
interface StructValue {
  get(field: string): unknown;
  set(field: string, value: unknown): void;
  clear(field: string): void;
}

function configValue(config: Kubeconfig): StructValue {
  const maps: Record<string, Map<string, Entry>> = { clusters: config.clusters, users: config.users, contexts: config.contexts };
  return {
    get: (field) => (field === "current-context" ? config.currentContext : field === "preferences" ? config.preferences : maps[field]),
    set: (field, value) => {
      if (field === "current-context") config.currentContext = value as string;
      // kind and apiVersion are written as Config and v1 whatever the struct held.
    },
    clear: (field) => {
      if (field === "current-context") config.currentContext = "";
      else if (field === "preferences") config.preferences = {};
      else maps[field]?.clear();
    },
  };
}

function entryValue(entry: Entry): StructValue {
  const key = (field: string) => V1_NAMES[field] ?? field;
  return {
    get: (field) => entry[key(field)],
    // "-" is LocationOfOrigin, which the file never holds.
    set: (field, value) => void (field !== "-" && (entry[key(field)] = value)),
    clear: (field) => void delete entry[key(field)],
  };
}

/** fmt's %v of a map of pointers: the keys in order, each with a heap address (kubectl's differ per run). */
function mapText(keys: Iterable<string>): string {
  return `map[${[...keys].sort().map((k, i) => `${k}:0xc000${(0x58a500 + i * 0x100).toString(16)}`).join(" ")}]`;
}

/** fmt's %v of a reflect.Type inside a struct: the address of its descriptor in kubectl's binary, here one per type name. */
function typeAddress(t: GoType): string {
  return `0x2${(fnv1a_32(t.kind === "struct" ? t.go : goTypeString(t)) & 0xffff0).toString(16).padStart(6, "0")}`;
}

/** strconv.ParseBool, an empty value being false (toBool). */
function parseBool(text: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["", "0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  throw new Error(`strconv.ParseBool: parsing ${goQuote(text)}: invalid syntax`);
}

/**
 * modifyConfig for a field of `holder` reached by `step`: the value is set, or with `unset`
 * zeroed (a map key removed), creating map entries on the way when setting.
 */
function modifyField(holder: StructValue, type: StructType, steps: readonly Step[], index: number, value: string, unset: boolean, rawBytes: boolean): void {
  const step = steps[index]!;
  const fieldType = type.fields[step.value]!;
  const last = index === steps.length - 1;
  if (last && unset) {
    holder.clear(step.value);
    return;
  }
  switch (fieldType.kind) {
    case "entries": {
      const entries = holder.get(step.value) as Map<string, Entry>;
      if (last) throw new Error(`can't set a map to a value: ${mapText(entries.keys())}`);
      const key = steps[index + 1]!.value;
      if (index + 1 === steps.length - 1) {
        if (!unset) throw new Error(`can't set a map to a value: ${mapText(entries.keys())}`);
        entries.delete(key);
        return;
      }
      let entry = entries.get(key);
      if (entry === undefined) {
        if (unset) throw new Error(`current map key \`${key}\` is invalid`);
        entry = {};
        entries.set(key, entry);
      }
      modifyField(entryValue(entry), fieldType.of, steps, index + 2, value, unset, rawBytes);
      return;
    }
    case "struct": {
      if (last) throw new Error(`unable to locate path ${goStepText("")} under {${parseBool(String((holder.get(step.value) as Entry).colors ?? false))} map[]}`);
      modifyField(entryValue(holder.get(step.value) as Entry), fieldType, steps, index + 1, value, unset, rawBytes);
      return;
    }
    case "string":
      holder.set(step.value, value);
      return;
    case "bool":
      if (parseBool(value)) holder.set(step.value, true);
      else holder.clear(step.value);
      return;
    case "bytes": {
      if (!rawBytes) {
        const bad = base64ErrorOffset(value);
        if (bad !== undefined) throw new Error(`error decoding input value: illegal base64 data at input byte ${bad}`);
      }
      const bytes = rawBytes ? Buffer.from(value, "utf8") : Buffer.from(value, "base64");
      holder.set(step.value, bytes.toString("base64"));
      return;
    }
    case "strings":
      throw new Error("unrecognized slice type. string");
    case "objects": {
      const present = holder.get(step.value);
      throw new Error(`can't set a map to a value: ${mapText(Array.isArray(present) ? present.map((e) => String((e as Entry).name)) : [])}`);
    }
    case "stringLists": {
      const present = (holder.get(step.value) ?? {}) as Record<string, string[]>;
      const items = Object.keys(present).sort().map((k) => `${k}:[${present[k]!.join(" ")}]`);
      throw new Error(`can't set a map to a value: map[${items.join(" ")}]`);
    }
    default:
      throw new Error(`ksim does not model setting ${step.value}`);
  }
}

/** `%#v` of the empty navigationStep a walk pops past its end. */
function goStepText(value: string): string {
  return `config.navigationStep{stepValue:${goQuote(value)}, stepType:reflect.Type(nil)}`;
}

export interface PropertyEdit {
  readonly property: string;
  readonly value: string;
  readonly unset: boolean;
  readonly rawBytes: boolean;
}

/** Applies a set or unset to `config` in place. Throws the error kubectl prints, or a GoPanic. */
export function editProperty(config: Kubeconfig, edit: PropertyEdit): void {
  const steps = navigationSteps(edit.property);
  modifyField(configValue(config), CONFIG, steps, 0, edit.value, edit.unset, edit.rawBytes);
}

const SET_LONG = `Set an individual value in a kubeconfig file.

 PROPERTY_NAME is a dot delimited name where each token represents either an attribute name or a map key.  Map keys may not contain dots.

 PROPERTY_VALUE is the new value you want to set. Binary fields such as 'certificate-authority-data' expect a base64 encoded string unless the --set-raw-bytes flag is used.

 Specifying an attribute name that already exists will merge new fields on top of existing values.`;

const SET_EXAMPLES = `  # Set the server field on the my-cluster cluster to https://1.2.3.4
  kubectl config set clusters.my-cluster.server https://1.2.3.4
  
  # Set the certificate-authority-data field on the my-cluster cluster
  kubectl config set clusters.my-cluster.certificate-authority-data $(echo "cert_data_here" | base64 -i -)
  
  # Set the cluster field in the my-context context to my-cluster
  kubectl config set contexts.my-context.cluster my-cluster
  
  # Set the client-key-data field in the cluster-admin user using --set-raw-bytes option
  kubectl config set users.cluster-admin.client-key-data cert_data_here --set-raw-bytes=true`;

const UNSET_LONG = `Unset an individual value in a kubeconfig file.

 PROPERTY_NAME is a dot delimited name where each token represents either an attribute name or a map key.  Map keys may not contain dots.`;

const UNSET_EXAMPLES = `  # Unset the current-context
  kubectl config unset current-context
  
  # Unset namespace in foo context
  kubectl config unset contexts.foo.namespace`;

/** The two commands, given how config.ts loads and saves the kubeconfig. */
export function propertyCommands(edit: (inv: Invocation, change: PropertyEdit) => void): [Command, Command] {
  const run = (unset: boolean) =>
    function* (inv: Invocation): Proc<number> {
      const wanted = unset ? 1 : 2;
      if (inv.args.length !== wanted) {
        // helpErrorf: the help page first, then the error.
        inv.s.out(commandHelp(inv.path, unset ? unsetCommand : setCommand));
        throw new Error(`Unexpected args: [${inv.args.join(" ")}]`);
      }
      const [property, value = ""] = inv.args as [string, string?];
      if (!unset && value === "") throw new Error("you cannot use set to unset a property");
      if (property === "") throw new Error("you must specify a property");
      try {
        edit(inv, { property, value, unset, rawBytes: inv.flags.bool("set-raw-bytes") });
      } catch (e) {
        if (!(e instanceof GoPanic)) throw e;
        inv.s.err(`panic: ${e.message}\n`);
        return 2;
      }
      inv.s.out(`Property ${goQuote(property)} ${unset ? "unset" : "set"}.\n`);
      return 0;
    };
  const setCommand: Command = {
    name: "set",
    short: "Set an individual value in a kubeconfig file",
    long: SET_LONG,
    examples: SET_EXAMPLES,
    options: "    --set-raw-bytes=false:\n\tWhen writing a []byte PROPERTY_VALUE, write the given string directly without base64 decoding.",
    usage: "PROPERTY_NAME PROPERTY_VALUE",
    flags: [{ name: "set-raw-bytes", type: "bool" }],
    run: run(false),
  };
  const unsetCommand: Command = {
    name: "unset",
    short: "Unset an individual value in a kubeconfig file",
    long: UNSET_LONG,
    examples: UNSET_EXAMPLES,
    usage: "PROPERTY_NAME",
    run: run(true),
  };
  return [setCommand, unsetCommand];
}
