import { describe, expect, it } from "vitest";
import type { ConfigMap, KubeObject, Pod, PodSpec, Service, StatefulSet } from "../src/api/types.js";
import { kubectlWorld, watchRows } from "./kubectl-cmd-helpers.js";

const WEB = "https://k8s.io/examples/application/web/web.yaml";

/** The StatefulSet tutorial's cluster, web.yaml applied and both pods Ready. */
function webWorld() {
  const world = kubectlWorld({ seed: 7 });
  expect(world.term.run(`kubectl apply -f ${WEB} && kubectl rollout status sts/web`).status).toBe(0);
  return world;
}

describe("kubectl apply, get and delete on the StatefulSet tutorial", () => {
  it("creates from the bundled URL, then reports unchanged and configured through the last-applied merge", () => {
    const { term, cluster } = kubectlWorld({ seed: 7 });
    expect(term.run(`kubectl apply -f ${WEB}`)).toEqual({ status: 0, output: "service/nginx created\nstatefulset.apps/web created\n" });
    // The API server defaults the claim templates (volumeMode, status); the list has no merge key,
    // so kubectl sends it again and says "configured" (kubernetes/kubernetes#66450).
    expect(term.run(`kubectl apply -f ${WEB}`)).toEqual({ status: 0, output: "service/nginx unchanged\nstatefulset.apps/web configured\n" });
    const edited = term.run(`cat > web.yaml <<'EOF'
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.8
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
EOF
kubectl apply -f web.yaml --dry-run=server && kubectl apply -f web.yaml`);
    expect(edited).toEqual({ status: 0, output: "statefulset.apps/web configured (server dry run)\nstatefulset.apps/web configured\n" });
    expect(cluster.api.get<StatefulSet>("StatefulSet", "default", "web")!.spec.replicas).toBe(3);
  });

  it("watches pods come up in order, one row per change, as the tutorial's first terminal shows", () => {
    const { term, cluster } = kubectlWorld({ seed: 7 });
    const watch = term.background("kubectl get pods --watch -l app=nginx");
    term.run(`kubectl apply -f ${WEB}`);
    cluster.run(30_000);
    const text = watch.text();
    expect(text.split("\n")[0]).toBe("NAME    READY   STATUS    RESTARTS   AGE");
    const rows = watchRows(text);
    // web-1 is created only once web-0 is Running and Ready.
    expect(rows.indexOf("web-1 0/1 Pending")).toBeGreaterThan(rows.indexOf("web-0 1/1 Running"));
    expect(new Set(rows)).toEqual(new Set(["web-0 0/1 Pending", "web-0 0/1 ContainerCreating", "web-0 1/1 Running", "web-1 0/1 Pending", "web-1 0/1 ContainerCreating", "web-1 1/1 Running"]));
    // Rows printed later keep the columns of the header printed first (the widths never shrink).
    expect(text).toMatch(/\nweb-1   1\/1     Running             0          \d+s\n$/);
  });

  it("prints tables, single fields and the not-found errors of get", () => {
    const { term } = webWorld();
    expect(term.run("kubectl get service nginx").output).toMatch(/^NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT\(S\)   AGE\nnginx   ClusterIP   None         <none>        80\/TCP    \d+s\n$/);
    expect(term.run("kubectl get statefulset web").output).toMatch(/^NAME   READY   AGE\nweb    2\/2     \d+s\n$/);
    expect(term.run("for p in 0 1; do kubectl get pod \"web-$p\" --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'; echo; done").output).toBe(
      "registry.k8s.io/nginx-slim:0.8\nregistry.k8s.io/nginx-slim:0.8\n",
    );
    expect(term.run("kubectl get pod web-0 -o=jsonpath='{.spec.hostname}'").output).toBe("web-0");
    expect(term.run("kubectl get pods,svc -l app=nginx -o name").output).toBe("pod/web-0\npod/web-1\nservice/nginx\n");
    expect(term.split("kubectl get pods web-0 nope")).toMatchObject({ status: 1, stderr: 'Error from server (NotFound): pods "nope" not found\n' });
    expect(term.split("kubectl get pods web-0 nope").stdout).toMatch(/^NAME    READY   STATUS    RESTARTS   AGE\nweb-0   1\/1     Running   0          \d+s\n$/);
    expect(term.split("kubectl get pods -l app=none")).toEqual({ status: 0, stdout: "", stderr: "No resources found in default namespace.\n" });
    expect(term.split("kubectl get pv -l app=none")).toEqual({ status: 0, stdout: "", stderr: "No resources found\n" });
    expect(term.split("kubectl get pod nope --ignore-not-found")).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it("ends a foreground watch at --request-timeout, or once the objects have been quiet for a while", () => {
    const { term, cluster } = webWorld();
    let start = cluster.sim.now;
    const timed = term.run("kubectl get pods -l app=nginx -w --request-timeout=5s --output-watch-events");
    expect(timed.output).toMatch(/^EVENT      NAME    READY   STATUS    RESTARTS   AGE\nADDED      web-0   1\/1     Running   0          \d+s\nADDED      web-1   1\/1     Running   0          \d+s\n$/);
    expect(cluster.sim.now - start).toBe(5000);
    start = cluster.sim.now;
    const quiet = term.run("kubectl get pod web-0 -w -o name");
    expect(quiet).toEqual({ status: 0, output: "pod/web-0\n" });
    expect(cluster.sim.now - start).toBe(60_000);
  });

  it("prints one object bare and several as a List, and describes by name prefix", () => {
    const { term } = webWorld();
    expect(term.run("kubectl get pod web-0 -o yaml").output).toMatch(/^apiVersion: v1\nkind: Pod\nmetadata:\n/);
    expect(term.run("kubectl get pods -o yaml").output).toMatch(/^apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n[^]*\nkind: List\nmetadata:\n  resourceVersion: ""\n$/);
    expect(term.run("kubectl get all").output).toMatch(/^NAME        READY   STATUS    RESTARTS   AGE\npod\/web-0   1\/1     Running   0          \d+s\npod\/web-1   1\/1     Running   0          \d+s\n\nNAME                 TYPE        CLUSTER-IP/);
    const described = term.run("kubectl describe pods web").output;
    expect(described.match(/^Name: {13}web-\d$/gm)).toEqual(["Name:             web-0", "Name:             web-1"]);
    expect(term.run("kubectl describe sts web").output).toMatch(/^Name:               web\nNamespace:          default\n/);
  });

  it("deletes by label and waits until the pods are gone; --cascade=orphan leaves the pods running", () => {
    const { term, cluster } = webWorld();
    const uid = cluster.api.get<Pod>("Pod", "default", "web-0")!.metadata.uid;
    expect(term.run("kubectl delete pod -l app=nginx")).toEqual({ status: 0, output: 'pod "web-0" deleted from default namespace\npod "web-1" deleted from default namespace\n' });
    // kubectl returned only once the old pods were gone; the StatefulSet brings them back.
    expect(cluster.api.get<Pod>("Pod", "default", "web-0")?.metadata.uid).not.toBe(uid);
    term.run("kubectl rollout status sts/web");
    expect(term.run("kubectl delete statefulset web --cascade=orphan")).toEqual({ status: 0, output: 'statefulset.apps "web" deleted from default namespace\n' });
    expect(cluster.api.get("StatefulSet", "default", "web")).toBeUndefined();
    expect(term.run("kubectl get pods -l app=nginx -o name").output).toBe("pod/web-0\npod/web-1\n");
    expect(term.run("kubectl delete pod web-0 && kubectl get pods -l app=nginx -o name").output).toBe('pod "web-0" deleted from default namespace\npod/web-1\n');
    expect(term.run(`kubectl apply -f ${WEB}`).output).toBe("service/nginx unchanged\nstatefulset.apps/web created\n");
    expect(term.run("kubectl delete pods -l app=none").output).toBe("No resources found\n");
    expect(term.run("kubectl delete pod web-1 --force")).toEqual({
      status: 0,
      output: 'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\npod "web-1" force deleted from default namespace\n',
    });
    expect(term.run(`kubectl delete -f ${WEB} && kubectl delete -f ${WEB}`)).toEqual({
      status: 1,
      output:
        'service "nginx" deleted from default namespace\nstatefulset.apps "web" deleted from default namespace\n' +
        `Error from server (NotFound): error when deleting "${WEB}": services "nginx" not found\nError from server (NotFound): error when deleting "${WEB}": statefulsets.apps "web" not found\n`,
    });

  });

  it("scales with scale and patch, and rollout status follows the pods with a line per change", () => {
    const { term, cluster } = webWorld();
    const scaled = term.run("kubectl scale sts web --replicas=5 && kubectl rollout status sts/web");
    const lines = scaled.output.split("\n");
    expect(lines[0]).toBe("statefulset.apps/web scaled");
    expect(lines).toContain("Waiting for 3 pods to be ready...");
    expect(lines).toContain("Waiting for 1 pods to be ready...");
    expect(lines[lines.length - 2]).toBe("partitioned roll out complete: 5 new pods have been updated...");
    expect(term.run(`kubectl patch sts web -p '{"spec":{"replicas":3}}'`).output).toBe("statefulset.apps/web patched\n");
    expect(term.run(`kubectl patch sts web -p '{"spec":{"replicas":3}}'`).output).toBe("statefulset.apps/web patched (no change)\n");
    expect(term.run("kubectl scale statefulset/web --replicas=4 --dry-run=client").output).toBe("statefulset.apps/web scaled (dry run)\n");
    expect(cluster.api.get<StatefulSet>("StatefulSet", "default", "web")!.spec.replicas).toBe(3);
  });

  it("rolls an image update out in reverse order, then shows and undoes the history", () => {
    const { term, cluster } = webWorld();
    const update = term.run(
      `kubectl patch statefulset web --type='json' -p='[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"gcr.io/google_containers/nginx-slim:0.8"}]' && kubectl rollout status sts/web`,
    );
    const lines = update.output.trimEnd().split("\n");
    expect(lines[0]).toBe("statefulset.apps/web patched");
    expect(lines).toContain("Waiting for partitioned roll out to finish: 0 out of 2 new pods have been updated...");
    expect(lines).toContain("Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...");
    expect(lines).toContain("Waiting for 1 pods to be ready...");
    expect(lines[lines.length - 1]).toBe("partitioned roll out complete: 2 new pods have been updated...");
    expect(term.run("kubectl rollout history sts/web").output).toBe("statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n");
    expect(term.run("kubectl rollout history sts/web --revision=2").output).toContain("statefulset.apps/web with revision #2\nPod Template:\n");
    expect(term.split("kubectl rollout history sts/web --revision=9")).toMatchObject({ status: 1, stderr: "error: unable to find the specified revision\n" });
    expect(term.run("kubectl rollout undo sts/web && kubectl rollout status sts/web >/dev/null && kubectl rollout history sts/web").output).toBe(
      "statefulset.apps/web rolled back\nstatefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n",
    );
    expect(cluster.api.get<Pod>("Pod", "default", "web-0")!.spec.containers[0]!.image).toBe("registry.k8s.io/nginx-slim:0.8");
    expect(term.run("kubectl rollout undo sts/web --to-revision=3").output).toBe("statefulset.apps/web skipped rollback (current template already matches revision 3)\n");
    expect(term.run("kubectl rollout restart sts/web").output).toBe("statefulset.apps/web restarted\n");
  });

  it("records the command with the deprecated --record, as RecordFlags does, for the history's CHANGE-CAUSE", () => {
    const { term } = kubectlWorld({ seed: 7 });
    const deprecated = "Flag --record has been deprecated, --record will be removed in the future\n";
    expect(term.run("kubectl create deployment web --image=nginx:1.24 && kubectl rollout status deploy/web").status).toBe(0);
    expect(term.split("kubectl set image deploy/web nginx=nginx:1.25 --record")).toEqual({ status: 0, stdout: "deployment.apps/web image updated\n", stderr: deprecated });
    expect(term.run("kubectl rollout status deploy/web >/dev/null && kubectl rollout history deploy/web").output).toBe(
      "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image deploy/web nginx=nginx:1.25 --record=true\n\n",
    );
    // The cause lists the flags as given, by their long names; scale records it in a patch of its own.
    expect(term.split("kubectl scale -n default deploy web --replicas=3 --record")).toEqual({ status: 0, stdout: "deployment.apps/web scaled\n", stderr: deprecated });
    expect(term.run("kubectl get deploy web -o jsonpath='{.metadata.annotations.kubernetes\\.io/change-cause}'").output).toBe(
      "kubectl scale deploy web --namespace=default --replicas=3 --record=true",
    );
    // apply records before the last-applied annotation is made, so that holds the cause too.
    term.run("kubectl create deployment api --image=nginx --dry-run=client -o yaml > /tmp/api.yaml");
    expect(term.run("kubectl apply -f /tmp/api.yaml --record").status).toBe(0);
    expect(term.run("kubectl get deploy api -o jsonpath='{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}'").output).toContain(
      '"annotations":{"kubernetes.io/change-cause":"kubectl apply --filename=/tmp/api.yaml --record=true"}',
    );
    // set env never had the flag.
    expect(term.run("kubectl set env deploy/web A=b --record").output).toBe("error: unknown flag: --record\nSee 'kubectl set env --help' for usage.\n");
    const cause = (what: string) => term.run(`kubectl get ${what} -o jsonpath='{.metadata.annotations.kubernetes\\.io/change-cause}'`).output;
    term.run("kubectl label deploy web tier=front --record");
    expect(cause("deploy/web")).toBe("kubectl label deploy web tier=front --record=true");
    term.run(`kubectl patch deploy web -p '{"spec":{"replicas":2}}' --record`);
    expect(cause("deploy/web")).toBe('kubectl patch deploy web --patch={"spec":{"replicas":2}} --record=true');
    term.run("kubectl expose deploy web --port=80 --record");
    expect(cause("svc/web")).toBe("kubectl expose deploy web --port=80 --record=true");
    term.run("kubectl run one --image=busybox --record -- sleep 1000");
    expect(cause("pod/one")).toBe("kubectl run one sleep 1000 --image=busybox --record=true");
    expect(term.split('KUBE_EDITOR="sed -i s/replicas:\\ 2/replicas:\\ 1/" kubectl edit deploy web --record')).toEqual({ status: 0, stdout: "deployment.apps/web edited\n", stderr: deprecated });
    expect(cause("deploy/web")).toBe("kubectl edit deploy web --record=true");
  });

  it("takes the rolling-update branch of rollout status when RollingUpdate has no rollingUpdate block", () => {
    const { term, cluster } = webWorld();
    cluster.api.mutate<StatefulSet>("StatefulSet", "default", "web", (s) => {
      s.spec.updateStrategy = { type: "RollingUpdate" };
    });
    term.run("kubectl rollout status sts/web");
    const out = term.run(`kubectl patch sts web --type=merge -p '{"spec":{"template":{"metadata":{"labels":{"tier":"web"}}}}}' && kubectl rollout status sts/web`).output;
    const revision = cluster.api.get<StatefulSet>("StatefulSet", "default", "web")!.status!.updateRevision!;
    expect(revision).toMatch(/^web-[4-9bcdf]{1,10}$/);
    const lines = out.trimEnd().split("\n");
    expect(lines).toContain(`waiting for statefulset rolling update to complete 0 pods at revision ${revision}...`);
    expect(lines).toContain(`waiting for statefulset rolling update to complete 1 pods at revision ${revision}...`);
    expect(lines[lines.length - 1]).toBe(`statefulset rolling update complete 2 pods at revision ${revision}...`);
  });
});

describe("kubectl on a DaemonSet manifest", () => {
  const MANIFEST = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: registry.k8s.io/nginx-slim:0.8
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
`;

  it("applies it with the server's defaults, then gets, lists under all and describes it", () => {
    const { term } = kubectlWorld({ seed: 7 });
    expect(term.run(`cat > ds.yaml <<'EOF'\n${MANIFEST}EOF\nkubectl apply -f ds.yaml`)).toEqual({ status: 0, output: "daemonset.apps/fluentd-elasticsearch created\n" });
    expect(term.run("kubectl apply -f ds.yaml")).toEqual({ status: 0, output: "daemonset.apps/fluentd-elasticsearch unchanged\n" });
    const fields = "{.metadata.generation} {.metadata.annotations.deprecated\\.daemonset\\.template\\.generation} {.spec.updateStrategy} {.spec.revisionHistoryLimit}";
    expect(term.run(`kubectl get ds fluentd-elasticsearch -o jsonpath='${fields}'`).output).toBe('1 1 {"rollingUpdate":{"maxSurge":0,"maxUnavailable":1},"type":"RollingUpdate"} 10');
    expect(term.run("kubectl get daemonsets").output).toMatch(
      /^NAME {20}DESIRED {3}CURRENT {3}READY {3}UP-TO-DATE {3}AVAILABLE {3}NODE SELECTOR {3}AGE\nfluentd-elasticsearch {3}\d +\d +\d +\d +\d +<none> +\d+s\n$/,
    );
    const all = term.run("kubectl get all").output;
    expect(all.indexOf("\ndaemonset.apps/fluentd-elasticsearch ")).toBeGreaterThan(all.indexOf("\nservice/kubernetes "));
    expect(term.run("kubectl describe ds fluentd-elasticsearch").output).toMatch(
      /^Name: {11}fluentd-elasticsearch\nNamespace: {6}default\nSelector: {7}name=fluentd-elasticsearch\nNode-Selector: {2}<none>\nLabels: {9}k8s-app=fluentd-logging\nAnnotations: {4}deprecated\.daemonset\.template\.generation: 1\nDesired Number of Nodes Scheduled: \d+\n/,
    );
  });

  it("refuses unknown fields, other restart policies and a changed selector", () => {
    const { term } = kubectlWorld({ seed: 7 });
    const write = (file: string, text: string) => expect(term.run(`cat > ${file} <<'EOF'\n${text}EOF`).status).toBe(0);
    write("replicas.yaml", MANIFEST.replace("spec:\n  selector:", "spec:\n  replicas: 2\n  selector:"));
    expect(term.run("kubectl apply -f replicas.yaml")).toEqual({
      status: 1,
      output: 'Error from server (BadRequest): error when creating "replicas.yaml": DaemonSet in version "v1" cannot be handled as a DaemonSet: strict decoding error: unknown field "spec.replicas"\n',
    });
    write("restart.yaml", MANIFEST.replace("      terminationGracePeriodSeconds: 30\n", "      terminationGracePeriodSeconds: 30\n      restartPolicy: OnFailure\n"));
    expect(term.run("kubectl apply -f restart.yaml")).toEqual({
      status: 1,
      output: 'The DaemonSet "fluentd-elasticsearch" is invalid: spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"\n',
    });
    write("ds.yaml", MANIFEST);
    expect(term.run("kubectl apply -f ds.yaml").status).toBe(0);
    expect(term.run(`kubectl patch ds fluentd-elasticsearch --type=merge -p '{"spec":{"selector":{"matchLabels":{"tier":"log"}},"template":{"metadata":{"labels":{"tier":"log"}}}}}'`)).toEqual({
      status: 1,
      output: 'The DaemonSet "fluentd-elasticsearch" is invalid: spec.selector: Invalid value: {"matchLabels":{"name":"fluentd-elasticsearch","tier":"log"}}: field is immutable\n',
    });
  });
});

describe("kubectl set image", () => {
  it("rolls a Deployment to a new image and back, the old ReplicaSet becoming the newest revision again", () => {
    const { term } = kubectlWorld({ seed: 71 });
    expect(term.run("kubectl create deployment web --image=registry.k8s.io/nginx-slim:0.8 --replicas=2 && kubectl rollout status deploy/web").status).toBe(0);
    expect(term.run("kubectl set image deployment/web nginx-slim=registry.k8s.io/nginx-slim:0.9")).toEqual({ status: 0, output: "deployment.apps/web image updated\n" });
    expect(term.run("kubectl rollout status deploy/web").status).toBe(0);
    // The same image again is no change at all.
    expect(term.run("kubectl set image deployment/web nginx-slim=registry.k8s.io/nginx-slim:0.9")).toEqual({ status: 0, output: "" });
    expect(term.run("kubectl set image deploy web '*=registry.k8s.io/nginx-slim:0.8' && kubectl rollout status deploy/web").status).toBe(0);
    expect(term.run("kubectl rollout history deploy/web").output).toBe("deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n");
    expect(term.run("kubectl get deploy web -o jsonpath='{.metadata.annotations.deployment\\.kubernetes\\.io/revision}'").output).toBe("3");
    expect(term.run("kubectl set image deployment/web nope=x:1")).toEqual({ status: 1, output: 'error: unable to find container named "nope"\n' });
    expect(term.run("kubectl set image deployment/web")).toEqual({ status: 1, output: "error: at least one image update is required\n" });
    expect(term.run("kubectl set image deployments a=b")).toEqual({ status: 1, output: "error: resource(s) were provided, but no name was specified\n" });
    expect(term.run("kubectl create configmap cfg --from-literal=a=1 >/dev/null && kubectl set image cm/cfg x=y")).toEqual({
      status: 1,
      output: "error: configmaps/cfg the object is not a pod or does not have a pod template: *v1.ConfigMap\n",
    });
  });
});

describe("kubectl expose", () => {
  it("makes a Service from what a Deployment or pod selects, on the ports given or declared", () => {
    const { cluster, term } = kubectlWorld({ seed: 72 });
    expect(term.run("kubectl create deployment web --image=registry.k8s.io/nginx-slim:0.8 --port=80")).toMatchObject({ status: 0 });
    expect(term.run("kubectl expose deployment web --port=8000 --target-port=80")).toEqual({ status: 0, output: "service/web exposed\n" });
    expect(term.run("kubectl expose deploy/web --name=web2 --type=NodePort")).toEqual({ status: 0, output: "service/web2 exposed\n" });
    const web = cluster.api.get<Service>("Service", "default", "web")!;
    expect(web.spec.selector).toEqual({ app: "web" });
    expect(web.spec.ports).toMatchObject([{ port: 8000, targetPort: 80, protocol: "TCP" }]);
    expect(cluster.api.get<Service>("Service", "default", "web2")!.spec).toMatchObject({ type: "NodePort", ports: [{ port: 80, targetPort: 80 }] });
    expect(term.run("kubectl run lone --image=busybox:1.28 -- sleep 1000 && kubectl expose pod lone")).toEqual({
      status: 1,
      output: "pod/lone created\nerror: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples\n",
    });
    expect(term.run("kubectl create statefulset x --image=y 2>/dev/null; kubectl apply -f - <<'EOF'\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec: {serviceName: db, selector: {matchLabels: {app: db}}, template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: busybox:1.28}]}}}\nEOF\nkubectl expose sts/db --port=1").output).toContain("error: cannot expose a StatefulSet.apps\n");
  });
});

describe("kubectl replace", () => {
  it("replaces objects whole from a file, recreates them with --force, and refuses what does not exist", () => {
    const { cluster, term } = kubectlWorld({ seed: 73 });
    expect(term.run("kubectl create configmap cfg --from-literal=a=1 --from-literal=b=2").status).toBe(0);
    const uid = cluster.api.get("ConfigMap", "default", "cfg")!.metadata.uid;
    expect(term.run("cat > new.yaml <<'EOF'\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"9\"\nEOF\nkubectl replace -f new.yaml")).toEqual({ status: 0, output: "configmap/cfg replaced\n" });
    const replaced = cluster.api.get<ConfigMap>("ConfigMap", "default", "cfg")!;
    expect(replaced.data).toEqual({ a: "9" });
    expect(replaced.metadata.uid).toBe(uid);
    expect(term.run("kubectl replace -f new.yaml --force")).toEqual({ status: 0, output: 'configmap "cfg" deleted from default namespace\nconfigmap/cfg replaced\n' });
    expect(cluster.api.get("ConfigMap", "default", "cfg")!.metadata.uid).not.toBe(uid);
    expect(term.run("sed 's/name: cfg/name: nope/' new.yaml > nope.yaml && kubectl replace -f nope.yaml")).toEqual({
      status: 1,
      output: 'Error from server (NotFound): error when replacing "nope.yaml": configmaps "nope" not found\n',
    });
  });
});

describe("kubectl label, annotate, patch and set image --local", () => {
  it("change the -f objects and print them without the server, as kubectl 1.32 does", () => {
    const { term, cluster } = kubectlWorld({ seed: 6 });
    expect(term.run(`cat > dep.yaml <<'EOF'\n${"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.25\n        ports:\n        - containerPort: 80\n        env:\n        - name: A\n          value: \"1\"\n      - name: side\n        image: busybox\n"}EOF`).status).toBe(0);
    expect(term.run("kubectl label --local -f dep.yaml tier=front -o yaml")).toEqual({ status: 0, output: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n    tier: front\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - env:\n        - name: A\n          value: \"1\"\n        image: nginx:1.25\n        name: nginx\n        ports:\n        - containerPort: 80\n      - image: busybox\n        name: side\n" });
    expect(term.run("kubectl label --local -f dep.yaml app- -o yaml")).toEqual({ status: 0, output: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels: {}\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - env:\n        - name: A\n          value: \"1\"\n        image: nginx:1.25\n        name: nginx\n        ports:\n        - containerPort: 80\n      - image: busybox\n        name: side\n" });
    expect(term.run("kubectl label --local -f dep.yaml app=x -o yaml")).toEqual({ status: 1, output: "error: 'app' already has a value (web), and --overwrite is false\n" });
    expect(term.run("kubectl set image --local -f dep.yaml nginx=nginx:1.26 -o yaml")).toEqual({ status: 0, output: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  strategy: {}\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - env:\n        - name: A\n          value: \"1\"\n        image: nginx:1.26\n        name: nginx\n        ports:\n        - containerPort: 80\n        resources: {}\n      - image: busybox\n        name: side\n        resources: {}\nstatus: {}\n" });
    expect(term.run("kubectl set image --local -f dep.yaml nope=x -o yaml")).toEqual({ status: 1, output: "error: unable to find container named \"nope\"\n" });
    expect(term.run("kubectl patch --local -f dep.yaml -p '{\"spec\":{\"replicas\":5}}' -o yaml")).toEqual({ status: 0, output: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 5\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - env:\n        - name: A\n          value: \"1\"\n        image: nginx:1.25\n        name: nginx\n        ports:\n        - containerPort: 80\n      - image: busybox\n        name: side\n" });
    expect(term.run("kubectl patch --local -f dep.yaml --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":7}]' -o yaml")).toEqual({ status: 0, output: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 7\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - env:\n        - name: A\n          value: \"1\"\n        image: nginx:1.25\n        name: nginx\n        ports:\n        - containerPort: 80\n      - image: busybox\n        name: side\n" });
    expect(term.run("kubectl patch --local -f dep.yaml -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:2\"}]}}}}' -o yaml")).toEqual({ status: 0, output: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - env:\n        - name: A\n          value: \"1\"\n        image: nginx:2\n        name: nginx\n        ports:\n        - containerPort: 80\n      - image: busybox\n        name: side\n" });
    expect(term.run("kubectl label --local -f dep.yaml tier=front")).toEqual({ status: 0, output: "deployment.apps/web labeled\n" });
    expect(term.run("kubectl annotate --local -f dep.yaml a=b -o name")).toEqual({ status: 0, output: "deployment.apps/web\n" });
    expect(cluster.api.get("Deployment", "default", "web")).toBeUndefined();
  });
});

describe("kubectl set selector", () => {
  const SVC = "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  selector:\n    app: nginx\n  ports:\n  - port: 80\n";
  const DEP = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n";

  it("sets a Service's selector from equality requirements, as kubectl 1.32 does (every expected text is its output)", () => {
    const { term } = kubectlWorld({ seed: 6 });
    expect(term.run(`cat > svc.yaml <<'EOF'\n${SVC}EOF\ncat > dep.yaml <<'EOF'\n${DEP}EOF`).status).toBe(0);
    const typed = (selector: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  ports:\n  - port: 80\n    targetPort: 0\n${selector}status:\n  loadBalancer: {}\n`;
    expect(term.run("kubectl set selector --local -f svc.yaml 'env=a,env=b' -o yaml")).toEqual({ status: 0, output: typed("  selector:\n    env: b\n") });
    expect(term.run("kubectl set selector --local -f svc.yaml '' -o yaml")).toEqual({ status: 0, output: typed("") });
    expect(term.run("kubectl set selector --local -f svc.yaml -f svc.yaml a= -o yaml")).toEqual({ status: 0, output: `${typed('  selector:\n    a: ""\n')}---\n${typed('  selector:\n    a: ""\n')}` });
    expect(term.run("kubectl set selector --local -f svc.yaml a=b --resource-version=5 -o jsonpath='{.metadata.resourceVersion} {.spec.selector}'")).toEqual({ status: 0, output: '5 {"a":"b"}' });
    expect(term.run("kubectl set selector --local -f svc.yaml x=1 --dry-run=server")).toEqual({ status: 0, output: "service/nginx selector updated (server dry run)\n" });
    expect(term.run("kubectl set selector --local -f dep.yaml -f svc.yaml x=1 -o name")).toEqual({ status: 1, output: "service/nginx\nerror: setting a selector is only supported for Services\n" });
    expect(term.run("kubectl set selector --local -f svc.yaml 'env=prod,tier in (b,a)'")).toEqual({ status: 1, output: "error: match expression [{tier In [a b]}] not supported on this object\n" });
    expect(term.run("kubectl set selector --local -f svc.yaml '!env'")).toEqual({ status: 1, output: "error: match expression [{env DoesNotExist []}] not supported on this object\n" });
    expect(term.run("kubectl set selector --local -f svc.yaml 'env!=prod'")).toEqual({ status: 1, output: 'error: "!=" is not a valid label selector operator\n' });
    expect(term.run("kubectl set selector --local -f svc.yaml 'env>3'")).toEqual({ status: 1, output: 'error: "gt" isn\'t supported in label selectors\n' });
    expect(term.run("kubectl set selector --local -f svc.yaml 'A b'")).toEqual({ status: 1, output: 'error: couldn\'t parse the selector string "A b": unable to parse requirement: found \'b\', expected: in, notin, =, ==, !=, gt, lt\n' });
    expect(term.run("kubectl set selector --local -f svc.yaml")).toEqual({ status: 1, output: "error: one selector is required\n" });
    expect(term.run("kubectl set selector --local svc/nginx x=1")).toEqual({ status: 1, output: "error: you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n" });
    expect(term.run("kubectl set selector x=1").output).toMatch(/^error: You must provide one or more resources by argument or filename\./);
  });

  it("writes through the server, where the endpoints follow the new selector and a stale --resource-version conflicts", () => {
    const { term, cluster } = kubectlWorld({ seed: 6 });
    expect(term.run("kubectl create deployment web --image=registry.k8s.io/nginx-slim:0.8 --replicas=2 >/dev/null && kubectl expose deployment web --port=80 >/dev/null && kubectl rollout status deployment/web >/dev/null").status).toBe(0);
    const addresses = () => (cluster.api.get<KubeObject & { subsets?: { addresses?: unknown[] }[] }>("Endpoints", "default", "web")!.subsets ?? []).flatMap((s) => s.addresses ?? []).length;
    expect(addresses()).toBe(2);
    expect(term.run("kubectl set selector svc web app=nothing && sleep 1")).toEqual({ status: 0, output: "service/web selector updated\n" });
    expect(cluster.api.get<Service>("Service", "default", "web")!.spec.selector).toEqual({ app: "nothing" });
    expect(addresses()).toBe(0);
    expect(term.run("kubectl set selector svc/web app=web --resource-version=1")).toEqual({
      status: 1,
      output: 'Error from server (Conflict): Operation cannot be fulfilled on services "web": the object has been modified; please apply your changes to the latest version and try again\n',
    });
    expect(term.run("kubectl set selector deployment/web app=web")).toEqual({ status: 1, output: "error: setting a selector is only supported for Services\n" });
    expect(term.run("kubectl set selector svc/web app=web && sleep 1")).toEqual({ status: 0, output: "service/web selector updated\n" });
    expect(addresses()).toBe(2);
  });
});

