import { Volume } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { Sandbox } from "../src/userland/index.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";
import { sh } from "./helpers.js";

/** A Debian sandbox with a volume at /data, as a pod's claim would be mounted. */
function withData(base: "debian" | "busybox" = "debian") {
  const sb = new Sandbox({ base });
  const volume = new Volume(sb.sim, "data", 1 << 30);
  sb.rootfs.mount({ path: "/data", volume, subPath: "", readOnly: false });
  return { sb, volume };
}

describe("symbolic and hard links", () => {
  it("switches a release by swapping a symlink in a volume, as runbooks do with ln -sfn", () => {
    const { sb, volume } = withData();
    expect(sh(sb, "cd /data && mkdir v1 v2 && echo one > v1/conf && echo two > v2/conf && ln -s v1 current && cat current/conf && ls -l /data")).toEqual({
      status: 0,
      out: "one\ntotal 8\nlrwxrwxrwx 1 root root    2 Jan  1 00:00 current -> v1\ndrwxr-xr-x 2 root root 4096 Jan  1 00:00 v1\ndrwxr-xr-x 2 root root 4096 Jan  1 00:00 v2\n",
      err: "",
    });
    // -n replaces the link itself rather than making one inside the directory it points to.
    expect(sh(sb, "cd /data && ln -sfn v2 current && cat /data/current/conf && readlink current && ls v1")).toEqual({ status: 0, out: "two\nv2\nconf\n", err: "" });
    expect(volume.readlink("/current")).toBe("v2");
    // Links resolve across the mount: from the container's root into the volume and back.
    expect(sh(sb, "ln -s /data/current/conf /etc/app.conf && cat /etc/app.conf && readlink -f /etc/app.conf && ln -s /etc/hostname /data/host && ls -l /data/host | cut -c1-10")).toEqual({
      status: 0,
      out: "two\n/data/v2/conf\nlrwxrwxrwx\n",
      err: "",
    });
  });

  it("gives ln's messages for what the kernel refuses", () => {
    const { sb } = withData();
    expect(sh(sb, "echo x > /data/f; ln -s y /data/f; ln /data/f /tmp/f; ln /nope /tmp/n; ln /tmp /tmp/t; ln -s loop /tmp/loop; cat /tmp/loop")).toEqual({
      status: 1,
      out: "",
      err:
        "ln: failed to create symbolic link '/data/f': File exists\n" +
        "ln: failed to create hard link '/tmp/f' => '/data/f': Invalid cross-device link\n" +
        "ln: failed to access '/nope': No such file or directory\n" +
        "ln: /tmp: hard link not allowed for directory\n" +
        "cat: /tmp/loop: Too many levels of symbolic links\n",
    });
    // A dangling link is still a name: it is in the way of another.
    expect(sh(sb, "ln -s nowhere /tmp/dangling && ln -s elsewhere /tmp/dangling")).toEqual({ status: 1, out: "", err: "ln: failed to create symbolic link '/tmp/dangling': File exists\n" });
    expect(sh(sb, "mkdir /tmp/d && ln -sv /etc/hostname /etc/passwd /tmp/d && ls /tmp/d; ln -s a b c")).toEqual({
      status: 1,
      out: "'/tmp/d/hostname' -> '/etc/hostname'\n'/tmp/d/passwd' -> '/etc/passwd'\nhostname\npasswd\n",
      err: "ln: target 'c' is not a directory\n",
    });
    const bb = withData("busybox").sb;
    expect(sh(bb, "echo x > /data/f; ln -s y /data/f; ln /data/f /tmp/f")).toEqual({
      status: 1,
      out: "",
      err: "ln: /data/f: File exists\nln: /tmp/f: Invalid cross-device link\n",
    });
  });

  it("makes hard links that share a file until its last name goes", () => {
    const { sb, volume } = withData();
    sh(sb, "seq 1 2000 > /data/log");
    const used = volume.bytesUsed;
    expect(sh(sb, "cd /data && ln log log.bak && ls -l log log.bak | cut -c1-12 && rm log && wc -l < log.bak")).toEqual({ status: 0, out: "-rw-r--r-- 2\n-rw-r--r-- 2\n2000\n", err: "" });
    expect(volume.bytesUsed).toBe(used);
    // du counts a file once whatever its names, as it takes its blocks once.
    expect(sh(sb, "cd /data && ln log.bak log2 && du -a . && du -s log.bak log2")).toEqual({ status: 0, out: "12\t./log.bak\n16\t.\n12\tlog.bak\n", err: "" });
    // A hard link in the container's own layer copies the image's file up first.
    expect(sh(sb, "ln /etc/passwd /etc/pw && ls -l /etc/pw /etc/passwd | cut -c1-12")).toEqual({ status: 0, out: "-rw-r--r-- 2\n-rw-r--r-- 2\n", err: "" });
  });

  it("show one inode number under every name, in GNU's and busybox's -i columns", () => {
    const { sb } = withData();
    const before = sh(sb, "ls -i /etc/passwd").out;
    // Copied up by the link, the image's file keeps its number under both names, as overlayfs on one filesystem shows it.
    expect(sh(sb, "cd /data && touch a && ln a b && mkdir d && ls -i && ln /etc/passwd /etc/pw && ls -i /etc/pw /etc/passwd && find /data -inum 12")).toEqual({
      status: 0,
      out: `12 a\n12 b\n13 d\n${before}${before.replace("/etc/passwd", "/etc/pw")}/data/a\n/data/b\n`,
      err: "",
    });
    expect(sh(sb, "ls -lid /data | cut -c1-14")).toEqual({ status: 0, out: "2 drwxr-xr-x 3\n", err: "" });
    const bb = withData("busybox").sb;
    expect(sh(bb, "cd /data && touch a && ln a b && ls -i")).toEqual({ status: 0, out: "     12 a\n     12 b\n", err: "" });
  });

  it("copies links as links with cp -r and -a, and follows them without", () => {
    const { sb } = withData();
    sh(sb, "mkdir -p /data/app/v1 && echo conf > /data/app/v1/c && ln -s v1 /data/app/current");
    expect(sh(sb, "cp -r /data/app /tmp/app && ls -l /tmp/app | cut -c1-10 && readlink /tmp/app/current && cp /data/app/current/c /tmp/plain && cat /tmp/plain")).toEqual({
      status: 0,
      out: "total 4\nlrwxrwxrwx\ndrwxr-xr-x\nv1\nconf\n",
      err: "",
    });
    expect(sh(sb, "cp /data/app/current /tmp/dir")).toEqual({ status: 1, out: "", err: "cp: -r not specified; omitting directory '/data/app/current'\n" });
  });

  it("keeps hard links with cp -a and times with cp -p, as --preserve=links,timestamps do", () => {
    const { sb } = withData();
    sh(sb, "mkdir /data/v && echo x > /data/v/a && ln /data/v/a /data/v/b && touch -d 2020-02-02 /data/v/a /data/v");
    expect(sh(sb, "cp -a /data/v /tmp/a && cp -r /data/v /tmp/r && stat -c '%h %y %n' /tmp/a/a /tmp/a/b /tmp/r/a /tmp/a | cut -c1-13,39-")).toEqual({
      status: 0,
      out: "2 2020-02-02 /tmp/a/a\n2 2020-02-02 /tmp/a/b\n1 2024-01-01 /tmp/r/a\n2 2020-02-02 /tmp/a\n",
      err: "",
    });
  });

  it("archives links with tar and makes them again on extraction", () => {
    const { sb } = withData();
    sh(sb, "mkdir -p /data/app/v1 && echo conf > /data/app/v1/c && ln -s v1 /data/app/current");
    expect(sh(sb, "cd /data && tar czf /tmp/app.tgz app && mkdir /tmp/out && tar xzf /tmp/app.tgz -C /tmp/out && readlink /tmp/out/app/current && cat /tmp/out/app/current/c")).toEqual({
      status: 0,
      out: "v1\nconf\n",
      err: "",
    });
  });
});

