import type { Network } from "@ksim/sim";
import { bundledUrl } from "../examples/index.js";
import { header, httpResponse, serveHttp, type HttpHeaders, type HttpRequest, type HttpResponse } from "../runtime/http.js";

/** Where the simulated internet answers (TEST-NET-3, reserved for documentation). */
export const INTERNET_IP = "203.0.113.80";

/** The names the workstation resolves to it: the sites the tutorials fetch manifests from. */
export const INTERNET_HOSTS = ["k8s.io", "kubernetes.io", "raw.githubusercontent.com"] as const;

/**
 * The part of the internet the tutorials reach: k8s.io/examples/… redirects to
 * kubernetes.io/examples/…, which serves the bundled manifests, as does GitHub's raw
 * view of the website repository. Anything else is a 404.
 */
export function startInternet(network: Network): void {
  const host = network.addHost("internet", INTERNET_IP);
  for (const port of [80, 443]) serveHttp(host, port, (req) => answer(req, port === 443 ? "https" : "http"));
}

function answer(req: HttpRequest, scheme: string): HttpResponse {
  const site = (header(req.headers, "Host") ?? "").replace(/:\d+$/, "");
  if (site === "k8s.io" && req.path.startsWith("/examples/")) {
    const location = `https://kubernetes.io${req.path}`;
    return response(301, { Location: location, "Content-Type": "text/html; charset=utf-8" }, `<a href="${location}">Moved Permanently</a>.\n\n`, req);
  }
  const text = bundledUrl(`${scheme}://${site}${req.path.replace(/[?#].*$/, "")}`) ?? (scheme === "http" ? bundledUrl(`https://${site}${req.path}`) : undefined);
  if (text === undefined) return response(404, { "Content-Type": "text/plain; charset=utf-8" }, "404: Not Found", req);
  const type = site === "raw.githubusercontent.com" ? "text/plain; charset=utf-8" : "application/x-yaml";
  return response(200, { "Content-Type": type }, text, req);
}

function response(status: number, headers: HttpHeaders, body: string, req: HttpRequest): HttpResponse {
  return httpResponse(status, req.method === "HEAD" ? "" : body, { ...headers, "Content-Length": String(Buffer.byteLength(body)) });
}
