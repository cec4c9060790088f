/**
 * What an S3 operation is: its AWS name, the IAM checks it declares (computed from the route,
 * query and headers — never from the body), and its handler. Handlers get a typed context and
 * return a reply; they never touch node:http objects.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { AuthorizationCheck } from '../../iam/authorizer/index.js';
import type { Principal } from '../../iam/credentials/index.js';
import type { BucketService, MultipartService, ObjectService } from '../../services/index.js';
import type { PostPolicyCredentials } from '../common/index.js';

export interface S3Services {
  buckets: BucketService;
  objects: ObjectService;
  multipart: MultipartService;
  region: string;
}

export interface RouteContext {
  bucket: string | undefined;
  key: string | undefined;
  query: ReadonlyMap<string, string>;
  headers: IncomingHttpHeaders;
  /** Server time the request was admitted at, for time-derived condition keys
   * (s3:object-lock-remaining-retention-days); absent outside the pipeline: such keys are omitted. */
  now?: Date;
}

export interface OperationContext extends RouteContext {
  readonly requestId: string;
  readonly operation: string;
  readonly principal: Principal | undefined;
  /** Server time when the request was admitted (the injected clock), for time-based rules. */
  readonly now: Date;
  readonly services: S3Services;
  /**
   * How the request reached us: `secure` over TLS; `loopback` when the client (trusted-proxy
   * aware source address) is this host. SSE-C keys are accepted only when one of them holds.
   */
  readonly transport: { readonly secure: boolean; readonly loopback: boolean };
  /** The decoded, verified payload. Errors if the signature, hash or framing is wrong. */
  body(): Readable;
  /** Reads the whole payload, refusing more than maxBytes (for XML/JSON request bodies). */
  readBody(maxBytes: number): Promise<Buffer>;
  /** Declared payload length: x-amz-decoded-content-length for aws-chunked, else Content-Length. */
  payloadLength(): number | undefined;
  /** Trailing headers of an aws-chunked body; valid once body() has ended. */
  trailers(): Record<string, string>;
  /**
   * Form-authenticated operations only (PostObject): verifies the form's SigV4 POST-policy
   * credentials (undefined: anonymous), then enforces the operation's declared checks for `key`
   * and the bucket's existence — the same steps the pipeline runs for signed requests, before
   * any byte of the upload is read. `extraChecks` are authorized with them (e.g.
   * s3:PutObjectTagging for a form with a tagging field). Resolves with the caller.
   */
  admitFormCaller(form: PostPolicyCredentials | undefined, key: string, extraChecks?: AuthorizationCheck[]): Promise<Principal | undefined>;
  /**
   * Evaluates further checks for the admitted caller (same principal, facts and policies),
   * answering one boolean per check instead of throwing: per-key authorization of DeleteObjects,
   * and "may this caller list the bucket" before telling a missing key (404) from a denial (403).
   */
  isAllowed(checks: readonly AuthorizationCheck[]): Promise<boolean[]>;
}

export interface S3Reply {
  status?: number;
  headers?: Record<string, string | number | undefined>;
  body?: string | Buffer | Readable;
}

/**
 * How a caller is identified. 'signed' (the default): SigV4 header or presigned query, then the
 * declared checks, before the handler runs. 'anonymous': no authentication and no
 * authorization — only the CORS preflight, which browsers send without credentials by design.
 * 'post-form': the credentials are fields of the multipart body; the handler calls
 * ctx.admitFormCaller (PostObject only). The registry refuses these two for any other operation.
 */
export type OperationAccess = 'signed' | 'anonymous' | 'post-form';

/**
 * When the declared checks are enforced. 'before-body' (the default): before any body byte is
 * read. 'per-item' (DeleteObjects, PutObjectRetention, PutObjectLegalHold): the resources or
 * the condition keys are in the bounded body; before the body the caller must be authenticated,
 * or anonymous on a bucket that has a policy; the handler then authorizes with ctx.isAllowed
 * before it looks at anything else (DeleteObjects reports refused items individually).
 */
export type OperationAdmission = 'before-body' | 'per-item';

export interface OperationSpec {
  name: string;
  access?: OperationAccess;
  admission?: OperationAdmission;
  /** true: NoSuchBucket is answered (after authorization) when the bucket does not exist. */
  needsBucket: boolean;
  authorize(route: RouteContext): AuthorizationCheck[];
  handle(ctx: OperationContext): Promise<S3Reply>;
}

export function defineOperation(spec: OperationSpec): OperationSpec {
  return Object.freeze(spec);
}