describe("ConfigMap and Secret volumes", () => {
  const MANIFESTS = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    volumeMounts: [{name: conf, mountPath: /conf}, {name: sec, mountPath: /sec}]
  volumes:
  - {name: conf, configMap: {name: cm, items: [{key: site, path: sites/default.conf}, {key: level, path: level}]}}
  - {name: sec, secret: {secretName: s}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {site: "listen 80;", level: debug}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
stringData: {password: hunter2}
`;

  it("lay their files out as the kubelet's atomic writer does: a timestamped directory, ..data, and links through it", () => {
    const { term } = kubectlWorld({ seed: 3 });
    term.run(`cat > /tmp/web.yaml <<'EOF'\n${MANIFESTS}EOF`);
    expect(term.run("kubectl apply -f /tmp/web.yaml >/dev/null && kubectl wait --for=condition=Ready pod/web --timeout=60s").status).toBe(0);
    const listing = term.run("kubectl exec web -- ls -la /conf").output;
    const stamp = /\.\.(\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+)/.exec(listing)?.[1];
    expect(stamp).toBeDefined();
    expect(listing).toBe(
      "total 12\n" +
        "drwxrwxrwx 3 root root 4096 Jan  1 00:00 .\n" +
        "drwxr-xr-x 7 root root 4096 Jan  1 00:00 ..\n" +
        `drwxr-xr-x 3 root root 4096 Jan  1 00:00 ..${stamp}\n` +
        `lrwxrwxrwx 1 root root ${`..${stamp}`.length.toString().padStart(4)} Jan  1 00:00 ..data -> ..${stamp}\n` +
        "lrwxrwxrwx 1 root root   12 Jan  1 00:00 level -> ..data/level\n" +
        "lrwxrwxrwx 1 root root   12 Jan  1 00:00 sites -> ..data/sites\n",
    );
    expect(term.run("kubectl exec web -- sh -c 'ls /conf; cat /conf/sites/default.conf; echo; cat /sec/password'").output).toBe("level\nsites\nlisten 80;\nhunter2");
    // A Secret's files are on a tmpfs, whose root keeps its sticky bit.
    expect(term.run("kubectl exec web -- ls -ld /sec /var/run/secrets/kubernetes.io/serviceaccount").output).toMatch(/^drwxrwxrwt .* \/sec\ndrwxrwxrwt .* \/var\/run\/secrets\/kubernetes\.io\/serviceaccount\n$/);
    // Debian's /var/run is a link to /run, so that is where runc mounted the token.
    expect(term.run("kubectl exec web -- readlink -f /var/run/secrets/kubernetes.io/serviceaccount/token").output).toMatch(/^\/run\/secrets\/kubernetes\.io\/serviceaccount\/\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+\/token\n$/);
    expect(term.run("kubectl exec web -- sh -c 'ls -ld /var/run; grep serviceaccount /proc/mounts'").output).toMatch(/^lrwxrwxrwx 1 root root 4 .* \/var\/run -> \/run\ntmpfs \/run\/secrets\/kubernetes\.io\/serviceaccount tmpfs ro,relatime,size=\d+k 0 0\n$/);
  });

  it("take a ConfigMap's update at the kubelet's next sync, except through a subPath, which keeps what it mounted", () => {
    const { term } = kubectlWorld({ seed: 3 });
    const manifests = MANIFESTS.replace(
      "volumeMounts: [{name: conf, mountPath: /conf}, {name: sec, mountPath: /sec}]",
      "volumeMounts: [{name: conf, mountPath: /conf}, {name: sec, mountPath: /sec}, {name: conf, mountPath: /etc/level, subPath: level}, {name: conf, mountPath: /etc/none, subPath: nokey}]",
    );
    term.run(`cat > /tmp/web.yaml <<'EOF'\n${manifests}EOF`);
    expect(term.run("kubectl apply -f /tmp/web.yaml >/dev/null && kubectl wait --for=condition=Ready pod/web --timeout=60s").status).toBe(0);
    const before = term.run("kubectl exec web -- readlink /conf/..data").output;
    expect(term.run(`kubectl patch configmap cm -p '{"data":{"level":"info"}}' && kubectl exec web -- cat /conf/level /etc/level`).output).toBe("configmap/cm patched\ndebugdebug");
    // A Secret's new key arrives the same way.
    term.run(`kubectl patch secret s -p '{"data":{"extra":"eA=="}}'`);
    term.run("sleep 95");
    // A new timestamped directory behind ..data; the subPath mount still has the file it resolved to.
    const after = term.run("kubectl exec web -- readlink /conf/..data").output;
    expect(after).not.toBe(before);
    expect(term.run("kubectl exec web -- sh -c 'cat /conf/level; echo; cat /etc/level; echo; ls -a /conf | grep -c ^..20'").output).toBe("info\ndebug\n1\n");
    expect(term.run("kubectl exec web -- ls /sec").output).toBe("extra\npassword\n");
    // A subPath naming no key is made an empty directory, as the kubelet's SafeMakeDir does.
    expect(term.run("kubectl exec web -- ls -ld /etc/none").output).toMatch(/^drwxr-xr-x 2 root root 4096 /);
    expect(term.run("kubectl exec web -- ls /etc/none").output).toBe("");
  });

  it("do not mount while an item names a key the source lacks", () => {
    const { term } = kubectlWorld({ seed: 3 });
    term.run(`cat > /tmp/web.yaml <<'EOF'\n${MANIFESTS.replace("data: {site:", "data: {other:")}EOF`);
    term.run("kubectl apply -f /tmp/web.yaml >/dev/null; sleep 20");
    expect(term.run("kubectl get pod web --no-headers").output).toMatch(/^web +0\/1 +ContainerCreating +0 /);
    expect(term.run("kubectl get events --field-selector reason=FailedMount -o jsonpath='{.items[0].message}'").output).toBe('MountVolume.SetUp failed for volume "conf" : configmap references non-existent config key: site');
  });
});
