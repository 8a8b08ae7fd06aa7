import { Future, Network, Sim, spawn, type Proc } from "@ksim/sim";
import { describe, expect, it } from "vitest";
import { formatHttp, httpRequest, httpResponse, parseUrl, serveHttp, type HttpResponse, type HttpResult } from "../src/runtime/http.js";

function world() {
  const sim = new Sim({ seed: 3 });
  const net = new Network(sim);
  const server = net.addHost("server", "10.0.0.1");
  const client = net.addHost("client", "10.0.0.2");
  const names: Record<string, string> = { web: "10.0.0.1" };
  const stack = (host: typeof server) => ({
    ip: host.ip,
    listen: (port: number, on: Parameters<typeof host.listen>[1]) => host.listen(port, on),
    connect: (ip: string, port: number, options?: { timeoutMs?: number }) => host.connect(ip, port, options),
    bindDatagram: host.bindDatagram.bind(host),
    sendDatagram: host.sendDatagram.bind(host),
    resolve: (name: string) => (names[name] === undefined ? [] : [names[name]!]),
    reverse: () => undefined,
    nameserver: "10.0.0.10",
  });
  return { sim, net, server, client, serverNet: stack(server), clientNet: stack(client) };
}

function request(w: ReturnType<typeof world>, url: string, options: Parameters<typeof httpRequest>[2] = {}): HttpResult {
  const task = spawn(w.sim, httpRequest({ sim: w.sim, net: w.clientNet }, url, options) as Proc<HttpResult>);
  w.sim.runWhile(() => !task.done, w.sim.now + 600_000);
  const r = task.result!;
  if (!r.ok) throw new Error("request crashed");
  return r.value;
}

describe("HTTP over simulated connections", () => {
  it("serves requests as single messages and answers HEAD without a body", () => {
    const w = world();
    const seen: string[] = [];
    serveHttp(w.serverNet, 80, (req) => {
      seen.push(`${req.method} ${req.path} ${req.headers.Host}`);
      return httpResponse(200, "hello", { "Content-Length": "5" });
    });
    const r = request(w, "http://web/index.html?x=1");
    expect(r.ok && r.response.body).toBe("hello");
    const head = request(w, "http://10.0.0.1:80/", { method: "HEAD" });
    expect(head.ok && head.response).toMatchObject({ status: 200, body: "", headers: { "Content-Length": "5" } });
    expect(seen).toEqual(["GET /index.html?x=1 web", "HEAD / 10.0.0.1"]);
  });

  it("waits for a handler's waitable and distinguishes resolve, connect and timeout failures", () => {
    const w = world();
    serveHttp(w.serverNet, 80, () => {
      const f = new Future<HttpResponse>();
      w.sim.schedule(5_000, () => f.resolve(httpResponse(503, "busy")));
      return f;
    });
    const slow = request(w, "http://web/");
    expect(slow.ok && slow.response.status).toBe(503);
    expect(request(w, "http://nosuch/")).toMatchObject({ ok: false, error: "resolve" });
    expect(request(w, "http://web:81/")).toMatchObject({ ok: false, error: "connect", reason: "ECONNREFUSED" });
    expect(request(w, "http://web/", { timeoutMs: 1000 })).toMatchObject({ ok: false, error: "timeout" });
    w.net.partition([w.client], [w.server]);
    expect(request(w, "http://web/", { connectTimeoutMs: 2000 })).toMatchObject({ ok: false, error: "connectTimeout", elapsedMs: 2000 });
  });

  it("understands a request written as text and answers in text, closing after HTTP/1.0", () => {
    const w = world();
    serveHttp(w.serverNet, 80, (req) => httpResponse(200, `you asked for ${req.path}`, { "Content-Length": String(14 + req.path.length) }));
    const conn = w.client.connect("10.0.0.1", 80);
    const got: unknown[] = [];
    let ended = false;
    conn.onOpen = () => conn.send("GET /a HTTP/1.0\r\nHost: web\r\n\r\n");
    conn.onData = (d) => got.push(d);
    conn.onEnd = () => (ended = true);
    w.sim.runUntilIdle();
    expect(got).toEqual(["HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\nyou asked for /a"]);
    expect(ended).toBe(true);
  });

  it("parses URLs and prints messages as they look on the wire", () => {
    expect(parseUrl("localhost")).toEqual({ scheme: "http", host: "localhost", port: 80, path: "/" });
    expect(parseUrl("https://k8s.io/examples/a.yaml")).toEqual({ scheme: "https", host: "k8s.io", port: 443, path: "/examples/a.yaml" });
    expect(parseUrl("http://:80/")).toBeUndefined();
    expect(formatHttp(httpResponse(404, "x", { Server: "s" }))).toBe("HTTP/1.1 404 Not Found\r\nServer: s\r\n\r\nx");
  });
});
