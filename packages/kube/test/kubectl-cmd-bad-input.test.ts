import { describe, expect, it } from "vitest";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

/**
 * Bad input through the CLI, as a user types it: every command here is refused with kubectl's
 * (or the API server's) words, a non-zero exit, no stack trace, and nothing written to the store.
 */
function webWorld() {
  const world = kubectlWorld({ seed: 5 });
  expect(world.term.run("kubectl apply -f https://k8s.io/examples/application/web/web.yaml && kubectl rollout status sts/web").status).toBe(0);
  /** Runs `command` and returns what it printed, checking that it failed and changed nothing. */
  const refused = (command: string, status = 1): string => {
    const before = world.cluster.api.store.resourceVersion;
    const { status: code, output } = world.term.run(command);
    expect(code, command).toBe(status);
    expect(output, command).not.toMatch(/^\s+at /m);
    expect(world.cluster.api.store.resourceVersion, command).toBe(before);
    return output;
  };
  const write = (file: string, text: string) => expect(world.term.run(`cat > ${file} <<'EOF'\n${text}EOF`).status).toBe(0);
  return { ...world, refused, write };
}

describe("bad manifests", () => {
  it("refuses what does not parse, unknown kinds, unknown fields, missing fields and names", () => {
    const { refused, write } = webWorld();
    write("broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [\n");
    expect(refused("kubectl apply -f broken.yaml")).toBe("error: error parsing broken.yaml: error converting YAML to JSON: yaml: line 4: did not find expected ',' or ']'\n");
    expect(refused("kubectl create -f broken.yaml")).toBe("error: error parsing broken.yaml: error converting YAML to JSON: yaml: line 4: did not find expected ',' or ']'\n");
    write("kind.yaml", "apiVersion: v1\nkind: Frobnicator\nmetadata:\n  name: x\n");
    expect(refused("kubectl apply -f kind.yaml")).toBe(
      'error: resource mapping not found for name: "x" namespace: "" from "kind.yaml": no matches for kind "Frobnicator" in version "v1"\nensure CRDs are installed first\n',
    );
    write("field.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  bogus: 1\n  ports:\n  - port: 80\n");
    expect(refused("kubectl apply -f field.yaml")).toBe(
      'Error from server (BadRequest): error when creating "field.yaml": Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.bogus"\n',
    );
    write("ports.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  selector:\n    app: x\n");
    expect(refused("kubectl apply -f ports.yaml")).toBe('The Service "x" is invalid: spec.ports: Required value\n');
    write("selector.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    metadata:\n      labels:\n        app: d\n    spec:\n      containers:\n      - name: c\n        image: nginx\n");
    expect(refused("kubectl apply -f selector.yaml")).toBe(
      'The Deployment "d" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: {"app":"d"}: `selector` does not match template `labels`\n',
    );
    // apply reads the live object first; the client refuses a GET without a name.
    write("noname.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n");
    expect(refused("kubectl apply -f noname.yaml")).toBe(
      'error: error when retrieving current configuration of:\nResource: "/v1, Resource=configmaps", GroupVersionKind: "/v1, Kind=ConfigMap"\nName: "", Namespace: "default"\nfrom server for: "noname.yaml": resource name may not be empty\n',
    );
    write("value.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: 1\n");
    expect(refused("kubectl apply -f value.yaml")).toBe(
      'Error from server (BadRequest): error when creating "value.yaml": ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string\n',
    );
    expect(refused("kubectl apply -f missing.yaml")).toBe('error: the path "missing.yaml" does not exist\n');
    expect(refused("kubectl delete -f missing.yaml")).toBe('error: the path "missing.yaml" does not exist\n');
  });
});

