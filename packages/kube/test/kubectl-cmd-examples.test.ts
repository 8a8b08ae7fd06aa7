import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadManifests } from "../src/api/manifest.js";
import { bundledUrl, EXAMPLE_FILES } from "../src/examples/index.js";

/** The published bytes (sha256), so an edit to a bundled manifest cannot go unnoticed. */
const DIGESTS: Record<string, string> = {
  "application/php-apache.yaml": "bc44b82f5c5cf0bb84e30a894efeb7e29180cb5a6879a16554b7b5a8de83d058",
  "application/web/web.yaml": "7776e8d7486864ec8d0904f674614419e7a1dabaa9e7d9d65d38f6fc1528b4ac",
  "application/web/web-parallel.yaml": "11b66a44ff9f5fc43c91d60710a59a079f74d0f9edb41460f3cddc5a36333e18",
  "application/wordpress/mysql-deployment.yaml": "72174a19e7e5825577a30777e28dd59a1eba6094c483c5338350108f87630ade",
  "application/wordpress/wordpress-deployment.yaml": "d834f10771caa2fd123494b6b1dccf9391bb89f78648871cf5278618bce491b3",
  "application/cassandra/cassandra-service.yaml": "40e19fac9db8c908c151447ff752de5ce462e5fa08534b5d0bbc67f46a3199c7",
  "application/cassandra/cassandra-statefulset.yaml": "4ee11b75784e895ccaf70d2218a3a830a97240d7d3d66342258651dfd55064af",
  "application/zookeeper/zookeeper.yaml": "f8ee35065a386477e8435a64cecc2a5fd9e89e708666426be8d8760e7efdd529",
};

describe("the bundled upstream examples", () => {
  it("keep the published bytes and parse into the tutorials' objects", () => {
    for (const [path, text] of Object.entries(EXAMPLE_FILES)) expect([path, createHash("sha256").update(text).digest("hex")]).toEqual([path, DIGESTS[path]]);
    const names = (path: string) => loadManifests(EXAMPLE_FILES[path]!, path).objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names("application/zookeeper/zookeeper.yaml")).toEqual(["Service/zk-hs", "Service/zk-cs", "PodDisruptionBudget/zk-pdb", "StatefulSet/zk"]);
    expect(names("application/cassandra/cassandra-statefulset.yaml")).toEqual(["StatefulSet/cassandra", "StorageClass/fast"]);
    expect(names("application/web/web-parallel.yaml")).toEqual(["Service/nginx", "StatefulSet/web"]);
    expect(names("application/php-apache.yaml")).toEqual(["Deployment/php-apache", "Service/php-apache"]);
  });

  it("are served at k8s.io/examples and at the raw GitHub address, and nothing else is", () => {
    const web = EXAMPLE_FILES["application/web/web.yaml"];
    expect(bundledUrl("https://k8s.io/examples/application/web/web.yaml")).toBe(web);
    expect(bundledUrl("https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/application/web/web.yaml")).toBe(web);
    expect(bundledUrl("https://k8s.io/examples/application/web/nope.yaml")).toBeUndefined();
    expect(bundledUrl("https://k8s.io/examples/constructor")).toBeUndefined();
    expect(bundledUrl("https://example.com/application/web/web.yaml")).toBeUndefined();
  });
});
