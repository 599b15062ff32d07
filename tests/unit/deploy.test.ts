import fs from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { nginxConfig, readEnvFile, readUnit } from "~/cli/cluster.server";
import { EnvSchemaKeys } from "~/env.server";
import { ROOT } from "../helpers/paths";

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** deploy/, the Dockerfile and compose.yaml describe one topology: these checks keep them in step. */
describe("deployment files", () => {
  it("compose's nginx site is deploy/nginx/plenary.conf with the upstreams named by service", () => {
    const body = (text: string) =>
      text
        .split("\n")
        .filter((line) => !line.startsWith("#"))
        .join("\n");
    const expected = body(read("deploy/nginx/plenary.conf"))
      .replace("server 127.0.0.1:3001", "server web1:3001")
      .replace("server 127.0.0.1:3002", "server web2:3002")
      .replace("allow 127.0.0.1;", "allow 127.0.0.1;  # add your monitoring host");
    expect(body(read("deploy/nginx/compose.conf"))).toBe(expected);
  });

  it("the image and npm start run the systemd units' commands, and the units wait for /readyz", () => {
    const web = readUnit(path.join(ROOT, "deploy/systemd/plenary-web@.service"), "3001");
    const worker = readUnit(path.join(ROOT, "deploy/systemd/plenary-worker@.service"), "1");
    const args = (command: string[]) => command.slice(1).join(" ");
    expect(read("Dockerfile")).toContain(`CMD ["node", "${args(web.command).split(" ").join('", "')}"]`);
    expect(read("compose.yaml")).toContain(`command: ["node", "${args(worker.command).split(" ").join('", "')}"]`);
    // the same node flags (the heap budget) as `npm start`, which the benchmarks measure
    expect((JSON.parse(read("package.json")) as { scripts: { start: string } }).scripts.start).toBe(`node ${args(web.command)}`);
    expect(read("deploy/systemd/plenary-web@.service")).toMatch(/ExecStartPost=.*\/readyz/);
    expect(web.env).toMatchObject({ PORT: "3001", MAIL_WORKER: "false" });
  });

  it("the example environment names only variables Plenary reads", () => {
    const names = Object.keys(readEnvFile(path.join(ROOT, "deploy/plenary.env.example")));
    expect(names.filter((name) => !EnvSchemaKeys.includes(name))).toEqual([]);
  });

  it("the generated nginx configuration marks a process down for a rolling restart", () => {
    const config = nginxConfig({ dir: "/tmp/x", listen: "127.0.0.1:8080", upstreams: [4001, 4002], down: [4002] });
    expect(config).toContain("server 127.0.0.1:4001 max_fails=1 fail_timeout=2s;");
    expect(config).toContain("server 127.0.0.1:4002 max_fails=1 fail_timeout=2s down;");
    expect(config).not.toContain("3001");
    expect(config).toContain("listen 127.0.0.1:8080;");
  });
});
