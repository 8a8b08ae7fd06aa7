import { describe, expect, it } from "vitest";
import type { PodDisruptionBudget, Secret, Service } from "../src/api/types.js";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

describe("kubectl create service", () => {
  it("generates the Service each subcommand describes", () => {
    const { term, cluster } = kubectlWorld({ seed: 2 });
    expect(term.run("kubectl create service clusterip my-cs --tcp=5678:8080 --dry-run=client -o yaml")).toEqual({
      status: 0,
      output:
        "apiVersion: v1\nkind: Service\nmetadata:\n  labels:\n    app: my-cs\n  name: my-cs\nspec:\n  ports:\n  - name: 5678-8080\n    port: 5678\n    protocol: TCP\n    targetPort: 8080\n  selector:\n    app: my-cs\n  type: ClusterIP\nstatus:\n  loadBalancer: {}\n",
    });
    expect(term.run("kubectl create service clusterip headless --clusterip=None")).toEqual({ status: 0, output: "service/headless created\n" });
    expect(cluster.api.get<Service>("Service", "default", "headless")!.spec).toMatchObject({ clusterIP: "None", type: "ClusterIP", selector: { app: "headless" } });
    expect(term.run("kubectl create svc nodeport web --tcp=80:http --node-port=30080")).toEqual({ status: 0, output: "service/web created\n" });
    expect(cluster.api.get<Service>("Service", "default", "web")!.spec.ports).toEqual([{ name: "80-http", port: 80, protocol: "TCP", targetPort: "http", nodePort: 30080 }]);
    expect(term.run("kubectl create service externalname ext --external-name bar.com")).toEqual({ status: 0, output: "service/ext created\n" });
    expect(term.run("kubectl create service loadbalancer lb --tcp=443 -n kube-system")).toEqual({ status: 0, output: "service/lb created\n" });
    expect(term.run("kubectl get svc headless web ext -o custom-columns=NAME:.metadata.name,TYPE:.spec.type,EXTERNAL:.spec.externalName").output).toBe(
      "NAME       TYPE           EXTERNAL\nheadless   ClusterIP      <none>\nweb        NodePort       <none>\next        ExternalName   bar.com\n",
    );
    expect(cluster.api.get<Service>("Service", "kube-system", "lb")!.spec.type).toBe("LoadBalancer");
  });

  it("refuses what ServiceOptions.Validate and parsePorts refuse, and wraps the server's errors", () => {
    const { term } = kubectlWorld({ seed: 2 });
    expect(term.run("kubectl create service nodeport x --tcp=80 --clusterip=None").output).toBe("error: unknown flag: --clusterip\nSee 'kubectl create service nodeport --help' for usage.\n");
    expect(term.run("kubectl create service clusterip x")).toEqual({ status: 1, output: "error: at least one tcp port specifier must be provided\n" });
    expect(term.run("kubectl create service externalname x")).toEqual({ status: 1, output: 'error: required flag(s) "external-name" not set\n' });
    expect(term.run("kubectl create service externalname x --external-name Bad_Name")).toEqual({ status: 1, output: "error: invalid service external name Bad_Name\n" });
    expect(term.run("kubectl create service loadbalancer x --tcp=http")).toEqual({ status: 1, output: 'error: strconv.ParseUint: parsing "http": invalid syntax\n' });
    expect(term.run("kubectl create service loadbalancer x --tcp=70000")).toEqual({ status: 1, output: 'error: strconv.ParseUint: parsing "70000": value out of range\n' });
    expect(term.run("kubectl create service loadbalancer x --tcp=80:0")).toEqual({ status: 1, output: "error: must be between 1 and 65535, inclusive\n" });
    expect(term.run("kubectl create service clusterip")).toEqual({ status: 1, output: "error: exactly one NAME is required, got 0\nSee 'kubectl create service clusterip -h' for help and examples\n" });
    expect(term.run("kubectl create service clusterip dup --tcp=80 && kubectl create service clusterip dup --tcp=80")).toEqual({
      status: 1,
      output: 'service/dup created\nerror: failed to create ClusterIP service: services "dup" already exists\n',
    });
    const group = term.split("kubectl create service");
    expect(group.status).toBe(1);
    // As kubectl 1.32 prints it (its page also has the examples and options ksim leaves out).
    expect(group.stderr).toBe(
      "Create a service using a specified subcommand.\n\nAliases:\nservice, svc\n\nAvailable Commands:\n" +
        "  clusterip      Create a ClusterIP service\n  externalname   Create an ExternalName service\n" +
        "  loadbalancer   Create a LoadBalancer service\n  nodeport       Create a NodePort service\n\n" +
        'Usage:\n  kubectl create service [flags] [options]\n\nUse "kubectl create service <command> --help" for more information about a given command.\n' +
        'Use "kubectl options" for a list of global command-line options (applies to all commands).\n',
    );
    expect(term.run("kubectl create service headless zk --tcp=2181").output).toBe("error: unknown flag: --tcp\nSee 'kubectl create service --help' for usage.\n");
    expect(term.run("kubectl create secret bogus")).toEqual({ status: 1, output: "error: unknown command \"bogus\"\nSee 'kubectl create secret -h' for help and examples\n" });
  });
});

