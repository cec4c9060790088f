#!/usr/bin/env bash
# Compatibility suite: starts a real Coffer (built dist, temp data dir, loopback) and drives it
# with the S3 clients users have: awscli v2 (/usr/bin/aws), boto3 (/usr/bin/python3), s3cmd
# and rclone (Debian 12 packages). Every step prints "ok - …" or "not ok - …"; the last line
# is "N passed, M failed" and the exit status is 1 when M > 0.
#
#   npm run test:compat                 # build, start, run (~4 min on 2 cores)
#   COMPAT_HUGE=1 npm run test:compat   # also a 5 GiB single-PUT round trip (md5 checked)
#   COMPAT_SKIP_BUILD=1                 # use the existing dist/
#   COMPAT_LOG_LEVEL=info COMPAT_KEEP_WORK=1   # audit log kept in the temp dir for debugging
#   COMPAT_ENDPOINT=http://H:P COMPAT_ACCESS_KEY=… COMPAT_SECRET_KEY=…   # any other S3 server
#
# The per-tool stories upload with a single PUT on purpose (written before multipart existed;
# it keeps the single-PUT path covered): aws s3api put-object; aws s3 cp with
# s3.multipart_threshold raised (config file); boto3 put_object; s3cmd put --disable-multipart;
# rclone --s3-upload-cutoff 5G. A separate section then uses each client's multipart defaults.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/test/compat"
export LC_ALL=C.UTF-8 LANG=C.UTF-8
WORK=$(mktemp -d "${TMPDIR:-/tmp}/coffer-compat.XXXXXX")
LOG="$WORK/server.log"
SERVER_PID=""
PASS=0
FAIL=0

cleanup() {
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  if [[ ${COMPAT_KEEP_WORK:-0} == 1 ]]; then echo "# kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

section() { printf '\n# === %s ===\n' "$*"; }
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
notok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; }
# After a failure: if the server process is gone, say so, show its log and stop.
server_gone() {
  [[ -n $SERVER_PID ]] && ! kill -0 "$SERVER_PID" 2>/dev/null || return 0
  notok "server process exited (after the step above)"; tail -n 40 "$LOG" | cut -c1-600 | sed 's/^/#   /'
  echo "$PASS passed, $FAIL failed"; exit 1
}
show_out() { sed -n '1,12p' "$WORK/out" | cut -c1-400 | sed 's/^/    # /'; }

# step DESCRIPTION CMD...: ok when CMD exits 0 (its output is shown only on failure)
step() {
  local desc=$1; shift
  if "$@" >"$WORK/out" 2>&1; then ok "$desc"; else notok "$desc"; show_out; server_gone; fi
}
# step_err DESCRIPTION REGEX CMD...: ok when CMD fails and its output matches REGEX
step_err() {
  local desc=$1 re=$2; shift 2
  if "$@" >"$WORK/out" 2>&1; then notok "$desc (unexpectedly succeeded)"; show_out
  elif grep -Eq "$re" "$WORK/out"; then ok "$desc"
  else notok "$desc (wrong error, wanted /$re/)"; show_out; server_gone; fi
}

# ---------------------------------------------------------------- server
AK=${COMPAT_ACCESS_KEY:-compatroot}
SK=${COMPAT_SECRET_KEY:-compat-secret-$RANDOM$RANDOM$RANDOM}
if [[ -n ${COMPAT_ENDPOINT:-} ]]; then
  EP=$COMPAT_ENDPOINT
else
  if [[ ${COMPAT_SKIP_BUILD:-0} != 1 ]]; then
    (cd "$ROOT" && npm run build --silent) >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; echo "not ok - build"; echo "0 passed, 1 failed"; exit 1; }
  fi
  PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  EP="http://127.0.0.1:$PORT"
  env COFFER_ROOT_USER="$AK" COFFER_ROOT_PASSWORD="$SK" COFFER_LOG_LEVEL="${COMPAT_LOG_LEVEL:-warn}" \
    COFFER_KMS_SECRET_KEY="compat-key:$(head -c 32 /dev/urandom | base64)" \
    node "$ROOT/bin/coffer.mjs" server "$WORK/data" --address "127.0.0.1:$PORT" >"$LOG" 2>&1 &
  SERVER_PID=$!
