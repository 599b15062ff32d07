import dns from "node:dns";
import net from "node:net";

/**
 * SSRF guard for webhook URLs. A webhook makes this server send requests wherever an administrator points it,
 * so by default it may not reach this machine or the networks behind it: loopback, RFC 1918 and unique-local
 * (fc00::/7), link-local, CGNAT (100.64/10), unspecified, multicast and reserved addresses are refused unless
 * the administrator allows private targets. Cloud metadata addresses are refused always. The check runs when a
 * subscription is saved and again at every delivery, on the address actually connected to (DNS rebinding).
 */
const PRIVATE = new net.BlockList();
for (const [address, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  PRIVATE.addSubnet(address, prefix, "ipv4");
}
for (const [address, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  PRIVATE.addSubnet(address, prefix, "ipv6");
}

/** Instance metadata services: never a webhook target, whatever the setting. */
const METADATA = new Set(["169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254"]);

export type TargetRefusal = "invalidUrl" | "scheme" | "credentials" | "httpsRequired" | "privateAddress" | "metadataAddress" | "unresolvable";

/** An IPv4 address carried in an IPv6 one (::ffff:a.b.c.d, or NAT64 64:ff9b::/96), else the address itself. */
function embeddedIpv4(address: string) {
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? /^64:ff9b::(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return mapped[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return address;
}

/** Why this IP address may not be a target (null: it may). */
export function addressRefusal(address: string, { allowPrivate }: { allowPrivate: boolean }): TargetRefusal | null {
  const ip = embeddedIpv4(address.replace(/^\[|\]$/g, "").split("%")[0]);
  const family = net.isIP(ip);
  if (!family) return "unresolvable";
  if (METADATA.has(ip.toLowerCase())) return "metadataAddress";
  if (allowPrivate) return null;
  return PRIVATE.check(ip, family === 4 ? "ipv4" : "ipv6") ? "privateAddress" : null;
}

/** The URL's own rules: http(s), no credentials, https unless private targets are allowed. */
export function urlRefusal(value: string, { allowPrivate }: { allowPrivate: boolean }): { refusal: TargetRefusal } | { url: URL } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { refusal: "invalidUrl" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { refusal: "scheme" };
  if (url.username || url.password) return { refusal: "credentials" };
  if (url.protocol === "http:" && !allowPrivate) return { refusal: "httpsRequired" };
  if (!url.hostname) return { refusal: "invalidUrl" };
  return { url };
}

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: Lookup = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * Checks a webhook URL, resolving its host: every address it resolves to must be allowed (an attacker's name
 * that resolves to one public and one private address is refused).
 */
export async function checkTarget(
  value: string,
  { allowPrivate, lookup = systemLookup }: { allowPrivate: boolean; lookup?: Lookup },
): Promise<TargetRefusal | null> {
  const checked = urlRefusal(value, { allowPrivate });
  if ("refusal" in checked) return checked.refusal;
  const host = checked.url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) return addressRefusal(host, { allowPrivate });
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host);
  } catch {
    return "unresolvable";
  }
  if (!addresses.length) return "unresolvable";
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, { allowPrivate });
    if (refusal) return refusal;
  }
  return null;
}

/** A refused connection: the address the name resolved to at delivery time is not allowed. */
export class TargetRefusedError extends Error {
  constructor(public refusal: TargetRefusal) {
    super(`webhook target refused: ${refusal}`);
    this.name = "TargetRefusedError";
  }
}

/**
 * A `lookup` for http.request that resolves the host and refuses a forbidden address before the socket
 * connects, so the address checked is the address used (no window for DNS rebinding between the two).
 */
export function guardedLookup({ allowPrivate }: { allowPrivate: boolean }): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, "", 4);
      const list = addresses as dns.LookupAddress[];
      for (const entry of list) {
        const refusal = addressRefusal(entry.address, { allowPrivate });
        if (refusal) return callback(new TargetRefusedError(refusal), "", 4);
      }
      if (!list.length) return callback(new TargetRefusedError("unresolvable"), "", 4);
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}