describe("kubectl create configmap, secret and serviceaccount", () => {
  // Expected texts are what kubectl 1.32 printed for the same commands (without its `creationTimestamp: null`).
  const ENV_FILE = "printf '\\xef\\xbb\\xbf# comment\\nA=1\\n\\nB=two words\\n   C=3  \\nD\\nE=\\nG=\"q\"\\n' > e.env";

  it("reads env files as kubectl does: BOM, blanks, comments, a bare KEY from kubectl's environment", () => {
    const { term } = kubectlWorld({ seed: 3 });
    expect(term.run(ENV_FILE).status).toBe(0);
    expect(term.run("D=fromenv kubectl create configmap c --from-env-file=e.env --dry-run=client -o yaml").output).toBe(
      'apiVersion: v1\ndata:\n  A: "1"\n  B: two words\n  C: \'3  \'\n  D: fromenv\n  E: ""\n  G: \'"q"\'\nkind: ConfigMap\nmetadata:\n  name: c\n',
    );
    expect(term.run("printf 'A=1\\nexport B=2\\n' > f.env && kubectl create configmap c --from-env-file=f.env")).toEqual({
      status: 1,
      output:
        "error: \"export B\" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')\n",
    });
    expect(term.run("kubectl create secret generic s --from-env-file=e.env --from-literal=x=y").output).toBe("error: from-env-file cannot be combined with from-file or from-literal\n");
    expect(term.run("kubectl create configmap c --from-env-file=nope.env").output).toBe("error: error reading nope.env: no such file or directory\n");
  });

  it("refuses duplicate and invalid keys with each kind's own wording", () => {
    const { term } = kubectlWorld({ seed: 3 });
    expect(term.run(ENV_FILE).status).toBe(0);
    expect(term.run("kubectl create configmap c --from-env-file=e.env --from-env-file=e.env").output).toBe(
      'error: cannot add key "A", another key by that name already exists in Data for ConfigMap "c"\n',
    );
    expect(term.run("kubectl create secret generic s --from-literal=a=b --from-literal=a=c").output).toBe("error: cannot add key a, another key by that name already exists\n");
    const keyRule = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
    expect(term.run("kubectl create configmap c --from-literal='a b=1'").output).toBe(`error: "a b" is not a valid key name for a ConfigMap: ${keyRule}\n`);
    expect(term.run("kubectl create secret generic s --from-literal='a b=1'").output).toBe(`error: "a b" is not valid key name for a Secret ${keyRule}\n`);
    expect(term.run("kubectl create secret generic s --from-literal='=a'").output).toBe("error: invalid literal source =a, expected key=value\n");
  });

  it("appends kubectl's hash of the typed object with --append-hash", () => {
    const { term, cluster } = kubectlWorld({ seed: 3 });
    const name = (cmd: string) => term.run(`${cmd} --append-hash --dry-run=client -o jsonpath='{.metadata.name}'`).output;
    expect(name("kubectl create secret generic s --from-literal=a=b")).toBe("s-7fd2tm89d8");
    expect(name("kubectl create secret generic s --from-literal=a=b --type=Opaque")).toBe("s-hft88d9fbb");
    expect(name("kubectl create secret generic s")).toBe("s-6cmg28h685");
    expect(name("kubectl create configmap c --from-literal=a=b")).toBe("c-m4h6ctkgb2");
    expect(name("kubectl create configmap c")).toBe("c-94b26g54cg");
    expect(term.run("kubectl create cm c --from-literal=a=b --append-hash")).toEqual({ status: 0, output: "configmap/c-m4h6ctkgb2 created\n" });
    expect(cluster.api.get("ConfigMap", "default", "c-m4h6ctkgb2")).toBeDefined();
  });

  it("creates docker-registry secrets and service accounts", () => {
    const { term, cluster } = kubectlWorld({ seed: 3 });
    expect(term.run("kubectl create secret docker-registry reg --docker-username=u --docker-password=p --docker-email=e@x.io --dry-run=client -o yaml").output).toBe(
      "apiVersion: v1\ndata:\n  .dockerconfigjson: eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiZW1haWwiOiJlQHguaW8iLCJhdXRoIjoiZFRwdyJ9fX0=\nkind: Secret\nmetadata:\n  name: reg\ntype: kubernetes.io/dockerconfigjson\n",
    );
    expect(term.run("kubectl create secret docker-registry reg --docker-username=u")).toEqual({
      status: 1,
      output: "error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required\n",
    });
    expect(term.run("kubectl create secret docker-registry reg --docker-username=u --docker-password='p<&>' --docker-server=r.io")).toEqual({ status: 0, output: "secret/reg created\n" });
    const data = cluster.api.get<Secret>("Secret", "default", "reg")!.data![".dockerconfigjson"]!;
    expect(Buffer.from(data, "base64").toString()).toBe('{"auths":{"r.io":{"username":"u","password":"p\\u003c\\u0026\\u003e","auth":"dTpwPCY+"}}}');
    // A generator's object is typed: -o json keeps Go's field order (TypeMeta's kind first), as kubectl 1.32 printed it.
    expect(term.run("kubectl create secret generic s1 --from-literal=a=b --type=kubernetes.io/basic-auth --dry-run=client -o json").output).toBe(
      '{\n    "kind": "Secret",\n    "apiVersion": "v1",\n    "metadata": {\n        "name": "s1"\n    },\n    "data": {\n        "a": "Yg=="\n    },\n    "type": "kubernetes.io/basic-auth"\n}\n',
    );
    expect(term.run("kubectl create sa builder && kubectl get sa builder -o jsonpath='{.kind}/{.metadata.name}'")).toEqual({ status: 0, output: "serviceaccount/builder created\nServiceAccount/builder" });
    expect(term.run("kubectl create serviceaccount a b")).toEqual({ status: 1, output: "error: exactly one NAME is required, got 2\nSee 'kubectl create serviceaccount -h' for help and examples\n" });
  });
});

