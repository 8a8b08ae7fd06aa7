import type { Proc } from "@ksim/sim";
import type { KubeObject } from "../../api/types.js";
import { chooseContext, flatten, KUBECONFIG_SCHEMA, kubeconfigObject, loadKubeconfig, minify, saveKubeconfig, shorten, type ContextChoice, type ContextEntry, type Kubeconfig } from "../kubeconfig.js";
import type { ProcessContext } from "../../runtime/process.js";
import type { Flags } from "./flags.js";
import { formatObjects } from "../output/index.js";
import { tableWriter } from "../output/tabwriter.js";
import { OUTPUT_FLAG, type Command, type Invocation } from "./command.js";
import { editProperty, propertyCommands } from "./config-set.js";
import { aggregate, usageError } from "./errors.js";
import { commandHelp } from "./help.js";

/**
 * `kubectl config`: reads and writes the kubeconfig files ($KUBECONFIG, or ~/.kube/config, or
 * --kubeconfig) as clientcmd does, with kubectl's messages. Changes go to the first file read.
 */
/** The context a command that talks to the cluster uses: the kubeconfig's, or --context/--cluster/--user's. */
export function contextFor(ctx: ProcessContext, flags: Flags): ContextChoice {
  const config = loadKubeconfig(ctx, flags.string("kubeconfig")).config;
  return chooseContext(config, { context: flags.string("context"), cluster: flags.string("cluster"), user: flags.string("user") });
}

/** The kubeconfig as PathOptions reads it: a --kubeconfig file that does not exist yet is empty. */
function load(inv: Invocation) {
  return loadKubeconfig(inv.s.ctx, inv.flags.string("kubeconfig"), { missingIsEmpty: true });
}

function unexpectedArgs(args: readonly string[]): Error {
  return new Error(`Unexpected args: [${args.join(" ")}]`);
}

/** helpErrorf: the command's help page on stdout, then the error. */
function helpError(inv: Invocation, command: Command, error: Error): Error {
  inv.s.out(commandHelp(inv.path, command));
  return error;
}

const view: Command = {
  name: "view",
  short: "Display merged kubeconfig settings or a specified kubeconfig file",
  usage: "[flags]",
  flags: [OUTPUT_FLAG, { name: "minify", type: "bool" }, { name: "raw", type: "bool" }, { name: "flatten", type: "bool" }, { name: "merge", type: "bool" }],
  run: function* (inv: Invocation): Proc<number> {
    const { s, flags } = inv;
    if (inv.args.length > 0) throw new Error(`unexpected arguments: [${inv.args.join(" ")}]\nSee '${inv.path} -h' for help and examples`);
    let config: Kubeconfig = load(inv).config;
    if (flags.bool("minify")) {
      const context = flags.string("context");
      config = minify(context === "" ? config : { ...config, currentContext: context });
    }
    // --flatten embeds the files' contents and then shows them, as --raw would.
    if (flags.bool("flatten")) config = flatten(config, (path) => inv.s.ctx.fs.readFile(inv.s.ctx.resolve(path)));
    else if (!flags.bool("raw")) config = shorten(config);
    const out = formatObjects([kubeconfigObject(config) as unknown as KubeObject], { output: flags.string("output") || "yaml", singleItem: true, typed: KUBECONFIG_SCHEMA });
    if (out.error !== undefined) throw new Error(out.error);
    s.out(out.stdout);
    return 0;
  },
};

const currentContext: Command = {
  name: "current-context",
  short: "Display the current-context",
  usage: "[flags]",
  run: function* (inv: Invocation): Proc<number> {
    const { config } = load(inv);
    if (config.currentContext === "") throw new Error("current-context is not set");
    inv.s.out(`${config.currentContext}\n`);
    return 0;
  },
};