describe("bad command lines", () => {
  it("refuses unknown flags, bad flag values and unknown resource types", () => {
    const { refused } = webWorld();
    expect(refused("kubectl delete pod web-0 --now=maybe")).toBe(
      'error: invalid argument "maybe" for "--now" flag: strconv.ParseBool: parsing "maybe": invalid syntax\nSee \'kubectl delete --help\' for usage.\n',
    );
    expect(refused("kubectl scale sts web --replica=3")).toBe("error: unknown flag: --replica\nSee 'kubectl scale --help' for usage.\n");
    expect(refused("kubectl delete pod web-0 --cascade=sideways")).toBe('error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan"\n');
    expect(refused("kubectl delete pod web-0 --dry-run=maybe")).toBe('error: Invalid dry-run value (maybe). Must be "none", "server", or "client".\n');
    expect(refused("kubectl get frobs")).toBe('error: the server doesn\'t have a resource type "frobs"\n');
    expect(refused("kubectl delete frobs x")).toBe('error: the server doesn\'t have a resource type "frobs"\n');
    expect(refused("kubectl label frobs/x a=b")).toBe('error: the server doesn\'t have a resource type "frobs"\n');
    expect(refused("kubectl get pod/web-0/x")).toBe("error: arguments in resource/name form may not have more than one slash\n");
    expect(refused("kubectl get pods --selector='app in ('")).toBe("Error from server (BadRequest): unable to parse requirement: found '', expected: ',', ')' or identifier\n");
    expect(refused("kubectl get pods --field-selector=spec.bogus=x")).toBe("Error from server (BadRequest): field label not supported: spec.bogus\n");
  });

  it("reports missing objects as the API server does", () => {
    const { refused } = webWorld();
    expect(refused("kubectl get pod nope")).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect(refused("kubectl delete sts nope")).toBe('Error from server (NotFound): statefulsets.apps "nope" not found\n');
    expect(refused("kubectl scale deploy nope --replicas=2")).toBe('Error from server (NotFound): deployments.apps "nope" not found\n');
    expect(refused(`kubectl patch sts nope -p '{"spec":{"replicas":1}}'`)).toBe('Error from server (NotFound): statefulsets.apps "nope" not found\n');
    expect(refused("kubectl rollout status sts/nope")).toBe('Error from server (NotFound): statefulsets.apps "nope" not found\n');
    expect(refused("kubectl label pod nope a=b")).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect(refused("kubectl annotate pod nope a=b")).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect(refused("kubectl exec nope -- ls")).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect(refused("kubectl cordon nope")).toBe('Error from server (NotFound): nodes "nope" not found\n');
    expect(refused("kubectl drain node/nope")).toBe('Error from server (NotFound): nodes "nope" not found\n');
  });

  it("refuses kubectl run's bad arguments with its plain errors, before creating anything", () => {
    const { refused } = webWorld();
    expect(refused("kubectl run --image=busybox")).toBe("error: NAME is required for run\n");
    expect(refused("kubectl run --image=busybox -- sh")).toBe("error: NAME is required for run\n");
    expect(refused("kubectl run x")).toBe('error: required flag(s) "image" not set\n');
    expect(refused("kubectl run x --image=busybox --restart=Sometimes")).toBe("error: invalid restart policy: Sometimes, valid values are: Always, OnFailure, Never\n");
    expect(refused("kubectl run x --image=busybox --labels=app")).toBe("error: unexpected label spec: app\n");
    expect(refused("kubectl run x --image=busybox --labels==x")).toBe("error: unexpected empty label key\n");
    expect(refused("kubectl run x --image=busybox --env=1x=y")).toBe("error: invalid env: 1x=y\n");
    expect(refused("kubectl run x --image=busybox --annotations=a --annotations=b")).toBe("error: invalid annotations format: a, b\n");
    expect(refused("kubectl run x --image=busybox --image-pull-policy=Sometimes")).toBe("error: invalid image pull policy: Sometimes\n");
    expect(refused("kubectl run x --image=busybox --port=http")).toBe("error: --port must be a number\n");
    expect(refused("kubectl run x --image=busybox -t")).toBe("error: -i/--stdin is required for containers with -t/--tty=true\n");
    expect(refused("kubectl run x --image=busybox --rm")).toBe("error: --rm should only be used for attached containers\n");
    expect(refused("kubectl run x --image=busybox -i --dry-run=server")).toBe(
      "error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\n",
    );
    // Complete's checks come before Validate's.
    expect(refused("kubectl run --image=busybox --restart=Sometimes")).toBe("error: invalid restart policy: Sometimes, valid values are: Always, OnFailure, Never\n");
    expect(refused("kubectl run x --image=busybox --pod-running-timeout=0s")).toBe("error: --pod-running-timeout must be higher than zero\n");
    expect(refused("kubectl run web-0 --image=busybox")).toBe('Error from server (AlreadyExists): pods "web-0" already exists\n');
  });

  it("refuses exec without --, and label and annotate without resources or changes", () => {
    const { refused } = webWorld();
    expect(refused("kubectl exec web-0 ls /")).toBe(
      "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n",
    );
    expect(refused("kubectl exec web-0")).toBe("error: you must specify at least one command for the container\n");
    expect(refused("kubectl label app=web")).toBe("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n");
    expect(refused("kubectl annotate note=x")).toBe("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n");
    expect(refused("kubectl label pod web-0")).toBe("error: at least one label update is required\n");
    expect(refused("kubectl label pod web-0 a=b c")).toBe("error: all resources must be specified before label changes: c\n");
    expect(refused("kubectl label pod web-0 a=b=c")).toBe("error: invalid label spec: a=b=c\n");
    expect(refused("kubectl label pod web-0 a=b a-")).toBe("error: can not both modify and remove a label in the same command\n");
    expect(refused("kubectl label pod web-0 a=-x")).toBe(
      "error: invalid label value: \"a=-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n",
    );
    expect(refused("kubectl label pod web-0 app=web")).toBe("error: 'app' already has a value (nginx), and --overwrite is false\n");
    expect(refused("kubectl label pod web-0 --list -o yaml")).toBe("error: --list and --output may not be specified together\n");
    expect(refused("kubectl label pods --all -l app=nginx a=b")).toBe("error: cannot set --all and --selector at the same time\n");
    expect(refused("kubectl label pods -l app=nginx a=b --resource-version=1")).toBe("error: --resource-version may only be used with a single resource\n");
    expect(refused("kubectl annotate pod web-0 a=1 a-")).toBe("error: can not both modify and remove the following annotation(s) in the same command: a\n");
    expect(refused("kubectl annotate pod web-0 note")).toBe("error: at least one annotation update is required\n");
  });

  it("refuses drain and cordon of what is not a node", () => {
    const { refused } = webWorld();
    expect(refused("kubectl drain pod/web-0")).toBe('error: expected resource of type node, got "/v1, Resource=pods"\n');
    expect(refused("kubectl cordon sts/web")).toBe('error: expected resource of type node, got "apps/v1, Resource=statefulsets"\n');
    expect(refused("kubectl cordon node/a/b")).toBe("error: arguments in resource/name form may not have more than one slash\n");
    expect(refused("kubectl drain")).toBe("error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n");
  });

  it("leaves the store alone in a dry run", () => {
    const { term, cluster } = webWorld();
    const before = cluster.api.store.resourceVersion;
    expect(term.run("kubectl delete pod web-0 --dry-run=server")).toEqual({ status: 0, output: 'pod "web-0" deleted from default namespace (server dry run)\n' });
    expect(term.run("kubectl delete node node-1 --dry-run=client")).toEqual({ status: 0, output: 'node "node-1" deleted (dry run)\n' });
    expect(term.run("kubectl label pod web-0 tier=front --dry-run=client")).toEqual({ status: 0, output: "pod/web-0 labeled (dry run)\n" });
    expect(term.run("kubectl create service clusterip extra --tcp=80 --dry-run=server")).toEqual({ status: 0, output: "service/extra created (server dry run)\n" });
    expect(term.run("kubectl create pdb extra --selector=app=nginx --min-available=1 --dry-run=client")).toEqual({ status: 0, output: "poddisruptionbudget.policy/extra created (dry run)\n" });
    expect(cluster.api.store.resourceVersion).toBe(before);
  });
});
