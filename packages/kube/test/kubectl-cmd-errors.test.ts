import { describe, expect, it } from "vitest";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

const SERVICE = (name: string, port: number) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
  - port: ${port}
`;

describe("kubectl's command line errors", () => {
  it("names unknown commands and flags as cobra does, with exit code 1", () => {
    const { term } = kubectlWorld({ seed: 1 });
    expect(term.run("kubectl frob")).toEqual({ status: 1, output: 'error: unknown command "frob" for "kubectl"\n' });
    // Every command within two edits, as cobra suggests them: `set` too since kubectl set is here.
    expect(term.run("kubectl gett pods")).toEqual({ status: 1, output: 'error: unknown command "gett" for "kubectl"\n\nDid you mean this?\n\tget\n\tset\n' });
    expect(term.run("kubectl list pods")).toEqual({ status: 1, output: 'error: unknown command "list" for "kubectl"\n\nDid you mean this?\n\tget\n' });
    expect(term.run("kubectl rollout stat sts/web")).toEqual({ status: 1, output: "error: unknown command \"stat sts/web\"\nSee 'kubectl rollout -h' for help and examples\n" });
    expect(term.run("kubectl get pods --bogus")).toEqual({ status: 1, output: "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n" });
    expect(term.run("kubectl get pods -x")).toEqual({ status: 1, output: "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage.\n" });
    expect(term.run("kubectl get pods -n")).toEqual({ status: 1, output: "error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage.\n" });
    expect(term.run("kubectl scale sts web --replicas=three")).toEqual({
      status: 1,
      output: 'error: invalid argument "three" for "--replicas" flag: strconv.ParseInt: parsing "three": invalid syntax\nSee \'kubectl scale --help\' for usage.\n',
    });
    expect(term.run("kubectl drain node-1 --timeout=5")).toEqual({
      status: 1,
      output: 'error: invalid argument "5" for "--timeout" flag: time: missing unit in duration "5"\nSee \'kubectl drain --help\' for usage.\n',
    });
    expect(term.run("kubectl get pods --request-timeout=soon").output).toBe(
      "error: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)\n",
    );
    expect(term.run("kubectl scale sts web")).toEqual({ status: 1, output: 'error: required flag(s) "replicas" not set\n' });
    expect(term.run("kubectl explain pods").output).toBe('error: "kubectl explain" is not available in ksim\n');
    // cluster-info's subcommand is refused; any other word is an argument cluster-info ignores, as cobra lets it.
    expect(term.run("kubectl cluster-info dump")).toEqual({ status: 1, output: 'error: "kubectl cluster-info dump" is not available in ksim\n' });
    expect(term.run("kubectl cluster-info nodes").output).toMatch(/^Kubernetes control plane is running at https:/);
  });

  it("prints help and exits 0", () => {
    const { term } = kubectlWorld({ seed: 1 });
    const root = term.run("kubectl");
    expect(root.status).toBe(0);
    expect(root.output).toContain("kubectl controls the Kubernetes cluster manager.");
    expect(root.output).toContain("  drain           Drain node in preparation for maintenance\n");
    const get = term.run("kubectl get --help");
    expect(get.status).toBe(0);
    expect(get.output.startsWith("Display one or many resources.\n\nUsage:\n  kubectl get ")).toBe(true);
    expect(term.run("kubectl help rollout").output).toContain("Available Commands:\n  history ");
  });

  it("reports what get cannot resolve", () => {
    const { term } = kubectlWorld({ seed: 1 });
    expect(term.split("kubectl get")).toEqual({
      status: 1,
      stdout: "",
      stderr:
        'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee \'kubectl get -h\' for help and examples\n',
    });
    expect(term.run("kubectl get foo")).toEqual({ status: 1, output: 'error: the server doesn\'t have a resource type "foo"\n' });
    expect(term.run("kubectl get pods pod/web-0").output).toBe(
      "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n",
    );
    expect(term.run("kubectl get pods web-0 -l app=web").output).toBe("error: name cannot be provided when a selector is specified\n");
    expect(term.run("kubectl get pods nope sts/none").status).toBe(1);
    expect(term.run("kubectl get pod/nope sts/none")).toEqual({ status: 1, output: 'Error from server (NotFound): pods "nope" not found\nError from server (NotFound): statefulsets.apps "none" not found\n' });
    expect(term.run("kubectl get pods -o wat").output).toBe(
      'error: unable to match a printer suitable for the output format "wat", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n',
    );
    expect(term.run("kubectl describe pods nope")).toEqual({ status: 1, output: 'Error from server (NotFound): pods "nope" not found\n' });
    expect(term.run("kubectl delete pods")).toEqual({ status: 1, output: "error: resource(s) were provided, but no name was specified\n" });
    expect(term.run("kubectl delete pod nope")).toEqual({ status: 1, output: 'Error from server (NotFound): pods "nope" not found\n' });
    expect(term.run("kubectl delete pod nope --ignore-not-found")).toEqual({ status: 0, output: "" });
  });

  it("applies each object on its own and reports the failures in kubectl's words", () => {
    const { term, cluster } = kubectlWorld({ seed: 1 });
    const write = (file: string, text: string) => `cat > ${file} <<'EOF'\n${text}EOF\n`;
    expect(term.run(write("bad.yaml", SERVICE("bad", 99999)) + "kubectl apply -f bad.yaml")).toEqual({
      status: 1,
      output:
        'The Service "bad" is invalid: \n* spec.ports[0].port: Invalid value: 99999: must be between 1 and 65535, inclusive\n* spec.ports[0].targetPort: Invalid value: 99999: must be between 1 and 65535, inclusive\n',
    });
    // Several failures are listed one per line, with the file they came from.
    const two = term.run(write("two.yaml", `${SERVICE("bad-a", 0)}---\n${SERVICE("good", 80)}---\n${SERVICE("bad-b", 0)}`) + "kubectl apply -f two.yaml");
    expect(two.status).toBe(1);
    expect(two.output).toBe(
      "service/good created\n" +
        'Error from server (Invalid): error when creating "two.yaml": Service "bad-a" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]\n' +
        'Error from server (Invalid): error when creating "two.yaml": Service "bad-b" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]\n',
    );
    // A document that does not parse ends the file; what came before it is applied.
    const broken = term.run(write("broken.yaml", `${SERVICE("first", 80)}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: x\n spec: {}\n`) + "kubectl apply -f broken.yaml");
    expect(broken).toEqual({ status: 1, output: "service/first created\nerror: error parsing broken.yaml: error converting YAML to JSON: yaml: line 4: did not find expected key\n" });
    expect(cluster.api.get("Service", "default", "x")).toBeUndefined();
    expect(term.run(write("nokind.yaml", "metadata:\n  name: x\n") + "kubectl apply -f nokind.yaml").output).toBe(
      'error: error validating "nokind.yaml": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false\n',
    );
    expect(term.run("kubectl apply -f nothere.yaml")).toEqual({ status: 1, output: 'error: the path "nothere.yaml" does not exist\n' });
    const start = cluster.sim.now;
    expect(term.run("kubectl apply -f https://example.com/web.yaml")).toEqual({ status: 1, output: 'error: Get "https://example.com/web.yaml": dial tcp: lookup example.com: no such host\n' });
    expect(cluster.sim.now - start).toBe(2000);
    expect(term.run("kubectl apply")).toEqual({ status: 1, output: "error: must specify one of -f and -k\n" });
    expect(term.run(write("good.yaml", SERVICE("good", 80)) + "kubectl create -f good.yaml")).toEqual({
      status: 1,
      output: 'Error from server (AlreadyExists): error when creating "good.yaml": services "good" already exists\n',
    });
    expect(term.run("kubectl apply -f good.yaml -n other")).toEqual({ status: 1, output: 'Error from server (NotFound): error when creating "good.yaml": namespaces "other" not found\n' });
    expect(term.run("kubectl create namespace other && kubectl apply -f good.yaml -n other")).toEqual({ status: 0, output: "namespace/other created\nservice/good created\n" });
  });

  it("refuses bad patches, scales, labels and waits", () => {
    const { term } = kubectlWorld({ seed: 1 });
    term.run("kubectl apply -f https://k8s.io/examples/application/web/web.yaml && kubectl rollout status sts/web");
    expect(term.run("kubectl patch sts web")).toEqual({ status: 1, output: "error: must specify --patch or --patch-file containing the contents of the patch\n" });
    expect(term.run("kubectl patch sts web --type=xml -p '{}'")).toEqual({ status: 1, output: 'error: --type must be one of [json merge strategic], not "xml"\n' });
    expect(term.run(`kubectl patch sts web --type=json -p '[{"op": "replace", "path": "/spec/nope/x", "value": 1}]'`)).toEqual({
      status: 1,
      output: "The request is invalid: : replace operation does not apply: doc is missing path: /spec/nope/x: missing value\n",
    });
    expect(term.run(`kubectl patch sts web -p '{"spec":{"replicas":-1}}'`)).toEqual({
      status: 1,
      output: 'The StatefulSet "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n',
    });
    expect(term.run("kubectl scale sts web --replicas=-1").output).toBe("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n");
    expect(term.run("kubectl scale pod web-0 --replicas=2")).toEqual({ status: 1, output: "Error from server (NotFound): the server could not find the requested resource\n" });
    expect(term.run("kubectl label pod web-0 tier=front && kubectl label pod web-0 tier=back")).toEqual({
      status: 1,
      output: "pod/web-0 labeled\nerror: 'tier' already has a value (front), and --overwrite is false\n",
    });
    expect(term.run("kubectl label pod web-0 tier=back --overwrite && kubectl label pod web-0 tier- && kubectl label pod web-0 tier-").output).toBe(
      'pod/web-0 labeled\npod/web-0 unlabeled\nlabel "tier" not found.\npod/web-0 not labeled\n',
    );
    expect(term.run("kubectl annotate sts web note=a && kubectl annotate sts web note=b")).toEqual({
      status: 1,
      output: "statefulset.apps/web annotated\nerror: --overwrite is false but found the following declared annotation(s): 'note' already has a value (a)\n",
    });
    expect(term.run("kubectl wait --for=condition=Ready pod/web-0 --timeout=5s")).toEqual({ status: 0, output: "pod/web-0 condition met\n" });
    expect(term.run("kubectl wait --for=jsonpath='{.status.phase}'=Failed pod/web-0 --timeout=5s")).toEqual({ status: 1, output: "error: timed out waiting for the condition on pods/web-0\n" });
    expect(term.run("kubectl wait --for=ready pod/web-0").output).toBe('error: unrecognized condition: "ready"\n');
    expect(term.run("kubectl rollout status pod/web-0")).toEqual({ status: 1, output: "error: no status viewer has been implemented for Pod\n" });
    expect(term.run("kubectl create job once --image=busybox:1.28 -- true >/dev/null && kubectl rollout status job/once")).toEqual({ status: 1, output: "error: no status viewer has been implemented for Job.batch\n" });
    // As with a real API server, the defaulted rollingUpdate block has to go too (kubernetes/website#47038).
    expect(term.run(`kubectl patch statefulset web -p '{"spec":{"updateStrategy":{"type":"OnDelete"}}}'`)).toEqual({
      status: 1,
      output: 'The StatefulSet "web" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: {"Partition":0,"MaxUnavailable":1}: only allowed for updateStrategy \'RollingUpdate\'\n',
    });
    expect(term.run(`kubectl patch sts web -p '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}' && kubectl rollout status sts/web`)).toEqual({
      status: 1,
      output: "statefulset.apps/web patched\nerror: rollout status is only available for RollingUpdate strategy type\n",
    });
    expect(term.run("kubectl rollout pause sts/web")).toEqual({ status: 1, output: 'error: statefulsets.apps "web" pausing is not supported\n' });
  });
});

describe("kubectl api-versions", () => {
  it("lists the group/versions the API server serves, sorted", () => {
    const { term } = kubectlWorld({ seed: 1 });
    expect(term.run("kubectl api-versions")).toEqual({ status: 0, output: "apiregistration.k8s.io/v1\napps/v1\nautoscaling/v2\nbatch/v1\ncoordination.k8s.io/v1\ndiscovery.k8s.io/v1\nevents.k8s.io/v1\nnetworking.k8s.io/v1\npolicy/v1\nrbac.authorization.k8s.io/v1\nstorage.k8s.io/v1\nv1\n" });
  });
});

describe("commands that name nothing", () => {
  it("are refused before the server is asked, in kubectl 1.32's words", () => {
    const { term } = kubectlWorld({ seed: 8 });
    expect(term.run("kubectl rollout status")).toEqual({ status: 1, output: "error: required resource not specified\n" });
    expect(term.run("kubectl rollout undo")).toEqual({ status: 1, output: "error: required resource not specified\n" });
    expect(term.run("kubectl rollout history")).toEqual({ status: 1, output: "error: required resource not specified\n" });
    expect(term.run("kubectl expose")).toEqual({ status: 1, output: "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n" });
    expect(term.run("kubectl replace")).toEqual({ status: 1, output: "error: must specify one of -f and -k\n" });
    expect(term.run("kubectl set image")).toEqual({ status: 1, output: "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n" });
  });
});