describe("kubectl set env, resources and serviceaccount", () => {
  it("change pod templates as kubectl 1.32 does (every expected text is its output)", () => {
    const { term } = kubectlWorld({ seed: 6 });
    expect(term.run(`cat > dep.yaml <<'EOF'\n${"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.25\n        ports:\n        - containerPort: 80\n        env:\n        - name: A\n          value: \"1\"\n      - name: side\n        image: busybox\n"}EOF`).status).toBe(0);
    expect(term.run("kubectl set env --local -f dep.yaml B=2 -o yaml")).toEqual({ status: 0, output: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  strategy: {}\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - env:\n        - name: A\n          value: \"1\"\n        - name: B\n          value: \"2\"\n        image: nginx:1.25\n        name: nginx\n        ports:\n        - containerPort: 80\n        resources: {}\n      - env:\n        - name: B\n          value: \"2\"\n        image: busybox\n        name: side\n        resources: {}\nstatus: {}\n" });
    expect(term.run("kubectl set env --local -f dep.yaml A- -o yaml")).toEqual({ status: 0, output: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  strategy: {}\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - image: nginx:1.25\n        name: nginx\n        ports:\n        - containerPort: 80\n        resources: {}\n      - image: busybox\n        name: side\n        resources: {}\nstatus: {}\n" });
    expect(term.run("kubectl set env --local -f dep.yaml --list")).toEqual({ status: 0, output: "# Deployment web, container nginx\nA=1\n# Deployment web, container side\n" });
    expect(term.run("kubectl set env --local -f dep.yaml A=9 --overwrite=false")).toEqual({ status: 1, output: "error: deployment.apps/web\n 'A' already has a value (1), and --overwrite is false\n" });
    expect(term.run("kubectl set env --local -f dep.yaml -e C=3 D=4 -o jsonpath={.spec.template.spec.containers[*].env}")).toEqual({ status: 0, output: "[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"C\",\"value\":\"3\"},{\"name\":\"D\",\"value\":\"4\"}] [{\"name\":\"C\",\"value\":\"3\"},{\"name\":\"D\",\"value\":\"4\"}]" });
    expect(term.run("kubectl set env --local -f dep.yaml 1X=2")).toEqual({ status: 1, output: "error: \"1X\" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')\n" });
    expect(term.run("kubectl set env --local -f dep.yaml A=1 -c nope")).toEqual({ status: 0, output: "Warning: Deployment/web does not have any containers matching \"nope\"\n" });
    expect(term.run("kubectl set env --local -f dep.yaml A=1 A-")).toEqual({ status: 1, output: "error: can not both modify and remove the same environment variable in the same command\n" });
    expect(term.run("kubectl set env --local -f dep.yaml B=2 --list")).toEqual({ status: 0, output: "# Deployment web, container nginx\nA=1\nB=2\n# Deployment web, container side\nB=2\n" });
    expect(term.run("kubectl set resources --local -f dep.yaml --limits=cpu=200m,memory=512Mi -o yaml")).toEqual({ status: 0, output: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  strategy: {}\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - env:\n        - name: A\n          value: \"1\"\n        image: nginx:1.25\n        name: nginx\n        ports:\n        - containerPort: 80\n        resources:\n          limits:\n            cpu: 200m\n            memory: 512Mi\n      - image: busybox\n        name: side\n        resources:\n          limits:\n            cpu: 200m\n            memory: 512Mi\nstatus: {}\n" });
    expect(term.run("kubectl set resources --local -f dep.yaml")).toEqual({ status: 1, output: "error: you must specify an update to requests or limits (in the form of --requests/--limits)\n" });
    expect(term.run("kubectl set resources --local -f dep.yaml --limits=cpu=2 -c nope")).toEqual({ status: 1, output: "error: unable to find container named nope\n" });
    expect(term.run("kubectl set resources --local -f dep.yaml --limits=cpu=abc")).toEqual({ status: 1, output: "error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n" });
    expect(term.run("kubectl set resources --local -f dep.yaml --limits=cpu")).toEqual({ status: 1, output: "error: Invalid argument syntax cpu, expected <resource>=<value>\n" });
    expect(term.run("kubectl set resources --local -f dep.yaml --limits=cpu=1.5,memory=1000M -o jsonpath={.spec.template.spec.containers[0].resources}")).toEqual({ status: 0, output: "{\"limits\":{\"cpu\":\"1500m\",\"memory\":\"1G\"}}" });
    expect(term.run("kubectl set serviceaccount --local -f dep.yaml robot")).toEqual({ status: 0, output: "deployment.apps/web serviceaccount updated\n" });
  });

  it("write the live objects through the server", () => {
    const { term, cluster } = kubectlWorld({ seed: 6 });
    expect(term.run("kubectl create deployment web --image=registry.k8s.io/nginx-slim:0.8 >/dev/null").status).toBe(0);
    expect(term.run("kubectl set env deploy/web MODE=blue && kubectl set resources deploy/web --limits=memory=256Mi && kubectl set sa deploy/web robot")).toEqual({
      status: 0,
      output: "deployment.apps/web env updated\ndeployment.apps/web resource requirements updated\ndeployment.apps/web serviceaccount updated\n",
    });
    const spec = cluster.api.get<{ spec: { template: { spec: PodSpec } } } & KubeObject>("Deployment", "default", "web")!.spec.template.spec;
    expect(spec.containers[0]!.env).toEqual([{ name: "MODE", value: "blue" }]);
    expect(spec.containers[0]!.resources).toEqual({ limits: { memory: "256Mi" } });
    expect(spec.serviceAccountName).toBe("robot");
    expect(term.run("kubectl set env deploy/web --list")).toEqual({ status: 0, output: "# Deployment web, container nginx-slim\nMODE=blue\n" });
  });
});
