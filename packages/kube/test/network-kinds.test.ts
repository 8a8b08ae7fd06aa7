import { describe, expect, it } from "vitest";
import { kubectlWorld, type Terminal } from "./kubectl-cmd-helpers.js";

/** A HorizontalPodAutoscaler for the \`web\` Deployment, as charts write it. */
const HPA = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 5
`;

/** An app's upstream manifests: its Ingress (no controller runs, so no address) and a NetworkPolicy. */
const MANIFEST = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  tls:
  - hosts: [web.example.com]
    secretName: web-tls
  rules:
  - host: web.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
      - path: /api
        pathType: Exact
        backend:
          service:
            name: api
            port:
              name: http
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except: [172.17.1.0/24]
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - port: 5978
`;

function withFile(term: Terminal, path: string, text: string): void {
  expect(term.run(`cat > ${path} <<'EOF'\n${text}EOF`).status).toBe(0);
}

describe("networking.k8s.io/v1 kinds", () => {
  it("applies an Ingress and a NetworkPolicy and shows them as kubectl does", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    expect(term.run("kubectl create deployment web --image=nginx && kubectl expose deployment web --port=80 && sleep 20").status).toBe(0);
    withFile(term, "/tmp/app.yaml", MANIFEST);
    expect(term.run("kubectl apply -f /tmp/app.yaml")).toEqual({
      status: 0,
      output: "ingress.networking.k8s.io/web created\nnetworkpolicy.networking.k8s.io/db created\n",
    });
    expect(term.run("kubectl get ingress").output).toBe("NAME   CLASS   HOSTS             ADDRESS   PORTS     AGE\nweb    nginx   web.example.com             80, 443   0s\n");
    expect(term.run("kubectl describe ing web").output).toBe(
      "Name:             web\nLabels:           <none>\nNamespace:        default\nAddress:          \nIngress Class:    nginx\nDefault backend:  <default>\n" +
        "TLS:\n  web-tls terminates web.example.com\nRules:\n" +
        "  Host             Path  Backends\n  ----             ----  --------\n  web.example.com  \n" +
        "                   /      web:80 (10.244.0.2:80)\n" +
        '                   /api   api:http (<error: services "api" not found>)\n' +
        "Annotations:       <none>\nEvents:            <none>\n",
    );
    expect(term.run("kubectl get netpol").output).toBe("NAME   POD-SELECTOR   AGE\ndb     role=db        0s\n");
    // The port's protocol is defaulted to TCP.
    expect(term.run("kubectl get networkpolicy db -o jsonpath='{.spec.egress[0].ports}'").output).toBe('[{"port":5978,"protocol":"TCP"}]');
    expect(term.run("kubectl describe networkpolicy db").output).toBe(
      "Name:         db\nNamespace:    default\nCreated on:   2024-01-01 00:00:20 +0000 UTC\nLabels:       <none>\nAnnotations:  <none>\nSpec:\n" +
        "  PodSelector:     role=db\n  Allowing ingress traffic:\n    To Port: 6379/TCP\n" +
        "    From:\n      IPBlock:\n        CIDR: 172.17.0.0/16\n        Except: 172.17.1.0/24\n" +
        "    From:\n      NamespaceSelector: project=myproject\n    From:\n      PodSelector: role=frontend\n" +
        "  Allowing egress traffic:\n    To Port: 5978/TCP\n    To:\n      IPBlock:\n        CIDR: 10.0.0.0/24\n        Except: \n" +
        "  Policy Types: Ingress, Egress\n",
    );
  });

  it("refuses what the API server refuses, in its words", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    withFile(
      term,
      "/tmp/bad.yaml",
      `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: bad
spec:
  rules:
  - host: 1.2.3.4
    http:
      paths:
      - path: /
        backend:
          service:
            name: web
            port:
              number: 80
      - path: x
        pathType: Prefix
        backend:
          service:
            name: Web
      - path: /a
        pathType: Regex
        backend:
          service:
            name: web
            port:
              number: 70000
`,
    );
    expect(term.run("kubectl apply -f /tmp/bad.yaml")).toEqual({
      status: 1,
      output:
        'The Ingress "bad" is invalid: \n' +
        '* spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address\n' +
        "* spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified\n" +
        '* spec.rules[0].http.paths[1].path: Invalid value: "x": must be an absolute path\n' +
        '* spec.rules[0].http.paths[1].backend.service.name: Invalid value: "Web": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')\n' +
        "* spec.rules[0].http.paths[1].backend: Required value: port name or number is required\n" +
        '* spec.rules[0].http.paths[2].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"\n' +
        "* spec.rules[0].http.paths[2].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive\n",
    });
    withFile(term, "/tmp/empty.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: empty\nspec: {}\n");
    expect(term.run("kubectl apply -f /tmp/empty.yaml").output).toBe('The Ingress "empty" is invalid: spec: Invalid value: null: either `defaultBackend` or `rules` must be specified\n');
    withFile(
      term,
      "/tmp/np.yaml",
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: bad
spec:
  podSelector: {}
  policyTypes: [Ingress, Sideways]
  ingress:
  - from:
    - {}
    - ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}
      podSelector: {}
    ports:
    - port: http
      endPort: 90
`,
    );
    expect(term.run("kubectl apply -f /tmp/np.yaml").output).toBe(
      'The NetworkPolicy "bad" is invalid: \n' +
        "* spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric\n" +
        "* spec.ingress[0].from[0]: Required value: must specify a peer\n" +
        '* spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`\n' +
        "* spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer\n" +
        '* spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"\n',
    );
    expect(term.run("kubectl get ingress,networkpolicy").output).toBe("No resources found in default namespace.\n");
  });

  it("creates ingresses as kubectl 1.32 does (without the creationTimestamp: null 1.35 no longer prints)", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    expect(
      term.run(
        'kubectl create ingress simple --rule="foo.com/bar=svc1:8080,tls=my-cert" --rule="foo.com/admin*=svcadmin:http" --rule="/x=a:1" --class=nginx --annotation a=b --default-backend=def:80 --dry-run=client -o yaml',
      ).output,
    ).toBe(
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  annotations:\n    a: b\n  name: simple\nspec:\n  defaultBackend:\n    service:\n      name: def\n      port:\n        number: 80\n" +
        "  ingressClassName: nginx\n  rules:\n  - host: foo.com\n    http:\n      paths:\n      - backend:\n          service:\n            name: svc1\n            port:\n              number: 8080\n        path: /bar\n        pathType: Exact\n" +
        "      - backend:\n          service:\n            name: svcadmin\n            port:\n              name: http\n        path: /admin\n        pathType: Prefix\n" +
        "  - http:\n      paths:\n      - backend:\n          service:\n            name: a\n            port:\n              number: 1\n        path: /x\n        pathType: Exact\n" +
        "  tls:\n  - hosts:\n    - foo.com\n    secretName: my-cert\nstatus:\n  loadBalancer: {}\n",
    );
    expect(term.run("kubectl create ingress x")).toEqual({
      status: 1,
      output:
        "error: not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)\n",
    });
    expect(term.run("kubectl create ingress x --rule=foo")).toEqual({ status: 1, output: "error: rule foo is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]\n" });
    expect(term.run("kubectl create ingress web --rule=/=web:80")).toEqual({ status: 0, output: "ingress.networking.k8s.io/web created\n" });
    expect(term.run("kubectl get ing").output).toBe("NAME   CLASS    HOSTS   ADDRESS   PORTS   AGE\nweb    <none>   *                 80      0s\n");
  });
});

