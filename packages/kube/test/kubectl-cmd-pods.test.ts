import { describe, expect, it } from "vitest";
import type { Pod, Service, StatefulSet } from "../src/api/types.js";
import { EXAMPLE_FILES } from "../src/examples/index.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

function webWorld() {
  const world = kubectlWorld({ seed: 11 });
  expect(world.term.run("kubectl apply -f https://k8s.io/examples/application/web/web.yaml && kubectl rollout status sts/web").status).toBe(0);
  return world;
}

describe("kubectl exec", () => {
  it("runs commands in the containers with kubectl's streams, stdin with -i, and the remote exit code", () => {
    const { term } = webWorld();
    expect(term.run(`for i in 0 1; do kubectl exec "web-$i" -- sh -c 'hostname'; done`)).toEqual({ status: 0, output: "web-0\nweb-1\n" });
    term.run(`for i in 0 1; do kubectl exec "web-$i" -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'; done`);
    // Without a terminal on kubectl's stdin, -t is dropped with kubectl's notice.
    expect(term.run("kubectl exec -i -t web-1 -- curl http://localhost/")).toEqual({
      status: 0,
      output: "Unable to use a TTY - input is not a terminal or the right kind of file\nweb-1\n",
    });
    expect(term.run("echo from-stdin | kubectl exec -i web-0 -- cat").output).toBe("from-stdin\n");
    expect(term.run("echo ignored | kubectl exec web-0 -- cat").output).toBe("");
    expect(term.split("kubectl exec web-0 -- sh -c 'echo out; echo err >&2; exit 3'")).toEqual({ status: 3, stdout: "out\n", stderr: "err\ncommand terminated with exit code 3\n" });
    expect(term.run("kubectl exec sts/web -- hostname").output).toBe("web-0\n");
  });

  it("gives processes runc's HOME: the image's passwd entry for the user, / for a uid it lacks, the pod's own if set", () => {
    const { term } = webWorld();
    // runc appends it after the container's environment, so env lists it last.
    expect(term.run("kubectl exec web-0 -- env | tail -n 1").output).toBe("HOME=/root\n");
    const sleeper = (name: string, flags: string) => `kubectl run ${name} --image=busybox:1.28 ${flags} -- sleep 3600 && kubectl wait --for=condition=Ready pod/${name}`;
    expect(term.run(sleeper("nobody", `--overrides='{"spec":{"securityContext":{"runAsUser":65534}}}'`)).status).toBe(0);
    expect(term.run(sleeper("stranger", `--overrides='{"spec":{"securityContext":{"runAsUser":4321}}}'`)).status).toBe(0);
    expect(term.run(sleeper("own", "--env=HOME=/data")).status).toBe(0);
    expect(term.run(`for p in nobody stranger own; do kubectl exec $p -- sh -c 'echo $HOME'; done`).output).toBe("/home\n/\n/data\n");
  });

  it("refuses the form without -- as kubectl 1.31+ does, and takes TYPE/NAME", () => {
    const { term } = webWorld();
    expect(term.split("kubectl exec web-1 hostname")).toEqual({
      status: 1,
      stdout: "",
      stderr: "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n",
    });
    expect(term.run("kubectl exec pod/web-1 -- hostname")).toEqual({ status: 0, output: "web-1\n" });
    expect(term.run("kubectl exec pod/web-1/x -- hostname")).toEqual({ status: 1, output: "error: arguments in resource/name form may not have more than one slash\n" });
  });

  it("reports missing pods, containers and commands, and a node it cannot reach", () => {
    const { term, cluster } = webWorld();
    expect(term.run("kubectl exec nope -- ls")).toEqual({ status: 1, output: 'Error from server (NotFound): pods "nope" not found\n' });
    expect(term.run("kubectl exec web-0 -c nope -- ls")).toEqual({ status: 1, output: 'error: unable to upgrade connection: container not found ("nope")\n' });
    expect(term.run("kubectl exec web-0 -- nosuch").output).toMatch(
      /^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in \$PATH: unknown\n$/,
    );
    expect(term.run("kubectl exec web-0")).toEqual({ status: 1, output: "error: you must specify at least one command for the container\n" });
    expect(term.run("kubectl exec -- ls")).toEqual({ status: 1, output: "error: pod, type/name or --filename must be specified\n" });
    const node = cluster.api.get<Pod>("Pod", "default", "web-0")!.spec.nodeName!;
    const ip = cluster.kubelets.get(node)!.nodeIp;
    cluster.crashNode(node);
    const start = cluster.sim.now;
    expect(term.run("kubectl exec web-0 -- hostname")).toEqual({ status: 1, output: `Error from server: error dialing backend: dial tcp ${ip}:10250: i/o timeout\n` });
    expect(cluster.sim.now - start).toBe(30_000);
    expect(term.run("kubectl logs web-0").output).toBe(`Error from server: Get "https://${ip}:10250/containerLogs/default/web-0/nginx": dial tcp ${ip}:10250: i/o timeout\n`);
  });
});

