#!/usr/bin/env bash
# Encryption at rest through awscli v2 (/usr/bin/aws): put-bucket-encryption AES256 and
# get-bucket-encryption, `aws s3 cp` of a multi-MiB file (multipart, bucket default SSE-S3) read
# back identical, a ranged get-object, --sse aws:kms, --sse-c with a key over loopback (and the
# same object refused without the key), delete-bucket-encryption. Needs a server with a KMS
# (run.sh starts one with COFFER_KMS_SECRET_KEY); against a server without one, the SSE-S3 /
# SSE-KMS steps expect NotImplemented.
#
# Sourced by run.sh (uses its step/step_err/section/aws_ helpers and $EP, $WORK), or run on its
# own against a running server:
#   COMPAT_ENDPOINT=http://127.0.0.1:9000 COMPAT_ACCESS_KEY=… COMPAT_SECRET_KEY=… bash test/compat/sse.sh
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  source "$(dirname "${BASH_SOURCE[0]}")/standalone.sh" sse
  SSE_STANDALONE=1
fi
declare -F ok >/dev/null || ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
declare -F notok >/dev/null || notok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; }

section "Encryption at rest: awscli $(/usr/bin/aws --version 2>&1 | cut -d' ' -f1)"
SSEW="$WORK/sse"; mkdir -p "$SSEW"
SB="compat-sse-$RANDOM$RANDOM"
head -c $((12 * 1024 * 1024 + 4321)) /dev/urandom >"$SSEW/big.bin"
head -c 300000 /dev/urandom >"$SSEW/mid.bin"
head -c 32 /dev/urandom >"$SSEW/customer.key"
SSE_CONFIG='{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
sse_json() { /usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(json.dumps(d)); sys.exit(0 if eval(sys.argv[2]) else 1)' "$@"; }

step "aws s3api create-bucket" aws_ s3api create-bucket --bucket "$SB"
if aws_ s3api put-bucket-encryption --bucket "$SB" --server-side-encryption-configuration "$SSE_CONFIG" >"$SSEW/out" 2>&1; then
  ok "aws s3api put-bucket-encryption AES256"
  sse_get_config() { aws_ s3api get-bucket-encryption --bucket "$SB" --output json >"$SSEW/c.json" && sse_json "$SSEW/c.json" 'd["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"'; }
  step "aws s3api get-bucket-encryption: AES256" sse_get_config
  step "aws s3 cp of a 12 MiB file (multipart, bucket default)" aws_ s3 cp "$SSEW/big.bin" "s3://$SB/big.bin"
  sse_head_big() { aws_ s3api head-object --bucket "$SB" --key big.bin --output json >"$SSEW/h.json" && sse_json "$SSEW/h.json" 'd["ServerSideEncryption"] == "AES256" and d["ContentLength"] == '"$(stat -c %s "$SSEW/big.bin")"; }
  step "aws s3api head-object: AES256 and the plaintext size" sse_head_big
  sse_get_big() { aws_ s3 cp "s3://$SB/big.bin" "$SSEW/big.got" && cmp "$SSEW/big.bin" "$SSEW/big.got"; }
  step "aws s3 cp back: identical" sse_get_big
  sse_range() {  # across a 64 KiB package boundary and the 8 MiB part boundary of aws s3 cp
    local start=$((8 * 1024 * 1024 - 70000)) len=140000
    aws_ s3api get-object --bucket "$SB" --key big.bin --range "bytes=$start-$((start + len - 1))" "$SSEW/range" >/dev/null &&
      [[ $(stat -c %s "$SSEW/range") == "$len" ]] && cmp -i "$start:0" -n "$len" "$SSEW/big.bin" "$SSEW/range"
  }
  step "aws s3api get-object --range across package and part boundaries" sse_range
  sse_kms() {
    aws_ s3 cp "$SSEW/mid.bin" "s3://$SB/kms.bin" --sse aws:kms >/dev/null &&
      aws_ s3api head-object --bucket "$SB" --key kms.bin --output json >"$SSEW/k.json" && sse_json "$SSEW/k.json" 'd["ServerSideEncryption"] == "aws:kms"' &&
      aws_ s3 cp "s3://$SB/kms.bin" "$SSEW/kms.got" >/dev/null && cmp "$SSEW/mid.bin" "$SSEW/kms.got"
  }
  step "aws s3 cp --sse aws:kms: round trip" sse_kms
  step "aws s3api delete-bucket-encryption" aws_ s3api delete-bucket-encryption --bucket "$SB"
  step_err "aws s3api get-bucket-encryption after delete -> ServerSideEncryptionConfigurationNotFoundError" 'ServerSideEncryptionConfigurationNotFoundError' \
    aws_ s3api get-bucket-encryption --bucket "$SB"
elif grep -q NotImplemented "$SSEW/out"; then
  ok "aws s3api put-bucket-encryption without a KMS -> NotImplemented"
else
  notok "aws s3api put-bucket-encryption AES256"; sed -n '1,12p' "$SSEW/out" | sed 's/^/    # /'
fi
sse_c() {
  aws_ s3 cp "$SSEW/mid.bin" "s3://$SB/customer.bin" --sse-c AES256 --sse-c-key "fileb://$SSEW/customer.key" >/dev/null &&
    aws_ s3 cp "s3://$SB/customer.bin" "$SSEW/customer.got" --sse-c AES256 --sse-c-key "fileb://$SSEW/customer.key" >/dev/null &&
    cmp "$SSEW/mid.bin" "$SSEW/customer.got"
}
step "aws s3 cp --sse-c over loopback: round trip" sse_c
step_err "aws s3api get-object of the SSE-C object without the key -> 400" '400|Bad Request|InvalidRequest' \
  aws_ s3api get-object --bucket "$SB" --key customer.bin "$SSEW/nokey.got"
sse_cleanup() { aws_ s3 rm "s3://$SB" --recursive >/dev/null && aws_ s3api delete-bucket --bucket "$SB"; }
step "aws s3 rm --recursive and delete-bucket" sse_cleanup

if [[ ${SSE_STANDALONE:-0} == 1 ]]; then
  echo "$PASS passed, $FAIL failed"
  ((FAIL == 0))
fi
