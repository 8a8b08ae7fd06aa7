import type { Proc } from "@ksim/sim";
import type { Command, Invocation } from "./command.js";
import type { FlagSpec } from "./flags.js";

/** A flag every command takes, with what `kubectl options` says of it. */
interface GlobalFlag extends FlagSpec {
  readonly usage: string;
  /** The default as kubectl prints it: strings quoted, `$HOME` filled in. */
  readonly shown: string;
}

/**
 * kubectl 1.35's persistent flags (genericclioptions' ConfigFlags, the klog flags kubectl keeps,
 * profiling, warnings-as-errors, kuberc), in pflag's sorted order. ksim reads the ones that choose
 * a cluster, user or namespace; the rest are accepted and change nothing here.
 */
export const GLOBAL_FLAGS: readonly GlobalFlag[] = [
  { name: "as", type: "string", shown: "''", usage: "Username to impersonate for the operation. User could be a regular user or a service account in a namespace." },
  { name: "as-group", type: "stringArray", shown: "[]", usage: "Group to impersonate for the operation, this flag can be repeated to specify multiple groups." },
  { name: "as-uid", type: "string", shown: "''", usage: "UID to impersonate for the operation." },
  { name: "as-user-extra", type: "stringArray", shown: "[]", usage: "User extras to impersonate for the operation, this flag can be repeated to specify multiple values for the same key." },
  { name: "cache-dir", type: "string", shown: "'$HOME/.kube/cache'", usage: "Default cache directory" },
  { name: "certificate-authority", type: "string", shown: "''", usage: "Path to a cert file for the certificate authority" },
  { name: "client-certificate", type: "string", shown: "''", usage: "Path to a client certificate file for TLS" },
  { name: "client-key", type: "string", shown: "''", usage: "Path to a client key file for TLS" },
  { name: "cluster", type: "string", shown: "''", usage: "The name of the kubeconfig cluster to use" },
  { name: "context", type: "string", shown: "''", usage: "The name of the kubeconfig context to use" },
  { name: "disable-compression", type: "bool", shown: "false", usage: "If true, opt-out of response compression for all requests to the server" },
  {
    name: "insecure-skip-tls-verify",
    type: "bool",
    shown: "false",
    usage: "If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure",
  },
  { name: "kubeconfig", type: "string", shown: "''", usage: "Path to the kubeconfig file to use for CLI requests." },
  {
    name: "kuberc",
    type: "string",
    shown: "''",
    usage: "Path to the kuberc file to use for preferences. This can be disabled by exporting KUBECTL_KUBERC=false feature gate or turning off the feature KUBERC=off.",
  },
  { name: "log-flush-frequency", type: "string", shown: "5s", usage: "Maximum number of seconds between log flushes" },
  { name: "match-server-version", type: "bool", shown: "false", usage: "Require server version to match client version" },
  { name: "namespace", short: "n", type: "string", shown: "''", usage: "If present, the namespace scope for this CLI request" },
  { name: "password", type: "string", shown: "''", usage: "Password for basic authentication to the API server" },
  { name: "profile", type: "string", shown: "'none'", usage: "Name of profile to capture. One of (none|cpu|heap|goroutine|threadcreate|block|mutex)" },
  { name: "profile-output", type: "string", shown: "'profile.pprof'", usage: "Name of the file to write the profile to" },
  {
    name: "request-timeout",
    type: "string",
    shown: "'0'",
    usage:
      "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.",
  },
  { name: "server", short: "s", type: "string", shown: "''", usage: "The address and port of the Kubernetes API server" },
  {
    name: "tls-server-name",
    type: "string",
    shown: "''",
    usage: "Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used",
  },
  { name: "token", type: "string", shown: "''", usage: "Bearer token for authentication to the API server" },
  { name: "user", type: "string", shown: "''", usage: "The name of the kubeconfig user to use" },
  { name: "username", type: "string", shown: "''", usage: "Username for basic authentication to the API server" },
  { name: "v", short: "v", type: "string", shown: "0", usage: "number for the log level verbosity" },
  { name: "vmodule", type: "string", shown: "", usage: "comma-separated list of pattern=N settings for file-filtered logging (only works for the default text log format)" },
  { name: "warnings-as-errors", type: "bool", shown: "false", usage: "Treat warnings received from the server as errors and exit with a non-zero exit code" },
];

/**
 * `kubectl options`: the inherited flags as kubectl's templater prints them (HelpFlagPrinter),
 * one per paragraph, unwrapped because standard output is not a terminal here.
 */
export const optionsCommand: Command = {
  name: "options",
  short: "Print the list of flags inherited by all commands",
  examples: "  # Print flags inherited by all commands\n  kubectl options",
  usage: "[flags]",
  local: true,
  run: function* ({ s }: Invocation): Proc<number> {
    const home = s.ctx.environ.get("HOME") ?? "/root";
    const paragraphs = GLOBAL_FLAGS.map((f) => `    ${f.short === undefined ? "" : `-${f.short}, `}--${f.name}=${f.shown.replace("$HOME", home)}:\n\t${f.usage}\n\n`);
    s.out(`The following options can be passed to any command:\n\n${paragraphs.join("")}`);
    return 0;
  },
};