describe("kubectl logs", () => {
  it("prints the tail of a container's log, with timestamps on request, and follows it until the timeout", () => {
    const { term, cluster } = webWorld();
    term.run("kubectl exec web-0 -- sh -c 'echo web-0 > /usr/share/nginx/html/index.html'; for i in 1 2 3; do kubectl exec web-0 -- curl -s http://localhost/ >/dev/null; done");
    const last = term.run("kubectl logs web-0 --tail 1").output;
    expect(last).toMatch(/^127\.0\.0\.1 - - \[[^\]]+\] "GET \/ HTTP\/1\.1" 200 6 "-" "curl\/7\.88\.1"\n$/);
    expect(term.run("kubectl logs web-0 --tail=3").output.split("\n")).toHaveLength(4);
    const stamped = term.run("kubectl logs web-0 --tail 1 --timestamps").output;
    expect(stamped).toMatch(/^2024-01-01T00:00:\d\d(\.\d*[1-9])?Z 127\.0\.0\.1 /);
    expect(stamped.slice(stamped.indexOf(" ") + 1)).toBe(last);
    const start = cluster.sim.now;
    const followed = term.run("(sleep 2; kubectl exec web-0 -- curl -s http://localhost/ >/dev/null) & kubectl logs -f web-0 --tail 0 --request-timeout=5s");
    expect(followed.output).toMatch(/^127\.0\.0\.1 - - \[[^\]]+\] "GET \/ HTTP\/1\.1" 200 6 "-" "curl\/7\.88\.1"\n$/);
    expect(cluster.sim.now - start).toBe(5000);
    // Waiting for a line: grep ends at its first match, and kubectl dies of SIGPIPE with no word
    // when it writes the next one (found-3, three seconds later).
    const waited = cluster.sim.now;
    const found = term.run(`(for i in 1 2 3; do sleep 3; kubectl exec web-0 -- curl -s http://localhost/found-$i >/dev/null; done) & kubectl logs -f web-0 --tail 0 | grep -m1 -c 'found-2'; echo "\${PIPESTATUS[@]}"`);
    expect(found).toEqual({ status: 0, output: "1\n141 0\n" });
    expect(cluster.sim.now - waited).toBe(9000);
  });

  it("prefixes lines with their source, shows every container, and keeps to recent lines with --since", () => {
    const { term } = webWorld();
    term.run("kubectl exec web-0 -- curl -s http://localhost/ >/dev/null; kubectl exec web-1 -- curl -s http://localhost/ >/dev/null");
    term.run("sleep 120");
    term.run("kubectl exec web-0 -- curl -s http://localhost/nope >/dev/null");
    expect(term.run("kubectl logs web-0 --prefix --tail 1").output).toMatch(/^\[pod\/web-0\/nginx\] 127\.0\.0\.1 - - \[[^\]]+\] "GET \/nope HTTP\/1\.1" 404 /);
    // With a selector, 10 lines a pod unless --tail says otherwise.
    expect(term.run("kubectl logs -l app=nginx --prefix --tail=1").output).toMatch(/^\[pod\/web-0\/nginx\] [^\n]*\n\[pod\/web-1\/nginx\] /);
    expect(term.run("kubectl logs web-0 --since=1m").output.split("\n").filter((l) => l.startsWith("127.0.0.1"))).toEqual([expect.stringContaining("GET /nope")]);
    expect(term.run("kubectl logs web-0 --all-containers --since=1m").output).toBe(term.run("kubectl logs web-0 --since=1m").output);
    expect(term.run("kubectl logs web-0 --all-containers -c nginx")).toEqual({ status: 1, output: "error: --all-containers=true should not be specified with container name nginx\n" });
  });

  it("gives the kubelet's and kubectl's errors", () => {
    const { term } = webWorld();
    expect(term.run("kubectl logs web-0 --previous")).toEqual({ status: 1, output: 'Error from server (BadRequest): previous terminated container "nginx" in pod "web-0" not found\n' });
    expect(term.run("kubectl logs web-0 -c nope")).toEqual({ status: 1, output: "error: container nope is not valid for pod web-0\n" });
    expect(term.run("kubectl logs")).toEqual({
      status: 1,
      output: "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n",
    });
  });
});

