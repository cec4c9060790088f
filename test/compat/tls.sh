#!/usr/bin/env bash
# TLS through awscli v2 (/usr/bin/aws) and boto3 (/usr/bin/python3): starts a second Coffer of
# its own (built dist, temp data dir, free loopback port) with `coffer server DIR --auto-tls`,
# takes the CA path from what it prints (and checks its SHA-256 fingerprint), waits until
# https://…/coffer/health/ready answers with that CA, then: aws s3 mb / cp up and down of a
# multi-MiB file (multipart) / ls with --ca-bundle, the same with AWS_CA_BUNDLE, a call without
# any CA bundle that must fail certificate verification, boto3 put/get with verify=CA and a
# presigned GET fetched with urllib + ssl (and refused without the CA), aws s3 cp --sse-c round
# trip over TLS, plain http:// to the TLS port refused. The server is stopped by its PID.
#
# Sourced by run.sh (uses its step/step_err/section helpers, $WORK and the exported credentials),
# or run on its own (needs a built dist/: npm run build; no other server is used):
#   bash test/compat/tls.sh
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  # standalone.sh wants an endpoint and keys; this story only talks to the server it starts.
  export COMPAT_ENDPOINT=${COMPAT_ENDPOINT:-https://127.0.0.1:0} COMPAT_ACCESS_KEY=${COMPAT_ACCESS_KEY:-compatroot}
  export COMPAT_SECRET_KEY=${COMPAT_SECRET_KEY:-compat-secret-$RANDOM$RANDOM$RANDOM}
  source "$(dirname "${BASH_SOURCE[0]}")/standalone.sh" tls
  TLS_STANDALONE=1
  trap 'exit 130' INT TERM
fi
declare -F ok >/dev/null || ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
declare -F notok >/dev/null || notok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; }

TLS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TLSW="$WORK/tls"; mkdir -p "$TLSW"
TLS_LOG="$TLSW/server.log" TLS_PID="" TLS_CA="" TLS_EP=""
TB="compat-tls-$RANDOM$RANDOM"

# Stops this story's server (by its PID only) and waits for it; safe to call twice.
tls_stop() {
  [[ -n $TLS_PID ]] || return 0
  kill "$TLS_PID" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$TLS_PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$TLS_PID" 2>/dev/null && { echo "# TLS server $TLS_PID ignored SIGTERM for 10 s: SIGKILL"; kill -9 "$TLS_PID" 2>/dev/null; }
  wait "$TLS_PID" 2>/dev/null
  TLS_PID=""
}
# The EXIT trap of whoever sourced us (run.sh's cleanup, standalone.sh's rm -rf) still runs,
# after ours: the server's data folder lives in $WORK.
trap -p EXIT >"$TLSW/prev-trap"
tls_prev_trap() { eval "set -- $(<"$TLSW/prev-trap")"; printf '%s' "${3:-}"; }
TLS_PREV_TRAP=$(tls_prev_trap)
trap "tls_stop; $TLS_PREV_TRAP" EXIT

section "TLS (coffer server --auto-tls): awscli $(/usr/bin/aws --version 2>&1 | cut -d' ' -f1), boto3 $(/usr/bin/python3 -c 'import boto3; print(boto3.__version__)' 2>&1)"

