// oidc-provider ships no type declarations: the little the tests use of it.
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    Grant: any;
    on(event: string, listener: (...args: any[]) => void): void;
  }
}