describe("kubectl run", () => {
  it("runs busybox nslookup attached, removes the pod, and exits with the command's status", () => {
    const { term, cluster } = webWorld();
    const ip = cluster.api.get<Pod>("Pod", "default", "web-0")!.status!.podIP!;
    const run = term.run("kubectl run -i --rm --restart=Never dns-test --image=busybox:1.28 -- nslookup web-0.nginx");
    expect(run).toEqual({
      status: 0,
      output: `Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: ${ip} web-0.nginx.default.svc.cluster.local\npod "dns-test" deleted from default namespace\n`,
    });
    expect(cluster.api.get("Pod", "default", "dns-test")).toBeUndefined();
    expect(term.run("kubectl run -i --restart=Never fail --image=busybox:1.28 -- sh -c 'exit 3'")).toEqual({ status: 3, output: "pod default/fail terminated (Error)\n" });
  });

  it("patches the generated pod with --overrides: a merge patch by default, json or strategic when asked", () => {
    const { term } = kubectlWorld({ seed: 11 });
    const yaml = (flags: string) => term.run(`kubectl run bb --image=busybox:1.28 --dry-run=client -o jsonpath='{.spec.nodeName} {.spec.containers[*].name} {.spec.containers[0].resources}' ${flags}`).output;
    expect(yaml(`--overrides='{"spec":{"nodeName":"node-2"}}'`)).toBe("node-2 bb {}");
    // A merge patch replaces the containers list; a strategic one merges containers by name.
    expect(yaml(`--overrides='{"spec":{"containers":[{"name":"bb","resources":{"limits":{"cpu":"1"}}}]}}' --override-type=strategic`)).toBe(' bb {"limits":{"cpu":"1"}}');
    expect(yaml(`--overrides='[{"op":"add","path":"/spec/nodeName","value":"node-3"}]' --override-type=json`)).toBe("node-3 bb {}");
    expect(term.run("kubectl run bb --image=busybox:1.28 --overrides='{}' --override-type=yaml")).toEqual({ status: 1, output: "error: --override-type must be one of (json, merge, strategic), got 'yaml'\n" });
    expect(term.run("kubectl run bb --image=busybox:1.28 --overrides='{'")).toEqual({ status: 1, output: "error: Invalid JSON Patch\n" });
  });

  it("attaches to a running container with kubectl's notices, removes the pod before reporting its failure, and is quiet with -q", () => {
    const { term } = kubectlWorld({ seed: 11 });
    const notices =
      "All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\n" +
      "If you don't see a command prompt, try pressing enter.\n";
    expect(term.split("kubectl run -i --rm --restart=Never slow --image=busybox:1.28 -- sh -c 'sleep 5; echo done; exit 2'")).toEqual({
      status: 2,
      stdout: 'done\npod "slow" deleted from default namespace\n',
      stderr: `${notices}pod default/slow terminated (Error)\n`,
    });
    expect(term.run("kubectl run -i --rm -q --restart=Never slow --image=busybox:1.28 -- sh -c 'sleep 5; echo done'")).toEqual({ status: 0, output: "done\n" });
    // With -i, what kubectl reads goes to the container's shell until it exits.
    expect(term.split("printf 'echo hi from $(hostname)\\nexit 3\\n' | kubectl run -i --rm --restart=Never typed --image=busybox:1.28")).toEqual({
      status: 3,
      stdout: 'hi from typed\npod "typed" deleted from default namespace\n',
      stderr: `${notices}pod default/typed terminated (Error)\n`,
    });
    expect(term.run("kubectl get pods")).toEqual({ status: 0, output: "No resources found in default namespace.\n" });
  });

  it("creates a pod without -i, and refuses --rm without attaching", () => {
    const { term, cluster } = kubectlWorld({ seed: 11 });
    expect(term.run("kubectl run nginx --image=registry.k8s.io/nginx-slim:0.8 --labels=app=web -- -g 'daemon off;'")).toEqual({ status: 0, output: "pod/nginx created\n" });
    const pod = cluster.api.get<Pod>("Pod", "default", "nginx")!;
    expect(pod.metadata.labels).toEqual({ app: "web" });
    expect(pod.spec.containers[0]).toMatchObject({ name: "nginx", image: "registry.k8s.io/nginx-slim:0.8", args: ["-g", "daemon off;"] });
    expect(term.run("kubectl run x --image=busybox --rm")).toEqual({ status: 1, output: "error: --rm should only be used for attached containers\n" });
    expect(term.run("kubectl run x").output).toBe('error: required flag(s) "image" not set\n');
    expect(term.run("kubectl run --image=busybox --dry-run=client -o yaml dry").output).toBe(
      "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    run: dry\n  name: dry\nspec:\n  containers:\n  - image: busybox\n    name: dry\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Always\nstatus: {}\n",
    );
    expect(term.run("kubectl create deployment web --image=nginx:1.25 --dry-run=client -o yaml").output).toBe(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  strategy: {}\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - image: nginx:1.25\n        name: nginx\n        resources: {}\nstatus: {}\n",
    );
    expect(term.run("kubectl create deployment web --image=nginx:1.25 && kubectl get deploy web -o jsonpath='{.metadata.namespace}'").output).toBe("deployment.apps/web created\ndefault");
  });
});