# ---------------------------------------------------------------- the TLS server
tls_start() {
  [[ -f $TLS_ROOT/dist/src/main.js ]] || { echo "no $TLS_ROOT/dist: run npm run build"; return 1; }
  TLS_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') || return 1
  TLS_EP="https://127.0.0.1:$TLS_PORT"
  env COFFER_ROOT_USER="$AWS_ACCESS_KEY_ID" COFFER_ROOT_PASSWORD="$AWS_SECRET_ACCESS_KEY" COFFER_LOG_LEVEL="${COMPAT_LOG_LEVEL:-warn}" \
    COFFER_KMS_SECRET_KEY="compat-key:$(head -c 32 /dev/urandom | base64)" \
    node "$TLS_ROOT/bin/coffer.mjs" server "$TLSW/data" --address "127.0.0.1:$TLS_PORT" --auto-tls >"$TLS_LOG" 2>&1 &
  TLS_PID=$!
  echo "pid $TLS_PID, $TLS_EP"
}
# The notice printed once the listener is up: "  CA certificate:      /path"
tls_ca_from_log() { sed -n 's/^ *CA certificate: *//p' "$TLS_LOG" | head -n 1; }
tls_wait_ready() {
  for _ in $(seq 1 600); do
    [[ -z $TLS_CA ]] && TLS_CA=$(tls_ca_from_log)
    if [[ -n $TLS_CA ]] && curl -fsS --cacert "$TLS_CA" -o /dev/null "$TLS_EP/coffer/health/ready" 2>/dev/null; then
      echo "ready; CA $TLS_CA"; return 0
    fi
    kill -0 "$TLS_PID" 2>/dev/null || { echo "server exited:"; tail -n 30 "$TLS_LOG"; return 1; }
    sleep 0.1
  done
  echo "not ready after 60 s:"; tail -n 30 "$TLS_LOG"; return 1
}
tls_ca_where() {  # default certificates directory: <data>/.coffer/certs, CA in its CAs/ folder
  echo "$TLS_CA"
  [[ $TLS_CA == "$TLSW/data/.coffer/certs/CAs/"*.crt && -s $TLS_CA ]] || return 1
  openssl x509 -in "$TLS_CA" -noout -subject -ext basicConstraints | tee /dev/stderr | grep -F 'CA:TRUE' >/dev/null
}
tls_fingerprint() {
  local printed actual
  printed=$(sed -n 's/^ *SHA-256 fingerprint: *//p' "$TLS_LOG" | head -n 1)
  actual=$(openssl x509 -in "$TLS_CA" -noout -fingerprint -sha256 | sed 's/^[^=]*=//')
  echo "printed $printed"; echo "actual  $actual"
  [[ -n $printed && ${printed^^} == "${actual^^}" ]]
}
tls_cert_files() {  # server key 0600, the CA's private key gone, the certificate chains to the CA
  local d="$TLSW/data/.coffer/certs"
  ls -la "$d" "$d/CAs"
  [[ $(stat -c %a "$d/private.key") == 600 ]] || { echo "private.key mode $(stat -c %a "$d/private.key")"; return 1; }
  ! find "$d" -name '*.key' ! -path "$d/private.key" | grep . || { echo "a key besides private.key is left"; return 1; }
  openssl verify -CAfile "$TLS_CA" "$d/public.crt" && openssl x509 -in "$d/public.crt" -noout -ext subjectAltName | tee /dev/stderr | grep -F 'IP Address:127.0.0.1' >/dev/null
}

if ! step "TLS: start coffer server --auto-tls (own data dir, free loopback port)" tls_start ||
  ! step "TLS: server printed the CA path and answers https://…/coffer/health/ready with it (curl --cacert)" tls_wait_ready; then
  tail -n 30 "$TLS_LOG" 2>/dev/null | cut -c1-400 | sed 's/^/#   /'
  tls_stop
