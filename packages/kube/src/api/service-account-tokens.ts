import type { KubeObject, Pod } from "./types.js";
import { ALL_AUTHENTICATED, type UserInfo } from "./rbac.js";

/**
 * The bound service account tokens the kubelet projects into pods (`kube-api-access-*`), and
 * how the API server's token authenticator reads them back. A real token is a JWT signed by the
 * API server naming the pod it is bound to; ksim's carries the pod's uid after a fixed header,
 * so it stops authenticating once that pod is gone, as a bound token does.
 */
const TOKEN_HEADER = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImtzaW0ifQ";

export function serviceAccountToken(pod: Pod): string {
  return `${TOKEN_HEADER}.${pod.metadata.uid}`;
}

/** What finds objects by uid (the API server's store). */
interface ObjectsByUid {
  getByUid<T extends KubeObject>(uid: string): T | undefined;
}

/**
 * The user a bearer token authenticates as (`system:serviceaccount:NS:NAME` with the groups
 * serviceaccount.UserInfo gives), or undefined when it authenticates nobody (401).
 */
export function authenticateToken(store: ObjectsByUid, token: string): UserInfo | undefined {
  const [header, uid] = token.split(".");
  if (header !== TOKEN_HEADER || uid === undefined) return undefined;
  const pod = store.getByUid<Pod>(uid);
  if (pod?.kind !== "Pod" || pod.metadata.deletionTimestamp !== undefined) return undefined;
  const namespace = pod.metadata.namespace ?? "default";
  const name = pod.spec.serviceAccountName ?? "default";
  return {
    name: `system:serviceaccount:${namespace}:${name}`,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, ALL_AUTHENTICATED],
  };
}

/** Who a request with no credentials is, while anonymous authentication is on (kubeadm's default). */
export const ANONYMOUS: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };
