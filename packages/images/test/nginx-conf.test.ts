import { Sim } from "@ksim/sim";
import { ImageRegistry, Sandbox } from "@ksim/kube";
import { describe, expect, it } from "vitest";
import { kubectlWorld } from "../../kube/test/kubectl-cmd-helpers.js";
import { registerBasicImages } from "../src/index.js";
import { workerPid } from "./pod-processes.js";
import { readNginxConfig } from "../src/nginx-conf.js";
import { NGINX_OFFICIAL_BUILD } from "../src/nginx-official.js";

/** An official-image pod with `files` written over the image's before nginx starts. */
function nginxWith(files: Record<string, string>, image = "nginx:1.27") {
  const registry = new ImageRegistry();
  registerBasicImages(registry);
  const def = registry.resolveImage(image)!;
  const sim = new Sim({ seed: 7, startEpochMs: Date.UTC(2024, 2, 4, 10, 30) });
  const pod = new Sandbox({ sim, registry, layer: def.layer, hostname: "web", ip: "10.244.1.6" });
  for (const [path, text] of Object.entries(files)) {
    expect(pod.run(["sh", "-c", 'mkdir -p "$(dirname "$0")" && cat > "$0"', path], { stdin: text }).status).toBe(0);
  }
  const nginx = pod.spawn([...(def.entrypoint ?? []), ...def.cmd!], { env: { ...def.env!, NGINX_ENTRYPOINT_QUIET_LOGS: "1" } });
  sim.advance(1000);
  const curl = (...args: string[]) => pod.run(["curl", "-s", ...args]).stdout;
  return { pod, nginx, sim, curl };
}

const DEFAULT_CONF = "/etc/nginx/conf.d/default.conf";

