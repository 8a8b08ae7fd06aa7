import { EXAMPLE_FILES } from "./manifests.js";

export { EXAMPLE_FILES } from "./manifests.js";

/**
 * Where the tutorials fetch their manifests from: the short k8s.io/examples address (which
 * redirects to kubernetes.io/examples) and the raw file in the kubernetes/website repository.
 * Both end in the file's path below content/en/examples.
 */
const URL_PREFIXES = [
  "https://k8s.io/examples/",
  "http://k8s.io/examples/",
  "https://kubernetes.io/examples/",
  "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/",
];

/** The text of a bundled example published at `url`, or undefined when ksim does not bundle it. */
export function bundledUrl(url: string): string | undefined {
  for (const prefix of URL_PREFIXES) {
    if (!url.startsWith(prefix)) continue;
    const path = url.slice(prefix.length);
    return Object.hasOwn(EXAMPLE_FILES, path) ? EXAMPLE_FILES[path] : undefined;
  }
  return undefined;
}
