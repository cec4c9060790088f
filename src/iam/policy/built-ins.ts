/**
 * Built-in managed policies (AWS-correct variants of MinIO's canned policies): readonly also
 * grants s3:ListBucket and s3:ListAllMyBuckets (MinIO's does not — a common surprise).
 * Bucket-level requests use 'arn:aws:s3:::b', object requests 'arn:aws:s3:::b/k'; a
 * resourceless s3 request (ListAllMyBuckets, resource '*') is matched as 'arn:aws:s3:::*'
 * (resources.ts requestResource), so the 'arn:aws:s3:::*' entry grants it.
 * The AWS managed policies AmazonS3FullAccess, AmazonS3ReadOnlyAccess, IAMFullAccess and
 * IAMReadOnlyAccess are built-ins too (same documents as AWS's), named in AWS_MANAGED_POLICY_NAMES.
 */
import { parsePolicy } from './parse.js';
import type { ParsedPolicy } from './types.js';

const S3_ALL = ['arn:aws:s3:::*', 'arn:aws:s3:::*/*'];

function allow(actions: string[], resources: string[] | string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }] });
}

const DOCUMENTS: ReadonlyArray<[string, string]> = [
  ['readonly', allow(['s3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListAllMyBuckets'], S3_ALL)],
  ['readwrite', allow(['s3:*'], S3_ALL)],
  ['writeonly', allow(['s3:PutObject'], S3_ALL)],
  ['diagnostics', allow(['admin:Profiling', 'admin:ServerTrace', 'admin:ConsoleLog', 'admin:ServerInfo', 'admin:TopLocksInfo', 'admin:OBDInfo', 'admin:BandwidthMonitor', 'admin:Prometheus'], '*')],
  ['consoleAdmin', allow(['admin:*', 'iam:*', 'sts:*', 'kms:*', 's3:*'], '*')],
];

/** AWS managed policies Coffer provides under their AWS ARN, arn:aws:iam::aws:policy/NAME. */
const AWS_DOCUMENTS: ReadonlyArray<[string, string]> = [
  ['AmazonS3FullAccess', allow(['s3:*'], '*')],
  ['AmazonS3ReadOnlyAccess', allow(['s3:Get*', 's3:List*'], '*')],
  ['IAMFullAccess', allow(['iam:*'], '*')],
  ['IAMReadOnlyAccess', allow(['iam:Get*', 'iam:List*'], '*')],
];

/** Names of the built-ins that are AWS managed policies (their ARN is arn:aws:iam::aws:policy/NAME). */
export const AWS_MANAGED_POLICY_NAMES: ReadonlySet<string> = new Set(AWS_DOCUMENTS.map(([name]) => name));

export const BUILT_IN_POLICIES: ReadonlyMap<string, ParsedPolicy> = new Map(
  [...DOCUMENTS, ...AWS_DOCUMENTS].map(([name, text]) => [name, Object.freeze(parsePolicy(text, 'identity'))]),
);