describe("kubectl edit", () => {
  it("edits through KUBE_EDITOR, cancels an edit that changes nothing, and reopens an invalid one", () => {
    const { term, cluster } = webWorld();
    term.run(`printf '#!/bin/sh\\ncp "$1" /root/seen\\n' > /root/keep.sh && chmod +x /root/keep.sh`);
    expect(term.split("KUBE_EDITOR=/root/keep.sh kubectl edit sts web")).toEqual({ status: 0, stdout: "", stderr: "Edit cancelled, no changes made.\n" });
    const seen = term.run("cat /root/seen").output;
    expect(seen.startsWith("# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\napiVersion: apps/v1\nkind: StatefulSet\n")).toBe(true);
    expect(term.run(`KUBE_EDITOR="sed -i 's/replicas: 2/replicas: 3/'" kubectl edit statefulset web`)).toEqual({ status: 0, output: "statefulset.apps/web edited\n" });
    expect(cluster.api.get<StatefulSet>("StatefulSet", "default", "web")!.spec.replicas).toBe(3);
    const invalid = term.run(`KUBE_EDITOR="sed -i 's/replicas: 3/replicas: -1/'" kubectl edit sts web`);
    expect(invalid.status).toBe(1);
    expect(invalid.output).toMatch(/^error: statefulsets\.apps "web" is invalid\nA copy of your changes has been stored to "\/tmp\/kubectl-edit-\d+\.yaml"\nerror: Edit cancelled, no valid changes were saved\.\n$/);
    const kept = /"(\/tmp\/kubectl-edit-\d+\.yaml)"/.exec(invalid.output)![1]!;
    expect(term.run(`head -7 ${kept}`).output).toBe(
      "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n# statefulsets.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n",
    );
    expect(term.run("EDITOR=no-such-editor kubectl edit sts web")).toEqual({ status: 1, output: 'error: unable to launch the editor "no-such-editor"\n' });
  });
});

