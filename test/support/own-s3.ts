/**
 * An S3-protocol server on loopback for tests: `s3rver` (an S3 emulator on Koa, on the npm
 * registry) with a front that checks every request's AWS Signature Version 4 and records what
 * reached the server. Why the front: s3rver 3.7.1 checks only that the access key id exists and
 * accepts any SigV4 signature ("Signature version 4 calculation is unimplemented",
 * node_modules/s3rver/lib/middleware/authentication.js), so a wrong secret would pass. The check
 * follows AWS's "Signature Version 4 for API requests" (canonical request, string to sign,
 * derived signing key): a request signed with another secret gets 403 SignatureDoesNotMatch, as
 * from AWS. The payload hash is taken from x-amz-content-sha256 as signed.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { S3Settings } from "../../db/s3-file-store.ts";

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  bytes: number;
}

export interface OwnS3 {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Every request that passed the signature check, in order. */
  seen: SeenRequest[];
  /** Requests refused for their signature. */
  refused: number;
  /** Env settings for an app using this server. */
  env(): Record<string, string>;
  /** The same, for an S3FileStore made directly. */
  settings(): S3Settings;
  close(): Promise<void>;
}

// s3rver's one built-in account (lib/models/account.js); the front holds the secret it checks.
const ACCESS_KEY = "S3RVER";
const SECRET = "S3RVER";

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");
// RFC 3986 unreserved characters stay, everything else is %XX (AWS's UriEncode).
const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** True when the request carries a SigV4 Authorization header signed with `secret`. */
export function signatureMatches(req: IncomingMessage, secret: string): boolean {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? "");
  if (!auth) return false;
  const [, , day, region, service, signedHeaders, signature] = auth as unknown as string[];
  const [path = "/", rawQuery = ""] = (req.url ?? "/").split("?", 2);
  const query = rawQuery
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const [k = "", v = ""] = p.split("=", 2);
      return [uriEncode(decodeURIComponent(k)), uriEncode(decodeURIComponent(v))] as const;
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const names = (signedHeaders ?? "").split(";");
  const headers = names
    .map(
      (n) =>
        `${n}:${String(req.headers[n] ?? "")
          .trim()
          .replace(/\s+/g, " ")}\n`,
    )
    .join("");
  const payloadHash = String(req.headers["x-amz-content-sha256"] ?? "UNSIGNED-PAYLOAD");
  const canonical = [req.method, path, query, headers, signedHeaders, payloadHash].join("\n");
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day ?? ""), region ?? ""), service ?? ""), "aws4_request");
  const expected = Buffer.from(hmac(key, toSign).toString("hex"));
  const given = Buffer.from(signature ?? "");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function startOwnS3(bucket = "jiaolian-test"): Promise<OwnS3> {
  const directory = await mkdtemp(join(tmpdir(), "jl-s3rver-"));
  const s3rver = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.run();
  const handle = s3rver.callback();
  const seen: SeenRequest[] = [];
  const own: OwnS3 = {
    endpoint: "",
    region: "us-east-1",
    bucket,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: SECRET,
    seen,
    refused: 0,
    settings: () => ({ endpoint: own.endpoint, region: own.region, bucket, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET, forcePathStyle: true }),
    env: () => ({
      FILE_STORE: "s3",
      S3_ENDPOINT: own.endpoint,
      S3_REGION: own.region,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: ACCESS_KEY,
      S3_SECRET_ACCESS_KEY: SECRET,
      S3_FORCE_PATH_STYLE: "true",
    }),
    close: async () => {
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await s3rver.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
  const front: Server = createServer((req, res) => {
    if (!signatureMatches(req, SECRET)) {
      own.refused++;
      req.resume();
      res.writeHead(403, { "content-type": "application/xml" });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>',
      );
      return;
    }
    const url = new URL(req.url ?? "/", "http://s3.local");
    seen.push({ method: req.method ?? "", path: url.pathname, query: url.searchParams, bytes: Number(req.headers["content-length"] ?? 0) });
    handle(req, res);
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  own.endpoint = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  return own;
}
