import { Future, wait, type Proc } from "@ksim/sim";
import { ImageLayer } from "../runtime/image.js";
import type { ProcessContext } from "../runtime/process.js";

/**
 * The sandbox's pause process (registry.k8s.io/pause). It is PID 1 of a pod whose containers
 * share one PID namespace (shareProcessNamespace), so ps in any of them shows it first; it
 * sleeps until the runtime stops the sandbox.
 */
export const PAUSE_PROGRAM = "kubelet:pause";

/** The pause image's Dockerfile: `USER 65535:65535`. */
export const PAUSE_USER = { uid: 65535, gid: 65535 };

export function pauseLayer(epochMs: number): ImageLayer {
  return new ImageLayer({ "/pause": { program: PAUSE_PROGRAM, mode: 0o755 } }, epochMs);
}

export function* pauseProgram(ctx: ProcessContext): Proc<number> {
  const stopped = new Future<number>();
  ctx.onSignal((signal) => {
    if (signal === "SIGINT" || signal === "SIGTERM") stopped.resolve(0);
  });
  return yield* wait(stopped);
}