describe("kubectl apply -k and minikube service", () => {
  it("applies the WordPress kustomization with its hashed secret and shows the NodePort URL", () => {
    const { term, cluster } = kubectlWorld({ seed: 11 });
    const files = `cat > mysql-deployment.yaml <<'YAML'\n${EXAMPLE_FILES["application/wordpress/mysql-deployment.yaml"]}YAML\ncat > wordpress-deployment.yaml <<'YAML'\n${EXAMPLE_FILES["application/wordpress/wordpress-deployment.yaml"]}YAML\n`;
    const setup = `${files}cat <<EOF >./kustomization.yaml
secretGenerator:
- name: mysql-pass
  literals:
  - password=YOUR_PASSWORD
EOF
cat <<EOF >>./kustomization.yaml
resources:
  - mysql-deployment.yaml
  - wordpress-deployment.yaml
EOF
kubectl apply -k ./`;
    expect(term.run(setup)).toEqual({
      status: 0,
      output:
        "secret/mysql-pass-5m26tmdb5k created\nservice/wordpress created\nservice/wordpress-mysql created\npersistentvolumeclaim/mysql-pv-claim created\npersistentvolumeclaim/wp-pv-claim created\ndeployment.apps/wordpress created\ndeployment.apps/wordpress-mysql created\n",
    });
    expect(term.run("kubectl get secrets").output).toBe("NAME                    TYPE     DATA   AGE\nmysql-pass-5m26tmdb5k   Opaque   1      0s\n");
    const nodePort = cluster.api.get<Service>("Service", "default", "wordpress")!.spec.ports![0]!.nodePort;
    expect(term.run("minikube service wordpress --url")).toEqual({ status: 0, output: `http://192.168.49.2:${nodePort}\n` });
    expect(term.run("minikube service nope --url").status).toBe(115);
    expect(term.run("kubectl delete -k ./ --wait=false").output).toBe(
      'secret "mysql-pass-5m26tmdb5k" deleted from default namespace\n' +
        'service "wordpress" deleted from default namespace\n' +
        'service "wordpress-mysql" deleted from default namespace\n' +
        'persistentvolumeclaim "mysql-pv-claim" deleted from default namespace\n' +
        'persistentvolumeclaim "wp-pv-claim" deleted from default namespace\n' +
        'deployment.apps "wordpress" deleted from default namespace\n' +
        'deployment.apps "wordpress-mysql" deleted from default namespace\n',
    );
  });
});

