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
    // helpErrorf: the help page, then the error (ksim's page is shorter than kubectl's).
    const bare = term.run("kubectl config set-cluster");
    expect(bare.status).toBe(1);
    expect(bare.output).toMatch(/^Set a cluster entry in kubeconfig\.\n[^]*\nerror: Unexpected args: \[\]\n$/);
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
    // The Version struct without a serverVersion, then the error.
    const json = term.run("kubectl version -o json");
    expect(json.status).toBe(1);
    expect(json.output).toMatch(/^\{\n  "clientVersion": \{\n    "major": "1",\n    "minor": "35",\n    "gitVersion": "v1\.35\.0",\n[^]*\n  \},\n  "kustomizeVersion": "v5\.7\.1"\n\}\nThe connection to the server localhost:8080 was refused/);
    expect(term.run("kubectl config current-context")).toEqual({ status: 1, output: "error: current-context is not set\n" });
    expect(term.run("kubectl config view")).toEqual({
      status: 0,
      output: 'apiVersion: v1\nclusters: null\ncontexts: null\ncurrent-context: ""\nkind: Config\npreferences: {}\nusers: null\n',
    });
  });
});

describe("kubectl version", () => {
  it("prints kubectl's Version struct with -o json (Go field order) and -o yaml (sorted keys, a trailing blank line)", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    const json = JSON.parse(term.run("kubectl version -o json").output) as Record<string, Record<string, string>>;
    expect(Object.keys(json)).toEqual(["clientVersion", "kustomizeVersion", "serverVersion"]);
    expect(Object.keys(json["clientVersion"]!)).toEqual(["major", "minor", "gitVersion", "gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler", "platform"]);
    // Only the API server reports the version it emulates and the oldest it is compatible with.
    expect(json["serverVersion"]).toMatchObject({ major: "1", minor: "35", emulationMajor: "1", emulationMinor: "35", minCompatibilityMajor: "1", minCompatibilityMinor: "34", gitVersion: "v1.35.0" });
    expect(json["serverVersion"]!["gitCommit"]).toBe(json["clientVersion"]!["gitCommit"]);
    expect(term.run("kubectl version --client -o yaml")).toEqual({
      status: 0,
      output:
        'clientVersion:\n  buildDate: "2025-12-17T12:32:07Z"\n  compiler: gc\n  gitCommit: 66452049f3d692768c39c797b21b793dce80314e\n  gitTreeState: clean\n  gitVersion: v1.35.0\n' +
        '  goVersion: go1.25.5\n  major: "1"\n  minor: "35"\n  platform: linux/amd64\nkustomizeVersion: v5.7.1\n\n',
    });
    expect(term.run("kubectl version -o wide")).toEqual({ status: 1, output: "error: --output must be 'yaml' or 'json'\n" });
  });
});

describe("kubectl options", () => {
  it("lists the inherited flags as kubectl's templater prints them, which every command accepts", () => {
    const { term } = kubectlWorld({ nodes: 1 });
    const r = term.run("kubectl options");
    expect(r.status).toBe(0);
    expect(r.output.startsWith("The following options can be passed to any command:\n\n    --as='':\n\tUsername to impersonate for the operation.")).toBe(true);
    expect(r.output).toContain("\n\n    --cache-dir='/root/.kube/cache':\n\tDefault cache directory\n\n");
    expect(r.output).toContain("\n\n    -n, --namespace='':\n\tIf present, the namespace scope for this CLI request\n\n");
    expect(r.output).toContain("\n\n    --vmodule=:\n\t");
    expect(r.output.endsWith("\n\n    --warnings-as-errors=false:\n\tTreat warnings received from the server as errors and exit with a non-zero exit code\n\n")).toBe(true);
    // pflag's order: sorted by name.
    const names = [...r.output.matchAll(/--([a-z-]+)=/g)].map((m) => m[1]!);
    expect(names).toEqual([...names].sort());
    expect(names).toHaveLength(29);
    for (const flag of ["--as-uid=me", "--disable-compression", "--kuberc=/tmp/k", "--profile=cpu", "--vmodule=x=2", "--log-flush-frequency=1s"]) {
      expect(term.run(`kubectl get nodes ${flag} -o name`)).toEqual({ status: 0, output: "node/node-1\n" });
    }
    // Left out of the help's command lists, as kubectl leaves it out.
    expect(term.run("kubectl --help").output).not.toMatch(/^  options /m);
  });
});

