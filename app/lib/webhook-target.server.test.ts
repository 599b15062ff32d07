import { describe, expect, it } from "vitest";

import { addressRefusal, checkTarget, type Lookup } from "~/lib/webhook-target.server";

const closed = { allowPrivate: false };
const open = { allowPrivate: true };

describe("webhook targets (SSRF)", () => {
  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.20",
    "100.64.0.1",
    "169.254.10.10",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.0.0.1",
    "64:ff9b::192.168.0.1",
  ])("refuses %s unless private targets are allowed", (address) => {
    expect(addressRefusal(address, closed)).toBe("privateAddress");
    expect(addressRefusal(address, open)).toBeNull();
  });

  it.each(["169.254.169.254", "fd00:ec2::254", "100.100.100.200", "::ffff:169.254.169.254"])("refuses the metadata address %s always", (address) => {
    expect(addressRefusal(address, closed)).toBe("metadataAddress");
    expect(addressRefusal(address, open)).toBe("metadataAddress");
  });

  it.each(["93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111"])("accepts the public address %s", (address) => {
    expect(addressRefusal(address, closed)).toBeNull();
  });

  it("checks the URL: http(s) only, no credentials, https unless private targets are allowed", async () => {
    expect(await checkTarget("ftp://hooks.example.org/", closed)).toBe("scheme");
    expect(await checkTarget("javascript:alert(1)", closed)).toBe("scheme");
    expect(await checkTarget("not a url", closed)).toBe("invalidUrl");
    expect(await checkTarget("https://user:pw@93.184.215.14/", closed)).toBe("credentials");
    expect(await checkTarget("http://93.184.215.14/", closed)).toBe("httpsRequired");
    expect(await checkTarget("https://93.184.215.14/hooks", closed)).toBeNull();
    expect(await checkTarget("https://127.0.0.1/hooks", closed)).toBe("privateAddress");
    expect(await checkTarget("https://[::1]:8443/hooks", closed)).toBe("privateAddress");
    expect(await checkTarget("https://169.254.169.254/latest/meta-data", open)).toBe("metadataAddress");
    expect(await checkTarget("http://127.0.0.1:9000/hooks", open)).toBeNull();
  });

  it("resolves names: every address must be allowed (one private among public ones is refused)", async () => {
    const dns: Record<string, string[]> = {
      "hooks.example.org": ["93.184.215.14"],
      "rebind.example.org": ["93.184.215.14", "10.0.0.5"],
      "v6.example.org": ["2606:4700::1111", "fd00::5"],
      "meta.example.org": ["169.254.169.254"],
    };
    const lookup: Lookup = async (host) => {
      if (!dns[host]) throw new Error("ENOTFOUND");
      return dns[host].map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    };
    expect(await checkTarget("https://hooks.example.org/x", { ...closed, lookup })).toBeNull();
    expect(await checkTarget("https://rebind.example.org/x", { ...closed, lookup })).toBe("privateAddress");
    expect(await checkTarget("https://v6.example.org/x", { ...closed, lookup })).toBe("privateAddress");
    expect(await checkTarget("https://meta.example.org/x", { ...open, lookup })).toBe("metadataAddress");
    expect(await checkTarget("https://nowhere.example.org/x", { ...closed, lookup })).toBe("unresolvable");
    // the system resolver: localhost is loopback
    expect(await checkTarget("https://localhost/x", closed)).toBe("privateAddress");
  });
});