describe("kubectl kustomize", () => {
  // The files, and what kubectl 1.32 (kustomize v5.5.0) printed for them.
  const SETUP = "cat > mysql.yaml <<'YAML'\napiVersion: v1\nkind: Service\nmetadata:\n  name: wordpress-mysql\n  labels:\n    app: wordpress\nspec:\n  ports:\n    - port: 3306\n  selector:\n    app: wordpress\n    tier: mysql\n  clusterIP: None\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: wordpress-mysql\n  labels:\n    app: wordpress\nspec:\n  selector:\n    matchLabels:\n      app: wordpress\n  template:\n    metadata:\n      labels:\n        app: wordpress\n    spec:\n      containers:\n      - image: mysql:8.0\n        name: mysql\n        env:\n        - name: MYSQL_ROOT_PASSWORD\n          valueFrom:\n            secretKeyRef:\n              name: mysql-pass\n              key: password\n        resources:\n          requests:\n            memory: 1Gi\n            cpu: \"0.5\"\nYAML\ncat <<EOF >./kustomization.yaml\nsecretGenerator:\n- name: mysql-pass\n  literals:\n  - password=YOUR_PASSWORD\nresources:\n  - mysql.yaml\ncommonLabels:\n  env: dev\nEOF\n";
  const BUILT = "apiVersion: v1\ndata:\n  password: WU9VUl9QQVNTV09SRA==\nkind: Secret\nmetadata:\n  labels:\n    env: dev\n  name: mysql-pass-5m26tmdb5k\ntype: Opaque\n---\napiVersion: v1\nkind: Service\nmetadata:\n  labels:\n    app: wordpress\n    env: dev\n  name: wordpress-mysql\nspec:\n  clusterIP: None\n  ports:\n  - port: 3306\n  selector:\n    app: wordpress\n    env: dev\n    tier: mysql\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: wordpress\n    env: dev\n  name: wordpress-mysql\nspec:\n  selector:\n    matchLabels:\n      app: wordpress\n      env: dev\n  template:\n    metadata:\n      labels:\n        app: wordpress\n        env: dev\n    spec:\n      containers:\n      - env:\n        - name: MYSQL_ROOT_PASSWORD\n          valueFrom:\n            secretKeyRef:\n              key: password\n              name: mysql-pass-5m26tmdb5k\n        image: mysql:8.0\n        name: mysql\n        resources:\n          requests:\n            cpu: \"0.5\"\n            memory: 1Gi\n";

  it("prints the built resources as kubectl's kustomize does, or writes them with -o", () => {
    const { term } = kubectlWorld({ seed: 12 });
    expect(term.run(SETUP).status).toBe(0);
    expect(term.split("kubectl kustomize ./")).toEqual({ status: 0, stdout: BUILT, stderr: "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize edit fix' to update your Kustomization automatically.\n" });
    expect(term.run("kubectl kustomize -o built.yaml 2>/dev/null && cat built.yaml")).toEqual({ status: 0, output: BUILT });
    expect(term.run("kubectl kustomize a b")).toEqual({ status: 1, output: "error: specify one path to kustomization.yaml\n" });
    expect(term.run("mkdir empty && kubectl kustomize empty")).toEqual({
      status: 1,
      output: `error: unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${term.run("pwd").output.trim()}/empty'\n`,
    });
  });
});

describe("kubectl events", () => {
  it("lists the namespace's events oldest first, for one object or type, with kubectl's columns", () => {
    const { cluster, term } = kubectlWorld({ seed: 61 });
    expect(term.run("kubectl run web --image=registry.k8s.io/nginx-slim:0.8 && kubectl run bad --image=nope/nope:1").status).toBe(0);
    cluster.run(60_000);
    const all = term.split("kubectl events").stdout.trimEnd().split("\n");
    expect(all[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(all.slice(1).some((l) => /\sNormal\s+Started\s+Pod\/web\s+Started container web$/.test(l))).toBe(true);
    const warnings = term.split("kubectl events --for pod/bad --types=Warning").stdout.trimEnd().split("\n").slice(1);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((l) => /^\S+( \(x\d+ over \S+\))?\s+Warning\s+\S+\s+Pod\/bad\s/.test(l))).toBe(true);
    expect(term.split("kubectl events -n empty")).toEqual({ status: 0, stdout: "", stderr: "No events found in empty namespace.\n" });
  });
});

describe("kubectl port-forward", () => {
  it("carries the workstation's local port to the pod behind a service, and says so per connection", () => {
    const { term } = kubectlWorld({ seed: 62 });
    const service = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 8000, targetPort: 80}]}\n";
    expect(term.run(`kubectl create deployment web --image=registry.k8s.io/nginx-slim:0.8 && cat > svc.yaml <<'EOF'\n${service}EOF\nkubectl apply -f svc.yaml && kubectl rollout status deploy/web`).status).toBe(0);
    const forwarding = term.background("kubectl port-forward svc/web 8080:8000");
    const page = term.split("sleep 1; curl -s localhost:8080");
    expect(page.stdout).toContain("<title>Welcome to nginx!</title>");
    expect(forwarding.text()).toBe("Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\nHandling connection for 8080\n");
    // Nothing listens on 81 in the pod: the connection is reset and kubectl says why.
    const refused = term.background("kubectl port-forward deploy/web 9090:81");
    expect(term.run("sleep 1; curl -s localhost:9090").status).toBe(56);
    expect(refused.text()).toContain("error: an error occurred forwarding 9090 -> 81: failed to connect to localhost:81 inside the pod: connection refused\n");
    expect(term.run("kubectl port-forward deploy/web")).toEqual({ status: 1, output: "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n" });
  });
});

