import { describe, expect, it } from "vitest";
import { ImageLayer } from "../src/runtime/index.js";
import { debianBase, OS_RELEASES, Sandbox, type DebianBaseOptions } from "../src/userland/index.js";

function root(options: DebianBaseOptions): Sandbox {
  return new Sandbox({ layer: new ImageLayer(debianBase(options), Date.UTC(2017, 8, 1)) });
}

describe("an image's release files", () => {
  it("says Ubuntu 16.04.3 the way its base-files does: os-release linked from /usr/lib, lsb-release, issue", () => {
    const sb = root({ release: OS_RELEASES.xenial3 });
    const r = sb.run(["sh", "-c", "readlink /etc/os-release; grep -E '^(PRETTY_NAME|VERSION_CODENAME)=' /etc/os-release; cat /etc/debian_version /etc/issue /etc/lsb-release"]);
    expect(r.stdout).toBe(
      '../usr/lib/os-release\nPRETTY_NAME="Ubuntu 16.04.3 LTS"\nVERSION_CODENAME=xenial\nstretch/sid\nUbuntu 16.04.3 LTS \\n \\l\n\n' +
        'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=16.04\nDISTRIB_CODENAME=xenial\nDISTRIB_DESCRIPTION="Ubuntu 16.04.3 LTS"\n',
    );
    // The release as shipped had no codename line.
    expect(root({ release: OS_RELEASES.xenialGa }).run(["grep", "-c", "CODENAME", "/etc/os-release"]).stdout).toBe("1\n");
  });

  it("says Oracle Linux with its own files and no Debian ones", () => {
    const sb = root({ release: OS_RELEASES.oracleLinux89, procps: false });
    expect(sb.run(["cat", "/etc/system-release"]).stdout).toBe("Oracle Linux Server release 8.9\n");
    expect(sb.run(["sh", "-c", "test -L /etc/os-release || grep ^PRETTY_NAME /etc/os-release; test -e /etc/debian_version || echo none"]).stdout).toBe('PRETTY_NAME="Oracle Linux Server 8.9"\nnone\n');
  });

  it("leaves procps out of a slim image: no ps, top or free, and kill is the shell's", () => {
    const slim = root({ release: OS_RELEASES.stretch3, procps: false });
    expect(slim.run(["sh", "-c", "ps; top -bn1; free; uptime; pgrep sh; kill -0 $$ && echo alive"])).toMatchObject({
      stdout: "alive\n",
      stderr: "sh: 1: ps: not found\nsh: 1: top: not found\nsh: 1: free: not found\nsh: 1: uptime: not found\nsh: 1: pgrep: not found\n",
    });
    expect(root({ release: OS_RELEASES.stretch3 }).run(["sh", "-c", "for c in ps top free; do command -v $c; done"]).stdout).toBe("/bin/ps\n/usr/bin/top\n/usr/bin/free\n");
  });
});
