import type { Random } from "@ksim/sim";
import { Engine } from "../innodb/engine.js";
import { type DataFs, join } from "../innodb/files.js";
import { ALL_PRIVILEGES, type AccountData } from "../sql/privileges.js";

/**
 * `mysqld --initialize-insecure`: a new data directory with the system schemas, root@localhost
 * without a password and the locked system accounts, plus the files a real 8.0 data
 * directory holds (server UUID, TLS material, undo and doublewrite files).
 */

/** What MySQL stores as the password of accounts nobody may log in as. */
const INVALID_AUTH = "THISISACOMBINATIONOFINVALIDSALTANDPASSWORDTHATMUSTNEVERBRBEUSED";

function account(user: string, global: string[], locked: boolean, extra: Partial<AccountData> = {}): AccountData {
  return {
    user,
    host: "localhost",
    plugin: "caching_sha2_password",
    authString: locked ? INVALID_AUTH : "",
    locked,
    expired: false,
    global,
    globalGrantOption: false,
    dbs: {},
    tables: {},
    ...extra,
  };
}

export function initialAccounts(): AccountData[] {
  return [
    account("root", [...ALL_PRIVILEGES], false, { globalGrantOption: true }),
    account("mysql.infoschema", ["SELECT"], true),
    account("mysql.session", ["SHUTDOWN", "SUPER"], true),
    account("mysql.sys", [], true, { tables: { "sys.sys_config": ["TRIGGER"] } }),
  ];
}

function pem(random: Random, label: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const lines: string[] = [];
  for (let l = 0; l < 18; l++) {
    let line = "";
    for (let i = 0; i < 64; i++) line += alphabet[random.int(0, 63)];
    lines.push(line);
  }
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** The undo tablespaces (UNDO_INITIAL_SIZE) and the doublewrite files, at the sizes 8.0 creates them. */
const PREALLOCATED: Record<string, number> = {
  undo_001: 16 * 1024 * 1024,
  undo_002: 16 * 1024 * 1024,
  "#ib_16384_0.dblwr": 196_608,
  "#ib_16384_1.dblwr": 8_585_216,
};

/** True when the directory has nothing in it (mysqld refuses to initialize over existing files). */
export function isEmptyDir(fs: DataFs, dir: string): boolean {
  return !fs.exists(dir) || fs.readdir(dir).length === 0;
}

export function initializeDatadir(fs: DataFs, datadir: string, random: Random, redoLogCapacity?: number): void {
  fs.mkdir(datadir, { recursive: true });
  Engine.initialize(fs, datadir, initialAccounts(), ["mysql", "sys"], redoLogCapacity);
  // Private keys are readable by mysql alone, certificates by anyone.
  const files: Record<string, [string, number?]> = {
    "auto.cnf": [`[auto]\nserver-uuid=${random.uuid()}\n`],
    "ca.pem": [pem(random, "CERTIFICATE"), 0o644],
    "ca-key.pem": [pem(random, "RSA PRIVATE KEY"), 0o600],
    "server-cert.pem": [pem(random, "CERTIFICATE"), 0o644],
    "server-key.pem": [pem(random, "RSA PRIVATE KEY"), 0o600],
    "client-cert.pem": [pem(random, "CERTIFICATE"), 0o644],
    "client-key.pem": [pem(random, "RSA PRIVATE KEY"), 0o600],
    "private_key.pem": [pem(random, "PRIVATE KEY"), 0o600],
    "public_key.pem": [pem(random, "PUBLIC KEY"), 0o644],
    "ib_buffer_pool": [""],
  };
  for (const [name, [content, mode]] of Object.entries(files)) {
    fs.writeFile(join(datadir, name), content, mode === undefined ? {} : { mode });
    fs.fsync(join(datadir, name));
  }
  for (const [name, bytes] of Object.entries(PREALLOCATED)) {
    fs.fallocate(join(datadir, name), bytes);
    fs.fsync(join(datadir, name));
  }
  fs.mkdir(join(datadir, "#innodb_temp"));
  fs.mkdir(join(datadir, "performance_schema"));
}