describe("kubectl config set and unset", () => {
  it("walks the dotted path over api.Config as kubectl does: every output here is kubectl 1.32's for the same commands", () => {
    const { term } = kubectlWorld({ seed: 7 });
    expect(term.run("kubectl config set")).toEqual({ status: 1, output: "Set an individual value in a kubeconfig file.\n\n PROPERTY_NAME is a dot delimited name where each token represents either an attribute name or a map key.  Map keys may not contain dots.\n\n PROPERTY_VALUE is the new value you want to set. Binary fields such as 'certificate-authority-data' expect a base64 encoded string unless the --set-raw-bytes flag is used.\n\n Specifying an attribute name that already exists will merge new fields on top of existing values.\n\nExamples:\n  # Set the server field on the my-cluster cluster to https://1.2.3.4\n  kubectl config set clusters.my-cluster.server https://1.2.3.4\n  \n  # Set the certificate-authority-data field on the my-cluster cluster\n  kubectl config set clusters.my-cluster.certificate-authority-data $(echo \"cert_data_here\" | base64 -i -)\n  \n  # Set the cluster field in the my-context context to my-cluster\n  kubectl config set contexts.my-context.cluster my-cluster\n  \n  # Set the client-key-data field in the cluster-admin user using --set-raw-bytes option\n  kubectl config set users.cluster-admin.client-key-data cert_data_here --set-raw-bytes=true\n\nOptions:\n    --set-raw-bytes=false:\n\tWhen writing a []byte PROPERTY_VALUE, write the given string directly without base64 decoding.\n\nUsage:\n  kubectl config set PROPERTY_NAME PROPERTY_VALUE [options]\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\nerror: Unexpected args: []\n" });
    expect(term.run("kubectl config set a")).toEqual({ status: 1, output: "Set an individual value in a kubeconfig file.\n\n PROPERTY_NAME is a dot delimited name where each token represents either an attribute name or a map key.  Map keys may not contain dots.\n\n PROPERTY_VALUE is the new value you want to set. Binary fields such as 'certificate-authority-data' expect a base64 encoded string unless the --set-raw-bytes flag is used.\n\n Specifying an attribute name that already exists will merge new fields on top of existing values.\n\nExamples:\n  # Set the server field on the my-cluster cluster to https://1.2.3.4\n  kubectl config set clusters.my-cluster.server https://1.2.3.4\n  \n  # Set the certificate-authority-data field on the my-cluster cluster\n  kubectl config set clusters.my-cluster.certificate-authority-data $(echo \"cert_data_here\" | base64 -i -)\n  \n  # Set the cluster field in the my-context context to my-cluster\n  kubectl config set contexts.my-context.cluster my-cluster\n  \n  # Set the client-key-data field in the cluster-admin user using --set-raw-bytes option\n  kubectl config set users.cluster-admin.client-key-data cert_data_here --set-raw-bytes=true\n\nOptions:\n    --set-raw-bytes=false:\n\tWhen writing a []byte PROPERTY_VALUE, write the given string directly without base64 decoding.\n\nUsage:\n  kubectl config set PROPERTY_NAME PROPERTY_VALUE [options]\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\nerror: Unexpected args: [a]\n" });
    expect(term.run("kubectl config set nope.x y")).toEqual({ status: 1, output: "error: unable to parse nope.x after [] at api.Config\n" });
    expect(term.run("kubectl config set current-context foo")).toEqual({ status: 0, output: "Property \"current-context\" set.\n" });
    expect(term.run("kubectl config set contexts.new.cluster c1")).toEqual({ status: 0, output: "Property \"contexts.new.cluster\" set.\n" });
    expect(term.run("kubectl config set clusters.minikube.server https://x:1")).toEqual({ status: 0, output: "Property \"clusters.minikube.server\" set.\n" });
    expect(term.run("kubectl config set clusters.minikube.insecure-skip-tls-verify true")).toEqual({ status: 0, output: "Property \"clusters.minikube.insecure-skip-tls-verify\" set.\n" });
    expect(term.run("kubectl config set clusters.minikube.insecure-skip-tls-verify maybe")).toEqual({ status: 1, output: "error: strconv.ParseBool: parsing \"maybe\": invalid syntax\n" });
    expect(term.run("kubectl config set users.minikube.token tok")).toEqual({ status: 0, output: "Property \"users.minikube.token\" set.\n" });
    expect(term.run("kubectl config set users.newu.client-key-data abc --set-raw-bytes=true")).toEqual({ status: 0, output: "Property \"users.newu.client-key-data\" set.\n" });
    expect(term.run("kubectl config set users.newu.client-certificate-data aGk=")).toEqual({ status: 0, output: "Property \"users.newu.client-certificate-data\" set.\n" });
    expect(term.run("kubectl config set users.newu.client-certificate-data 'hi!'")).toEqual({ status: 1, output: "error: error decoding input value: illegal base64 data at input byte 2\n" });
    expect(term.run("kubectl config set users.u9.act-as bob")).toEqual({ status: 0, output: "Property \"users.u9.act-as\" set.\n" });
    // The map's values are pointers, printed as heap addresses that differ per run in kubectl.
    expect(term.run("kubectl config set users.u9.as bob")).toEqual({ status: 1, output: "error: can't set a map to a value: map[minikube:0xc00058a500 newu:0xc00058a600 u9:0xc00058a700]\n" });
    expect(term.run("kubectl config set users.u9.act-as-groups a")).toEqual({ status: 1, output: "error: unrecognized slice type. string\n" });
    expect(term.run("kubectl config set preferences.colors true")).toEqual({ status: 0, output: "Property \"preferences.colors\" set.\n" });
    expect(term.run("kubectl config set preferences x")).toEqual({ status: 1, output: "error: unable to locate path config.navigationStep{stepValue:\"\", stepType:reflect.Type(nil)} under {true map[]}\n" });
    // kubectl prints a reflect.Type address from its binary here; ksim prints one of its own.
    expect(term.run("kubectl config set preferences.x 1").output).toMatch(/^error: unable to parse preferences\.x after \[\{preferences 0x[0-9a-f]+\}\] at api\.Preferences\n$/);
    expect(term.run("kubectl config set clusters.minikube.server.x v")).toEqual({ status: 1, output: "error: unable to parse one or more field values of clusters.minikube.server.x\n" });
    expect(term.run("kubectl config set contexts.c.d.namespace ns")).toEqual({ status: 0, output: "Property \"contexts.c.d.namespace\" set.\n" });
    expect(term.run("kubectl config set-context x")).toEqual({ status: 0, output: "Context \"x\" created.\n" });
    expect(term.run("kubectl config unset")).toEqual({ status: 1, output: "Unset an individual value in a kubeconfig file.\n\n PROPERTY_NAME is a dot delimited name where each token represents either an attribute name or a map key.  Map keys may not contain dots.\n\nExamples:\n  # Unset the current-context\n  kubectl config unset current-context\n  \n  # Unset namespace in foo context\n  kubectl config unset contexts.foo.namespace\n\nUsage:\n  kubectl config unset PROPERTY_NAME [options]\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\nerror: Unexpected args: []\n" });
    expect(term.run("kubectl config unset a b")).toEqual({ status: 1, output: "Unset an individual value in a kubeconfig file.\n\n PROPERTY_NAME is a dot delimited name where each token represents either an attribute name or a map key.  Map keys may not contain dots.\n\nExamples:\n  # Unset the current-context\n  kubectl config unset current-context\n  \n  # Unset namespace in foo context\n  kubectl config unset contexts.foo.namespace\n\nUsage:\n  kubectl config unset PROPERTY_NAME [options]\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\nerror: Unexpected args: [a b]\n" });
    expect(term.run("kubectl config unset contexts.new")).toEqual({ status: 0, output: "Property \"contexts.new\" unset.\n" });
    expect(term.run("kubectl config unset contexts.zzz")).toEqual({ status: 0, output: "Property \"contexts.zzz\" unset.\n" });
    expect(term.run("kubectl config unset contexts.zzz.namespace")).toEqual({ status: 1, output: "error: current map key `zzz` is invalid\n" });
    expect(term.run("kubectl config unset clusters.minikube.nope")).toEqual({ status: 0, output: "Property \"clusters.minikube.nope\" unset.\n" });
    expect(term.run("kubectl config unset preferences.colors")).toEqual({ status: 0, output: "Property \"preferences.colors\" unset.\n" });
    expect(term.run("kubectl config unset users.minikube.token")).toEqual({ status: 0, output: "Property \"users.minikube.token\" unset.\n" });
    expect(term.run("kubectl config set \"\" x")).toEqual({ status: 1, output: "error: you must specify a property\n" });
    expect(term.run("kubectl config set x \"\"")).toEqual({ status: 1, output: "error: you cannot use set to unset a property\n" });
    expect(term.run("kubectl config view")).toEqual({ status: 0, output: "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority: /root/.minikube/ca.crt\n    extensions:\n    - extension:\n        last-update: Mon, 01 Jan 2024 00:00:00 UTC\n        provider: minikube.sigs.k8s.io\n        version: v1.37.0\n      name: cluster_info\n    insecure-skip-tls-verify: true\n    server: https://x:1\n  name: minikube\ncontexts:\n- context:\n    cluster: \"\"\n    namespace: ns\n    user: \"\"\n  name: c.d\n- context:\n    cluster: minikube\n    extensions:\n    - extension:\n        last-update: Mon, 01 Jan 2024 00:00:00 UTC\n        provider: minikube.sigs.k8s.io\n        version: v1.37.0\n      name: context_info\n    namespace: default\n    user: minikube\n  name: minikube\n- context:\n    cluster: \"\"\n    user: \"\"\n  name: x\ncurrent-context: foo\nkind: Config\npreferences: {}\nusers:\n- name: minikube\n  user:\n    client-certificate: /root/.minikube/profiles/minikube/client.crt\n    client-key: /root/.minikube/profiles/minikube/client.key\n- name: newu\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n- name: u9\n  user:\n    as: bob\n" });
    expect(term.run("kubectl config unset current-context")).toEqual({ status: 0, output: "Property \"current-context\" unset.\n" });
    expect(term.run("kubectl config view --raw")).toEqual({ status: 0, output: "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority: /root/.minikube/ca.crt\n    extensions:\n    - extension:\n        last-update: Mon, 01 Jan 2024 00:00:00 UTC\n        provider: minikube.sigs.k8s.io\n        version: v1.37.0\n      name: cluster_info\n    insecure-skip-tls-verify: true\n    server: https://x:1\n  name: minikube\ncontexts:\n- context:\n    cluster: \"\"\n    namespace: ns\n    user: \"\"\n  name: c.d\n- context:\n    cluster: minikube\n    extensions:\n    - extension:\n        last-update: Mon, 01 Jan 2024 00:00:00 UTC\n        provider: minikube.sigs.k8s.io\n        version: v1.37.0\n      name: context_info\n    namespace: default\n    user: minikube\n  name: minikube\n- context:\n    cluster: \"\"\n    user: \"\"\n  name: x\ncurrent-context: \"\"\nkind: Config\npreferences: {}\nusers:\n- name: minikube\n  user:\n    client-certificate: /root/.minikube/profiles/minikube/client.crt\n    client-key: /root/.minikube/profiles/minikube/client.key\n- name: newu\n  user:\n    client-certificate-data: aGk=\n    client-key-data: YWJj\n- name: u9\n  user:\n    as: bob\n" });
  });
});

