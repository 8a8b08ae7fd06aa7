import { describe, expect, it } from "vitest";
import { kubectlWorld } from "./kubectl-cmd-helpers.js";

describe("kubectl config: the kubeconfig minikube writes, read and changed as clientcmd does", () => {
  it("shows minikube's kubeconfig, and a context's namespace becomes every command's default", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    const view = term.run("kubectl config view");
    expect(view.status).toBe(0);
    expect(view.output).toContain("current-context: minikube\nkind: Config\npreferences: {}\nusers:\n- name: minikube\n  user:\n    client-certificate: /root/.minikube/profiles/minikube/client.crt\n");
    expect(view.output).toContain("    server: https://192.168.49.1:8443\n  name: minikube\n");
    expect(term.run("kubectl create namespace zk >/dev/null && kubectl config set-context --current --namespace=zk")).toEqual({ status: 0, output: 'Context "minikube" modified.\n' });
    expect(term.run("kubectl config get-contexts")).toEqual({
      status: 0,
      output: "CURRENT   NAME       CLUSTER    AUTHINFO   NAMESPACE\n*         minikube   minikube   minikube   zk\n",
    });
    expect(term.run("kubectl create configmap c && kubectl get cm c -o jsonpath='{.metadata.namespace}'")).toEqual({ status: 0, output: "configmap/c created\nzk" });
    // -n still wins over the context.
    expect(term.run("kubectl get cm c -n default")).toEqual({ status: 1, output: 'Error from server (NotFound): configmaps "c" not found\n' });
    expect(term.run("kubectl config view --minify -o jsonpath='{.contexts[0].context.namespace}'").output).toBe("zk");
  });

  it("creates, switches, renames and deletes contexts with kubectl's messages and errors", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    expect(term.run("kubectl config set-context other --cluster=minikube --user=minikube && kubectl config use-context other && kubectl config current-context")).toEqual({
      status: 0,
      output: 'Context "other" created.\nSwitched to context "other".\nother\n',
    });
    expect(term.run("kubectl config use-context nope")).toEqual({ status: 1, output: 'error: no context exists with the name: "nope"\n' });
    expect(term.run("kubectl --context=nope get pods")).toEqual({ status: 1, output: "Error in configuration: context was not found for specified context: nope\n" });
    expect(term.run("kubectl config rename-context other second && kubectl config get-contexts -o name")).toEqual({
      status: 0,
      output: 'Context "other" renamed to "second".\nminikube\nsecond\n',
    });
    expect(term.split("kubectl config delete-context second")).toEqual({
      status: 0,
      stdout: "deleted context second from /root/.kube/config\n",
      stderr: 'warning: this removed your active context, use "kubectl config use-context" to select a different one\n',
    });
    expect(term.run("kubectl get pods")).toEqual({ status: 1, output: "Error in configuration: context was not found for specified context: second\n" });
    expect(term.run("kubectl config set-context")).toEqual({ status: 1, output: "error: you must specify a non-empty context name or --current\n" });
  });

  it("sets and deletes cluster and user entries with kubectl's messages and errors", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    expect(term.run("kubectl config set-cluster elsewhere --server=https://10.0.0.9:6443 --insecure-skip-tls-verify=true")).toEqual({ status: 0, output: 'Cluster "elsewhere" set.\n' });
    expect(term.run("kubectl config set-credentials ops --token=abc")).toEqual({ status: 0, output: 'User "ops" set.\n' });
    expect(term.run("kubectl config view -o jsonpath='{.clusters[?(@.name==\"elsewhere\")].cluster}'").output).toBe('{"insecure-skip-tls-verify":true,"server":"https://10.0.0.9:6443"}');
    expect(term.run("kubectl config view -o jsonpath='{.users[?(@.name==\"ops\")].user.token}'").output).toBe("REDACTED");
    expect(term.run("kubectl config view --raw -o jsonpath='{.users[?(@.name==\"ops\")].user.token}'").output).toBe("abc");
    // The typed v1.Config keeps Go's field order in -o json (kubectl 1.32 printed exactly this), while jsonpath sees a sorted map.
    const fresh = kubectlWorld({ seed: 5 }).term;
    expect(fresh.run("kubectl config set-credentials u3 --username=a --password=b >/dev/null && kubectl config view -o json").output).toBe("{\n    \"kind\": \"Config\",\n    \"apiVersion\": \"v1\",\n    \"preferences\": {},\n    \"clusters\": [\n        {\n            \"name\": \"minikube\",\n            \"cluster\": {\n                \"server\": \"https://192.168.49.1:8443\",\n                \"certificate-authority\": \"/root/.minikube/ca.crt\",\n                \"extensions\": [\n                    {\n                        \"name\": \"cluster_info\",\n                        \"extension\": {\n                            \"last-update\": \"Mon, 01 Jan 2024 00:00:00 UTC\",\n                            \"provider\": \"minikube.sigs.k8s.io\",\n                            \"version\": \"v1.37.0\"\n                        }\n                    }\n                ]\n            }\n        }\n    ],\n    \"users\": [\n        {\n            \"name\": \"minikube\",\n            \"user\": {\n                \"client-certificate\": \"/root/.minikube/profiles/minikube/client.crt\",\n                \"client-key\": \"/root/.minikube/profiles/minikube/client.key\"\n            }\n        },\n        {\n            \"name\": \"u3\",\n            \"user\": {\n                \"username\": \"a\",\n                \"password\": \"REDACTED\"\n            }\n        }\n    ],\n    \"contexts\": [\n        {\n            \"name\": \"minikube\",\n            \"context\": {\n                \"cluster\": \"minikube\",\n                \"user\": \"minikube\",\n                \"namespace\": \"default\",\n                \"extensions\": [\n                    {\n                        \"name\": \"context_info\",\n                        \"extension\": {\n                            \"last-update\": \"Mon, 01 Jan 2024 00:00:00 UTC\",\n                            \"provider\": \"minikube.sigs.k8s.io\",\n                            \"version\": \"v1.37.0\"\n                        }\n                    }\n                ]\n            }\n        }\n    ],\n    \"current-context\": \"minikube\"\n}\n");
    expect(term.run("kubectl config set-cluster x --certificate-authority=/ca.crt --insecure-skip-tls-verify=true")).toEqual({
      status: 1,
      output: "error: you cannot specify a certificate authority and insecure mode at the same time\n",
    });
    expect(term.run("kubectl config get-clusters")).toEqual({ status: 0, output: "NAME\nelsewhere\nminikube\n" });
    expect(term.run("kubectl config delete-cluster elsewhere && kubectl config delete-user ops")).toEqual({
      status: 0,
      output: "deleted cluster elsewhere from /root/.kube/config\ndeleted user ops from /root/.kube/config\n",
    });
    expect(term.run("kubectl config delete-user ops")).toEqual({ status: 1, output: "error: cannot delete user ops, not in /root/.kube/config\n" });
    expect(term.run("kubectl config set-cluster")).toEqual({ status: 1, output: "error: Unexpected args: []\n" });
  });

  it("without a kubeconfig kubectl has no cluster to talk to, as a fresh machine's kubectl", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    expect(term.run("rm ~/.kube/config && kubectl get pods")).toEqual({
      status: 1,
      output: "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n",
    });
    expect(term.run("kubectl version")).toEqual({
      status: 1,
      output: "Client Version: v1.35.0\nKustomize Version: v5.7.1\nThe connection to the server localhost:8080 was refused - did you specify the right host or port?\n",
    });
    expect(term.run("kubectl config current-context")).toEqual({ status: 1, output: "error: current-context is not set\n" });
    expect(term.run("kubectl config view")).toEqual({
      status: 0,
      output: 'apiVersion: v1\nclusters: null\ncontexts: null\ncurrent-context: ""\nkind: Config\npreferences: {}\nusers: null\n',
    });
  });
});