fi
HOSTPORT=${EP#http://}
ready=0
for _ in $(seq 1 300); do
  if [[ -n ${COMPAT_ENDPOINT:-} ]]; then curl -s -o /dev/null "$EP/" && { ready=1; break; }  # any HTTP answer
  elif curl -fsS -o /dev/null "$EP/coffer/health/ready" 2>/dev/null; then ready=1; break; fi
  [[ -n $SERVER_PID ]] && ! kill -0 "$SERVER_PID" 2>/dev/null && break
  sleep 0.1
done
if [[ $ready != 1 ]]; then
  echo "not ok - server ready at $EP/coffer/health/ready"; tail -n 40 "$LOG" 2>/dev/null; echo "0 passed, 1 failed"; exit 1
fi
ok "server ready at $EP"

# ---------------------------------------------------------------- client environment
mkdir -p "$WORK/home/.aws" "$WORK/src" "$WORK/got"
export HOME="$WORK/home" COMPAT_ENDPOINT="$EP"
export AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_PAGER="" AWS_MAX_ATTEMPTS=1 AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE="$HOME/.aws/config"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_DEFAULT_PROFILE
: >"$AWS_CONFIG_FILE"
printf '[default]\ns3 =\n  multipart_threshold = 5GB\n' >"$WORK/aws-single-put.config"
cat >"$WORK/s3cfg" <<EOF
[default]
access_key = $AK
secret_key = $SK
host_base = $HOSTPORT
host_bucket = $HOSTPORT
use_https = False
signature_v2 = False
bucket_location = us-east-1
EOF
export RCLONE_CONFIG="$WORK/rclone.conf" RCLONE_CONFIG_COFFER_TYPE=s3 RCLONE_CONFIG_COFFER_PROVIDER=Other
export RCLONE_CONFIG_COFFER_ENDPOINT="$EP" RCLONE_CONFIG_COFFER_ACCESS_KEY_ID="$AK"
export RCLONE_CONFIG_COFFER_SECRET_ACCESS_KEY="$SK" RCLONE_CONFIG_COFFER_REGION=us-east-1

aws_() { /usr/bin/aws --endpoint-url "$EP" "$@"; }
boto() { /usr/bin/python3 "$HERE/s3_boto.py" "$@"; }
s3c() { s3cmd -c "$WORK/s3cfg" --host="$HOSTPORT" --host-bucket="$HOSTPORT" --no-ssl "$@"; }
rc() { env -u AWS_CA_BUNDLE rclone --retries 1 --low-level-retries 1 "$@"; }
same() { cmp "$1" "$2"; }

# Pipelines run with pipefail: never end one with grep -q (it exits early, the writer gets SIGPIPE).
ends_with() { awk -v want="$1" 'substr($0, length($0) - length(want) + 1) == want { found = 1 } END { exit !found }'; }

# ---------------------------------------------------------------- per-tool operations
# Each: TOOL_put B K FILE | TOOL_head B K SIZE | TOOL_get B K OUT | TOOL_list B K | TOOL_del B K | TOOL_gone B K
aws_put() { aws_ s3api put-object --bucket "$1" --key "$2" --body "$3"; }
aws_head() { local n; n=$(aws_ s3api head-object --bucket "$1" --key "$2" --query ContentLength --output text) && echo "$n" && [[ $n == "$3" ]]; }
aws_get() { aws_ s3api get-object --bucket "$1" --key "$2" "$3" >/dev/null; }
aws_list() { aws_ s3api list-objects-v2 --bucket "$1" --prefix "$2" --output json | boto json_has_key "$2"; }
aws_del() { aws_ s3api delete-object --bucket "$1" --key "$2"; }
aws_gone() { aws_ s3api head-object --bucket "$1" --key "$2"; }

boto_put() { boto put "$@"; }
boto_head() { boto head "$@"; }
boto_get() { boto get "$@"; }
boto_list() { boto has_key "$@"; }
boto_del() { boto del "$@"; }
boto_gone() { boto head "$@"; }

s3cmd_put() { s3c put --disable-multipart "$3" "s3://$1/$2"; }
s3cmd_head() { local n; n=$(s3c info "s3://$1/$2" | sed -n 's/^ *File size: *//p') && echo "size=$n" && [[ $n == "$3" ]]; }
s3cmd_get() { s3c get --force "s3://$1/$2" "$3"; }
s3cmd_list() { s3c ls -r "s3://$1/$2" | tee /dev/stderr | ends_with " s3://$1/$2"; }
s3cmd_del() { s3c del "s3://$1/$2"; }
s3cmd_gone() { s3c info "s3://$1/$2"; }

rclone_put() { rc copyto --s3-upload-cutoff 5G "$3" "coffer:$1/$2"; }
rclone_head() { local n; n=$(rc size --json "coffer:$1/$2") && echo "$n" && [[ $n == *"\"bytes\":$3,"* ]]; }
rclone_get() { rc copyto "coffer:$1/$2" "$3"; }
rclone_list() { rc lsf -R --files-only "coffer:$1" | tee /dev/stderr | grep -xF "$2" >/dev/null; }
rclone_del() { rc deletefile "coffer:$1/$2"; }
rclone_gone() {  # rclone treats a missing object as an empty directory: --files-only prints null
  local out; out=$(rc lsjson --stat --files-only "coffer:$1/$2") || return 0; echo "$out"; [[ $out != null ]] || { echo "not found"; return 1; }
}

# ---------------------------------------------------------------- test data
LONG_KEY="long/$(head -c 1019 /dev/zero | tr '\0' k)"
KEYS=("plain/hello.txt" "with space/file name.txt" "unicode/café-日本語-Ωμέγα-😀.txt" "percent/100%-done%20x.txt"
  "plus/a+b=c&d.txt" "punct/a!b*c'd(e)f~g;h,i@j\$k.txt" "double//slash.txt" "dots/../dotdot.txt" "$LONG_KEY")
LABELS=("plain key" "key with spaces" "unicode key" "key with %" "key with + = &" "key with !*'()~;,@\$"
  "key with //" "key with .." "1024-byte key")
for i in "${!KEYS[@]}"; do { printf 'object %s\n' "${KEYS[$i]}"; head -c $((1000 + i * 777)) /dev/urandom; } >"$WORK/src/k$i"; done
: >"$WORK/src/empty"
head -c $((64 * 1024 * 1024)) /dev/urandom >"$WORK/src/big"
head -c $((2 * 1024 * 1024)) /dev/urandom >"$WORK/src/two"
BIG_MD5=$(md5sum "$WORK/src/big" | cut -d' ' -f1)

# story TOOL BUCKET [SKIPPED-INDEX...]: every key (plus a 0-byte and a 64 MiB object) through
# put/head/get/list/delete; keys the client itself cannot address are skipped (and said so)
story() {
  local t=$1 b=$2 i k l idx=() t0
  shift 2
  for i in "${!KEYS[@]}"; do
    if [[ " $* " == *" $i "* ]]; then echo "# skip - $t: ${LABELS[$i]} (client limitation, see above)"; else idx+=("$i"); fi
  done
  : >"$WORK/expected"
  for i in "${idx[@]}"; do
    step "$t: put ${LABELS[$i]}" "${t}_put" "$b" "${KEYS[$i]}" "$WORK/src/k$i"; printf '%s\0' "${KEYS[$i]}" >>"$WORK/expected"
  done
  step "$t: put 0-byte object" "${t}_put" "$b" "empty/zero" "$WORK/src/empty"; printf '%s\0' "empty/zero" >>"$WORK/expected"
  t0=$(date +%s.%N)
  step "$t: put 64 MiB object (single PUT)" "${t}_put" "$b" "big/64mib" "$WORK/src/big"; printf '%s\0' "big/64mib" >>"$WORK/expected"
  echo "# $t: 64 MiB put took $(elapsed "$t0") s"
  if [[ $t == boto ]]; then step "$t: stored exactly these keys (checked with aws)" aws_expect_keys "$b"
  else step "$t: stored exactly these keys (checked with boto3)" boto expect_keys "$b" "$WORK/expected"; fi
  for i in "${idx[@]}"; do
    k=${KEYS[$i]} l=${LABELS[$i]}
    step "$t: head $l (size)" "${t}_head" "$b" "$k" "$(stat -c %s "$WORK/src/k$i")"
    step "$t: get $l, bytes equal" get_cmp "$t" "$b" "$k" "$WORK/src/k$i"
    step "$t: list finds $l" "${t}_list" "$b" "$k"
  done
  step "$t: head 0-byte object" "${t}_head" "$b" "empty/zero" 0
  step "$t: get 0-byte object, bytes equal" get_cmp "$t" "$b" "empty/zero" "$WORK/src/empty"
  step "$t: head 64 MiB object" "${t}_head" "$b" "big/64mib" $((64 * 1024 * 1024))
  t0=$(date +%s.%N)
  step "$t: get 64 MiB object, bytes equal" get_cmp "$t" "$b" "big/64mib" "$WORK/src/big"
  echo "# $t: 64 MiB get + cmp took $(elapsed "$t0") s"
  for i in "${idx[@]}"; do step "$t: delete ${LABELS[$i]}" "${t}_del" "$b" "${KEYS[$i]}"; done
  for i in "${idx[@]}"; do step "$t: ${LABELS[$i]} gone after delete" expect_gone "$t" "$b" "${KEYS[$i]}"; done
  step "$t: delete 0-byte and 64 MiB objects" both_del "$t" "$b"
}
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
get_cmp() { rm -f "$WORK/got/obj"; "${1}_get" "$2" "$3" "$WORK/got/obj" && same "$4" "$WORK/got/obj"; }
both_del() { "${1}_del" "$2" empty/zero && "${1}_del" "$2" big/64mib; }
aws_expect_keys() { aws_ s3api list-objects-v2 --bucket "$1" --output json >"$WORK/listing.json" && /usr/bin/python3 -c '
import json,sys; want=set(k.decode() for k in open(sys.argv[2],"rb").read().split(b"\0") if k)
got=set(o["Key"] for o in json.load(open(sys.argv[1])).get("Contents",[])); print(sorted(want^got)); sys.exit(want!=got)' "$WORK/listing.json" "$WORK/expected"; }
# expect_gone TOOL B K: the tool's HEAD/stat must fail with its "not found" wording
declare -A GONE_RE=([aws]='404|Not Found' [boto]='HTTP 404|NoSuchKey|NotFound' [s3cmd]='404|Not Found|does not exist'
  [rclone]='not found')
expect_gone() {
  local out
  if out=$("${1}_gone" "$2" "$3" 2>&1); then printf '%s\nstill there\n' "$out"; return 1; fi
  echo "$out"; grep -Eq "${GONE_RE[$1]}" <<<"$out"
}

bucket_listed() { "$@" | tee /dev/stderr | grep -F "$BUCKET_WANTED" >/dev/null; }
bucket_absent() { ! bucket_listed "$@"; }
range_ok() {  # aws s3api get-object --range, compared with the same slice of the source
  aws_ s3api get-object --bucket "$1" --key "$2" --range bytes=100-1099 "$WORK/got/range" >/dev/null &&
    [[ $(stat -c %s "$WORK/got/range") == 1000 ]] && cmp -i 100:0 -n 1000 "$3" "$WORK/got/range"
}
etag_is_md5() { local e; e=$(aws_ s3api head-object --bucket "$1" --key "$2" --query ETag --output text) && echo "$e" && [[ $e == "\"$3\"" ]]; }
meta_roundtrip() {
  aws_ s3api put-object --bucket "$1" --key meta/obj --body "$WORK/src/k0" --content-type text/x-compat \
    --metadata colour=blue,Mixed-Case=Yes >/dev/null &&
    aws_ s3api head-object --bucket "$1" --key meta/obj --output json | tee /dev/stderr |
    /usr/bin/python3 -c 'import json,sys; m=json.load(sys.stdin); sys.exit(not (m["ContentType"]=="text/x-compat" and m["Metadata"].get("colour")=="blue" and m["Metadata"].get("mixed-case")=="Yes"))'
}
sync_twice() {  # the second sync must find nothing to do (sizes and times in the listing are right)
  mkdir -p "$WORK/syncdir/sub dir" && cp "$WORK/src/k0" "$WORK/syncdir/a.txt" && cp "$WORK/src/k2" "$WORK/syncdir/sub dir/ü b.txt" &&
    aws_ s3 sync "$WORK/syncdir" "s3://$1/sync/" && [[ -z $(aws_ s3 sync "$WORK/syncdir" "s3://$1/sync/") ]]
}
boto_download_cmp() { rm -f "$WORK/got/dl"; boto download "$1" "$2" "$WORK/got/dl" && same "$3" "$WORK/got/dl"; }
curl_get() { curl -fsS -g --path-as-is -o "$2" "$1"; }
curl_status() { curl -sS -g --path-as-is -o /dev/null -w '%{http_code}' "$1"; }
presigned_get_cmp() { local u; u=$(aws_ s3 presign "s3://$1/$2" --expires-in 600) && echo "$u" && curl_get "$u" "$WORK/got/pre" && same "$3" "$WORK/got/pre"; }
presigned_tampered() { local u c; u=$(aws_ s3 presign "s3://$1/$2" --expires-in 600) && u="${u%?}$([[ ${u: -1} == 0 ]] && echo 1 || echo 0)" && c=$(curl_status "$u") && echo "HTTP $c" && [[ $c == 403 ]]; }
presigned_expired() { local u c; u=$(aws_ s3 presign "s3://$1/$2" --expires-in 1) && sleep 2.2 && c=$(curl_status "$u") && echo "HTTP $c" && [[ $c == 403 ]]; }
presigned_put_cmp() {
  local u; u=$(boto presign_put "$1" "$2") && echo "$u" && curl -fsS -g --path-as-is -T "$3" "$u" &&
    aws_get "$1" "$2" "$WORK/got/pp" && same "$3" "$WORK/got/pp"
}

section "awscli: $(/usr/bin/aws --version 2>&1)"
step "aws: s3 mb" aws_ s3 mb s3://compat-aws
step "aws: s3api create-bucket" aws_ s3api create-bucket --bucket compat-aws-2
BUCKET_WANTED=compat-aws-2; step "aws: s3 ls lists the new buckets" bucket_listed aws_ s3 ls
step "aws: s3api head-bucket" aws_ s3api head-bucket --bucket compat-aws
story aws compat-aws
step "aws: s3 cp upload (small file)" aws_ s3 cp "$WORK/src/k1" "s3://compat-aws/hl/file one.txt"
step "aws: s3 ls prefix shows it" bash -c '"$@" | grep -F "file one.txt" >/dev/null' _ /usr/bin/aws --endpoint-url "$EP" s3 ls s3://compat-aws/hl/
step "aws: s3 cp download, bytes equal" bash -c '/usr/bin/aws --endpoint-url "$1" s3 cp "s3://compat-aws/hl/file one.txt" "$2" && cmp "$2" "$3"' _ "$EP" "$WORK/got/hl" "$WORK/src/k1"
step "aws: s3 cp 64 MiB upload (needs s3.multipart_threshold = 5GB)" env AWS_CONFIG_FILE="$WORK/aws-single-put.config" /usr/bin/aws --endpoint-url "$EP" s3 cp --no-progress "$WORK/src/big" s3://compat-aws/hl/big
step "aws: s3 cp 64 MiB download (ranged GETs), bytes equal" bash -c '/usr/bin/aws --endpoint-url "$1" s3 cp --no-progress s3://compat-aws/hl/big "$2" && cmp "$2" "$3"' _ "$EP" "$WORK/got/hlbig" "$WORK/src/big"
step "aws: ETag of a single PUT is the MD5" etag_is_md5 compat-aws hl/big "$BIG_MD5"
step "aws: get-object --range, bytes equal" range_ok compat-aws hl/big "$WORK/src/big"
step "aws: content-type and user metadata round trip" meta_roundtrip compat-aws
step "aws: s3 sync uploads, second sync is a no-op" sync_twice compat-aws
step_err "aws: get missing key -> NoSuchKey" 'NoSuchKey' aws_ s3api get-object --bucket compat-aws --key no/such/key "$WORK/got/x"
step_err "aws: head missing bucket -> 404" '404|Not Found' aws_ s3api head-bucket --bucket compat-no-such-bucket
step_err "aws: delete non-empty bucket -> BucketNotEmpty" 'BucketNotEmpty' aws_ s3api delete-bucket --bucket compat-aws
step_err "aws: 1025-byte key -> KeyTooLongError" 'KeyTooLong' aws_ s3api put-object --bucket compat-aws --key "${LONG_KEY}k" --body "$WORK/src/k0"
step_err "aws: wrong secret -> SignatureDoesNotMatch" 'SignatureDoesNotMatch' env AWS_SECRET_ACCESS_KEY=wrong-secret-000 /usr/bin/aws --endpoint-url "$EP" s3api list-buckets
step_err "aws: unknown access key -> InvalidAccessKeyId" 'InvalidAccessKeyId' env AWS_ACCESS_KEY_ID=NOSUCHKEY0000 /usr/bin/aws --endpoint-url "$EP" s3api list-buckets
step_err "aws: bad bucket name -> InvalidBucketName" 'InvalidBucketName|Invalid bucket name' aws_ s3api create-bucket --bucket Bad_Name
step "aws: s3 rm --recursive" aws_ s3 rm --recursive s3://compat-aws/
step "aws: s3 rb" aws_ s3 rb s3://compat-aws
step "aws: s3api delete-bucket" aws_ s3api delete-bucket --bucket compat-aws-2
BUCKET_WANTED=compat-aws; step "aws: deleted buckets no longer listed" bucket_absent aws_ s3 ls

section "boto3 $(/usr/bin/python3 -c 'import boto3, botocore; print(boto3.__version__, "/ botocore", botocore.__version__)')"
step "boto: create_bucket" boto mb compat-boto
step "boto: list_buckets shows it" boto has_bucket compat-boto
story boto compat-boto
step "boto: put_object 64 MiB again" boto put compat-boto big/again "$WORK/src/big"
step "boto: download_file (s3transfer ranged GETs), bytes equal" boto_download_cmp compat-boto big/again "$WORK/src/big"

section "presigned URLs (aws s3 presign / boto3 generate_presigned_url + curl)"
step "presign: boto3 presigned PUT (2 MiB, Expect: 100-continue) via curl -T" presigned_put_cmp compat-boto "presigned/put me.bin" "$WORK/src/two"
step "presign: boto3 presigned PUT, unicode key" presigned_put_cmp compat-boto "presigned/ünï cødé+%.bin" "$WORK/src/k3"
step "presign: aws s3 presign GET via curl, bytes equal" presigned_get_cmp compat-boto "presigned/put me.bin" "$WORK/src/two"
step "presign: aws s3 presign GET, unicode key" presigned_get_cmp compat-boto "presigned/ünï cødé+%.bin" "$WORK/src/k3"
step "presign: tampered signature -> 403" presigned_tampered compat-boto "presigned/put me.bin"
step "presign: expired URL -> 403" presigned_expired compat-boto "presigned/put me.bin"
step "boto: cleanup" bash -c 'for k in big/again "presigned/put me.bin" "presigned/ünï cødé+%.bin"; do "$@" "$k" || exit 1; done' _ /usr/bin/python3 "$HERE/s3_boto.py" del compat-boto
step "boto: delete_bucket" boto rb compat-boto

section "$(s3cmd --version)"
step "s3cmd: mb" s3c mb s3://compat-s3cmd
BUCKET_WANTED=s3://compat-s3cmd; step "s3cmd: ls lists the bucket" bucket_listed s3c ls
story s3cmd compat-s3cmd
step "s3cmd: rb" s3c rb s3://compat-s3cmd

section "$(rclone version 2>/dev/null | head -n 1)"
step "rclone: mkdir (create bucket)" rc mkdir coffer:compat-rclone
BUCKET_WANTED=compat-rclone; step "rclone: lsd lists the bucket" bucket_listed rc lsd coffer:
echo "# rclone cleans remote paths: 'double//slash.txt' becomes 'double/slash.txt' and 'dots/../dotdot.txt'"
echo "# becomes 'dotdot.txt' before any request is sent, so those two keys are not addressable with rclone."
story rclone compat-rclone 6 7
step "rclone: rmdir (delete bucket)" rc rmdir coffer:compat-rclone

section "multipart uploads with each client's defaults (64 MiB)"
mpu_etag() { local e; e=$(aws_ s3api head-object --bucket compat-mpu --key "$1" --query ETag --output text) && echo "$e" && [[ $e =~ ^\"[0-9a-f]{32}-[0-9]+\"$ ]]; }
mpu_cmp() { rm -f "$WORK/got/mpu"; aws_get compat-mpu "$1" "$WORK/got/mpu" && same "$WORK/src/big" "$WORK/got/mpu" && mpu_etag "$1"; }
mpu_abort() {
  local id; id=$(aws_ s3api create-multipart-upload --bucket compat-mpu --key mpu/aborted --query UploadId --output text) && echo "$id" &&
    aws_ s3api list-multipart-uploads --bucket compat-mpu --output json | grep -F "$id" >/dev/null &&
    aws_ s3api abort-multipart-upload --bucket compat-mpu --key mpu/aborted --upload-id "$id" &&
    ! aws_ s3api list-multipart-uploads --bucket compat-mpu --output json | grep -F "$id"
}
step "mpu: create bucket" aws_ s3 mb s3://compat-mpu
step "mpu: aws s3 cp (8 MiB parts)" aws_ s3 cp --no-progress "$WORK/src/big" s3://compat-mpu/mpu/aws
step "mpu: aws object reads back equal, ETag is md5-of-parts" mpu_cmp mpu/aws
step "mpu: boto3 upload_file (s3transfer)" /usr/bin/python3 -c 'import sys, os, boto3; from botocore.config import Config
boto3.client("s3", endpoint_url=os.environ["COMPAT_ENDPOINT"], config=Config(s3={"addressing_style": "path"})).upload_file(sys.argv[1], "compat-mpu", "mpu/boto")' "$WORK/src/big"
step "mpu: boto3 object reads back equal, ETag is md5-of-parts" mpu_cmp mpu/boto
step "mpu: s3cmd put (15 MiB chunks)" s3c put "$WORK/src/big" s3://compat-mpu/mpu/s3cmd
step "mpu: s3cmd object reads back equal, ETag is md5-of-parts" mpu_cmp mpu/s3cmd
step "mpu: rclone copyto (--s3-upload-cutoff 5M --s3-chunk-size 8M)" rc copyto --s3-upload-cutoff 5M --s3-chunk-size 8M "$WORK/src/big" coffer:compat-mpu/mpu/rclone
step "mpu: rclone object reads back equal, ETag is md5-of-parts" mpu_cmp mpu/rclone
step "mpu: create, list and abort an upload" mpu_abort
step "mpu: cleanup" aws_ s3 rb --force s3://compat-mpu

section "real workloads: aws s3 sync of a mixed tree, rclone sync + check, boto3 versioned restore"
make_tree() {  # nested folders, unicode and space names, an empty file, small files and a 200 MiB file
  local d="$WORK/tree"; rm -rf "$d"; mkdir -p "$d/docs/sub dir" "$d/media" "$d/ünïcode/ä" "$d/empty-dir-file" || return 1
  for i in $(seq 1 40); do head -c $((i * 997)) /dev/urandom >"$d/docs/file-$i.txt"; done
  cp "$WORK/src/k2" "$d/ünïcode/ä/café 1.txt" && cp "$WORK/src/k4" "$d/docs/sub dir/a+b=c.txt" && : >"$d/empty-dir-file/zero" &&
    head -c $((200 * 1024 * 1024)) /dev/urandom >"$d/media/big-200mib.bin"
}
sync_roundtrip() {
  local t0; t0=$(date +%s.%N)
  aws_ s3 sync --no-progress "$WORK/tree" s3://compat-sync/tree/ || return 1
  echo "upload took $(elapsed "$t0") s"
  [[ -z $(aws_ s3 sync --no-progress "$WORK/tree" s3://compat-sync/tree/) ]] || { echo "second sync was not a no-op"; return 1; }
  rm -rf "$WORK/back" && aws_ s3 sync --no-progress s3://compat-sync/tree/ "$WORK/back" && diff -r "$WORK/tree" "$WORK/back" &&
    mpu_etag_of compat-sync tree/media/big-200mib.bin
}
mpu_etag_of() { local e; e=$(aws_ s3api head-object --bucket "$1" --key "$2" --query ETag --output text) && echo "$e" && [[ $e =~ ^\"[0-9a-f]{32}-[0-9]+\"$ ]]; }
rclone_sync_check() {
  rc sync "$WORK/tree" coffer:compat-sync/rclone && rc check "$WORK/tree" coffer:compat-sync/rclone || return 1
  # change the tree (one file edited, one removed, one added) and sync again: check must stay clean
  head -c 5000 /dev/urandom >"$WORK/tree/docs/file-1.txt" && rm "$WORK/tree/docs/file-2.txt" && echo new >"$WORK/tree/docs/new.txt" &&
    rc sync "$WORK/tree" coffer:compat-sync/rclone && rc check "$WORK/tree" coffer:compat-sync/rclone &&
    ! rc lsf -R coffer:compat-sync/rclone | grep -xF docs/file-2.txt
}
step "workload: make a mixed tree (41 small files, unicode names, empty file, 200 MiB file)" make_tree
step "workload: create bucket" aws_ s3 mb s3://compat-sync
step "workload: aws s3 sync up, no-op second sync, sync down, trees identical, 200 MiB uploaded in parts" sync_roundtrip
step "workload: rclone sync + check clean, again after edits" rclone_sync_check
step "workload: cleanup" aws_ s3 rb --force s3://compat-sync
step "workload: boto3 upload_file (multipart) twice into a versioned bucket, delete, restore the first version" boto versioned_restore compat-versions "$WORK/src/big" "$WORK/src/two" "$WORK/got/restored"
step "workload: restored object equals the first upload" same "$WORK/src/big" "$WORK/got/restored"

source "$HERE/iam.sh"  # IAM + STS: aws iam / aws sts and boto3, then S3 with the new credentials
source "$HERE/object-lock.sh"  # Object Lock: locked bucket with a default COMPLIANCE rule, retention, refused delete, legal hold
source "$HERE/sse.sh"  # Encryption at rest: bucket default AES256, aws s3 cp multi-MiB + range, --sse aws:kms, --sse-c over loopback
source "$HERE/tls.sh"  # TLS: a second Coffer with --auto-tls; awscli (--ca-bundle, AWS_CA_BUNDLE, none -> verify error), boto3 verify=CA + presigned GET, --sse-c over HTTPS, plain HTTP refused

if [[ ${COMPAT_HUGE:-0} == 1 ]]; then
  section "5 GiB object (COMPAT_HUGE=1): presigned single PUT streamed with curl, md5 checked"
  HUGE=$((5 * 1024 * 1024 * 1024))
  gen() {  # 5 GiB of AES-CTR keystream (pseudo-random, reproducible) derived from /dev/zero
    if command -v openssl >/dev/null; then (openssl enc -aes-128-ctr -nosalt -pbkdf2 -pass pass:coffer -in /dev/zero 2>/dev/null || true) | head -c "$HUGE"
    else head -c "$HUGE" /dev/zero; fi
  }
  huge_put() {
    # curl -T - would send chunked framing; an empty Transfer-Encoding plus a Content-Length
    # makes it a plain single PUT of exactly 5 GiB (the S3 single-PUT maximum).
    local u t0 md5pid; u=$(boto presign_put compat-huge huge/5gib) || return 1
    rm -f "$WORK/fifo"; mkfifo "$WORK/fifo"; md5sum <"$WORK/fifo" | cut -d' ' -f1 >"$WORK/huge.md5" &
    md5pid=$!
    t0=$(date +%s.%N)
    gen | tee "$WORK/fifo" | curl -fsS -g --path-as-is -T - -H "Transfer-Encoding:" -H "Content-Length: $HUGE" "$u" || return 1
    wait "$md5pid"; echo "PUT $(echo "$t0 $(date +%s.%N)" | awk -v n="$HUGE" '{ d=$2-$1; printf "%.1f s, %.0f MiB/s", d, n/1048576/d }')" | tee "$WORK/huge.put"
  }
  huge_get() {
    local u t0 got; u=$(boto presign_get compat-huge huge/5gib) || return 1; t0=$(date +%s.%N)
    got=$(curl -fsS -g --path-as-is "$u" | md5sum | cut -d' ' -f1) || return 1
    echo "GET $(echo "$t0 $(date +%s.%N)" | awk -v n="$HUGE" '{ d=$2-$1; printf "%.1f s, %.0f MiB/s", d, n/1048576/d }')" | tee "$WORK/huge.get"
    echo "md5 sent $(cat "$WORK/huge.md5") got $got"; [[ $got == "$(cat "$WORK/huge.md5")" ]]
  }
  step "huge: create bucket" boto mb compat-huge
  step "huge: PUT 5 GiB" huge_put; cat "$WORK/huge.put" 2>/dev/null | sed 's/^/# /'
  step "huge: HEAD size is 5 GiB, ETag is the MD5" bash -c '"$@" | tee /dev/stderr | grep -F "$(cat "$0")" >/dev/null' "$WORK/huge.md5" /usr/bin/python3 "$HERE/s3_boto.py" head compat-huge huge/5gib "$HUGE"
  step "huge: GET 5 GiB, md5 equal" huge_get; cat "$WORK/huge.get" 2>/dev/null | sed 's/^/# /'
  step "huge: delete object and bucket" bash -c '"$@" del compat-huge huge/5gib && "$@" rb compat-huge' _ /usr/bin/python3 "$HERE/s3_boto.py"
fi

section "summary"
if [[ -n $SERVER_PID ]]; then
  step "server still running" kill -0 "$SERVER_PID"
  # A client that hangs up mid-download is logged at error level today (a known server issue,
  # timing-dependent); it is counted here but does not fail the suite.
  aborts=$(grep -E '"level":(50|60)' "$LOG" | grep -c 'ERR_STREAM_PREMATURE_CLOSE')
  ((aborts > 0)) && echo "# note: $aborts client disconnect(s) mid-response were logged at error level (Premature close)"
  step "server logged nothing at error level (besides client disconnects)" bash -c '! grep -E "\"level\":(50|60)" "$1" | grep -v ERR_STREAM_PREMATURE_CLOSE' _ "$LOG"
  if ((FAIL > 0)); then echo "# server log (last 40 lines):"; tail -n 40 "$LOG" | cut -c1-600 | sed 's/^/#   /'; fi
fi
echo "$PASS passed, $FAIL failed"
((FAIL == 0))