const getContexts: Command = {
  name: "get-contexts",
  short: "Describe one or many contexts",
  usage: "[(-o|--output=)name)]",
  flags: [OUTPUT_FLAG, { name: "no-headers", type: "bool" }],
  run: function* (inv: Invocation): Proc<number> {
    const { s, flags } = inv;
    let output = flags.string("output");
    const valid = ["", "json", "yaml", "wide", "name", "custom-columns", "custom-columns-file", "go-template", "go-template-file", "jsonpath", "jsonpath-file"];
    if (!valid.includes(output)) throw new Error(`output must be one of '' or 'name': ${output}`);
    if (output !== "" && output !== "name") {
      s.out(`--output ${output} is not available in kubectl config get-contexts; resetting to default output format\n`);
      output = "";
    }
    const { config } = load(inv);
    const nameOnly = output === "name";
    const errors: string[] = [];
    const names = inv.args.length === 0 ? [...config.contexts.keys()] : inv.args.filter((n) => config.contexts.has(n) || (errors.push(`context ${n} not found`), false));
    const w = tableWriter();
    if (!nameOnly && !flags.bool("no-headers")) w.write("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
    for (const name of names.sort()) {
      const c = config.contexts.get(name)!;
      w.write(nameOnly ? `${name}\n` : `${config.currentContext === name ? "*" : " "}\t${name}\t${c.cluster ?? ""}\t${c.user ?? ""}\t${c.namespace ?? ""}\n`);
    }
    s.out(w.flush());
    if (errors.length > 0) throw aggregate(errors.map((e) => new Error(e)));
    return 0;
  },
};

/** get-clusters and get-users: a NAME column (kubectl walks a Go map; ksim sorts, so runs agree). */
function namesCommand(name: string, short: string, pick: (c: Kubeconfig) => Map<string, unknown>): Command {
  return {
    name,
    short,
    usage: "[flags]",
    run: function* (inv: Invocation): Proc<number> {
      inv.s.out(`NAME\n${[...pick(load(inv).config).keys()].sort().map((n) => `${n}\n`).join("")}`);
      return 0;
    },
  };
}

const useContext: Command = {
  name: "use-context",
  aliases: ["use"],
  short: "Set the current-context in a kubeconfig file",
  examples: "  # Use the context for the minikube cluster\n  kubectl config use-context minikube",
  usage: "CONTEXT_NAME",
  run: function* (inv: Invocation): Proc<number> {
    if (inv.args.length !== 1) throw helpError(inv, useContext, unexpectedArgs(inv.args));
    const name = inv.args[0]!;
    const { config, path } = load(inv);
    if (name === "") throw new Error("empty context names are not allowed");
    if (!config.contexts.has(name)) throw new Error(`no context exists with the name: ${JSON.stringify(name)}`);
    config.currentContext = name;
    saveKubeconfig(inv.s.ctx, path, config);
    inv.s.out(`Switched to context ${JSON.stringify(name)}.\n`);
    return 0;
  },
};

const setContext: Command = {
  name: "set-context",
  short: "Set a context entry in kubeconfig",
  usage: "[NAME | --current] [--cluster=cluster_nickname] [--user=user_nickname] [--namespace=namespace]",
  flags: [{ name: "current", type: "bool" }],
  run: function* (inv: Invocation): Proc<number> {
    const { flags } = inv;
    if (inv.args.length > 1) throw unexpectedArgs(inv.args);
    const given = inv.args[0] ?? "";
    const current = flags.bool("current");
    if (given === "" && !current) throw new Error("you must specify a non-empty context name or --current");
    if (given !== "" && current) throw new Error("you cannot specify both a context name and --current");
    const { config, path } = load(inv);
    if (current && config.currentContext === "") throw new Error("no current context is set");
    const name = current ? config.currentContext : given;
    const exists = config.contexts.has(name);
    // The global --cluster, --user and --namespace flags name the context's fields here.
    const context: ContextEntry = { ...(config.contexts.get(name) ?? {}) };
    if (flags.changed("cluster")) context.cluster = flags.string("cluster");
    if (flags.changed("user")) context.user = flags.string("user");
    if (flags.changed("namespace")) context.namespace = flags.string("namespace");
    config.contexts.set(name, context);
    saveKubeconfig(inv.s.ctx, path, config);
    inv.s.out(`Context ${JSON.stringify(name)} ${exists ? "modified" : "created"}.\n`);
    return 0;
  },
};

/** The string flags that become an entry's fields when given (the global TLS and auth flags, here naming what to store). */
function setFields(inv: Invocation, entry: Record<string, unknown>, fields: readonly string[]): void {
  for (const f of fields) if (inv.flags.changed(f)) entry[f] = inv.flags.string(f);
}

/** --embed-certs: the file named by `field` goes into `${field}-data`, base64, instead of its path. */
function embed(inv: Invocation, entry: Record<string, unknown>, field: string): void {
  const file = entry[field];
  if (!inv.flags.bool("embed-certs") || typeof file !== "string" || file === "") return;
  let data: string;
  try {
    data = Buffer.from(inv.s.ctx.fs.readFile(inv.s.ctx.resolve(file))).toString("base64");
  } catch {
    throw new Error(`could not stat ${field} file ${file}: stat ${file}: no such file or directory`);
  }
  delete entry[field];
  entry[`${field}-data`] = data;
}

const setCluster: Command = {
  name: "set-cluster",
  short: "Set a cluster entry in kubeconfig",
  usage: "NAME [--server=server] [--certificate-authority=path/to/certificate/authority] [--insecure-skip-tls-verify=true] [--tls-server-name=example.com]",
  flags: [{ name: "embed-certs", type: "bool" }, { name: "proxy-url", type: "string" }],
  run: function* (inv: Invocation): Proc<number> {
    if (inv.args.length !== 1) throw helpError(inv, setCluster, unexpectedArgs(inv.args));
    const name = inv.args[0]!;
    const { flags } = inv;
    const insecure = flags.changed("insecure-skip-tls-verify") && flags.bool("insecure-skip-tls-verify");
    if (insecure && flags.string("certificate-authority") !== "") throw new Error("you cannot specify a certificate authority and insecure mode at the same time");
    const { config, path } = load(inv);
    const cluster: Record<string, unknown> = { ...(config.clusters.get(name) ?? {}) };
    setFields(inv, cluster, ["server", "tls-server-name", "proxy-url", "certificate-authority"]);
    if (flags.changed("certificate-authority")) delete cluster["certificate-authority-data"];
    embed(inv, cluster, "certificate-authority");
    if (flags.changed("insecure-skip-tls-verify")) {
      cluster["insecure-skip-tls-verify"] = insecure;
      // Insecure mode clears any certificate authority.
      if (insecure) {
        delete cluster["certificate-authority"];
        delete cluster["certificate-authority-data"];
      }
    }
    config.clusters.set(name, cluster);
    saveKubeconfig(inv.s.ctx, path, config);
    inv.s.out(`Cluster ${JSON.stringify(name)} set.\n`);
    return 0;
  },
};

const setCredentials: Command = {
  name: "set-credentials",
  short: "Set a user entry in kubeconfig",
  usage: "NAME [--client-certificate=path/to/certfile] [--client-key=path/to/keyfile] [--token=bearer_token] [--username=basic_user] [--password=basic_password]",
  flags: [{ name: "embed-certs", type: "bool" }],
  run: function* (inv: Invocation): Proc<number> {
    if (inv.args.length !== 1) throw helpError(inv, setCredentials, new Error(`unexpected args: [${inv.args.join(" ")}]`));
    const name = inv.args[0]!;
    const { config, path } = load(inv);
    const user: Record<string, unknown> = { ...(config.users.get(name) ?? {}) };
    setFields(inv, user, ["client-certificate", "client-key", "token", "username", "password"]);
    embed(inv, user, "client-certificate");
    embed(inv, user, "client-key");
    config.users.set(name, user);
    saveKubeconfig(inv.s.ctx, path, config);
    inv.s.out(`User ${JSON.stringify(name)} set.\n`);
    return 0;
  },
};

/** delete-cluster and delete-user: the entry goes from the file, the contexts naming it stay. */
function deleteEntry(kind: "cluster" | "user", pick: (c: Kubeconfig) => Map<string, unknown>): Command {
  const command: Command = {
    name: `delete-${kind}`,
    short: `Delete the specified ${kind} from the kubeconfig`,
    usage: "NAME",
    run: function* (inv: Invocation): Proc<number> {
      if (inv.args.length !== 1) {
        // delete-cluster shows its help and succeeds; delete-user refuses.
        if (kind === "user") throw usageError(inv.path, "user to delete is required");
        inv.s.out(commandHelp(inv.path, command));
        return 0;
      }
      const name = inv.args[0]!;
      const { config, path } = load(inv);
      if (!pick(config).delete(name)) throw new Error(`cannot delete ${kind} ${name}, not in ${path}`);
      saveKubeconfig(inv.s.ctx, path, config);
      inv.s.out(`deleted ${kind} ${name} from ${path}\n`);
      return 0;
    },
  };
  return command;
}

const renameContext: Command = {
  name: "rename-context",
  short: "Rename a context from the kubeconfig file",
  long:
    "Renames a context from the kubeconfig file.\n\n CONTEXT_NAME is the context name that you want to change.\n\n NEW_NAME is the new name you want to set.\n\n" +
    " Note: If the context being renamed is the 'current-context', this field will also be updated.",
  examples: "  # Rename the context 'old-name' to 'new-name' in your kubeconfig file\n  kubectl config rename-context old-name new-name",
  usage: "CONTEXT_NAME NEW_NAME",
  run: function* (inv: Invocation): Proc<number> {
    if (inv.args.length !== 2) throw helpError(inv, renameContext, unexpectedArgs(inv.args));
    const [from, to] = inv.args as [string, string];
    if (to === "") throw new Error("You must specify a new non-empty context name");
    const { config, path } = load(inv);
    const context = config.contexts.get(from);
    if (context === undefined) throw new Error(`cannot rename the context ${JSON.stringify(from)}, it's not in ${path}`);
    if (config.contexts.has(to)) throw new Error(`cannot rename the context ${JSON.stringify(from)}, the context ${JSON.stringify(to)} already exists in ${path}`);
    config.contexts.set(to, context);
    config.contexts.delete(from);
    if (config.currentContext === from) config.currentContext = to;
    saveKubeconfig(inv.s.ctx, path, config);
    inv.s.out(`Context ${JSON.stringify(from)} renamed to ${JSON.stringify(to)}.\n`);
    return 0;
  },
};

const deleteContext: Command = {
  name: "delete-context",
  short: "Delete the specified context from the kubeconfig",
  examples: "  # Delete the context for the minikube cluster\n  kubectl config delete-context minikube",
  usage: "NAME",
  run: function* (inv: Invocation): Proc<number> {
    // Without exactly one name kubectl shows the help and succeeds.
    if (inv.args.length !== 1) {
      inv.s.out(commandHelp(inv.path, deleteContext));
      return 0;
    }
    const name = inv.args[0]!;
    const { config, path } = load(inv);
    if (!config.contexts.has(name)) throw new Error(`cannot delete context ${name}, not in ${path}`);
    if (config.currentContext === name) inv.s.err('warning: this removed your active context, use "kubectl config use-context" to select a different one\n');
    config.contexts.delete(name);
    saveKubeconfig(inv.s.ctx, path, config);
    inv.s.out(`deleted context ${name} from ${path}\n`);
    return 0;
  },
};

const [setProperty, unsetProperty] = propertyCommands((inv, edit) => {
  const { config, path } = load(inv);
  editProperty(config, edit);
  saveKubeconfig(inv.s.ctx, path, config);
});

export const configCommand: Command = {
  name: "config",
  short: "Modify kubeconfig files",
  long: `Modify kubeconfig files using subcommands like "kubectl config set current-context my-context".

 The loading order follows these rules:

  1.  If the --kubeconfig flag is set, then only that file is loaded. The flag may only be set once and no merging takes place.
  2.  If $KUBECONFIG environment variable is set, then it is used as a list of paths (normal path delimiting rules for your system). These paths are merged. When a value is modified, it is modified in the file that defines the stanza. When a value is created, it is created in the first file that exists. If no files in the chain exist, then it creates the last file in the list.
  3.  Otherwise, \${HOME}/.kube/config is used and no merging takes place.`,
  usage: "SUBCOMMAND",
  local: true,
  subcommands: [
    currentContext,
    deleteEntry("cluster", (c) => c.clusters),
    deleteContext,
    deleteEntry("user", (c) => c.users),
    namesCommand("get-clusters", "Display clusters defined in the kubeconfig", (c) => c.clusters),
    getContexts,
    namesCommand("get-users", "Display users defined in the kubeconfig", (c) => c.users),
    renameContext,
    setProperty,
    setCluster,
    setContext,
    setCredentials,
    unsetProperty,
    useContext,
    view,
  ],
};