describe("kubectl cp", () => {
  it("copies files and directories out of a pod through tar, byte for byte", () => {
    const { term, cluster, workstation } = webWorld();
    const root = { uid: 0, gid: 0 };
    const web0 = cluster.podWorker("default", "web-0")!.instance("nginx")!.fs.view(root);
    web0.mkdir("/var/lib/data/version-2", { recursive: true });
    web0.writeFile("/var/lib/data/myid", "1\n");
    web0.writeFile("/var/lib/data/version-2/snapshot.0", new Uint8Array([0, 255, 128, 10, 200]));
    expect(term.split("kubectl cp web-0:/var/lib/data/myid myid")).toEqual({ status: 0, stdout: "tar: Removing leading `/' from member names\n", stderr: "" });
    expect(term.run("cat myid").output).toBe("1\n");
    expect(term.run("kubectl cp web-0:/var/lib/data backup && ls -R backup").output).toBe(
      "tar: Removing leading `/' from member names\nbackup:\nmyid\nversion-2\n\nbackup/version-2:\nsnapshot.0\n",
    );
    const local = workstation.fs.view(root);
    expect([...local.readFile(`${workstation.cwd}/backup/version-2/snapshot.0`)]).toEqual([0, 255, 128, 10, 200]);
  });

  it("copies local files into a pod, into a directory under the file's own name", () => {
    const { term } = webWorld();
    expect(term.run("echo local > notes.txt && kubectl cp notes.txt web-1:/tmp && kubectl cp notes.txt web-1:/tmp/renamed.txt")).toEqual({ status: 0, output: "" });
    expect(term.run("kubectl exec web-1 -- cat /tmp/notes.txt /tmp/renamed.txt").output).toBe("local\nlocal\n");
    expect(term.run("mkdir -p site/css && echo page > site/index.html && echo x > site/css/a.css && kubectl cp site web-1:/usr/share/nginx/html/site").status).toBe(0);
    expect(term.run("kubectl exec web-1 -- cat /usr/share/nginx/html/site/index.html /usr/share/nginx/html/site/css/a.css").output).toBe("page\nx\n");
  });

  it("fails in upstream's words", () => {
    const { term } = webWorld();
    // Exit status 0 although tar failed, as upstream (kubernetes/kubectl#980).
    expect(term.split("kubectl cp web-0:/nope here")).toEqual({
      status: 0,
      stdout: "tar: Removing leading `/' from member names\ntar: /nope: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n",
      stderr: "",
    });
    expect(term.split("echo x > f && kubectl cp f web-0:/etc/passwd/f")).toEqual({
      status: 2,
      stdout: "",
      stderr: "tar: /etc/passwd: Cannot open: Not a directory\ntar: Error is not recoverable: exiting now\ncommand terminated with exit code 2\n",
    });
    expect(term.run("kubectl cp nope.txt web-0:/tmp")).toEqual({ status: 1, output: "error: nope.txt doesn't exist in local filesystem\n" });
    expect(term.run("kubectl cp a b").output).toBe("error: one of src or dest must be a remote file specification\n");
    expect(term.run("kubectl cp web-0:/a web-1:/b").output).toBe("error: one of src or dest must be a local file specification\n");
    expect(term.run("kubectl cp web-0:/a").output).toBe("error: source and destination are required\n");
    expect(term.run("kubectl cp :/a b").output).toBe("error: filespec must match the canonical format: [[namespace/]pod:]file/path\n");
    expect(term.run("kubectl cp web-9:/a b").output).toBe('Error from server (NotFound): pods "web-9" not found\n');
  });
});
