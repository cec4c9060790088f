/** Who a verified request acts as. Only the root identity exists until the IAM subsystem lands. */
export interface Principal {
  kind: 'root';
  accessKeyId: string;
  /** Canonical user id reported as Owner/ID. */
  canonicalId: string;
  displayName: string;
  arn: string;
}
