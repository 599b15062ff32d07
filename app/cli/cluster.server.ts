import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The production topology on loopback (issue 20): nginx in front of two web processes, two mail workers, one
 * PostgreSQL database. It runs the files an IT department installs, not copies of them:
 * - `deploy/nginx/plenary.conf`, with only the listen address and the upstream ports substituted;
 * - the command lines and environment of `deploy/systemd/plenary-web@.service` and `plenary-worker@.service`;
 * - the variables of `deploy/plenary.env.example`, with the test's values where they must differ.
 * Used by `npm run demo:cluster` and tests/integration/cluster.test.ts.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DEPLOY = path.join(ROOT, "deploy");

export type ClusterOptions = {
  databaseUrl: string;
  /** a scratch directory: nginx's files, the data directory, the logs */
  workDir: string;
  proxyPort?: number;
  webProcesses?: number;
  workers?: number;
  /** values that replace the example environment's (SMTP_URL, MAIL_* …) */
  env?: Record<string, string>;
};

export type Cluster = {
  url: string;
  webPorts: number[];
  /** the bearer token for /metrics through the proxy */
  metricsToken: string;
  /** SIGTERM one web process, wait for it to finish its requests and exit, start it again and wait until ready */
  restartWeb: (index: number) => Promise<void>;
  restartWorker: (index: number) => Promise<void>;
  stop: () => Promise<void>;
  logs: () => string;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** KEY=VALUE lines of an environment file (comments and blank lines skipped). */
export function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const match = line.match(/^\s*([A-Z][A-Z0-9_]*)=(.*)$/);
    if (match) env[match[1]] = match[2].trim();
  }
  return env;
}

/** The command and fixed environment of a systemd unit, with %i replaced. */
export function readUnit(file: string, instance: string): { command: string[]; env: Record<string, string> } {
  const text = fs.readFileSync(file, "utf8").replaceAll("%i", instance);
  const exec = text
    .match(/^ExecStart=(.+)$/m)?.[1]
    .trim()
    .split(/\s+/);
  if (!exec) throw new Error(`${file} has no ExecStart`);
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/^Environment=([A-Z0-9_]+)=(.*)$/gm)) env[match[1]] = match[2].trim();
  // the unit runs /usr/bin/node; here it is the node that runs this script
  return { command: exec.map((part) => (part === "/usr/bin/node" ? process.execPath : part)), env };
}