describe("autoscaling/v2 HorizontalPodAutoscaler", () => {
  it("defaults a chart's HPA and refuses bad ones in the API server's words", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    withFile(term, "/tmp/hpa.yaml", HPA.replace("  minReplicas: 2\n", ""));
    expect(term.run("kubectl apply -f /tmp/hpa.yaml").output).toBe("horizontalpodautoscaler.autoscaling/web created\n");
    // minReplicas 1 and the CPU 80% metric; the target does not exist, so no replicas are known.
    expect(term.run("kubectl get hpa").output).toBe(
      "NAME   REFERENCE        TARGETS              MINPODS   MAXPODS   REPLICAS   AGE\nweb    Deployment/web   cpu: <unknown>/80%   1         5         0          0s\n",
    );
    expect(term.run("kubectl get hpa web -o jsonpath='{.spec.metrics}'").output).toBe('[{"resource":{"name":"cpu","target":{"averageUtilization":80,"type":"Utilization"}},"type":"Resource"}]');
    expect(term.run("sleep 1; kubectl get hpa web -o jsonpath='{.status.conditions[0].message}'").output).toBe(
      'the HPA controller was unable to get the target\'s current scale: deployments.apps "web" not found',
    );
    withFile(
      term,
      "/tmp/bad.yaml",
      'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: bad\nspec:\n  scaleTargetRef:\n    kind: ""\n    name: web\n  minReplicas: 0\n  maxReplicas: 0\n  metrics:\n  - type: Resource\n',
    );
    expect(term.run("kubectl apply -f /tmp/bad.yaml").output).toBe(
      'The HorizontalPodAutoscaler "bad" is invalid: \n' +
        "* spec.minReplicas: Invalid value: 0: must be greater than or equal to 1\n" +
        "* spec.maxReplicas: Invalid value: 0: must be greater than 0\n" +
        "* spec.scaleTargetRef.kind: Required value\n" +
        "* spec.metrics[0].resource: Required value: must populate information for the given metric source\n",
    );
    withFile(
      term,
      "/tmp/behavior.yaml",
      "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: bad\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n  behavior:\n    scaleUp:\n      tolerance: '-0.1'\n    scaleDown:\n      stabilizationWindowSeconds: 4000\n      policies:\n      - {type: Pod, value: 0, periodSeconds: 1801}\n",
    );
    expect(term.run("kubectl apply -f /tmp/behavior.yaml").output).toBe(
      'The HorizontalPodAutoscaler "bad" is invalid: \n' +
        '* spec.behavior.scaleUp.tolerance: Invalid value: "-100m": must be greater or equal to zero\n' +
        "* spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600\n" +
        '* spec.behavior.scaleDown.policies[0].type: Unsupported value: "Pod": supported values: "Percent", "Pods"\n' +
        "* spec.behavior.scaleDown.policies[0].value: Invalid value: 0: must be greater than zero\n" +
        "* spec.behavior.scaleDown.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800\n",
    );
  });

  it("refuses an explicitly empty list of scaling policies, which Go keeps through defaulting", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    const hpa = (policies: string) =>
      `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 60${policies}\n`;
    withFile(term, "/tmp/empty.yaml", hpa("\n      policies: []"));
    expect(term.run("kubectl apply -f /tmp/empty.yaml").output).toBe(
      'The HorizontalPodAutoscaler "web" is invalid: spec.behavior.scaleDown.policies: Required value: must specify at least one Policy\n',
    );
    // Left out, the policies are defaulted (GenerateHPAScaleDownRules).
    withFile(term, "/tmp/absent.yaml", hpa(""));
    expect(term.run("kubectl apply -f /tmp/absent.yaml").status).toBe(0);
    expect(term.run("kubectl get hpa web -o jsonpath='{.spec.behavior.scaleDown.policies}'").output).toBe('[{"periodSeconds":15,"type":"Percent","value":100}]');
  });

  it("checks Pods, Object and External metric sources as validateMetricSpec does: the first source present", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    withFile(
      term,
      "/tmp/custom.yaml",
      "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: bad\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n  metrics:\n" +
        "  - type: Pods\n    pods:\n      metric: {name: ''}\n      target: {type: Value, value: '10'}\n" +
        "  - type: Object\n    object:\n      describedObject: {kind: Ingress, name: ''}\n      metric: {name: a/b}\n      target: {type: Value}\n" +
        "  - type: External\n    external:\n      metric: {name: queue}\n      target: {type: Value, value: '1', averageValue: '2'}\n" +
        "  - type: Pods\n    external:\n      metric: {name: queue}\n      target: {type: AverageValue}\n",
    );
    expect(term.run("kubectl apply -f /tmp/custom.yaml").output).toBe(
      'The HorizontalPodAutoscaler "bad" is invalid: \n' +
        "* spec.metrics[0].pods.metric.name: Required value: must specify a metric name\n" +
        "* spec.metrics[0].pods.target.averageValue: Required value: must specify a positive target averageValue\n" +
        "* spec.metrics[1].object.describedObject.name: Required value\n" +
        "* spec.metrics[1].object.metric.name: Invalid value: \"a/b\": may not contain '/'\n" +
        "* spec.metrics[1].object.target.averageValue: Required value: must set either a target value or averageValue\n" +
        "* spec.metrics[2].external.target.value: Forbidden: may not set both a target value for metric and a per-pod target\n" +
        "* spec.metrics[3].external.target.averageValue: Required value: must set either a target value for metric or a per-pod target\n" +
        "* spec.metrics[3].pods: Required value: must populate information for the given metric source\n" +
        "* spec.metrics[3].external: Forbidden: must populate the given metric source only\n",
    );
  });

  it("fails Pods, Object and External metrics as a cluster without custom or external metrics adapters does", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    expect(term.run("kubectl create deployment web --image=nginx --replicas=2").status).toBe(0);
    withFile(
      term,
      "/tmp/custom.yaml",
      "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n  metrics:\n" +
        "  - type: Pods\n    pods:\n      metric: {name: packets-per-second}\n      target: {type: AverageValue, averageValue: 1k}\n" +
        "  - type: Object\n    object:\n      describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main-route}\n      metric: {name: requests-per-second}\n      target: {type: AverageValue, averageValue: 10k}\n" +
        "  - type: External\n    external:\n      metric:\n        name: queue_messages_ready\n        selector:\n          matchLabels: {queue: worker_tasks}\n          matchExpressions: [{key: tier, operator: In, values: [a, b]}]\n      target: {type: Value, value: '30'}\n",
    );
    expect(term.run("kubectl apply -f /tmp/custom.yaml && sleep 5").status).toBe(0);
    expect(term.run("kubectl get hpa").output).toBe(
      "NAME   REFERENCE        TARGETS                                         MINPODS   MAXPODS   REPLICAS   AGE\n" +
        "web    Deployment/web   <unknown>/1k, <unknown>/10k (avg) + 1 more...   1         5         2          5s\n",
    );
    const noCustom = "unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered";
    const pods = `unable to get metric packets-per-second: ${noCustom}`;
    const object = `unable to get metric requests-per-second: Ingress on default main-route/${noCustom}`;
    const external =
      "unable to get external metric default/queue_messages_ready/&LabelSelector{MatchLabels:map[string]string{queue: worker_tasks,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:In,Values:[a b],},},}: " +
      "unable to fetch metrics from external metrics API: the server could not find the requested resource (get queue_messages_ready.external.metrics.k8s.io)";
    const described = term.run("kubectl describe hpa web").output;
    expect(described).toContain(
      `Metrics:                                                               ( current / target )\n  "packets-per-second" on pods:                                        <unknown> / 1k\n` +
        `  "requests-per-second" on Ingress/main-route (target average value):  <unknown> / 10k\n` +
        `  "queue_messages_ready" (target value):                               <unknown> / 30\n`,
    );
    expect(described).toContain(`ScalingActive  False   FailedGetPodsMetric  the HPA was unable to compute the replica count: ${pods}\n`);
    expect(described).toContain(`Warning  FailedGetObjectMetric         5s    horizontal-pod-autoscaler  ${object}\n`);
    expect(described).toContain(`Warning  FailedGetExternalMetric       5s    horizontal-pod-autoscaler  ${external}\n`);
    expect(described).toContain(`Warning  FailedComputeMetricsReplicas  5s    horizontal-pod-autoscaler  invalid metrics (3 invalid out of 3), first error is: failed to get pods metric value: ${pods}\n`);
    expect(term.run("kubectl get hpa web -o jsonpath='{.status.currentMetrics}'").output).toBe('[{"type":""},{"type":""},{"type":""}]');
  });

  it("autoscale writes an autoscaling/v2 HPA and checks its flags as kubectl does", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    expect(term.run("kubectl create deployment web --image=nginx").status).toBe(0);
    expect(term.run("kubectl autoscale deployment web --min=2 --max=5 --cpu=60% --dry-run=client -o yaml").output).toBe(
      "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  maxReplicas: 5\n  metrics:\n  - resource:\n      name: cpu\n      target:\n" +
        "        averageUtilization: 60\n        type: Utilization\n    type: Resource\n  minReplicas: 2\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n" +
        "status:\n  desiredReplicas: 0\n",
    );
    expect(term.split("kubectl autoscale deploy/web --max=3 --cpu-percent=50 --dry-run=client")).toEqual({
      status: 0,
      stdout: "horizontalpodautoscaler.autoscaling/web created (dry run)\n",
      stderr: "Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity format (e.g., '70%' for utilization or '500m' for milliCPU).\n",
    });
    // These errors are checked against kubectl 1.32, which validates the flags alike.
    expect(term.run("kubectl autoscale deployment web --min=3 --max=2")).toEqual({ status: 1, output: "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 2, min: 3\n" });
    expect(term.run("kubectl autoscale deployment web --max=0")).toEqual({ status: 1, output: "error: --max=MAXPODS is required and must be at least 1, max: 0\n" });
    expect(term.run("kubectl autoscale deployment web").output).toBe('error: required flag(s) "max" not set\n');
    expect(term.run("kubectl autoscale deployment web --max=3 --cpu=lots").output).toBe("error: invalid resource cpu value: lots\n");
    expect(term.run("kubectl autoscale deployment web --min=2 --max=5")).toEqual({ status: 0, output: "horizontalpodautoscaler.autoscaling/web autoscaled\n" });
  });

  it("scales a 1-replica Deployment up to minReplicas, then reports that it cannot read metrics (no metrics-server)", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    expect(term.run("kubectl create deployment web --image=nginx").status).toBe(0);
    withFile(term, "/tmp/hpa.yaml", HPA);
    expect(term.run("kubectl apply -f /tmp/hpa.yaml && sleep 20").status).toBe(0);
    expect(term.run("kubectl get deployment web -o jsonpath='{.spec.replicas}'").output).toBe("2");
    expect(term.run("kubectl get hpa").output).toBe(
      "NAME   REFERENCE        TARGETS              MINPODS   MAXPODS   REPLICAS   AGE\nweb    Deployment/web   cpu: <unknown>/80%   2         5         2          20s\n",
    );
    const noMetrics =
      "failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";
    expect(term.run("kubectl describe hpa web").output).toBe(
      "Name:                                                  web\nNamespace:                                             default\n" +
        "Labels:                                                <none>\nAnnotations:                                           <none>\n" +
        "CreationTimestamp:                                     Mon, 01 Jan 2024 00:00:00 +0000\nReference:                                             Deployment/web\n" +
        "Metrics:                                               ( current / target )\n  resource cpu on pods  (as a percentage of request):  <unknown> / 80%\n" +
        "Min replicas:                                          2\nMax replicas:                                          5\n" +
        "Deployment pods:                                       2 current / 2 desired\nConditions:\n" +
        "  Type           Status  Reason                   Message\n  ----           ------  ------                   -------\n" +
        "  AbleToScale    True    SucceededGetScale        the HPA controller was able to get the target's current scale\n" +
        `  ScalingActive  False   FailedGetResourceMetric  the HPA was unable to compute the replica count: ${noMetrics}\n` +
        "Events:\n  Type     Reason                        Age   From                       Message\n  ----     ------                        ----  ----                       -------\n" +
        "  Normal   SuccessfulRescale             20s   horizontal-pod-autoscaler  New size: 2; reason: Current number of replicas below Spec.MinReplicas\n" +
        `  Warning  FailedGetResourceMetric       5s    horizontal-pod-autoscaler  ${noMetrics}\n` +
        `  Warning  FailedComputeMetricsReplicas  5s    horizontal-pod-autoscaler  invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${noMetrics}\n`,
    );
    // Scaled above maxReplicas by hand, it is brought back down at the next sync.
    expect(term.run("kubectl scale deployment web --replicas=7 && sleep 15 && kubectl get deployment web -o jsonpath='{.spec.replicas}'").output).toBe(
      "deployment.apps/web scaled\n5",
    );
    expect(term.run("kubectl get events --field-selector reason=SuccessfulRescale -o jsonpath='{.items[*].message}'").output).toBe(
      "New size: 2; reason: Current number of replicas below Spec.MinReplicas New size: 5; reason: Current number of replicas above Spec.MaxReplicas",
    );
  });
});
