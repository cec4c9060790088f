#!/usr/bin/env bash
# Object Lock through awscli v2 (/usr/bin/aws s3api): a bucket created with
# --object-lock-enabled-for-bucket, a default COMPLIANCE rule (1 day), an upload that gets it,
# get-object-retention, a versioned delete that must fail with AccessDenied (even with
# --bypass-governance-retention), a legal hold set, read and lifted. The bucket cannot be
# removed afterwards (its version stays locked for a day): it is left in the throw-away server.
#
# Sourced by run.sh (uses its step/step_err/section/aws_ helpers and $EP, $WORK), or run on its
# own against a running server:
#   COMPAT_ENDPOINT=http://127.0.0.1:9000 COMPAT_ACCESS_KEY=… COMPAT_SECRET_KEY=… bash test/compat/object-lock.sh
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  source "$(dirname "${BASH_SOURCE[0]}")/standalone.sh" lock
  LOCK_STANDALONE=1
fi

section "Object Lock: awscli $(/usr/bin/aws --version 2>&1 | cut -d' ' -f1)"
LOCKW="$WORK/lock"; mkdir -p "$LOCKW"
LB="compat-lock-$RANDOM$RANDOM"
head -c 4096 /dev/urandom >"$LOCKW/file.bin"
LOCK_CONFIG='{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Days":1}}}'
# lock_json FILE EXPR: evaluates a Python expression over the JSON in FILE as `d`, exits 1 when falsy
lock_json() { /usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(json.dumps(d)); sys.exit(0 if eval(sys.argv[2]) else 1)' "$@"; }

lock_versioning() { aws_ s3api get-bucket-versioning --bucket "$LB" --output json >"$LOCKW/v.json" && lock_json "$LOCKW/v.json" 'd["Status"] == "Enabled"'; }
lock_get_config() {
  aws_ s3api get-object-lock-configuration --bucket "$LB" --output json >"$LOCKW/c.json" &&
    lock_json "$LOCKW/c.json" 'd["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}}'
}
lock_upload() {
  aws_ s3api put-object --bucket "$LB" --key records/invoice.bin --body "$LOCKW/file.bin" --output json >"$LOCKW/put.json" &&
    lock_json "$LOCKW/put.json" 'len(d.get("VersionId", "")) > 0'
}
lock_vid() { /usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["VersionId"])' "$LOCKW/put.json"; }
lock_retention() {  # COMPLIANCE, retain-until about one day ahead
  aws_ s3api get-object-retention --bucket "$LB" --key records/invoice.bin --version-id "$(lock_vid)" --output json >"$LOCKW/r.json" &&
    lock_json "$LOCKW/r.json" 'd["Retention"]["Mode"] == "COMPLIANCE" and 23 * 3600 < (__import__("datetime").datetime.fromisoformat(d["Retention"]["RetainUntilDate"].replace("Z", "+00:00")) - __import__("datetime").datetime.now(__import__("datetime").timezone.utc)).total_seconds() <= 86400 + 60'
}
lock_head() {
  aws_ s3api head-object --bucket "$LB" --key records/invoice.bin --version-id "$(lock_vid)" --output json >"$LOCKW/h.json" &&
    lock_json "$LOCKW/h.json" 'd["ObjectLockMode"] == "COMPLIANCE" and "ObjectLockRetainUntilDate" in d'
}
lock_delete() { aws_ s3api delete-object --bucket "$LB" --key records/invoice.bin --version-id "$(lock_vid)"; }
lock_delete_bypass() { aws_ s3api delete-object --bucket "$LB" --key records/invoice.bin --version-id "$(lock_vid)" --bypass-governance-retention; }
lock_still_there() { rm -f "$LOCKW/got"; aws_ s3api get-object --bucket "$LB" --key records/invoice.bin --version-id "$(lock_vid)" "$LOCKW/got" >/dev/null && cmp "$LOCKW/file.bin" "$LOCKW/got"; }
lock_hold() { aws_ s3api put-object-legal-hold --bucket "$LB" --key records/invoice.bin --version-id "$(lock_vid)" --legal-hold "Status=$1"; }
lock_get_hold() {
  aws_ s3api get-object-legal-hold --bucket "$LB" --key records/invoice.bin --version-id "$(lock_vid)" --output json >"$LOCKW/l.json" &&
    lock_json "$LOCKW/l.json" "d['LegalHold']['Status'] == '$1'"
}
lock_shorten() {
  aws_ s3api put-object-retention --bucket "$LB" --key records/invoice.bin --version-id "$(lock_vid)" \
    --retention "Mode=COMPLIANCE,RetainUntilDate=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)" --bypass-governance-retention
}

step "aws s3api create-bucket --object-lock-enabled-for-bucket" aws_ s3api create-bucket --bucket "$LB" --object-lock-enabled-for-bucket
step "aws s3api get-bucket-versioning: Enabled" lock_versioning
step "aws s3api put-object-lock-configuration (default COMPLIANCE, 1 day)" aws_ s3api put-object-lock-configuration --bucket "$LB" --object-lock-configuration "$LOCK_CONFIG"
step "aws s3api get-object-lock-configuration shows the rule" lock_get_config
step "aws s3api put-object (gets the default retention)" lock_upload
step "aws s3api get-object-retention: COMPLIANCE, one day ahead" lock_retention
step "aws s3api head-object shows the lock headers" lock_head
step_err "aws s3api delete-object --version-id -> AccessDenied" 'AccessDenied' lock_delete
step_err "aws s3api delete-object --version-id --bypass-governance-retention -> AccessDenied (COMPLIANCE)" 'AccessDenied' lock_delete_bypass
step_err "aws s3api put-object-retention shortening COMPLIANCE -> AccessDenied" 'AccessDenied' lock_shorten
step_err "aws s3api put-bucket-versioning Suspended -> InvalidBucketState" 'InvalidBucketState' aws_ s3api put-bucket-versioning --bucket "$LB" --versioning-configuration Status=Suspended
step "the locked version still reads back identical" lock_still_there
step "aws s3api put-object-legal-hold ON" lock_hold ON
step "aws s3api get-object-legal-hold: ON" lock_get_hold ON
step "aws s3api put-object-legal-hold OFF" lock_hold OFF
step "aws s3api get-object-legal-hold: OFF" lock_get_hold OFF
step_err "aws s3api delete-object --version-id still refused (retention) -> AccessDenied" 'AccessDenied' lock_delete
step_err "aws s3api delete-bucket -> BucketNotEmpty" 'BucketNotEmpty' aws_ s3api delete-bucket --bucket "$LB"
lock_plain_config() { aws_ s3api create-bucket --bucket "$LB-plain" >/dev/null && aws_ s3api put-object-lock-configuration --bucket "$LB-plain" --object-lock-configuration "$LOCK_CONFIG"; }
step_err "aws s3api put-object-lock-configuration on a bucket without versioning -> InvalidBucketState" 'InvalidBucketState' lock_plain_config
step_err "aws s3api get-object-lock-configuration without lock -> ObjectLockConfigurationNotFoundError" 'ObjectLockConfigurationNotFoundError' \
  aws_ s3api get-object-lock-configuration --bucket "$LB-plain"
step "aws s3api delete-bucket of the plain bucket" aws_ s3api delete-bucket --bucket "$LB-plain"

if [[ ${LOCK_STANDALONE:-0} == 1 ]]; then
  echo "$PASS passed, $FAIL failed"
  ((FAIL == 0))
fi