describe("kubectl create deployment's object under kubectl's printers", () => {
  // Every expected text is what kubectl 1.32 printed for the same command (its creationTimestamp: null aside).
  const B = "kubectl create deployment web --image=nginx:1.25 --image=redis --replicas=3 --port=80 --dry-run=client";

  it("gives jsonpath a typed object's numbers as float64, and takes --template alone as go-template", () => {
    const { term } = kubectlWorld({ seed: 9 });
    expect(term.run(`${B} -o jsonpath='{.spec.template.spec.containers[?(@.ports[0].containerPort==80)].name}'`)).toEqual({ status: 1, output: "error: error executing jsonpath \"{.spec.template.spec.containers[?(@.ports[0].containerPort==80)].name}\": Error executing template: incompatible types for comparison. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.template.spec.containers[?(@.ports[0].containerPort==80)].name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"apiVersion\":\"apps/v1\", \"kind\":\"Deployment\", \"metadata\":map[string]interface {}{\"labels\":map[string]interface {}{\"app\":\"web\"}, \"name\":\"web\"}, \"spec\":map[string]interface {}{\"replicas\":3, \"selector\":map[string]interface {}{\"matchLabels\":map[string]interface {}{\"app\":\"web\"}}, \"strategy\":map[string]interface {}{}, \"template\":map[string]interface {}{\"metadata\":map[string]interface {}{\"labels\":map[string]interface {}{\"app\":\"web\"}}, \"spec\":map[string]interface {}{\"containers\":[]interface {}{map[string]interface {}{\"image\":\"nginx:1.25\", \"name\":\"nginx\", \"ports\":[]interface {}{map[string]interface {}{\"containerPort\":80}}, \"resources\":map[string]interface {}{}}, map[string]interface {}{\"image\":\"redis\", \"name\":\"redis\", \"resources\":map[string]interface {}{}}}}}}, \"status\":map[string]interface {}{}}\n\n\n" });
    expect(term.run(`${B} -o jsonpath='{.spec.template.spec.containers[?(@.ports[0].containerPort>79)].name}'`)).toEqual({ status: 1, output: "error: error executing jsonpath \"{.spec.template.spec.containers[?(@.ports[0].containerPort>79)].name}\": Error executing template: incompatible types for comparison. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.template.spec.containers[?(@.ports[0].containerPort>79)].name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"apiVersion\":\"apps/v1\", \"kind\":\"Deployment\", \"metadata\":map[string]interface {}{\"labels\":map[string]interface {}{\"app\":\"web\"}, \"name\":\"web\"}, \"spec\":map[string]interface {}{\"replicas\":3, \"selector\":map[string]interface {}{\"matchLabels\":map[string]interface {}{\"app\":\"web\"}}, \"strategy\":map[string]interface {}{}, \"template\":map[string]interface {}{\"metadata\":map[string]interface {}{\"labels\":map[string]interface {}{\"app\":\"web\"}}, \"spec\":map[string]interface {}{\"containers\":[]interface {}{map[string]interface {}{\"image\":\"nginx:1.25\", \"name\":\"nginx\", \"ports\":[]interface {}{map[string]interface {}{\"containerPort\":80}}, \"resources\":map[string]interface {}{}}, map[string]interface {}{\"image\":\"redis\", \"name\":\"redis\", \"resources\":map[string]interface {}{}}}}}}, \"status\":map[string]interface {}{}}\n\n\n" });
    expect(term.run(`${B} --template='{{.kind}}'`)).toEqual({ status: 0, output: "Deployment" });
    expect(term.run(`${B} -o go-template='{{ .spec.template.spec.containers.name }}'`)).toEqual({ status: 1, output: "Error executing template: template: output:1:8: executing \"output\" at <.spec.template.spec.containers.name>: can't evaluate field name in type interface {}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{{ .spec.template.spec.containers.name }}\n\traw data was:\n\t\t{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.25\",\"ports\":[{\"containerPort\":80}],\"resources\":{}},{\"name\":\"redis\",\"image\":\"redis\",\"resources\":{}}]}},\"strategy\":{}},\"status\":{}}\n\tobject given to template engine was:\n\t\tmap[apiVersion:apps/v1 kind:Deployment metadata:map[labels:map[app:web] name:web] spec:map[replicas:3 selector:map[matchLabels:map[app:web]] strategy:map[] template:map[metadata:map[labels:map[app:web]] spec:map[containers:[map[image:nginx:1.25 name:nginx ports:[map[containerPort:80]] resources:map[]] map[image:redis name:redis resources:map[]]]]]] status:map[]]\n\nerror: error executing template \"{{ .spec.template.spec.containers.name }}\": template: output:1:8: executing \"output\" at <.spec.template.spec.containers.name>: can't evaluate field name in type interface {}\n" });
    expect(term.run("kubectl create deployment web --image=nginx --replicas=1000000 --dry-run=client -o jsonpath='{.spec.replicas}'").output).toBe("1e+06");
  });

  it("opens --port on the first container only, and refuses regex filters and float comparisons as kubectl does", () => {
    const { term } = kubectlWorld({ seed: 9 });
    expect(term.run(`${B} -o jsonpath='{.spec.template.spec.containers[*].ports[*].containerPort}'`).output).toBe("80");
    expect(term.run(`${B} -o jsonpath='{.spec.template.spec.containers[?(@.image=~"nginx.*")].name}'`)).toEqual({ status: 1, output: "error: error parsing jsonpath {.spec.template.spec.containers[?(@.image=~\"nginx.*\")].name}, unrecognized character in action: U+007E '~'\n" });
    expect(term.run(`${B} -o go-template='{{if gt .spec.replicas 2.0}}big{{else}}small{{end}}'`)).toEqual({ status: 1, output: "Error executing template: template: output:1:5: executing \"output\" at <gt .spec.replicas 2.0>: error calling gt: incompatible types for comparison. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{{if gt .spec.replicas 2.0}}big{{else}}small{{end}}\n\traw data was:\n\t\t{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.25\",\"ports\":[{\"containerPort\":80}],\"resources\":{}},{\"name\":\"redis\",\"image\":\"redis\",\"resources\":{}}]}},\"strategy\":{}},\"status\":{}}\n\tobject given to template engine was:\n\t\tmap[apiVersion:apps/v1 kind:Deployment metadata:map[labels:map[app:web] name:web] spec:map[replicas:3 selector:map[matchLabels:map[app:web]] strategy:map[] template:map[metadata:map[labels:map[app:web]] spec:map[containers:[map[image:nginx:1.25 name:nginx ports:[map[containerPort:80]] resources:map[]] map[image:redis name:redis resources:map[]]]]]] status:map[]]\n\nerror: error executing template \"{{if gt .spec.replicas 2.0}}big{{else}}small{{end}}\": template: output:1:5: executing \"output\" at <gt .spec.replicas 2.0>: error calling gt: incompatible types for comparison\n" });
    expect(term.run(`${B} -o go-template='{{printf "%s-%d %T" .metadata.name .spec.replicas .spec.replicas}}'`).output).toBe("web-3 int64");
    expect(term.run(`${B} -o custom-columns=NAME:.metadata.name`).output).toBe(
      'error: unable to match a printer suitable for the output format "custom-columns=NAME:.metadata.name", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n',
    );
  });
});