/** deploy/nginx/plenary.conf inside a main configuration that runs unprivileged in `dir`. */
export function nginxConfig({ dir, listen, upstreams, down = [] }: { dir: string; listen: string; upstreams: number[]; down?: number[] }) {
  const site = fs
    .readFileSync(path.join(DEPLOY, "nginx/plenary.conf"), "utf8")
    .replace(/^\s*server 127\.0\.0\.1:\d+[^\n]*\n/gm, "")
    .replace(
      /upstream plenary_web \{\n/,
      `upstream plenary_web {\n${upstreams.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=2s${down.includes(port) ? " down" : ""};\n`).join("")}`,
    )
    .replace(/listen 80;/, `listen ${listen};`)
    .replace(/server_name [^;]+;/, "server_name localhost;");
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((name) => `  ${name}_temp_path ${path.join(dir, name)};`).join("\n");
  return `${process.getuid?.() === 0 ? "user root;\n" : ""}worker_processes 1;
pid ${path.join(dir, "nginx.pid")};
error_log ${path.join(dir, "error.log")} warn;
events { worker_connections 1024; }
http {
  access_log ${path.join(dir, "access.log")};
${temp}
${site}
}
`;
}

/** How many of an nginx master's worker processes are the old generation, finishing their requests after a reload. */
export function oldNginxWorkers(masterPid: number): number {
  let count = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== masterPid) continue;
      if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("shutting down")) count++;
    } catch {
      // the process ended while we looked
    }
  }
  return count;
}

async function waitReady(url: string, child: ChildProcess, output: () => string, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}:\n${output().slice(-3000)}`);
    const response = await fetch(`${url}/readyz`).catch(() => undefined);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} not ready within ${ms / 1000} s:\n${output().slice(-3000)}`);
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM", ms = 30_000) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { workDir } = options;
  fs.mkdirSync(workDir, { recursive: true });
  const nginxDir = path.join(workDir, "nginx");
  fs.mkdirSync(nginxDir, { recursive: true });
  const proxyPort = options.proxyPort ?? (await freePort());
  const webPorts = await Promise.all(Array.from({ length: options.webProcesses ?? 2 }, () => freePort()));
  const url = `http://127.0.0.1:${proxyPort}`;
  let output = "";
  const log = (name: string) => (chunk: Buffer) => {
    output += chunk
      .toString()
      .split("\n")
      .filter(Boolean)
      .map((line) => `[${name}] ${line}\n`)
      .join("");
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };

  const example = readEnvFile(path.join(DEPLOY, "plenary.env.example"));
  const env: Record<string, string> = {
    ...example,
    APP_URL: url,
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: path.join(workDir, "data"),
    SESSION_SECRET: crypto.randomBytes(48).toString("base64"),
    DATA_ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
    METRICS_TOKEN: crypto.randomBytes(16).toString("hex"),
    ...options.env,
  };
  for (const [key, value] of Object.entries(env)) if (value === "") delete env[key];
  if (!options.env?.SMTP_URL) delete env.SMTP_URL;
  if (!options.env?.MAIL_RETURN_PATH) delete env.MAIL_RETURN_PATH;

  const spawnUnit = (unit: string, instance: string) => {
    const { command, env: unitEnv } = readUnit(path.join(DEPLOY, "systemd", unit), instance);
    const child = spawn(command[0], command.slice(1), {
      cwd: ROOT,
      env: { NODE_ENV: "production", PATH: process.env.PATH, ...env, ...unitEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", log(`${unit.split("@")[0]}@${instance}`));
    child.stderr!.on("data", log(`${unit.split("@")[0]}@${instance}`));
    return child;
  };

  const webs: ChildProcess[] = [];
  const workers: ChildProcess[] = [];
  let nginx: ChildProcess | undefined;
  const stopAll = async () => {
    if (nginx) await stopChild(nginx, "SIGQUIT", 10_000);
    await Promise.all([...webs, ...workers].map((child) => stopChild(child)));
  };
  try {
    // all web processes start at once: one migrates (the migrator's lock), the others wait for it
    webs.push(...webPorts.map((port) => spawnUnit("plenary-web@.service", String(port))));
    await Promise.all(webPorts.map((port, i) => waitReady(`http://127.0.0.1:${port}`, webs[i], () => output)));
    for (let i = 0; i < (options.workers ?? 2); i++) workers.push(spawnUnit("plenary-worker@.service", String(i + 1)));

    fs.writeFileSync(path.join(nginxDir, "nginx.conf"), nginxConfig({ dir: nginxDir, listen: `127.0.0.1:${proxyPort}`, upstreams: webPorts }));
    nginx = spawn("nginx", ["-p", nginxDir, "-c", path.join(nginxDir, "nginx.conf"), "-g", "daemon off;"], { stdio: ["ignore", "pipe", "pipe"] });
    nginx.stdout!.on("data", log("nginx"));
    nginx.stderr!.on("data", log("nginx"));
    await waitReady(url, nginx, () => output);
  } catch (error) {
    await stopAll();
    throw error;
  }

  /** Rewrites nginx's configuration with some web processes marked down, and reloads it (SIGHUP: graceful). */
  const reloadNginx = async (down: number[]) => {
    fs.writeFileSync(path.join(nginxDir, "nginx.conf"), nginxConfig({ dir: nginxDir, listen: `127.0.0.1:${proxyPort}`, upstreams: webPorts, down }));
    nginx!.kill("SIGHUP");
    // the new workers take new requests at once; the old ones finish theirs and exit: wait for that, so that no
    // request is still on its way to a process about to stop (deploy/rolling-restart.sh waits the same way)
    await new Promise((resolve) => setTimeout(resolve, 200));
    const deadline = Date.now() + 30_000;
    while (oldNginxWorkers(nginx!.pid!) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  };

  return {
    url,
    webPorts,
    metricsToken: env.METRICS_TOKEN,
    logs: () => output,
    // deploy/rolling-restart.sh does the same with systemctl: take the process out of nginx, let it finish, restart
    // it, wait until ready, put it back
    restartWeb: async (index) => {
      await reloadNginx([webPorts[index]]);
      await stopChild(webs[index]);
      webs[index] = spawnUnit("plenary-web@.service", String(webPorts[index]));
      await waitReady(`http://127.0.0.1:${webPorts[index]}`, webs[index], () => output);
      await reloadNginx([]);
    },
    restartWorker: async (index) => {
      await stopChild(workers[index]);
      workers[index] = spawnUnit("plenary-worker@.service", String(index + 1));
    },
    stop: stopAll,
  };
}
