/**
 * zoo.cfg as QuorumPeerConfig reads it: a Java properties file (values trimmed), known keys
 * mapped to settings, unknown ones becoming "zookeeper.<key>" system properties — which is how
 * the image's misspelled `autopurge.purgeInteval` is silently ignored.
 */
export interface ServerSpec {
  readonly id: number;
  readonly host: string;
  readonly quorumPort: number;
  readonly electionPort: number;
}

export interface ZooCfg {
  readonly clientPort: number;
  readonly dataDir: string;
  readonly dataLogDir: string;
  readonly tickTime: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  readonly maxClientCnxns: number;
  readonly minSessionTimeout: number;
  readonly maxSessionTimeout: number;
  readonly snapRetainCount: number;
  readonly purgeInterval: number;
  readonly servers: readonly ServerSpec[];
  /** Keys QuorumPeerConfig does not know, as system properties ("zookeeper.snapCount"). */
  readonly systemProperties: ReadonlyMap<string, string>;
}

export class ConfigError extends Error {
  override name = "ConfigException";
}

/** java.util.Properties.load, for the simple `key=value` lines zoo.cfg uses. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    const m = line.match(/^([^=:\s]+)\s*[=:\s]\s*(.*)$/);
    if (m) out.set(m[1]!.trim(), m[2]!.trim());
    else out.set(line.trim(), "");
  }
  return out;
}

function int(key: string, value: string): number {
  if (!/^-?\d+$/.test(value)) throw new ConfigError(`Error processing ${key}: NumberFormatException: For input string: "${value}"`);
  return Number(value);
}

export function parseZooCfg(text: string): ZooCfg {
  const props = parseProperties(text);
  const sys = new Map<string, string>();
  const servers: ServerSpec[] = [];
  let clientPort = 0;
  let dataDir: string | undefined;
  let dataLogDir: string | undefined;
  let tickTime = 3000;
  let initLimit = 0;
  let syncLimit = 0;
  let maxClientCnxns = 60;
  let minSessionTimeout = -1;
  let maxSessionTimeout = -1;
  let snapRetainCount = 3;
  let purgeInterval = 0;
  for (const [key, value] of props) {
    switch (key) {
      case "dataDir": dataDir = value; break;
      case "dataLogDir": dataLogDir = value; break;
      case "clientPort": clientPort = int(key, value); break;
      case "tickTime": tickTime = int(key, value); break;
      case "initLimit": initLimit = int(key, value); break;
      case "syncLimit": syncLimit = int(key, value); break;
      case "maxClientCnxns": maxClientCnxns = int(key, value); break;
      case "minSessionTimeout": minSessionTimeout = int(key, value); break;
      case "maxSessionTimeout": maxSessionTimeout = int(key, value); break;
      case "autopurge.snapRetainCount": snapRetainCount = int(key, value); break;
      case "autopurge.purgeInterval": purgeInterval = int(key, value); break;
      default:
        if (key.startsWith("server.")) {
          const id = int(key, key.slice("server.".length));
          const parts = value.split(":");
          if (parts.length < 2) throw new ConfigError(`${value} does not have the form host:port or host:port:port  or host:port:port:type`);
          servers.push({ id, host: parts[0]!, quorumPort: int(key, parts[1]!), electionPort: parts[2] !== undefined ? int(key, parts[2]) : -1 });
        } else {
          sys.set(`zookeeper.${key}`, value);
        }
    }
  }
  if (dataDir === undefined) throw new ConfigError("dataDir is not set");
  if (clientPort === 0) throw new ConfigError("clientPort is not set");
  if (servers.length > 0 && initLimit === 0) throw new ConfigError("initLimit is not set");
  if (servers.length > 0 && syncLimit === 0) throw new ConfigError("syncLimit is not set");
  return {
    clientPort,
    dataDir,
    dataLogDir: dataLogDir ?? dataDir,
    tickTime,
    initLimit,
    syncLimit,
    maxClientCnxns,
    minSessionTimeout: minSessionTimeout === -1 ? tickTime * 2 : minSessionTimeout,
    maxSessionTimeout: maxSessionTimeout === -1 ? tickTime * 20 : maxSessionTimeout,
    snapRetainCount,
    purgeInterval,
    servers: servers.sort((a, b) => a.id - b.id),
    systemProperties: sys,
  };
}