else
  step "TLS: CA is in the default certificates directory (<data>/.coffer/certs/CAs), CA:TRUE" tls_ca_where
  step "TLS: printed SHA-256 fingerprint matches the CA file" tls_fingerprint
  step "TLS: server key 0600, no CA key left behind, server certificate verifies against the CA (IP:127.0.0.1)" tls_cert_files

  # -------------------------------------------------------------- awscli
  head -c $((9 * 1024 * 1024 + 12345)) /dev/urandom >"$TLSW/big.bin"  # above awscli's 8 MiB multipart threshold
  head -c 300000 /dev/urandom >"$TLSW/mid.bin"
  head -c 32 /dev/urandom >"$TLSW/customer.key"
  # No CA from the environment unless a step sets one on purpose.
  tls_aws() { env -u AWS_CA_BUNDLE -u REQUESTS_CA_BUNDLE -u SSL_CERT_FILE -u SSL_CERT_DIR /usr/bin/aws --endpoint-url "$TLS_EP" "$@"; }
  tls_aws_ca() { tls_aws --ca-bundle "$TLS_CA" "$@"; }
  tls_aws_env() { env -u REQUESTS_CA_BUNDLE -u SSL_CERT_FILE -u SSL_CERT_DIR AWS_CA_BUNDLE="$TLS_CA" /usr/bin/aws --endpoint-url "$TLS_EP" "$@"; }
  tls_roundtrip() {  # tls_roundtrip AWSFN KEY: cp up, cp down, identical, ls lists it with its size
    local fn=$1 key=$2 size
    size=$(stat -c %s "$TLSW/big.bin")
    rm -f "$TLSW/got.bin"
    "$fn" s3 cp "$TLSW/big.bin" "s3://$TB/$key" && "$fn" s3 cp "s3://$TB/$key" "$TLSW/got.bin" && cmp "$TLSW/big.bin" "$TLSW/got.bin" &&
      "$fn" s3 ls --recursive "s3://$TB/" | tee /dev/stderr | awk -v k="$key" -v n="$size" '$3 == n && $4 == k { f = 1 } END { exit !f }'
  }
  step "TLS aws --ca-bundle: s3 mb" tls_aws_ca s3 mb "s3://$TB"
  step "TLS aws --ca-bundle: s3 cp of a 9 MiB file up (multipart) and down, identical, s3 ls lists it" tls_roundtrip tls_aws_ca ca-bundle/big.bin
  tls_env_ls_buckets() { tls_aws_env s3 ls | tee /dev/stderr | awk -v b="$TB" '$3 == b { f = 1 } END { exit !f }'; }
  step "TLS AWS_CA_BUNDLE: s3 ls lists the bucket" tls_env_ls_buckets
  step "TLS AWS_CA_BUNDLE: s3 cp up and down, identical, s3 ls lists it" tls_roundtrip tls_aws_env env-bundle/big.bin
  step_err "TLS without a CA bundle: aws s3 ls fails certificate verification" 'CERTIFICATE_VERIFY_FAILED|certificate verify failed' tls_aws s3 ls "s3://$TB/"
  step_err "TLS with the system CA bundle instead of the Coffer CA: aws s3 ls fails verification too" 'CERTIFICATE_VERIFY_FAILED|certificate verify failed' \
    tls_aws --ca-bundle /etc/ssl/certs/ca-certificates.crt s3 ls "s3://$TB/"

  # -------------------------------------------------------------- boto3
  cat >"$TLSW/tls_boto.py" <<'PY'
import hashlib, os, ssl, sys, urllib.error, urllib.request
import boto3
from botocore.config import Config

ep, ca, bucket, what = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=ep, verify=ca, region_name="us-east-1",
                  config=Config(retries={"max_attempts": 1}, signature_version="s3v4"))
body = os.urandom(3 * 1024 * 1024 + 7)
if what == "roundtrip":
    s3.put_object(Bucket=bucket, Key="boto/obj.bin", Body=body)
    got = s3.get_object(Bucket=bucket, Key="boto/obj.bin")["Body"].read()
    print("put", len(body), "got", len(got))
    sys.exit(0 if got == body else 1)
elif what in ("presign", "presign-no-ca"):
    s3.put_object(Bucket=bucket, Key="boto/presigned.bin", Body=body)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "boto/presigned.bin"}, ExpiresIn=300)
    print(url.split("?")[0])
    ctx = ssl.create_default_context(cafile=ca) if what == "presign" else ssl.create_default_context()
    with urllib.request.urlopen(url, context=ctx, timeout=60) as r:
        got = r.read()
        print(r.status, "HSTS:", r.headers.get("Strict-Transport-Security"), "sha256", hashlib.sha256(got).hexdigest()[:16])
    sys.exit(0 if got == body else 1)
