import { describe, expect, it } from "vitest";
import { createEnvironment } from "../src/index.js";
import { shell } from "./shell.js";

/**
 * df inside containers: the mount table containerd gives a pod (overlay root, /dev, the
 * kubelet's files on the node's disk, /dev/shm, the volumes, the masked paths), with the sizes the
 * model keeps, in coreutils' and busybox's layouts.
 */
describe("df", () => {
  it("shows a ZooKeeper member's claim as its own disk, and a full one at 100% while du sees nothing", () => {
    const env = createEnvironment({ seed: 3, nodes: 3 });
    const sh = shell(env);
    expect(sh("kubectl apply -f https://k8s.io/examples/application/zookeeper/zookeeper.yaml >/dev/null && kubectl rollout status sts/zk --timeout=20m >/dev/null").code).toBe(0);
    const table = sh("kubectl exec zk-0 -- df").out;
    const lines = table.split("\n");
    expect(lines[0]).toBe("Filesystem     1K-blocks   Used Available Use% Mounted on");
    expect(lines.map((l) => l.split(/ +/)[0] + " " + l.split(/ +/).at(-1))).toEqual([
      "Filesystem on",
      "overlay /",
      "tmpfs /dev",
      // /etc/hostname and /etc/resolv.conf are the same device: df keeps the shortest mount point.
      "/dev/vda1 /etc/hosts",
      "shm /dev/shm",
      "/dev/sda /var/lib/zookeeper",
      // runc mounts the token where /var/run leads: Ubuntu's /var/run is a link to /run.
      "tmpfs /run/secrets/kubernetes.io/serviceaccount",
      "tmpfs /proc/acpi",
      "tmpfs /proc/scsi",
      "tmpfs /sys/firmware",
      " ",
    ]);
    // The node's disk holds the images pulled and the containers' own writes.
    expect(lines[1]).toMatch(/^overlay        102625208 +[1-9]\d* +\d+   1% \/$/);
    expect(sh("kubectl exec zk-0 -- df -a").out.split("\n").filter((l) => l.startsWith("/dev/vda1")).map((l) => l.split(/ +/).at(-1))).toEqual(["/etc/hosts", "/dev/termination-log", "/etc/hostname", "/etc/resolv.conf"]);

    // Block sizes: a leading letter prints its suffix, a leading digit does not; the last unit option wins.
    expect(sh("kubectl exec zk-0 -- df -h -BM /var/lib/zookeeper").out).toBe(
      "Filesystem     1M-blocks  Used Available Use% Mounted on\n/dev/sda          10240M    1M    10240M   1% /var/lib/zookeeper\n",
    );
    expect(sh("kubectl exec zk-0 -- df -B1 --total /var/lib/zookeeper /var/run/secrets/kubernetes.io/serviceaccount").out).toMatch(
      /^Filesystem       1B-blocks +Used +Available Use% Mounted on\n\/dev\/sda +10737418240 +\d+ +\d+   1% \/var\/lib\/zookeeper\ntmpfs +8589934592 +\d+ +\d+   1% \/run\/secrets\/kubernetes.io\/serviceaccount\ntotal +19327352832 +\d+ +\d+   1% -\n$/,
    );
    expect(sh("kubectl exec zk-0 -- df -H /var/lib/zookeeper").out).toMatch(/\n\/dev\/sda         11G +\S+k +11G   1% \/var\/lib\/zookeeper\n$/);
    expect(sh("kubectl exec zk-0 -- df -Bx /")).toEqual({ code: 1, out: "df: invalid -B argument 'x'\ncommand terminated with exit code 1\n" });

    // --output: the chosen columns, Size captioned by the block size, Avail and File as OUTPUT_MODE names them.
    expect(sh("kubectl exec zk-0 -- df --output=avail -B1 /var/lib/zookeeper").out).toMatch(/^ +Avail\n\d{11}\n$/);
    expect(sh("kubectl exec zk-0 -- df --output=file,size,pcent,target /var/lib/zookeeper").out).toMatch(/^File               1K-blocks Use% Mounted on\n\/var\/lib\/zookeeper  10485760   1% \/var\/lib\/zookeeper\n$/);
    expect(sh("kubectl exec zk-0 -- df --output=size,nope /")).toEqual({ code: 1, out: "df: option --output: field 'nope' unknown\nTry 'df --help' for more information.\ncommand terminated with exit code 1\n" });
    expect(sh("kubectl exec zk-0 -- df -T --output /").out).toBe("df: options -T and --output are mutually exclusive\nTry 'df --help' for more information.\ncommand terminated with exit code 1\n");

    // Inodes: mke2fs gives a 10 GiB disk 655,360 (one per 16 KiB); 11 are ext4's own (its root and lost+found among them), the rest ZooKeeper's files.
    const files = Number(sh("kubectl exec zk-0 -- find /var/lib/zookeeper -mindepth 1 | wc -l").out.trim());
    expect(sh("kubectl exec zk-0 -- df -i /var/lib/zookeeper").out).toBe(
      `Filesystem     Inodes IUsed  IFree IUse% Mounted on\n/dev/sda       655360 ${String(11 + files).padStart(5)} ${String(655360 - 11 - files).padStart(6)}    1% /var/lib/zookeeper\n`,
    );
    expect(sh("kubectl exec zk-0 -- df -h --output=source,itotal,ipcent /var/lib/zookeeper").out).toBe("Filesystem     Inodes IUse%\n/dev/sda         640K    1%\n");
    // The first file made on the claim gets inode 12, after ext4's reserved ones and lost+found.
    expect(sh("kubectl exec zk-0 -- ls -di /var/lib/zookeeper /var/lib/zookeeper/data").out).toBe(" 2 /var/lib/zookeeper\n12 /var/lib/zookeeper/data\n");
    expect(sh("kubectl exec zk-0 -- find /var/lib/zookeeper -inum 12").out).toBe("/var/lib/zookeeper/data\n");

    const before = sh("kubectl exec zk-0 -- df -h /var/lib/zookeeper").out;
    expect(before).toMatch(/^Filesystem      Size  Used Avail Use% Mounted on\n\/dev\/sda         10G +\S+ +10G   1% \/var\/lib\/zookeeper\n$/);
    sh("chaos fill-disk zk-0");
    expect(sh("kubectl exec zk-0 -- df -h /var/lib/zookeeper/data").out).toBe(
      "Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda         10G   10G     0 100% /var/lib/zookeeper\n",
    );
    expect(sh("kubectl exec zk-0 -- du -sh /var/lib/zookeeper").out).toMatch(/^\d+(\.\d)?K\t\/var\/lib\/zookeeper\n$/);
    expect(sh("kubectl exec zk-0 -- df -T /nope /tmp")).toEqual({
      code: 1,
      out: expect.stringMatching(/^df: \/nope: No such file or directory\nFilesystem     Type    1K-blocks   Used Available Use% Mounted on\noverlay        overlay 102625208 +\d+ +\d+   1% \/\ncommand terminated with exit code 1\n$/),
    });
  });

  it("runs out of inodes before space: a small claim full of small files says No space left while df -h shows room", () => {
    const env = createEnvironment({ seed: 3, nodes: 1 });
    const sh = shell(env);
    const manifest = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: small
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Mi } }
---
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: nginx
    command: ["sleep", "3600"]
    volumeMounts:
    - { name: data, mountPath: /data }
  volumes:
  - name: data
    persistentVolumeClaim: { claimName: small }
`;
    expect(sh(`cat <<'EOF' | kubectl apply -f - >/dev/null && kubectl wait --for=condition=Ready pod/app --timeout=5m >/dev/null\n${manifest}EOF`).code).toBe(0);
    // mke2fs gives 1 MiB 128 inodes (a floppy-sized filesystem: one per 8 KiB); 11 are ext4's own.
    expect(sh("kubectl exec app -- df -i /data").out).toBe("Filesystem     Inodes IUsed IFree IUse% Mounted on\n/dev/sda          128    11   117    9% /data\n");
    const filled = sh("kubectl exec app -- bash -c 'for i in $(seq 1 120); do touch /data/f$i || break; done; ls /data | wc -l'");
    expect(filled).toEqual({ code: 0, out: "touch: cannot touch '/data/f118': No space left on device\n117\n" });
    expect(sh("kubectl exec app -- df -i /data").out).toBe("Filesystem     Inodes IUsed IFree IUse% Mounted on\n/dev/sda          128   128     0  100% /data\n");
    // Empty files take no blocks: by space, the disk is empty.
    expect(sh("kubectl exec app -- df -h /data").out).toBe("Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda        1.0M     0  1.0M   0% /data\n");
    // Freeing one gives its number back: the next file takes the lowest free inode, as ext4 does.
    expect(sh("kubectl exec app -- bash -c 'ls -i /data/f7 && rm /data/f7 /data/f9 && touch /data/new && ls -i /data/new && df -i /data | tail -1'").out).toBe(
      "18 /data/f7\n18 /data/new\n/dev/sda          128   127     1  100% /data\n",
    );
  });

  it("in busybox's layout, with hostPath and memory-backed emptyDir volumes", () => {
    const env = createEnvironment({ seed: 3, nodes: 1 });
    const sh = shell(env);
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: bb
spec:
  containers:
  - name: bb
    image: busybox:1.28
    command: ["sleep", "3600"]
    volumeMounts:
    - { name: host, mountPath: /host }
    - { name: cache, mountPath: /cache }
  volumes:
  - name: host
    hostPath: { path: /data }
  - name: cache
    emptyDir: { medium: Memory }
`;
    expect(sh(`cat <<'EOF' | kubectl apply -f - >/dev/null && kubectl wait --for=condition=Ready pod/bb >/dev/null\n${pod}EOF`).code).toBe(0);
    sh("kubectl exec bb -- sh -c 'seq 1 100000 > /cache/numbers'");
    const out = sh("kubectl exec bb -- df -h").out.split("\n");
    expect(out[0]).toBe("Filesystem                Size      Used Available Use% Mounted on");
    expect(out.slice(1, -1).map((l) => `${l.slice(0, 20).trim()} ${l.split(" ").at(-1)}`)).toEqual([
      "overlay /",
      "tmpfs /dev",
      // busybox lists every mount: the hostPath and the kubelet's files share the node's disk.
      "/dev/vda1 /host",
      "tmpfs /cache",
      "/dev/vda1 /etc/hosts",
      "/dev/vda1 /dev/termination-log",
      "/dev/vda1 /etc/hostname",
      "/dev/vda1 /etc/resolv.conf",
      "shm /dev/shm",
      "tmpfs /var/run/secrets/kubernetes.io/serviceaccount",
      "tmpfs /proc/acpi",
      // Masked files are /dev/null bound over them: the /dev tmpfs again.
      "tmpfs /proc/kcore",
      "tmpfs /proc/keys",
      "tmpfs /proc/timer_list",
      "tmpfs /proc/scsi",
      "tmpfs /sys/firmware",
    ]);
    // 588,895 bytes of numbers take 144 4 KiB blocks: 576 KiB.
    expect(out.find((l) => l.endsWith(" /cache"))).toBe("tmpfs                     8.0G    576.0K      8.0G   0% /cache");
    expect(sh("kubectl exec bb -- df -k /host").out).toMatch(/^Filesystem           1K-blocks      Used Available Use% Mounted on\n\/dev\/vda1 +102625208 +\d+ +\d+ +\d+% \/host\n$/);
    // -i: the inodes where the blocks go; the memory-backed emptyDir holds its root and one file.
    expect(sh("kubectl exec bb -- df -i /cache").out).toBe("Filesystem              Inodes      Used Available Use% Mounted on\ntmpfs                  2097152         2   2097150   0% /cache\n");
  });
});