describe("kubectl create from files", () => {
  it("walks a directory given to -f as filepath.Walk does: a linked file is read, a linked directory is not entered", () => {
    const { term } = kubectlWorld({ seed: 4 });
    const cm = (name: string) => `printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: ${name}}\\n'`;
    expect(term.run(`mkdir -p m other && ${cm("a")} > m/a.yaml && ${cm("b")} > other/b.yaml && ${cm("c")} > other/c.yaml && ln -s ../other/b.yaml m/b.yaml && ln -s ../other m/linked`).status).toBe(0);
    expect(term.run("kubectl apply -R -f m --dry-run=client")).toEqual({ status: 0, output: "configmap/a created (dry run)\nconfigmap/b created (dry run)\n" });
  });

  it("reads directories, binary files and key=path sources, and records --save-config as kubectl 1.32 does", () => {
    const { term } = kubectlWorld({ seed: 4 });
    expect(term.run("mkdir -p cmdir/sub && printf 'a1' > cmdir/a.txt && printf 'b2\\n' > cmdir/b.conf && printf 'x' > cmdir/sub/x && printf '\\000\\001\\377' > bin.dat").status).toBe(0);
    // A link in the directory is not a regular file to os.ReadDir: it gives no key.
    expect(term.run("ln -s a.txt cmdir/link.txt").status).toBe(0);
    expect(term.run("kubectl create deployment web --image=busybox --image=nginx --dry-run=client -o yaml -- sleep 1")).toEqual({ status: 1, output: "error: cannot specify multiple --image options and command\n" });
    expect(term.run("kubectl create configmap c --from-file=cmdir --dry-run=client -o yaml")).toEqual({ status: 0, output: "apiVersion: v1\ndata:\n  a.txt: a1\n  b.conf: |\n    b2\nkind: ConfigMap\nmetadata:\n  name: c\n" });
    expect(term.run("kubectl create configmap c --from-file=bin.dat --dry-run=client -o yaml")).toEqual({ status: 0, output: "apiVersion: v1\nbinaryData:\n  bin.dat: AAH/\nkind: ConfigMap\nmetadata:\n  name: c\n" });
    expect(term.run("kubectl create configmap c --from-file=k=cmdir --dry-run=client -o yaml")).toEqual({ status: 1, output: "error: cannot give a key name for a directory path\n" });
    expect(term.run("kubectl create secret generic s --from-file=cmdir --dry-run=client -o yaml")).toEqual({ status: 0, output: "apiVersion: v1\ndata:\n  a.txt: YTE=\n  b.conf: YjIK\nkind: Secret\nmetadata:\n  name: s\n" });
    expect(term.run("kubectl create secret generic s --from-file=bin.dat --dry-run=client -o yaml")).toEqual({ status: 0, output: "apiVersion: v1\ndata:\n  bin.dat: AAH/\nkind: Secret\nmetadata:\n  name: s\n" });
    expect(term.run("kubectl create configmap c --from-file==x --dry-run=client -o yaml")).toEqual({ status: 1, output: "error: key name for file path x missing\n" });
    expect(term.run("kubectl create configmap c --from-literal=a=b --save-config --dry-run=client -o yaml")).toEqual({ status: 0, output: "apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"c\"},\"data\":{\"a\":\"b\"}}\n  name: c\n" });
  });
});

