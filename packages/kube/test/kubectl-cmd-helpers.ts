import { Cluster, type ClusterOptions } from "../src/cluster.js";
import { KUBECTL_PROGRAM, MINIKUBE_PROGRAM, registerKubectl, type KubectlOptions } from "../src/kubectl/index.js";
import { StringSink } from "../src/runtime/streams.js";
import { Workstation } from "../src/workstation/workstation.js";
import { registerBasicImages } from "../../images/src/index.js";
import { testRegistry } from "./helpers.js";

/**
 * A cluster (test images plus nginx-slim and busybox) and the workstation a user types on, with
 * kubectl and minikube installed: tests drive kubectl as a program, through the shell.
 */
export interface Terminal {
  /** Runs a command line to completion; returns its status and what it printed on stdout and stderr together. */
  run(source: string): { status: number; output: string };
  /** Runs and returns stdout and stderr apart. */
  split(source: string): { status: number; stdout: string; stderr: string };
  /** Starts a command line in the background (a second terminal); read its output later. */
  background(source: string): StringSink;
}

export function kubectlWorld(options: ClusterOptions & { kubectl?: Partial<KubectlOptions> } = {}): { cluster: Cluster; workstation: Workstation; term: Terminal } {
  const registry = testRegistry();
  registerBasicImages(registry);
  const cluster = new Cluster({ registry, ...options });
  registerKubectl(registry, cluster, options.kubectl);
  const workstation = new Workstation({ cluster, tools: { kubectl: KUBECTL_PROGRAM, minikube: MINIKUBE_PROGRAM } });
  const term: Terminal = {
    run(source) {
      const out = new StringSink();
      const session = workstation.session({ stdout: out, stderr: out });
      const status = session.run(source);
      session.close();
      return { status, output: out.text() };
    },
    split(source) {
      const stdout = new StringSink();
      const stderr = new StringSink();
      const session = workstation.session({ stdout, stderr });
      const status = session.run(source);
      session.close();
      return { status, stdout: stdout.text(), stderr: stderr.text() };
    },
    background(source) {
      const out = new StringSink();
      workstation.background(source, { stdout: out, stderr: out });
      return out;
    },
  };
  return { cluster, workstation, term };
}

/** `get -w` rows without the ages that depend on timing: `web-0 0/1 Pending`. */
export function watchRows(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("NAME "))
    .map((l) => l.split(/\s+/).slice(0, 3).join(" "));
}