describe("nginx reads its configuration", () => {
  it("reuses a configuration read from the same files, and reads again when one of them, a listing or a name changes", () => {
    const { pod } = nginxWith({});
    const fs = pod.rootfs.view({ uid: 0, gid: 0 });
    const conf = NGINX_OFFICIAL_BUILD.conf;
    let backend: string | undefined;
    const read = () => readNginxConfig(fs, conf, { resolve: () => backend });
    const first = read();
    expect(read()).toBe(first);
    fs.writeFile("/etc/nginx/conf.d/extra.conf", "server { listen 8080; }\n");
    const second = read();
    expect(second).not.toBe(first);
    expect(second.ports).toEqual([80, 8080]);
    expect(read()).toBe(second);
    fs.writeFile("/etc/nginx/conf.d/extra.conf", "server { listen 8080; location / { proxy_pass http://backend:9000; } }\n");
    expect(() => read()).toThrow('host not found in upstream "backend:9000"');
    backend = "10.96.0.7";
    expect(read().ports).toEqual([80, 8080]);
  });

  it("matches locations as nginx does: exact, then ^~ and the longest prefix, then regexes in order", () => {
    const { curl } = nginxWith({
      [DEFAULT_CONF]: `
server {
    listen 80;
    location / { return 200 "prefix /"; }
    location = /exact { return 200 "exact"; }
    location /images/ { return 200 "prefix /images/"; }
    location ^~ /static/ { return 200 "^~ /static/"; }
    location ~* \\.(png|jpg)$ { return 200 "regex $1"; }
    location /images/deep/ {
        location ~ \\.gif$ { return 200 "nested regex"; }
        return 200 "prefix /images/deep/";
    }
}
`,
    });
    expect(curl("http://localhost/exact")).toBe("exact");
    expect(curl("http://localhost/exact/more")).toBe("prefix /");
    expect(curl("http://localhost/images/a.txt")).toBe("prefix /images/");
    expect(curl("http://localhost/images/a.PNG")).toBe("regex PNG");
    expect(curl("http://localhost/static/a.png")).toBe("^~ /static/");
    expect(curl("http://localhost/images/deep/a.gif")).toBe("nested regex");
    expect(curl("http://localhost/images/deep/a.jpg")).toBe("regex jpg");
    expect(curl("http://localhost/images/deep/a.txt")).toBe("prefix /images/deep/");
  });

  it("answers `return` with nginx's status lines, pages and default_type, and redirects to absolute URLs", () => {
    const { curl } = nginxWith({
      [DEFAULT_CONF]: `
server {
    listen 8080;
    server_name example.test;
    location = /moved { return 301 /new; }
    location = /away { return https://example.org$request_uri; }
    location = /gone { return 410; }
    location = /text { return 200 "hello\\n"; }
    location = /page.html { return 200 "<p>hi</p>"; }
    location = /json { default_type application/json; return 200 '{"ok":true}'; }
}
`,
    });
    expect(curl("-i", "http://localhost:8080/moved").split("\r\n").slice(0, 7)).toEqual([
      "HTTP/1.1 301 Moved Permanently",
      "Server: nginx/1.27.4",
      "Date: Mon, 04 Mar 2024 10:30:01 GMT",
      "Content-Type: text/html",
      "Content-Length: 169",
      "Location: http://localhost:8080/new",
      "Connection: keep-alive",
    ]);
    const away = curl("-i", "http://localhost:8080/away?x=1");
    expect(away).toContain("HTTP/1.1 302 Moved Temporarily\r\n");
    expect(away).toContain("Connection: keep-alive\r\nLocation: https://example.org/away?x=1\r\n");
    expect(away).toContain("<title>302 Found</title>");
    expect(curl("-i", "http://localhost:8080/gone")).toContain("HTTP/1.1 410 Gone\r\n");
    expect(curl("-i", "http://localhost:8080/text")).toMatch(/Content-Type: application\/octet-stream\r\nContent-Length: 6\r\n[^]*\r\n\r\nhello\n$/);
    expect(curl("-i", "http://localhost:8080/page.html")).toContain("Content-Type: text/html\r\n");
    expect(curl("-i", "http://localhost:8080/json")).toContain("Content-Type: application/json\r\n");
  });

  it("chooses the server by port and Host header, the default_server when no name matches", () => {
    const { curl } = nginxWith({
      [DEFAULT_CONF]: `
server { listen 80; server_name a.test; return 200 "a"; }
server { listen 80 default_server; server_name b.test; return 200 "b"; }
server { listen 80; server_name *.c.test; return 200 "c"; }
server { listen 81; return 200 "81"; }
`,
    });
    expect(curl("-H", "Host: a.test", "http://localhost/")).toBe("a");
    expect(curl("-H", "Host: x.c.test", "http://localhost/")).toBe("c");
    expect(curl("http://localhost/")).toBe("b");
    expect(curl("http://localhost:81/")).toBe("81");
  });

  it("serves files under root and alias, with index, try_files and error_page", () => {
    const { pod, curl, nginx } = nginxWith({
      "/srv/app/index.html": "app\n",
      "/srv/app/about.html": "about\n",
      "/srv/assets/app.css": "body {}\n",
      [DEFAULT_CONF]: `
server {
    listen 80;
    root /srv/app;
    error_page 404 /404.html;
    error_page 403 = /denied;
    location = /404.html { return 200 "custom 404\\n"; }
    location = /denied { return 200 "denied\\n"; }
    location /private/ { return 403; }
    location /assets/ { alias /srv/assets/; }
    location /spa/ { try_files $uri $uri/ /index.html; }
}
`,
    });
    expect(curl("http://localhost/")).toBe("app\n");
    expect(curl("http://localhost/about.html")).toBe("about\n");
    expect(pod.run(["curl", "-si", "http://localhost/assets/app.css"]).stdout).toContain("Content-Type: text/css\r\n");
    expect(curl("http://localhost/spa/some/route")).toBe("app\n");
    expect(curl("-i", "http://localhost/missing")).toMatch(/^HTTP\/1.1 404 Not Found\r\n[^]*custom 404\n$/);
    // `=` answers with the status of the page that took over.
    expect(curl("-i", "http://localhost/private/x")).toMatch(/^HTTP\/1.1 200 OK\r\n[^]*denied\n$/);
    expect(nginx.stderr.text()).toMatch(/\[error\] (\d+)#\1: \*5 open\(\) "\/srv\/app\/missing" failed \(2: No such file or directory\), client: 127.0.0.1, server: , request: "GET \/missing HTTP\/1.1", host: "localhost"\n/);
  });

  it("starts worker_processes workers, run in turn, and logs to the files the configuration names", () => {
    const { pod } = nginxWith({
      "/etc/nginx/nginx.conf": `
worker_processes 3;
events {}
http {
    log_format short '$remote_addr $status "$request"';
    access_log /var/log/nginx/short.log short;
    server { listen 80; return 204; }
}
`,
    });
    expect(pod.processes.list().filter((p) => p.commandLine === "nginx: worker process")).toHaveLength(3);
    expect(pod.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://localhost/x"]).stdout).toBe("204");
    expect(pod.run(["cat", "/var/log/nginx/short.log"]).stdout).toBe('127.0.0.1 204 "GET /x HTTP/1.1"\n');
  });

  it("proxies to an upstream by name and answers 502 when nothing listens there", () => {
    const { curl, nginx } = nginxWith({
      [DEFAULT_CONF]: `
upstream backend { server 127.0.0.1:8081; }
map $http_upgrade $connection_upgrade { default upgrade; '' close; }
server {
    listen 80;
    location /api/ {
        proxy_pass http://backend/v1/;
        proxy_set_header Host $proxy_host;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
    location /down/ { proxy_pass http://127.0.0.1:9999; }
}
server {
    listen 8081;
    location / { return 200 "backend saw $request_uri on $host\\n"; }
}
`,
    });
    expect(curl("http://localhost/api/users?id=3")).toBe("backend saw /v1/users?id=3 on backend\n");
    expect(curl("-i", "http://localhost/down/x")).toContain("HTTP/1.1 502 Bad Gateway\r\n");
    expect(nginx.stderr.text()).toMatch(/\[error\] \d+#\d+: \*\d+ connect\(\) failed \(111: Connection refused\) while connecting to upstream, client: 127.0.0.1, server: , request: "GET \/down\/x HTTP\/1.1", upstream: "http:\/\/127.0.0.1:9999\/down\/x", host: "localhost"/);
  });
});

describe("nginx configuration errors", () => {
  it("stops at start with nginx's [emerg] line, in the error log and on stderr", () => {
    const cases: [string, string][] = [
      ["server {\n    listen 80;\n    foo bar;\n}\n", 'unknown directive "foo" in /etc/nginx/conf.d/default.conf:3'],
      ["server {\n    listen;\n}\n", 'invalid number of arguments in "listen" directive in /etc/nginx/conf.d/default.conf:2'],
      ["server {\n    listen 70000;\n}\n", 'invalid port in "70000" of the "listen" directive in /etc/nginx/conf.d/default.conf:2'],
      ["server {\n    listen 80x;\n}\n", 'host not found in "80x" of the "listen" directive in /etc/nginx/conf.d/default.conf:2'],
      ["server {\n    listen 80;\n", 'unexpected end of file, expecting "}" in /etc/nginx/conf.d/default.conf:3'],
      ["server { listen 80; }\n}\n", 'unexpected "}" in /etc/nginx/conf.d/default.conf:2'],
      ["server { listen 80 }\n", 'unexpected "}" in /etc/nginx/conf.d/default.conf:1'],
      ["location / { }\n", '"location" directive is not allowed here in /etc/nginx/conf.d/default.conf:1'],
      ["server { location / { root /a; alias /b; } }\n", '"alias" directive is duplicate, "root" directive was specified earlier in /etc/nginx/conf.d/default.conf:1'],
      ["server { location / { return abc; } }\n", 'invalid return code "abc" in /etc/nginx/conf.d/default.conf:1'],
      ["server { listen 80 default_server; }\nserver { listen 80 default_server; }\n", "a duplicate default server for 0.0.0.0:80 in /etc/nginx/conf.d/default.conf:2"],
      ['server { return 200 "$nosuch"; }\n', 'unknown "nosuch" variable'],
      ["server { location / { proxy_pass http://no-such-service:8080; } }\n", 'host not found in upstream "no-such-service:8080" in /etc/nginx/conf.d/default.conf:1'],
      ["include /etc/nginx/missing.conf;\n", 'open() "/etc/nginx/missing.conf" failed (2: No such file or directory) in /etc/nginx/conf.d/default.conf:1'],
    ];
    for (const [conf, message] of cases) {
      const { nginx, pod } = nginxWith({ [DEFAULT_CONF]: conf });
      const pid = nginx.process.pid;
      expect(nginx.stderr.text()).toBe(`2024/03/04 10:30:00 [emerg] ${pid}#${pid}: ${message}\nnginx: [emerg] ${message}\n`);
      expect(pod.processes.size).toBe(0);
    }
  });

  it("nginx -t reports the syntax and the test, -T prints the files read", () => {
    const { pod } = nginxWith({});
    expect(pod.run(["nginx", "-t"])).toEqual({
      status: 0,
      stdout: "",
      stderr: "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n",
    });
    expect(
      pod
        .run(["nginx", "-T"])
        .stdout.split("\n")
        .filter((l) => l.startsWith("# configuration file")),
    ).toEqual(["# configuration file /etc/nginx/nginx.conf:", "# configuration file /etc/nginx/mime.types:", "# configuration file /etc/nginx/conf.d/default.conf:"]);
    pod.run(["sh", "-c", "echo 'server { listen; }' > /etc/nginx/conf.d/extra.conf"]);
    const failed = pod.run(["nginx", "-t"]);
    expect(failed.status).toBe(1);
    expect(failed.stderr.split("\n").slice(1)).toEqual([
      'nginx: [emerg] invalid number of arguments in "listen" directive in /etc/nginx/conf.d/extra.conf:1',
      "nginx: configuration file /etc/nginx/nginx.conf test failed",
      "",
    ]);
  });

  it("reloads on nginx -s reload: new workers with the new configuration, and keeps the old one when the new is broken", () => {
    const { pod, nginx, curl, sim } = nginxWith({});
    const oldWorker = workerPid(pod);
    const start = nginx.stderr.text().length;
    pod.run(["sh", "-c", `echo 'server { listen 8080; return 200 "reloaded"; }' > /etc/nginx/conf.d/more.conf`]);
    // The signal process announces itself in the error log, which the image links to stderr.
    const signal = pod.run(["nginx", "-s", "reload"]);
    expect(signal.status).toBe(0);
    expect(signal.stderr).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[notice\] (\d+)#\1: signal process started\n$/);
    sim.advance(100);
    const newWorker = workerPid(pod);
    expect(newWorker).not.toBe(oldWorker);
    expect(curl("http://localhost:8080/")).toBe("reloaded");
    expect(
      nginx.stderr
        .text()
        .slice(start)
        .split("\n")
        .slice(0, -1)
        .map((l) => l.slice(20)),
    ).toEqual([
      "[notice] 1#1: signal 1 (SIGHUP) received, reconfiguring",
      "[notice] 1#1: reconfiguring",
      '[notice] 1#1: using the "epoll" event method',
      "[notice] 1#1: start worker processes",
      `[notice] 1#1: start worker process ${newWorker}`,
      `[notice] ${oldWorker}#${oldWorker}: gracefully shutting down`,
      `[notice] ${oldWorker}#${oldWorker}: exiting`,
      `[notice] ${oldWorker}#${oldWorker}: exit`,
      `[notice] 1#1: signal 17 (SIGCHLD) received from ${oldWorker}`,
      `[notice] 1#1: worker process ${oldWorker} exited with code 0`,
    ]);
    pod.run(["sh", "-c", "echo 'oops;' >> /etc/nginx/conf.d/more.conf"]);
    const before = nginx.stderr.text().length;
    pod.run(["sh", "-c", "kill -HUP 1"]);
    sim.advance(100);
    expect(nginx.stderr.text().slice(before)).toMatch(/\[emerg\] 1#1: unknown directive "oops" in \/etc\/nginx\/conf.d\/more.conf:2\n$/);
    expect(workerPid(pod)).toBe(newWorker);
    expect(curl("http://localhost:8080/")).toBe("reloaded");
  });
});

describe("nginx in a cluster", () => {
  it("serves a default.conf mounted from a ConfigMap, and a broken one crash-loops with the [emerg] line in its logs", () => {
    const { term } = kubectlWorld({ seed: 3 });
    const conf = "server {\n    listen 8080;\n    location / {\n        return 301 https://example.com$request_uri;\n    }\n}\n";
    const pod = (name: string, configMap: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.27\n    volumeMounts:\n    - name: conf\n      mountPath: /etc/nginx/conf.d\n  volumes:\n  - name: conf\n    configMap:\n      name: ${configMap}\n`;
    expect(term.run(`printf '${conf}' > default.conf && kubectl create configmap web-conf --from-file=default.conf`).status).toBe(0);
    expect(term.run(`cat <<'EOF' | kubectl apply -f -\n${pod("web", "web-conf")}EOF\nkubectl wait --for=condition=Ready pod/web --timeout=60s`).status).toBe(0);
    const moved = term.run("kubectl exec web -- curl -si http://localhost:8080/a?b=c").output;
    expect(moved).toContain("HTTP/1.1 301 Moved Permanently\r\n");
    expect(moved).toContain("Location: https://example.com/a?b=c\r\n");
    expect(term.run("kubectl exec web -- curl -s http://localhost/").output).toBe("command terminated with exit code 7\n");

    expect(term.run(`printf 'server {\\n    listen 80;\\n    foo bar;\\n}\\n' > default.conf && kubectl create configmap bad-conf --from-file=default.conf`).status).toBe(0);
    expect(term.run(`cat <<'EOF' | kubectl apply -f -\n${pod("bad", "bad-conf")}EOF\nsleep 60`).status).toBe(0);
    expect(term.run("kubectl get pod bad --no-headers").output).toMatch(/^bad +0\/1 +CrashLoopBackOff +\d+ /);
    expect(term.run("kubectl logs bad").output.split("\n").slice(-3)).toEqual([
      expect.stringMatching(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[emerg\] 1#1: unknown directive "foo" in \/etc\/nginx\/conf.d\/default.conf:3$/),
      'nginx: [emerg] unknown directive "foo" in /etc/nginx/conf.d/default.conf:3',
      "",
    ]);
  });
});
