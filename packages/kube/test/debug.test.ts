import { describe, expect, it } from "vitest";
import type { Pod } from "../src/api/types.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    readinessProbe:
      httpGet: {path: /, port: 80}
`;

function world() {
  const w = kubectlWorld({ seed: 3 });
  w.term.run(`cat > /tmp/web.yaml <<'EOF'\n${POD}EOF`);
  expect(w.term.run("kubectl apply -f /tmp/web.yaml && kubectl wait --for=condition=Ready pod/web --timeout=60s").status).toBe(0);
  return w;
}

describe("ephemeral containers (the pods/ephemeralcontainers subresource)", () => {
  it("run once in the pod's network namespace, targeting a container's processes, and are reported apart", () => {
    const { term, cluster } = world();
    const r = term.split("kubectl debug web --image=busybox:1.28 --target=nginx -- sh -c 'ps; wget -qO- localhost | head -1'");
    expect(r.stdout).toMatch(/^Targeting container "nginx"\. If you don't see processes from this container it may be because the container runtime doesn't support this feature\.\nDefaulting debug container name to debugger-[bcdfghjklmnpqrstvwxz2456789]{5}\.\n$/);
    expect(r.stderr).toBe('--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly specify a profile, for example "--profile=general".\n');
    term.run("sleep 10");
    const pod = cluster.api.get<Pod>("Pod", "default", "web")!;
    const name = pod.spec.ephemeralContainers![0]!.name;
    // The target's processes (nginx is PID 1 there) and the debugger's own; the page from localhost.
    const log = term.run(`kubectl logs web -c ${name}`).output;
    expect(log).toMatch(/^PID +USER +TIME +COMMAND\n +1 root +0:00 nginx: master process nginx -g daemon off;\n/);
    expect(log).toContain("sh -c ps; wget -qO- localhost | head -1\n");
    expect(log).toContain("<!DOCTYPE html>\n");
    const status = pod.status!.ephemeralContainerStatuses![0]!;
    expect(status).toMatchObject({ name, ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } });
    expect(status.started).toBeUndefined();
    // Never restarted, never counted in READY, listed in describe.
    expect(pod.status!.containerStatuses!.map((c) => c.name)).toEqual(["nginx"]);
    expect(term.run("kubectl get pod web").output).toMatch(/\nweb +1\/1 +Running +0 /);
    expect(term.run("kubectl describe pod web").output).toMatch(new RegExp(`Ephemeral Containers:\\n  ${name}:\\n    Container ID: +containerd://[0-9a-f]{64}\\n    Image: +busybox:1\\.28\\n`));
    expect(term.run("kubectl logs web").output.startsWith(`Defaulted container "nginx" out of: nginx, ${name} (ephem)\n`)).toBe(true);
  });

  it("can be added but never changed or removed, and only through the subresource", () => {
    const { term, cluster } = world();
    expect(term.run("kubectl debug web --image=busybox:1.28 -c dbg --profile=general -q -- sleep 3600").output).toBe("");
    const pod = () => cluster.api.get<Pod>("Pod", "default", "web")!;
    expect(pod().spec.ephemeralContainers![0]).toMatchObject({ name: "dbg", terminationMessagePolicy: "File", imagePullPolicy: "IfNotPresent", securityContext: { capabilities: { add: ["SYS_PTRACE"] } } });
    expect(term.run("kubectl debug web --image=busybox:1.29 -c dbg --profile=general -q").output).toBe(
      'The Pod "web" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be changed\n',
    );
    const removed = { ...pod(), spec: { ...pod().spec, ephemeralContainers: [] } };
    expect(() => cluster.api.updateEphemeralContainers(removed)).toThrow('spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed');
    const withPorts = { ...pod(), spec: { ...pod().spec, ephemeralContainers: [...pod().spec.ephemeralContainers!, { name: "p", image: "busybox", ports: [{ containerPort: 80 }], targetContainerName: "nope" }] } };
    expect(() => cluster.api.updateEphemeralContainers(withPorts)).toThrow(
      'Pod "web" is invalid: [spec.ephemeralContainers[1].targetContainerName: Not found: "nope", spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral Container]',
    );
    // A plain update may not touch them.
    const edited = { ...pod(), spec: { ...pod().spec, ephemeralContainers: [] } };
    expect(() => cluster.api.update(edited)).toThrow("pod updates may not change fields");
    expect(term.run("kubectl debug web --image=busybox:1.28 -c nginx --profile=general -q").output).toBe('The Pod "web" is invalid: spec.ephemeralContainers[1].name: Duplicate value: "nginx"\n');
  });

  it("attaches with -i: the session is the container's main process, whose exit it keeps", () => {
    const { term } = world();
    const r = term.run("printf 'hostname\\nexit 3\\n' | kubectl debug web -i --image=busybox:1.28 --profile=general -q -c dbg -- sh");
    expect(r).toEqual({ status: 0, output: "web\n" });
    expect(term.run("sleep 5; kubectl get pod web -o jsonpath='{.status.ephemeralContainerStatuses[0].state.terminated.exitCode}'").output).toBe("3");
  });
});

