import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/index.js";
import { parseDateTime, parseTouchStamp } from "../src/userland/datetime.js";

const sh = (sb: Sandbox, script: string, cred?: { uid: number; gid: number }) => sb.run(["sh", "-c", script], cred === undefined ? {} : { cred });

describe("file times: atime, mtime, ctime as the kernel keeps them, and the tools that set and show them", () => {
  it("reads dates as parse_datetime does: calendar dates, times with zones, relative items, @seconds", () => {
    const now = Date.UTC(2024, 0, 15, 12, 30, 45);
    const iso = (s: string) => {
      const v = parseDateTime(s, now);
      return v === undefined ? undefined : new Date(v).toISOString();
    };
    expect(iso("2 days ago")).toBe("2024-01-13T12:30:45.000Z");
    expect(iso("-90 minutes")).toBe("2024-01-15T11:00:45.000Z");
    expect(iso("yesterday")).toBe("2024-01-14T12:30:45.000Z");
    expect(iso("last month")).toBe("2023-12-15T12:30:45.000Z");
    expect(iso("2024-01-01")).toBe("2024-01-01T00:00:00.000Z");
    expect(iso("2024-01-01T10:00:00+02:00")).toBe("2024-01-01T08:00:00.000Z");
    expect(iso("2024-01-01 10:00:00 -0500")).toBe("2024-01-01T15:00:00.000Z");
    expect(iso("Jan 5 2023")).toBe("2023-01-05T00:00:00.000Z");
    expect(iso("tomorrow 3pm")).toBe("2024-01-16T15:00:00.000Z");
    expect(iso("@1700000000")).toBe("2023-11-14T22:13:20.000Z");
    expect(iso("2024-13-01")).toBeUndefined();
    expect(iso("soon")).toBeUndefined();
    expect(new Date(parseTouchStamp("202001011200.30", now)!).toISOString()).toBe("2020-01-01T12:00:30.000Z");
    expect(new Date(parseTouchStamp("6901011200", now)!).toISOString()).toBe("1969-01-01T12:00:00.000Z");
    expect(parseTouchStamp("2020", now)).toBeUndefined();
  });

  it("touch -d, -t, -r, -a and -m set the times find and ls read", () => {
    const sb = new Sandbox();
    expect(sh(sb, "cd /tmp && touch -d '3 days ago' old && touch new && touch -t 202001011200 stamp && touch -r stamp ref && ls -l --time-style=long-iso && find . -mtime +1 | sort")).toMatchObject({
      status: 0,
      stdout:
        "total 0\n-rw-r--r-- 1 root root 0 2024-01-01 00:00 new\n-rw-r--r-- 1 root root 0 2023-12-29 00:00 old\n-rw-r--r-- 1 root root 0 2020-01-01 12:00 ref\n-rw-r--r-- 1 root root 0 2020-01-01 12:00 stamp\n./old\n./ref\n./stamp\n",
    });
    // -a sets the access time alone; ls -u shows it, ls -l the untouched modification time.
    expect(sh(sb, "cd /tmp && touch -a -d 2021-06-01 new && ls -lu --full-time new && ls -l --full-time new && find . -atime +100")).toMatchObject({
      stdout: "-rw-r--r-- 1 root root 0 2021-06-01 00:00:00.000000000 +0000 new\n-rw-r--r-- 1 root root 0 2024-01-01 00:00:00.000000000 +0000 new\n./new\n./ref\n./stamp\n",
    });
    expect(sh(sb, "touch -d nonsense /tmp/x; touch -t 99 /tmp/x; touch -r /nope /tmp/x; touch -c /tmp/never; ls /tmp/never")).toMatchObject({
      status: 2,
      stderr:
        "touch: invalid date format 'nonsense'\ntouch: invalid date format '99'\ntouch: failed to get attributes of '/nope': No such file or directory\nls: cannot access '/tmp/never': No such file or directory\n",
    });
  });

  it("finds files newer than a date or than another file's time with -newerXY", () => {
    const sb = new Sandbox();
    sh(sb, "cd /tmp && touch -d '5 days ago' a && touch -d '2 days ago' b && touch c && touch -a -d '10 days ago' c");
    expect(sh(sb, "cd /tmp && find . -newermt '3 days ago' | sort; find . -newerat '3 days ago' | sort; find . -newermm b; find . -newermt soon")).toMatchObject({
      stdout: ".\n./b\n./c\n.\n./b\n.\n./c\n",
      stderr: "find: I cannot figure out how to interpret `soon' as a date or time\n",
    });
  });

  it("lets the owner set times, anyone who can write set them to now, and nobody else", () => {
    const sb = new Sandbox();
    sh(sb, "touch /tmp/open /tmp/mine && chmod 666 /tmp/open && chown 65534 /tmp/mine");
    const nobody = { uid: 65534, gid: 65534 };
    expect(sh(sb, "touch /tmp/open; touch -d 2020-01-01 /tmp/open; touch -d 2020-01-01 /tmp/mine; touch /etc/passwd", nobody)).toMatchObject({
      status: 1,
      stderr: "touch: setting times of '/tmp/open': Operation not permitted\ntouch: cannot touch '/etc/passwd': Permission denied\n",
    });
    expect(sh(sb, "ls -l --time-style=+%F /tmp/mine /tmp/open | awk '{print $3, $6}'").stdout).toBe("nobody 2020-01-01\nroot 2024-01-01\n");
  });

  it("moves atime on a read only as relatime allows, and ctime on every change to the inode", () => {
    const sb = new Sandbox();
    sh(sb, "echo a > /tmp/f && touch -a -d '2 days ago' /tmp/f && touch -m -d '3 days ago' /tmp/f");
    const times = () => sh(sb, "ls -lu --time-style=+%F /tmp/f | cut -d' ' -f6; ls -lc --time-style=+%T /tmp/f | cut -d' ' -f6").stdout;
    // An access newer than the last change stays; a day-old one, or one older than a change, moves.
    expect(times()).toBe("2023-12-30\n00:00:00\n");
    sh(sb, "sleep 60; cat /tmp/f >/dev/null");
    expect(times()).toBe("2024-01-01\n00:00:00\n");
    sh(sb, "sleep 60; cat /tmp/f >/dev/null; chmod 600 /tmp/f");
    expect(sh(sb, "ls -lu --time-style=+%T /tmp/f | cut -d' ' -f6; ls -lc --time-style=+%T /tmp/f | cut -d' ' -f6; ls -l --time-style=+%F /tmp/f | cut -d' ' -f6").stdout).toBe("00:01:00\n00:02:00\n2023-12-29\n");
    sh(sb, "sleep 60; ln /tmp/f /tmp/g");
    expect(sh(sb, "ls -lc --time-style=+%T /tmp/g | cut -d' ' -f6; ls -ltc /tmp | head -2 | tail -1 | cut -c1-10").stdout).toBe("00:03:00\n-rw-------\n");
  });
});