describe("kubectl create poddisruptionbudget", () => {
  it("generates a budget from a selector and a count or percentage", () => {
    const { term, cluster } = kubectlWorld({ seed: 2 });
    expect(term.run("kubectl create pdb zk-pdb --selector=app=zk --min-available=2 --dry-run=client -o yaml")).toEqual({
      status: 0,
      output:
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: zk-pdb\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels:\n      app: zk\nstatus:\n  currentHealthy: 0\n  desiredHealthy: 0\n  disruptionsAllowed: 0\n  expectedPods: 0\n",
    });
    expect(term.run("kubectl create poddisruptionbudget zk-pdb --selector=app=zk --min-available=2")).toEqual({ status: 0, output: "poddisruptionbudget.policy/zk-pdb created\n" });
    expect(term.run("kubectl create pdb web-pdb --selector='app=web,tier in (front,back),!canary' --max-unavailable=50%")).toEqual({
      status: 0,
      output: "poddisruptionbudget.policy/web-pdb created\n",
    });
    expect(cluster.api.get<PodDisruptionBudget>("PodDisruptionBudget", "default", "web-pdb")!.spec).toEqual({
      maxUnavailable: "50%",
      selector: {
        matchLabels: { app: "web" },
        matchExpressions: [
          { key: "canary", operator: "DoesNotExist" },
          { key: "tier", operator: "In", values: ["back", "front"] },
        ],
      },
    });
    expect(term.run("kubectl get pdb").output).toMatch(/^NAME +MIN AVAILABLE +MAX UNAVAILABLE +ALLOWED DISRUPTIONS +AGE\nweb-pdb +N\/A +50% +0 +\d+s\nzk-pdb +2 +N\/A +0 +\d+s\n$/);
  });

  it("refuses a budget without a selector, without or with both amounts, or with a quantity", () => {
    const { term, cluster } = kubectlWorld({ seed: 2 });
    const refused = (args: string) => term.run(`kubectl create pdb p ${args}`);
    expect(refused("--min-available=1")).toEqual({ status: 1, output: "error: a selector must be specified\n" });
    expect(refused("--selector=a=b")).toEqual({ status: 1, output: "error: one of min-available or max-unavailable must be specified\n" });
    expect(refused("--selector=a=b --min-available=1 --max-unavailable=1")).toEqual({ status: 1, output: "error: min-available and max-unavailable cannot be both specified\n" });
    expect(refused("--selector=a=b --min-available=1Gb")).toEqual({ status: 1, output: "error: invalid format specified for min-available\n" });
    expect(refused("--selector=a=b --max-unavailable=-1")).toEqual({ status: 1, output: "error: invalid format specified for max-unavailable\n" });
    expect(refused("--selector=a!=b --min-available=1")).toEqual({ status: 1, output: 'error: "!=" is not a valid label selector operator\n' });
    expect(refused("--selector='a in (' --min-available=1")).toEqual({
      status: 1,
      output: "error: couldn't parse the selector string \"a in (\": unable to parse requirement: found '', expected: ',', ')' or identifier\n",
    });
    expect(cluster.api.list("PodDisruptionBudget")).toEqual([]);
    expect(term.run("kubectl create pdb p --selector=a=b --min-available=1 && kubectl create pdb p --selector=a=b --min-available=1")).toEqual({
      status: 1,
      output: 'poddisruptionbudget.policy/p created\nerror: failed to create poddisruptionbudgets: poddisruptionbudgets.policy "p" already exists\n',
    });
  });
});

describe("kubectl delete's lines", () => {
  it("names the namespace of namespaced objects only", () => {
    const { term } = kubectlWorld({ seed: 2 });
    expect(term.run("kubectl create namespace other && kubectl create configmap c -n other && kubectl delete configmap c -n other && kubectl delete namespace other --wait=false")).toEqual({
      status: 0,
      output: 'namespace/other created\nconfigmap/c created\nconfigmap "c" deleted from other namespace\nnamespace "other" deleted\n',
    });
  });
});
