/**
 * PathUtils.validatePath: the client checks paths before sending (zkCli prints the message as
 * "Command failed: java.lang.IllegalArgumentException: ..."), the server answers BadArguments.
 * Returns the IllegalArgumentException message, or undefined for a valid path.
 */
export function pathError(path: string, sequential = false): string | undefined {
  const p = sequential ? `${path}1` : path;
  if (p.length === 0) return "Path length must be > 0";
  if (p[0] !== "/") return "Path must start with / character";
  if (p.length === 1) return undefined;
  if (p[p.length - 1] === "/") return "Path must not end with / character";
  let reason: string | undefined;
  for (let i = 1; i < p.length; i++) {
    const c = p.charCodeAt(i);
    const last = p.charCodeAt(i - 1);
    const endsSegment = i + 1 === p.length || p[i + 1] === "/";
    if (c === 0) reason = `null character not allowed @${i}`;
    else if (c === 0x2f && last === 0x2f) reason = `empty node name specified @${i}`;
    else if (c === 0x2e && last === 0x2e) {
      if (p[i - 2] === "/" && endsSegment) reason = `relative paths not allowed @${i}`;
    } else if (c === 0x2e) {
      if (p[i - 1] === "/" && endsSegment) reason = `relative paths not allowed @${i}`;
    } else if ((c > 0 && c < 0x1f) || (c > 0x7f && c < 0x9f) || (c > 0xd800 && c < 0xf8ff) || (c > 0xfff0 && c < 0xffff)) {
      // (sic) "charater", as PathUtils spells it.
      reason = `invalid charater @${i}`;
    }
    if (reason !== undefined) return `Invalid path string "${p}" caused by ${reason}`;
  }
  return undefined;
}
