import { describe, expect, it } from "vitest";
import type { ClusterRole } from "../src/api/types.js";
import { kubectlWorld, type Terminal } from "./kubectl-cmd-helpers.js";

/** A chart's RBAC: a service account, a Role that reads pods and their logs, and the binding. */
const CHART = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
rules:
- apiGroups: [""]
  resources: ["pods", "pods/log"]
  verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
subjects:
- kind: ServiceAccount
  name: app
roleRef:
  kind: Role
  name: pod-reader
  apiGroup: rbac.authorization.k8s.io
`;

function withFile(term: Terminal, path: string, text: string): void {
  expect(term.run(`cat > ${path} <<'EOF'\n${text}EOF`).status).toBe(0);
}

describe("RBAC objects", () => {
  it("applies a chart's service account, Role and RoleBinding and shows them as kubectl does", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    withFile(term, "/tmp/rbac.yaml", CHART);
    expect(term.run("kubectl apply -f /tmp/rbac.yaml")).toEqual({
      status: 0,
      output: "serviceaccount/app created\nrole.rbac.authorization.k8s.io/pod-reader created\nrolebinding.rbac.authorization.k8s.io/read-pods created\n",
    });
    expect(term.run("kubectl get roles").output).toBe("NAME         CREATED AT\npod-reader   2024-01-01T00:00:00Z\n");
    expect(term.run("kubectl get rolebinding -o wide").output).toBe(
      "NAME        ROLE              AGE   USERS   GROUPS   SERVICEACCOUNTS\nread-pods   Role/pod-reader   0s                     /app\n",
    );
    // The subject's namespace is not defaulted; the service account's group stays empty.
    expect(term.run("kubectl get rolebinding read-pods -o jsonpath='{.subjects}'").output).toBe('[{"kind":"ServiceAccount","name":"app"}]');
    expect(term.run("kubectl describe role pod-reader").output).toBe(
      "Name:         pod-reader\nLabels:       <none>\nAnnotations:  <none>\nPolicyRule:\n" +
        "  Resources  Non-Resource URLs  Resource Names  Verbs\n" +
        "  ---------  -----------------  --------------  -----\n" +
        "  pods/log   []                 []              [get watch list]\n" +
        "  pods       []                 []              [get watch list]\n",
    );
    expect(term.run("kubectl describe rolebinding read-pods").output).toBe(
      "Name:         read-pods\nLabels:       <none>\nAnnotations:  <none>\nRole:\n  Kind:  Role\n  Name:  pod-reader\nSubjects:\n" +
        "  Kind            Name  Namespace\n  ----            ----  ---------\n  ServiceAccount  app   \n",
    );
  });

  it("refuses what the API server's RBAC validation refuses, changing nothing", () => {
    const { term, cluster } = kubectlWorld({ nodes: 1 });
    withFile(term, "/tmp/role.yaml", 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: bad\nrules:\n- resources: ["pods"]\n- nonResourceURLs: ["/healthz"]\n  verbs: ["get"]\n');
    expect(term.run("kubectl apply -f /tmp/role.yaml")).toEqual({
      status: 1,
      output:
        'The Role "bad" is invalid: \n* rules[0].verbs: Required value: verbs must contain at least one value\n' +
        "* rules[0].apiGroups: Required value: resource rules must supply at least one api group\n" +
        '* rules[1].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs\n',
    });
    withFile(
      term,
      "/tmp/crb.yaml",
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: bad\nsubjects:\n- kind: ServiceAccount\n  name: app\n- kind: Robot\n  name: r2\n- kind: User\n  name: u\n  apiGroup: foo\nroleRef:\n  kind: Role\n  name: x/y\n",
    );
    expect(term.run("kubectl apply -f /tmp/crb.yaml").output).toBe(
      'The ClusterRoleBinding "bad" is invalid: \n* roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"\n' +
        "* roleRef.name: Invalid value: \"x/y\": may not contain '/'\n* subjects[0].namespace: Required value\n" +
        '* subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"\n' +
        '* subjects[2].apiGroup: Unsupported value: "foo": supported values: "rbac.authorization.k8s.io"\n',
    );
    expect(cluster.api.get("Role", "default", "bad")).toBeUndefined();
    expect(cluster.api.get("ClusterRoleBinding", undefined, "bad")).toBeUndefined();
    expect(term.run("kubectl create rolebinding rb --clusterrole=view --user=x").status).toBe(0);
    expect(term.run(`kubectl patch rolebinding rb --type=merge -p '{"roleRef":{"name":"edit"}}'`)).toEqual({
      status: 1,
      output: 'The RoleBinding "rb" is invalid: roleRef: Invalid value: {"APIGroup":"rbac.authorization.k8s.io","Kind":"ClusterRole","Name":"edit"}: cannot change roleRef\n',
    });
    expect(term.run("kubectl create rolebinding rb --clusterrole=view --user=x")).toEqual({
      status: 1,
      output: 'error: failed to create rolebinding: rolebindings.rbac.authorization.k8s.io "rb" already exists\n',
    });
  });
});

describe("the default policy", () => {
  it("has the bootstrap roles and bindings, with admin, edit and view aggregated", () => {
    const { term, cluster } = kubectlWorld({ nodes: 1 });
    expect(term.run("kubectl get clusterrolebindings").output).toBe(
      "NAME                        ROLE                                    AGE\n" +
        "cluster-admin               ClusterRole/cluster-admin               0s\n" +
        "kubeadm:cluster-admins      ClusterRole/cluster-admin               0s\n" +
        "minikube-rbac               ClusterRole/cluster-admin               0s\n" +
        "system:basic-user           ClusterRole/system:basic-user           0s\n" +
        "system:discovery            ClusterRole/system:discovery            0s\n" +
        "system:public-info-viewer   ClusterRole/system:public-info-viewer   0s\n",
    );
    const rules = (name: string) => cluster.api.get<ClusterRole>("ClusterRole", undefined, name)!.rules ?? [];
    const aggregateTo = (name: string) => rules(`system:aggregate-to-${name}`);
    expect(rules("view")).toEqual(aggregateTo("view"));
    expect(rules("edit")).toEqual([...aggregateTo("edit"), ...aggregateTo("view")]);
    expect(rules("admin")).toEqual([...aggregateTo("edit"), ...aggregateTo("view"), ...aggregateTo("admin")]);
    const adminRows = term.run("kubectl describe clusterrole admin").output.split("\n");
    expect(adminRows.find((l) => l.startsWith("  rolebindings.rbac.authorization.k8s.io "))).toMatch(/ \[\] +\[\] +\[create delete deletecollection get list patch update watch\]$/);
    // Verbs gathered from several rules keep the order they came in, as CompactRules appends them.
    expect(adminRows.find((l) => l.startsWith("  pods "))).toMatch(/\[create delete deletecollection patch update get list watch\]$/);

    // A ClusterRole labelled to aggregate into view reaches view, edit and admin.
    withFile(
      term,
      "/tmp/leases.yaml",
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: lease-reader\n  labels:\n    rbac.authorization.k8s.io/aggregate-to-view: "true"\nrules:\n- apiGroups: [coordination.k8s.io]\n  resources: [leases]\n  verbs: [get, list, watch]\n',
    );
    const viewer = "--as=jane --as-group=viewers";
    expect(term.run(`kubectl auth can-i list leases.coordination.k8s.io ${viewer}`).output).toBe("no\n");
    expect(term.run("kubectl apply -f /tmp/leases.yaml").status).toBe(0);
    cluster.run(1000);
    const leases = { verbs: ["get", "list", "watch"], apiGroups: ["coordination.k8s.io"], resources: ["leases"] };
    for (const role of ["view", "edit", "admin"]) expect(rules(role)).toContainEqual(leases);
    expect(term.run("kubectl create rolebinding viewers --clusterrole=view --group=viewers").status).toBe(0);
    expect(term.run(`kubectl auth can-i list leases.coordination.k8s.io ${viewer}`).output).toBe("yes\n");
    expect(term.run(`kubectl auth can-i list leases.coordination.k8s.io ${viewer} -n kube-system`).output).toBe("no\n");
    expect(term.run(`kubectl auth can-i create leases.coordination.k8s.io ${viewer}`).output).toBe("no\n");
    // Deleting the role takes its rules out of the aggregates again.
    expect(term.run("kubectl delete clusterrole lease-reader").status).toBe(0);
    cluster.run(1000);
    expect(rules("view")).not.toContainEqual(leases);
  });
});

describe("kubectl create for the RBAC kinds", () => {
  // kubectl 1.32's output for the same commands, without the `creationTimestamp: null` 1.35 no longer prints.
  it("generates what kubectl generates", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    expect(term.run("kubectl create role pod-reader --verb=get --verb=list --verb=watch --resource=pods,deployments.apps,pods/log,rs --resource-name=readablepod --dry-run=client -o yaml").output).toBe(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: pod-reader\nrules:\n- apiGroups:\n  - ""\n  resourceNames:\n  - readablepod\n  resources:\n  - pods\n  - pods/log\n  verbs:\n  - get\n  - list\n  - watch\n' +
        "- apiGroups:\n  - apps\n  resourceNames:\n  - readablepod\n  resources:\n  - deployments\n  - replicasets\n  verbs:\n  - get\n  - list\n  - watch\n",
    );
    expect(term.run("kubectl create clusterrole foo --verb=get --non-resource-url=/logs/* --resource=nodes --dry-run=client -o yaml").output).toBe(
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: foo\nrules:\n- apiGroups:\n  - ""\n  resources:\n  - nodes\n  verbs:\n  - get\n- nonResourceURLs:\n  - /logs/*\n  verbs:\n  - get\n',
    );
    expect(term.run("kubectl create clusterrole monitoring --aggregation-rule=rbac.example.com/aggregate-to-monitoring=true --dry-run=client -o yaml").output).toBe(
      'aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels:\n      rbac.example.com/aggregate-to-monitoring: "true"\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: monitoring\nrules: null\n',
    );
    expect(term.run("kubectl create rolebinding admin --clusterrole=admin --user=user1 --user=user2 --group=group1 --serviceaccount=default:sa --dry-run=client -o yaml").output).toBe(
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: admin\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: admin\nsubjects:\n" +
        "- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: user1\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: user2\n" +
        "- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  name: group1\n- kind: ServiceAccount\n  name: sa\n  namespace: default\n",
    );
    expect(term.run("kubectl create clusterrolebinding root --clusterrole=cluster-admin --user=root --dry-run=client -o json").output).toBe(
      '{\n    "kind": "ClusterRoleBinding",\n    "apiVersion": "rbac.authorization.k8s.io/v1",\n    "metadata": {\n        "name": "root"\n    },\n' +
        '    "subjects": [\n        {\n            "kind": "User",\n            "apiGroup": "rbac.authorization.k8s.io",\n            "name": "root"\n        }\n    ],\n' +
        '    "roleRef": {\n        "apiGroup": "rbac.authorization.k8s.io",\n        "kind": "ClusterRole",\n        "name": "cluster-admin"\n    }\n}\n',
    );
    expect(term.split("kubectl create role foo --verb=frob --resource=pods --dry-run=client -o name")).toEqual({
      status: 0,
      stdout: "role.rbac.authorization.k8s.io/foo\n",
      stderr: "Warning: 'frob' is not a standard resource verb\n",
    });
  });

  it("refuses what kubectl refuses, in its words", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    const refused: [string, string][] = [
      ["kubectl create role r --resource=pods", "error: at least one verb must be specified\n"],
      ["kubectl create role r --verb=get", "error: at least one resource must be specified\n"],
      ["kubectl create role r --verb=get --resource=/log", "error: resource must be specified if apiGroup/subresource specified\n"],
      ["kubectl create role r --verb=get --resource=foos", 'the server doesn\'t have a resource type "foos"\n'],
      ["kubectl create role r --verb=get --resource=foos.bar", 'the server doesn\'t have a resource type "foos" in group "bar"\n'],
      ["kubectl create role r --verb=bind --resource=pods", "error: can not perform 'bind' on 'pods' in group ''\n"],
      ["kubectl create clusterrole m --aggregation-rule=a=b --verb=get", "error: aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames\n"],
      ["kubectl create clusterrole c --verb=watch --non-resource-url=/x", "error: invalid verb: 'watch' for nonResourceURL\n"],
      ["kubectl create clusterrole c --verb=get --non-resource-url=x", "error: nonResourceURL should start with /\n"],
      ["kubectl create clusterrole c --verb=get --non-resource-url=/x*/y", "error: nonResourceURL only supports wildcard matches when '*' is at the end\n"],
      ["kubectl create clusterrole c --verb=get", "error: one of resource or nonResourceURL must be specified\n"],
      ["kubectl create rolebinding rb", "error: exactly one of clusterrole or role must be specified\n"],
      ["kubectl create rolebinding rb --role=a --clusterrole=b", "error: exactly one of clusterrole or role must be specified\n"],
      ["kubectl create rolebinding rb --role=a --serviceaccount=sa", "error: serviceaccount must be <namespace>:<name>\n"],
      ["kubectl create clusterrolebinding crb --clusterrole=view --serviceaccount=a:b:c", "error: serviceaccount must be <namespace>:<name>\n"],
    ];
    for (const [command, output] of refused) expect(term.run(command), command).toEqual({ status: 1, output });
  });
});

describe("kubectl auth", () => {
  it("answers can-i for the kubeconfig's user, who is cluster-admin through system:masters", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    expect(term.run("kubectl auth whoami").output).toBe("ATTRIBUTE   VALUE\nUsername    minikube-user\nGroups      [system:masters system:authenticated]\n");
    expect(term.run("kubectl auth can-i '*' '*'")).toEqual({ status: 0, output: "yes\n" });
    expect(term.split("kubectl auth can-i get nodes")).toEqual({ status: 0, stdout: "yes\n", stderr: "Warning: resource 'nodes' is not namespace scoped\n\n" });
    expect(term.split("kubectl auth can-i list foos")).toEqual({ status: 0, stdout: "yes\n", stderr: "Warning: the server doesn't have a resource type 'foos'\n\n" });
    expect(term.split("kubectl auth can-i frob pods").stderr).toBe("Warning: verb 'frob' is not a known verb\n\n");
    expect(term.run("kubectl auth can-i --list").output.split("\n").slice(0, 3)).toEqual([
      "Resources                                       Non-Resource URLs   Resource Names   Verbs",
      "*.*                                             []                  []               [*]",
      "                                                [*]                 []               [*]",
    ]);
    expect(term.run("kubectl auth can-i get")).toEqual({
      status: 1,
      output: "error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.\n",
    });
  });

  it("answers for a service account from the bindings that name it", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    const sa = "--as=system:serviceaccount:default:app";
    expect(term.run(`kubectl auth can-i get pods ${sa}`)).toEqual({ status: 1, output: "no\n" });
    expect(term.run(`kubectl auth can-i get pods ${sa} -q`)).toEqual({ status: 1, output: "" });
    // Every authenticated user may read the discovery and health URLs.
    expect(term.run(`kubectl auth can-i get /healthz ${sa}`)).toEqual({ status: 0, output: "yes\n" });
    expect(term.run(`kubectl auth can-i get /metrics ${sa}`)).toEqual({ status: 1, output: "no\n" });

    withFile(term, "/tmp/rbac.yaml", CHART);
    expect(term.run("kubectl apply -f /tmp/rbac.yaml").status).toBe(0);
    expect(term.run(`kubectl auth can-i get pods ${sa}`)).toEqual({ status: 0, output: "yes\n" });
    expect(term.run(`kubectl auth can-i get pods --subresource=log ${sa}`)).toEqual({ status: 0, output: "yes\n" });
    expect(term.run(`kubectl auth can-i get pods/web-0 ${sa}`)).toEqual({ status: 0, output: "yes\n" });
    expect(term.run(`kubectl auth can-i delete pods ${sa}`)).toEqual({ status: 1, output: "no\n" });
    expect(term.run(`kubectl auth can-i get pods --subresource=exec ${sa}`)).toEqual({ status: 1, output: "no\n" });
    expect(term.run(`kubectl auth can-i get pods ${sa} -n kube-system`)).toEqual({ status: 1, output: "no\n" });
    expect(term.run(`kubectl auth can-i get pods --as=system:serviceaccount:default:other`)).toEqual({ status: 1, output: "no\n" });
    expect(term.run(`kubectl auth can-i --list ${sa}`).output).toContain("\npods/log                                        []                  []               [get watch list]\n");

    // resourceNames narrow a rule to the objects named.
    expect(term.run("kubectl create role cm-reader --verb=get --resource=configmaps --resource-name=settings").status).toBe(0);
    expect(term.run("kubectl create rolebinding cm --role=cm-reader --serviceaccount=default:app").status).toBe(0);
    expect(term.run(`kubectl auth can-i get configmaps/settings ${sa}`).output).toBe("yes\n");
    expect(term.run(`kubectl auth can-i get configmaps/other ${sa}`).output).toBe("no\n");
    expect(term.run(`kubectl auth can-i get configmaps ${sa}`).output).toBe("no\n");

    // A binding to a role that does not exist is the reason RBAC gives.
    expect(term.run("kubectl create rolebinding broken --role=missing --user=bob").status).toBe(0);
    expect(term.run("kubectl auth can-i get pods --as=bob")).toEqual({ status: 1, output: 'no - RBAC: role.rbac.authorization.k8s.io "missing" not found\n' });
  });
});
