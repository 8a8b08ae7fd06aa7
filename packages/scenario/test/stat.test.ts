import { describe, expect, it } from "vitest";
import { createEnvironment } from "../src/index.js";
import { shell } from "./shell.js";

const TIME = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000`;

/**
 * stat inside containers: inode numbers, times and the device each file is on (the claim's
 * disk, the node's disk under the kubelet's files, the overlay's and tmpfs's anonymous numbers),
 * in coreutils 9.1's layout and busybox's.
 */
describe("stat", () => {
  it("shows a ZooKeeper member's files with the devices they are on, as coreutils 9.1 prints them", () => {
    const env = createEnvironment({ seed: 3, nodes: 3 });
    const sh = shell(env);
    expect(sh("kubectl apply -f https://k8s.io/examples/application/zookeeper/zookeeper.yaml >/dev/null && kubectl rollout status sts/zk --timeout=20m >/dev/null").code).toBe(0);
    // runAsUser 1000 without runAsGroup: containerd takes the group from the image's /etc/passwd.
    expect(sh("kubectl exec zk-0 -- sh -c 'id; grep ^Groups /proc/self/status'").out).toBe("uid=1000(zookeeper) gid=1000(zookeeper) groups=1000(zookeeper)\nGroups:\t1000 \n");
    // The claim is the node's first SCSI disk (8,0); its first file got inode 12.
    expect(sh("kubectl exec zk-0 -- stat /var/lib/zookeeper/data").out).toMatch(
      new RegExp(
        String.raw`^  File: /var/lib/zookeeper/data\n  Size: 4096      \tBlocks: 8          IO Block: 4096   directory\nDevice: 8,0\tInode: 12          Links: 4\n` +
          String.raw`Access: \(2755/drwxr-sr-x\)  Uid: \( 1000/zookeeper\)   Gid: \( 1000/zookeeper\)\nAccess: ${TIME}\nModify: ${TIME}\nChange: ${TIME}\n Birth: ${TIME}\n$`,
      ),
    );
    // /etc/hosts is the kubelet's file on the node's virtio disk; the image's files are on the overlay; /dev/null is a device on tmpfs, which keeps no birth time on 5.15.
    const devices = sh("kubectl exec zk-0 -- stat -c '%n|%Hd,%Ld|%F|%m' /etc/hosts /etc/passwd /dev/null /proc/1/status").out.split("\n");
    expect(devices[0]).toBe("/etc/hosts|254,1|regular file|/etc/hosts");
    expect(devices[1]).toMatch(/^\/etc\/passwd\|0,\d+\|regular file\|\/$/);
    expect(devices[2]).toMatch(/^\/dev\/null\|0,\d+\|character special file\|\/dev$/);
    expect(devices[3]).toMatch(/^\/proc\/1\/status\|0,\d+\|regular empty file\|\/proc$/);
    expect(new Set(devices.slice(1, 4).map((l) => l.split("|")[1])).size).toBe(3);
    expect(sh("kubectl exec zk-0 -- stat /dev/null").out).toMatch(/\nDevice: 0,\d+\tInode: \d+ +Links: 1     Device type: 1,3\n[^]* Birth: -\n$/);

    // A link, quoted only when the format spells %N; -t's fields; --printf's escapes; a missing file.
    expect(sh("kubectl exec zk-0 -- stat -c %N /usr/bin/java").out).toBe("'/usr/bin/java' -> '/usr/lib/jvm/java-8-openjdk-amd64/bin/java'\n");
    expect(sh("kubectl exec zk-0 -- stat /usr/bin/java").out).toMatch(/^  File: \/usr\/bin\/java -> \/usr\/lib\/jvm\/java-8-openjdk-amd64\/bin\/java\n[^]*symbolic link\n/);
    expect(sh("kubectl exec zk-0 -- stat -t /var/lib/zookeeper/data/myid").out).toMatch(/^\/var\/lib\/zookeeper\/data\/myid 2 8 81a4 1000 1000 800 14 1 0 0 \d+ \d+ \d+ \d+ 4096\n$/);
    expect(sh("kubectl exec zk-0 -- stat --printf '%s\\t%a %U:%G\\n' /var/lib/zookeeper/data/myid").out).toBe("2\t644 zookeeper:zookeeper\n");
    expect(sh("kubectl exec zk-0 -- stat /nope /etc/hostname")).toEqual({
      code: 1,
      out: expect.stringMatching(/^stat: cannot statx '\/nope': No such file or directory\n  File: \/etc\/hostname\n[^]*command terminated with exit code 1\n$/),
    });

    // Writes move mtime and ctime, reads atime (relatime), chmod ctime alone.
    sh("kubectl exec zk-0 -- bash -c 'echo x > /tmp/f; sleep 61; chmod 600 /tmp/f; sleep 61; cat /tmp/f >/dev/null'");
    const [x, y, z, w] = sh("kubectl exec zk-0 -- stat -c '%X %Y %Z %W' /tmp/f").out.trim().split(" ").map(Number) as [number, number, number, number];
    expect([z - y, x - z, w]).toEqual([61, 61, y]);

    // The filesystem: statfs of the claim, ext4 counted as coreutils names it.
    expect(sh("kubectl exec zk-0 -- stat -f /var/lib/zookeeper").out).toMatch(
      /^  File: "\/var\/lib\/zookeeper"\n    ID: [0-9a-f]+ Namelen: 255     Type: ext2\/ext3\nBlock size: 4096       Fundamental block size: 4096\nBlocks: Total: 2621440    Free: \d+ +Available: \d+\nInodes: Total: 655360     Free: \d+\n$/,
    );
    expect(sh("kubectl exec zk-0 -- stat -f -c %T / /dev /proc").out).toBe("overlayfs\ntmpfs\nproc\n");
  });

  it("prints busybox's layout: the old device numbers, no birth, times without a zone", () => {
    const env = createEnvironment({ seed: 3, nodes: 1 });
    const sh = shell(env);
    expect(sh("kubectl run bb --image=busybox:1.28 --command -- sleep 3600 >/dev/null && kubectl wait --for=condition=Ready pod/bb >/dev/null").code).toBe(0);
    expect(sh("kubectl exec bb -- stat /etc/passwd").out).toMatch(
      /^  File: \/etc\/passwd\n  Size: \d+ +\tBlocks: 8          IO Block: 4096   regular file\nDevice: [0-9a-f]+h\/\d+d\tInode: \d+ +Links: 1\nAccess: \(0644\/-rw-r--r--\)  Uid: \(    0\/    root\)   Gid: \(    0\/    root\)\nAccess: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000000000\nModify: [^\n]+\nChange: [^\n]+\n\n$/,
    );
    expect(sh("kubectl exec bb -- sh -c 'ln -s /etc/passwd /tmp/l; stat -c \"%N|%w\" /tmp/l; stat /nope'")).toEqual({
      code: 1,
      out: "'/tmp/l' -> '/etc/passwd'|w\nstat: can't stat '/nope': No such file or directory\ncommand terminated with exit code 1\n",
    });
    expect(sh("kubectl exec bb -- stat -f -c %T /").out).toBe("UNKNOWN (0x794c7630)\n");
  });
});
