import { describe, expect, it } from "vitest";
import { kubectlWorld, type Terminal } from "./kubectl-cmd-helpers.js";

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
        "  Policy Types: Ingress, Egress\nEvents:  <none>\n",
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
