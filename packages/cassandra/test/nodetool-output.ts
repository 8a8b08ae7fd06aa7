/** Reading `nodetool status` output in tests. */

/** The line of the node at `ip` (empty if it is not listed). */
export const statusLine = (out: string, ip: string): string => out.split("\n").find((l) => l.includes(ip)) ?? "";

/** The node lines, one per member. */
export const nodeLines = (out: string): string[] => out.split("\n").filter((l) => /^[UD?][NJLM] /.test(l));

/** The Owns column added up, in percent. */
export const owns = (out: string): number => nodeLines(out).reduce((n, l) => n + Number(/(\d+\.\d)%/.exec(l)![1]), 0);
