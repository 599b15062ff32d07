/**
 * A tiny browser stand-in for route tests: keeps cookies, sends the Origin a browser would,
 * and does not follow redirects so tests can assert them.
 */
export class TestClient {
  cookies = new Map<string, string>();
  constructor(
    public baseUrl: string,
    public origin: string | null = baseUrl,
  ) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /max-age=0/i.test(a.trim())) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, path: string, init: { form?: Record<string, string> | URLSearchParams | FormData; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    if (method !== "GET" && method !== "HEAD" && this.origin && !("origin" in headers)) headers.origin = this.origin;
    const body = init.form instanceof FormData ? init.form : init.form ? new URLSearchParams(init.form) : undefined;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: "manual" });
    this.remember(response);
    return response;
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request("GET", path, { headers });
  }

  post(path: string, form: Record<string, string> | URLSearchParams | FormData, headers?: Record<string, string>) {
    return this.request("POST", path, { form, headers });
  }

  /** Signs in through the real form; returns the response of the POST. */
  signIn(email: string, password: string) {
    return this.post("/login", { email, password });
  }
}

export function locationOf(response: Response) {
  return response.headers.get("location") ?? "";
}
