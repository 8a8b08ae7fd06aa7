import type { Environment } from "../src/index.js";

/** A workstation shell session: each call runs a command line and returns its status and output (stdout and stderr together). */
export function shell(env: Environment) {
  let out = "";
  const sink = { write: (c: string) => void (out += c), close() {} };
  const session = env.workstation.session({ stdout: sink, stderr: sink });
  return (source: string) => {
    out = "";
    const code = session.run(`${source}\n`);
    return { code, out };
  };
}
