/** The part of s3rver 3.7.1's API the tests use (lib/s3rver.js; the package ships no types). */
declare module "s3rver" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    configureBuckets?: { name: string; configs: string[] }[];
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
    /** Koa's request handler for the same app (and store). */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
