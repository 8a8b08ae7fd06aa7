import { Sim, Volume } from "@ksim/sim";
import { ImageRegistry, Sandbox } from "@ksim/kube";
import { describe, expect, it } from "vitest";
import { registerBasicImages } from "../src/index.js";
import { workerPid } from "./pod-processes.js";

function nginxPod() {
  const registry = new ImageRegistry();
  registerBasicImages(registry);
  const image = registry.resolveImage("registry.k8s.io/nginx-slim:0.8")!;
  const sim = new Sim({ seed: 7, startEpochMs: Date.UTC(2024, 2, 4, 10, 30) });
  const pod = new Sandbox({ sim, registry, layer: image.layer, hostname: "web-0", ip: "10.244.1.6" });
  const www = new Volume(sim, "pvc-www-web-0");
  pod.rootfs.mount({ path: "/usr/share/nginx/html", volume: www, subPath: "", readOnly: false });
  const nginx = pod.spawn([...image.cmd!], { env: image.env! });
  sim.advance(1000);
  return { pod, image, nginx, www, sim };
}

describe("nginx-slim", () => {
  it("answers to every repository name the tutorials use, with its command and size", () => {
    const registry = new ImageRegistry();
    registerBasicImages(registry);
    for (const ref of ["registry.k8s.io/nginx-slim:0.8", "k8s.gcr.io/nginx-slim:0.7", "gcr.io/google_containers/nginx-slim:0.8"]) {
      expect(registry.resolveImage(ref)?.cmd).toEqual(["nginx", "-g", "daemon off;"]);
    }
    expect(registry.resolveImage("busybox:1.28")?.cmd).toEqual(["sh"]);
    expect(registry.resolveImage("docker.io/library/busybox")?.cmd).toEqual(["sh"]);
    expect(registry.resolveImage("busybox")!.sizeBytes).toBeLessThan(registry.resolveImage("nginx-slim")?.sizeBytes ?? registry.resolveImage("registry.k8s.io/nginx-slim")!.sizeBytes);
  });

  it("runs a master and a worker process", () => {
    const { pod } = nginxPod();
    expect(pod.run(["ps", "-ef"]).stdout).toBe(
      [
        "UID        PID  PPID  C STIME TTY          TIME CMD",
        "root         1     0  0 10:30 ?        00:00:00 nginx: master process nginx -g daemon off;",
        "www-data     2     1  0 10:30 ?        00:00:00 nginx: worker process",
        "root         3     0  0 10:30 ?        00:00:00 ps -ef",
        "",
      ].join("\n"),
    );
  });

  it("serves what is written into the mounted volume, 403 before that, and logs each request", () => {
    const { pod, nginx } = nginxPod();
    const forbidden = pod.run(["curl", "-s", "http://localhost/"]);
    expect(forbidden.stdout).toBe('<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body bgcolor="white">\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx/1.11.1</center>\r\n</body>\r\n</html>\r\n');
    expect(pod.run(["sh", "-c", 'echo "$(hostname)" > /usr/share/nginx/html/index.html']).status).toBe(0);
    expect(pod.run(["curl", "http://localhost/"])).toEqual({ status: 0, stdout: "web-0\n", stderr: "" });
    expect(pod.run(["curl", "-sI", "http://localhost/index.html"]).stdout).toBe(
      'HTTP/1.1 200 OK\r\nServer: nginx/1.11.1\r\nDate: Mon, 04 Mar 2024 10:30:01 GMT\r\nContent-Type: text/html\r\nContent-Length: 6\r\nLast-Modified: Mon, 04 Mar 2024 10:30:01 GMT\r\nConnection: keep-alive\r\nETag: "65e5a2a9-6"\r\nAccept-Ranges: bytes\r\n\r\n',
    );
    expect(pod.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://localhost/missing"]).stdout).toBe("404");
    expect(nginx.stdout.text().split("\n").slice(0, 4)).toEqual([
      '127.0.0.1 - - [04/Mar/2024:10:30:01 +0000] "GET / HTTP/1.1" 403 169 "-" "curl/7.88.1"',
      '127.0.0.1 - - [04/Mar/2024:10:30:01 +0000] "GET / HTTP/1.1" 200 6 "-" "curl/7.88.1"',
      '127.0.0.1 - - [04/Mar/2024:10:30:01 +0000] "HEAD /index.html HTTP/1.1" 200 0 "-" "curl/7.88.1"',
      '127.0.0.1 - - [04/Mar/2024:10:30:01 +0000] "GET /missing HTTP/1.1" 404 169 "-" "curl/7.88.1"',
    ]);
    expect(nginx.stderr.text()).toContain('[error] 2#2: *1 directory index of "/usr/share/nginx/html/" is forbidden, client: 127.0.0.1, server: localhost, request: "GET / HTTP/1.1", host: "localhost"');
  });

  it("dates each response and log line by the second it is served in, and Last-Modified by the file's", () => {
    const { pod, nginx, sim } = nginxPod();
    expect(pod.run(["sh", "-c", "echo hi > /usr/share/nginx/html/index.html"]).status).toBe(0);
    const dates = () => pod.run(["curl", "-sI", "http://localhost/"]).stdout.split("\r\n").filter((l) => /^(Date|Last-Modified):/.test(l));
    expect(dates()).toEqual(["Date: Mon, 04 Mar 2024 10:30:01 GMT", "Last-Modified: Mon, 04 Mar 2024 10:30:01 GMT"]);
    sim.advance(1500);
    expect(dates()).toEqual(["Date: Mon, 04 Mar 2024 10:30:02 GMT", "Last-Modified: Mon, 04 Mar 2024 10:30:01 GMT"]);
    sim.advance(600);
    expect(dates()).toEqual(["Date: Mon, 04 Mar 2024 10:30:03 GMT", "Last-Modified: Mon, 04 Mar 2024 10:30:01 GMT"]);
    expect(nginx.stdout.text().split("\n").slice(0, 3).map((l) => l.slice(l.indexOf("["), l.indexOf("]") + 1))).toEqual([
      "[04/Mar/2024:10:30:01 +0000]",
      "[04/Mar/2024:10:30:02 +0000]",
      "[04/Mar/2024:10:30:03 +0000]",
    ]);
  });

  it("stops gracefully on SIGQUIT and at once on SIGTERM, worker first", () => {
    for (const signal of ["QUIT", "TERM"]) {
      const { pod, nginx, sim } = nginxPod();
      const statuses: number[] = [];
      nginx.process.exited.subscribe((s) => statuses.push(s));
      expect(pod.run(["kill", `-${signal}`, "1"]).status).toBe(0);
      sim.advance(100);
      expect(statuses).toEqual([0]);
      expect(pod.processes.size).toBe(0);
    }
  });
});

describe("the official nginx image", () => {
  function officialPod(env: Record<string, string> = {}, setup?: (pod: Sandbox) => void) {
    const registry = new ImageRegistry();
    registerBasicImages(registry);
    const image = registry.resolveImage("nginx:1.27")!;
    expect(registry.resolveImage("docker.io/library/nginx")).toBe(image);
    const sim = new Sim({ seed: 7, startEpochMs: Date.UTC(2024, 2, 4, 10, 30) });
    const pod = new Sandbox({ sim, registry, layer: image.layer, hostname: "web-6d4cf56db6-x7k2p", ip: "10.244.1.6" });
    setup?.(pod);
    const nginx = pod.spawn([...image.entrypoint!, ...image.cmd!], { env: { ...image.env!, ...env } });
    sim.advance(1000);
    return { pod, image, nginx, sim };
  }
  const CONFIGURED = [
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    "10-listen-on-ipv6-by-default.sh: info: ipv6 not available",
    "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
    "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
  ];

  it("configures itself through /docker-entrypoint.d, becomes nginx as PID 1 and logs its start at notice level", () => {
    const { pod, nginx, image } = officialPod();
    expect(image.stopSignal).toBe("SIGQUIT");
    expect(nginx.stdout.text().split("\n").slice(0, -1)).toEqual(CONFIGURED);
    expect(nginx.stderr.text().split("\n").slice(0, -1).map((l) => l.slice(20))).toEqual([
      '[notice] 1#1: using the "epoll" event method',
      "[notice] 1#1: nginx/1.27.4",
      "[notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) ",
      "[notice] 1#1: OS: Linux 5.15.0-1057-gke",
      "[notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
      "[notice] 1#1: start worker processes",
      expect.stringMatching(/^\[notice\] 1#1: start worker process \d+$/),
    ]);
    expect(pod.processes.list().map((p) => [p.pid, p.ppid, p.uid, p.commandLine])).toEqual([
      [1, 0, 0, "nginx: master process nginx -g daemon off;"],
      [expect.any(Number), 1, 101, "nginx: worker process"],
    ]);
    // bookworm-slim has no procps: ps is not there, kill is only the shell's.
    expect(pod.run(["sh", "-c", "ps -ef"])).toMatchObject({ status: 127, stderr: "sh: 1: ps: not found\n" });
    expect(pod.run(["sh", "-c", "cat /etc/debian_version; readlink /etc/os-release"]).stdout).toBe("12.9\n../usr/lib/os-release\n");
  });

  it("serves its welcome page (615 bytes) and its error pages, logging in the main format", () => {
    const { pod, nginx } = officialPod();
    const head = pod.run(["curl", "-sI", "http://localhost/"]).stdout;
    expect(head).toContain("Server: nginx/1.27.4\r\n");
    expect(head).toContain("Content-Length: 615\r\n");
    expect(pod.run(["curl", "-s", "http://localhost/"]).stdout).toContain("<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }");
    expect(pod.run(["curl", "-s", "http://localhost/missing"]).stdout).toBe(
      "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.4</center>\r\n</body>\r\n</html>\r\n",
    );
    expect(nginx.stdout.text().split("\n").slice(CONFIGURED.length, -1)).toEqual([
      '127.0.0.1 - - [04/Mar/2024:10:30:01 +0000] "HEAD / HTTP/1.1" 200 0 "-" "curl/7.88.1" "-"',
      '127.0.0.1 - - [04/Mar/2024:10:30:01 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/7.88.1" "-"',
      '127.0.0.1 - - [04/Mar/2024:10:30:01 +0000] "GET /missing HTTP/1.1" 404 153 "-" "curl/7.88.1" "-"',
    ]);
  });

  it("stops gracefully on SIGQUIT, its STOPSIGNAL, logging each step", () => {
    const { pod, nginx, sim } = officialPod();
    const worker = workerPid(pod);
    const start = nginx.stderr.text().length;
    expect(pod.run(["sh", "-c", "kill -QUIT 1"]).status).toBe(0);
    sim.advance(100);
    expect(pod.processes.size).toBe(0);
    expect(nginx.stderr.text().slice(start).split("\n").slice(0, -1).map((l) => l.slice(20))).toEqual([
      "[notice] 1#1: signal 3 (SIGQUIT) received, shutting down",
      `[notice] ${worker}#${worker}: gracefully shutting down`,
      `[notice] ${worker}#${worker}: exiting`,
      `[notice] ${worker}#${worker}: exit`,
      `[notice] 1#1: signal 17 (SIGCHLD) received from ${worker}`,
      `[notice] 1#1: worker process ${worker} exited with code 0`,
      "[notice] 1#1: exit",
    ]);
  });

  it("runs a script a user adds to /docker-entrypoint.d in its place, logging to descriptor 3 as the image's own do", () => {
    const { nginx } = officialPod({}, (p) => {
      expect(p.run(["sh", "-c", "printf '#!/bin/sh\\necho >&3 \"$0: custom step\"\\n' > /docker-entrypoint.d/25-custom.sh && chmod +x /docker-entrypoint.d/25-custom.sh"]).status).toBe(0);
    });
    const lines = nginx.stdout.text().split("\n");
    expect(lines.slice(5, 8)).toEqual([
      "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
      "/docker-entrypoint.sh: Launching /docker-entrypoint.d/25-custom.sh",
      "/docker-entrypoint.d/25-custom.sh: custom step",
    ]);
  });

  it("renders templates with the environment, and NGINX_ENTRYPOINT_QUIET_LOGS silences the entrypoint", () => {
    const { pod, nginx } = officialPod({ NGINX_PORT: "8080", NGINX_ENTRYPOINT_QUIET_LOGS: "1" }, (p) => {
      const template = "listen ${NGINX_PORT}; root $HOME_DIR; port=$NGINX_PORT;";
      expect(p.run(["sh", "-c", `mkdir /etc/nginx/templates && echo '${template}' > /etc/nginx/templates/site.conf.template`]).status).toBe(0);
    });
    expect(nginx.stdout.text()).toBe("");
    expect(pod.run(["cat", "/etc/nginx/conf.d/site.conf"]).stdout).toBe("listen 8080; root $HOME_DIR; port=8080;\n");
  });
});

describe("busybox", () => {
  it("reads commands from standard input with its sh and answers nslookup", () => {
    const registry = new ImageRegistry();
    registerBasicImages(registry);
    const image = registry.resolveImage("busybox:1.28")!;
    const pod = new Sandbox({
      registry,
      layer: image.layer,
      hostname: "dns-test",
      dns: { "web-0.nginx.default.svc.cluster.local": "10.244.1.6" },
      searchDomains: ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"],
      reverse: { "10.0.0.10": "kube-dns.kube-system.svc.cluster.local" },
      nameserver: "10.0.0.10",
    });
    const r = pod.run([...image.cmd!], { stdin: "nslookup web-0.nginx\nls /bin | grep -c .\nbusybox | head -1\nexit 3\n", env: image.env! });
    expect(r.stdout).toBe("Server:    10.0.0.10\nAddress 1: 10.0.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: 10.244.1.6\n78\nBusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n");
    expect(r.status).toBe(3);
  });
});