describe("kubectl config at its edges", () => {
  it("answers missing files, wrong argument counts and unknown names as kubectl 1.32 does", () => {
    const { term } = kubectlWorld({ seed: 7 });
    expect(term.run("kubectl config view --kubeconfig=/nonexistent")).toEqual({ status: 0, output: "apiVersion: v1\nclusters: null\ncontexts: null\ncurrent-context: \"\"\nkind: Config\npreferences: {}\nusers: null\n" });
    expect(term.run("kubectl config use-context")).toEqual({ status: 1, output: "Set the current-context in a kubeconfig file.\n\nAliases:\nuse-context, use\n\nExamples:\n  # Use the context for the minikube cluster\n  kubectl config use-context minikube\n\nUsage:\n  kubectl config use-context CONTEXT_NAME [options]\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\nerror: Unexpected args: []\n" });
    expect(term.run("kubectl config get-contexts a b")).toEqual({ status: 1, output: "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\ncontext a not found\ncontext b not found\n" });
    expect(term.run("kubectl config view -o name")).toEqual({ status: 0, output: "config/<unknown>\n" });
    expect(term.run("kubectl config delete-context")).toEqual({ status: 0, output: "Delete the specified context from the kubeconfig.\n\nExamples:\n  # Delete the context for the minikube cluster\n  kubectl config delete-context minikube\n\nUsage:\n  kubectl config delete-context NAME [options]\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n" });
    expect(term.run("kubectl config rename-context a")).toEqual({ status: 1, output: "Renames a context from the kubeconfig file.\n\n CONTEXT_NAME is the context name that you want to change.\n\n NEW_NAME is the new name you want to set.\n\n Note: If the context being renamed is the 'current-context', this field will also be updated.\n\nExamples:\n  # Rename the context 'old-name' to 'new-name' in your kubeconfig file\n  kubectl config rename-context old-name new-name\n\nUsage:\n  kubectl config rename-context CONTEXT_NAME NEW_NAME [options]\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\nerror: Unexpected args: [a]\n" });
    expect(term.run("kubectl config set-cluster c --embed-certs --certificate-authority=/nonexistent")).toEqual({ status: 1, output: "error: could not stat certificate-authority file /nonexistent: stat /nonexistent: no such file or directory\n" });
    expect(term.run("kubectl config set-credentials u --client-certificate=/x --embed-certs")).toEqual({ status: 1, output: "error: could not stat client-certificate file /x: stat /x: no such file or directory\n" });
  });

  it("embeds minikube's certificate files with --flatten", () => {
    const { term } = kubectlWorld({ seed: 7 });
    const ca = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIBksim\n-----END CERTIFICATE-----\n").toString("base64");
    const flat = term.run("kubectl config view --flatten").output;
    expect(flat).toContain(`    certificate-authority-data: ${ca}\n`);
    expect(flat).toMatch(/    client-certificate-data: [A-Za-z0-9+\/=]+\n    client-key-data: [A-Za-z0-9+\/=]+\n$/);
    expect(term.run("rm ~/.minikube/profiles/minikube/client.crt; kubectl config view --flatten")).toEqual({
      status: 1,
      output: "error: open /root/.minikube/profiles/minikube/client.crt: no such file or directory\n",
    });
  });
});