describe("kubectl debug --custom", () => {
  it("mounts one of the pod's volumes into the debug container, as runbooks do to clean a full disk", () => {
    const { term } = kubectlWorld({ seed: 3 });
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers:\n  - {name: c, image: "busybox:1.28", command: ["sh", "-c", "printf %02048d 0 > /data/junk; sleep 3600"], volumeMounts: [{name: data, mountPath: /data}]}\n  volumes: [{name: data, emptyDir: {}}]\n`;
    term.run(`cat > /tmp/pod.yaml <<'EOF'\n${pod}EOF`);
    term.run("printf 'volumeMounts:\\n- name: data\\n  mountPath: /mnt\\n' > /tmp/custom.yaml");
    expect(term.run("kubectl apply -f /tmp/pod.yaml && kubectl wait --for=condition=Ready pod/app --timeout=30s").status).toBe(0);
    const r = term.run("printf 'du -s /mnt/junk\\nrm /mnt/junk\\n' | kubectl debug app -i --image=busybox:1.28 --profile=general --custom=/tmp/custom.yaml -q -- sh");
    expect(r).toEqual({ status: 0, output: "4\t/mnt/junk\n" });
    expect(term.run("kubectl exec app -c c -- ls /data").output).toBe("");
  });
});

describe("kubectl debug --copy-to and node/", () => {
  it("copies a pod with a debug container, sharing one PID namespace under the pause process", () => {
    const { term, cluster } = world();
    const r = term.split("printf 'ps\\n' | kubectl debug web -i --copy-to=web-debug --image=busybox:1.28 --profile=general -c dbg -- sh");
    expect(r.stderr).toBe(
      "All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\nIf you don't see a command prompt, try pressing enter.\n",
    );
    expect(r.stdout).toMatch(/^PID +USER +TIME +COMMAND\n +1 65535 +0:00 \/pause\n +\d+ root +0:00 nginx: master process nginx -g daemon off;\n/);
    const copy = cluster.api.get<Pod>("Pod", "default", "web-debug")!;
    expect(copy.spec.shareProcessNamespace).toBe(true);
    expect(copy.metadata.labels).toBeUndefined();
    expect(copy.spec.containers.map((c) => [c.name, c.readinessProbe !== undefined, c.stdin === true])).toEqual([
      ["nginx", false, false],
      ["dbg", false, true],
    ]);
    expect(term.run("kubectl debug web --copy-to=web-2 --set-image=*=nginx:1.28 --replace --profile=general && sleep 1 && kubectl get pods -o name").output).toBe("pod/web-2\npod/web-debug\n");
    expect(cluster.api.get<Pod>("Pod", "default", "web-2")!.spec.containers[0]!.image).toBe("nginx:1.28");
  });

  it("creates a host-namespace pod on a node with its root at /host", () => {
    const { term, cluster } = kubectlWorld({ seed: 3 });
    const r = term.split("kubectl debug node/node-1 --image=busybox:1.28 --profile=sysadmin -- hostname");
    expect(r.stdout).toMatch(/^Creating debugging pod node-debugger-node-1-[bcdfghjklmnpqrstvwxz2456789]{5} with container debugger on node node-1\.\n$/);
    const pod = cluster.api.list<Pod>("Pod", "default")[0]!;
    expect(pod.metadata.labels).toEqual({ "app.kubernetes.io/managed-by": "kubectl-debug" });
    expect(pod.spec).toMatchObject({ nodeName: "node-1", restartPolicy: "Never", hostNetwork: true, hostPID: true, hostIPC: true, tolerations: [{ operator: "Exists" }] });
    expect(pod.spec.volumes![0]).toEqual({ name: "host-root", hostPath: { path: "/", type: "" } });
    expect(pod.spec.containers[0]).toMatchObject({ name: "debugger", securityContext: { privileged: true } });
    expect(pod.spec.containers[0]!.volumeMounts![0]).toEqual({ mountPath: "/host", name: "host-root" });
    term.run("sleep 10");
    expect(term.run(`kubectl logs ${pod.metadata.name}`).output).toBe("node-1\n");
  });

  it("shows a node's hostPath directories under /host, where pods on the node share them", () => {
    const { term } = kubectlWorld({ seed: 3 });
    const pod = (name: string, path: string, cmd: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  nodeName: node-1\n  containers:\n  - {name: c, image: "busybox:1.28", command: ["sh", "-c", "${cmd}"], volumeMounts: [{name: d, mountPath: /d}]}\n  volumes: [{name: d, hostPath: {path: ${path}}}]\n`;
    term.run(`cat > /tmp/pods.yaml <<'EOF'\n${pod("writer", "/var/lib/app", "mkdir -p /d/sub && echo hello > /d/sub/file; sleep 3600")}---\n${pod("reader", "/var/lib/app/sub", "sleep 5; cat /d/file; sleep 3600")}EOF`);
    expect(term.run("kubectl apply -f /tmp/pods.yaml && sleep 15 && kubectl logs reader").output).toBe("pod/writer created\npod/reader created\nhello\n");
    const r = term.run("printf 'ls /host /host/var/lib/app\\ncat /host/var/lib/app/sub/file\\n' | kubectl debug node/node-1 -i --image=busybox:1.28 --profile=sysadmin -q -- sh");
    expect(r.output).toBe("/host:\nvar\n\n/host/var/lib/app:\nsub\nhello\n");
  });

  it("sees every process on the node from a hostPID debug pod, under host pids, and can kill them", () => {
    const { term, cluster } = world();
    const node = cluster.api.get<Pod>("Pod", "default", "web")!.spec.nodeName!;
    const r = term.run(`printf 'ps\\nkill -9 $(ps | grep "nginx: master" | grep -v grep | cut -c1-5)\\n' | kubectl debug node/${node} -i --image=busybox:1.28 --profile=sysadmin -q -- sh`);
    expect(r.output).toMatch(/^PID +USER +TIME +COMMAND\n +1 root +0:00 sh\n +2 root +0:00 ps\n/);
    expect(r.output).toMatch(/\n +\d+ root +0:00 nginx: master process nginx -g daemon off;\n/);
    term.run("sleep 10");
    expect(cluster.api.get<Pod>("Pod", "default", "web")!.status!.containerStatuses![0]!.restartCount).toBe(1);
  });

  it("refuses what kubectl refuses, in its words", () => {
    const { term } = kubectlWorld({ seed: 3 });
    const err = (args: string) => term.run(`kubectl debug ${args}`).output;
    expect(err("mypod")).toBe("error: you must specify --image when not using --copy-to.\n");
    expect(err("mypod --image=busybox -t")).toBe("error: -i/--stdin is required for containers with -t/--tty=true\n");
    expect(err("mypod --image=busybox --copy-to=x --target=c")).toBe("error: --target is incompatible with --copy-to. Use --share-processes instead.\n");
    expect(err("mypod --image='Bad Image'")).toBe('error: invalid image name "Bad Image": invalid reference format\n');
    expect(err("--image=busybox")).toBe("error: NAME or filename is required for debug\n");
    expect(err("x --image=busybox --profile=foo")).toBe("error: unknown profile: foo\n");
    expect(err("x --image=busybox --replace")).toBe("error: --replace may only be used with --copy-to.\n");
    expect(err("x --copy-to=y")).toBe("error: you must specify --image, --set-image or command arguments.\n");
    expect(err("x --image=busybox --profile=general")).toBe('Error from server (NotFound): pods "x" not found\n');
    term.run(`cat > /tmp/both.yaml <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata: {name: both}\nspec:\n  hostPID: true\n  shareProcessNamespace: true\n  containers: [{name: c, image: busybox}]\nEOF`);
    expect(term.run("kubectl apply -f /tmp/both.yaml").output).toBe('The Pod "both" is invalid: spec.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled\n');
  });
});