PY
  tls_boto() { env -u AWS_CA_BUNDLE -u REQUESTS_CA_BUNDLE -u SSL_CERT_FILE -u SSL_CERT_DIR /usr/bin/python3 "$TLSW/tls_boto.py" "$TLS_EP" "$TLS_CA" "$TB" "$@"; }
  step "TLS boto3 verify=CA: put_object / get_object round trip (3 MiB), identical" tls_boto roundtrip
  step "TLS boto3 presigned GET fetched with urllib + ssl context (cafile=CA), identical" tls_boto presign
  step_err "TLS presigned GET with urllib and the system trust store -> certificate verify failed" 'CERTIFICATE_VERIFY_FAILED|certificate verify failed' tls_boto presign-no-ca

  # -------------------------------------------------------------- SSE-C over TLS
  tls_sse_c() {
    rm -f "$TLSW/customer.got"
    tls_aws_ca s3 cp "$TLSW/mid.bin" "s3://$TB/ssec/customer.bin" --sse-c AES256 --sse-c-key "fileb://$TLSW/customer.key" >/dev/null &&
      tls_aws_ca s3 cp "s3://$TB/ssec/customer.bin" "$TLSW/customer.got" --sse-c AES256 --sse-c-key "fileb://$TLSW/customer.key" >/dev/null &&
      cmp "$TLSW/mid.bin" "$TLSW/customer.got" &&
      tls_aws_ca s3api head-object --bucket "$TB" --key ssec/customer.bin --sse-customer-algorithm AES256 --sse-customer-key "fileb://$TLSW/customer.key" \
        --query '[SSECustomerAlgorithm, ContentLength]' --output text | tee /dev/stderr | grep -E "^AES256[[:space:]]+$(stat -c %s "$TLSW/mid.bin")\$" >/dev/null
  }
  step "TLS aws s3 cp --sse-c AES256 --sse-c-key: up and down, identical; head-object with the key" tls_sse_c
  step_err "TLS aws s3api get-object of the SSE-C object without the key -> 400" '400|Bad Request|InvalidRequest' \
    tls_aws_ca s3api get-object --bucket "$TB" --key ssec/customer.bin "$TLSW/nokey.got"

  # -------------------------------------------------------------- plain HTTP to the TLS port
  step_err "TLS port: plain http:// with curl is refused (no HTTP answer)" 'curl: \((52|56|35|18|8)\)' \
    curl -sS --max-time 20 -o /dev/null "http://127.0.0.1:$TLS_PORT/coffer/health/ready"
  step_err "TLS port: aws --endpoint-url http://… fails" 'Connection was closed|Could not connect|ConnectionClosed|RemoteDisconnected|reset|aborted|EndpointConnectionError' \
    env -u AWS_CA_BUNDLE /usr/bin/aws --endpoint-url "http://127.0.0.1:$TLS_PORT" --cli-read-timeout 20 s3 ls "s3://$TB/"
  step "TLS: server still answers https after the refused plain-HTTP and unverified connections" \
    curl -fsS --cacert "$TLS_CA" -o /dev/null "$TLS_EP/coffer/health/ready"

  # -------------------------------------------------------------- cleanup
  tls_cleanup() { tls_aws_ca s3 rm "s3://$TB" --recursive >/dev/null && tls_aws_ca s3 rb "s3://$TB"; }
  step "TLS aws s3 rm --recursive and s3 rb" tls_cleanup
  # (pipefail is on: a grep that matches nothing fails the pipeline, and ! turns that into success)
  tls_no_errors() { ! grep -E '"level":(50|60)' "$TLS_LOG" | grep -v ERR_STREAM_PREMATURE_CLOSE | cut -c1-600; }
  step "TLS: server logged nothing at error level (besides client disconnects, as in run.sh)" tls_no_errors
  tls_stop_step() { local pid=$TLS_PID; tls_stop; ! kill -0 "$pid" 2>/dev/null; }
  step "TLS: server stopped by its PID" tls_stop_step
fi
trap "$TLS_PREV_TRAP" EXIT

if [[ ${TLS_STANDALONE:-0} == 1 ]]; then
  echo "$PASS passed, $FAIL failed"
  ((FAIL == 0))
fi
