import type { Proc } from "@ksim/sim";
import type { Executable, FileSystem, ProcessContext } from "@ksim/kube";

/**
 * The wordpress image's docker-entrypoint.sh (the current one, for apache2*): on the first start
 * it copies WordPress from /usr/src/wordpress into the (volume-backed) working directory, owned by
 * www-data, keeping plugins and themes already there; when wp-config.php is missing and
 * WORDPRESS_* variables are set, it writes one from wp-config-docker.php with fresh unique keys.
 * Then it runs the command (apache2-foreground). It neither creates the database nor waits for it.
 */

const SOURCE = "/usr/src/wordpress";
const WWW_DATA = 33;

export const wordpressEntrypoint: Executable = function* (ctx) {
  const args = ctx.argv.slice(1);
  if (args[0]?.startsWith("apache2") || args[0] === "php-fpm") yield* prepare(ctx);
  return yield* ctx.exec(args);
};

/** tar --owner: copies `from` into `to`, skipping `exclude`, owned by the run user. */
function copyTree(fs: FileSystem, from: string, to: string, exclude: ReadonlySet<string>, owner: number, rel = ""): void {
  for (const name of fs.readdir(`${from}${rel}`)) {
    const r = `${rel}/${name}`;
    if (exclude.has(r)) continue;
    const st = fs.stat(`${from}${r}`);
    if (st.type === "dir") {
      if (!fs.exists(`${to}${r}`)) fs.mkdir(`${to}${r}`, { mode: st.mode });
      copyTree(fs, from, to, exclude, owner, r);
    } else fs.writeFile(`${to}${r}`, fs.readFile(`${from}${r}`), { mode: st.mode });
    fs.chown(`${to}${r}`, owner, owner);
  }
}

function* prepare(ctx: ProcessContext): Proc<void> {
  const fs = ctx.fs;
  const cwd = ctx.cwd;
  const root = ctx.cred.uid === 0;
  const owner = root ? WWW_DATA : ctx.cred.uid;
  if (!fs.exists(`${cwd}/index.php`) && !fs.exists(`${cwd}/wp-includes/version.php`)) {
    const st = fs.stat(cwd);
    if (root && st.uid === 0 && st.gid === 0) fs.chown(cwd, owner, owner);
    ctx.stderr.write(`WordPress not found in ${cwd} - copying now...\n`);
    if (fs.readdir(cwd).some((n) => n !== "wp-content")) ctx.stderr.write(`WARNING: ${cwd} is not empty! (copying anyhow)\n`);
    const exclude = new Set<string>();
    const pluggable = [`/.htaccess`];
    for (const kind of fs.exists(`${SOURCE}/wp-content`) ? fs.readdir(`${SOURCE}/wp-content`) : []) {
      if (fs.stat(`${SOURCE}/wp-content/${kind}`).type !== "dir") continue;
      for (const item of fs.readdir(`${SOURCE}/wp-content/${kind}`)) {
        if (fs.stat(`${SOURCE}/wp-content/${kind}/${item}`).type === "dir") pluggable.push(`/wp-content/${kind}/${item}`);
      }
    }
    for (const p of pluggable) {
      if (fs.exists(`${cwd}${p}`)) {
        ctx.stderr.write(`WARNING: '${cwd}${p}' exists! (not copying the WordPress version)\n`);
        exclude.add(p);
      }
    }
    copyTree(fs, SOURCE, cwd, exclude, owner);
    ctx.stderr.write(`Complete! WordPress has been successfully copied to ${cwd}\n`);
  }
  const wpEnvs = [...ctx.env.keys()].filter((k) => k.startsWith("WORDPRESS_")).sort();
  const config = `${cwd}/wp-config.php`;
  if ((!fs.exists(config) || fs.stat(config).size === 0) && wpEnvs.length > 0) {
    for (const source of ["wp-config-docker.php", `${SOURCE}/wp-config-docker.php`]) {
      const path = ctx.resolve(source);
      if (!fs.exists(path) || fs.stat(path).size === 0) continue;
      ctx.stderr.write(`No 'wp-config.php' found in ${cwd}, but 'WORDPRESS_...' variables supplied; copying '${source}' (${wpEnvs.join(" ")})\n`);
      const text = fs.readText(path).replace(/put your unique phrase here/g, () => ctx.random.hex(40));
      fs.writeFile(config, text);
      if (root) fs.chown(config, owner, owner);
      break;
    }
  }
}
