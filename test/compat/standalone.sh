# Sourced by a compat story (iam.sh, object-lock.sh) that runs on its own instead of from run.sh:
# gives it run.sh's environment and helpers — $EP, $WORK (removed on exit), an empty awscli
# config, PASS/FAIL counters, section/step/step_err/aws_ — against COMPAT_ENDPOINT with
# COMPAT_ACCESS_KEY / COMPAT_SECRET_KEY. $1 names the temp folder.
set -uo pipefail
EP=${COMPAT_ENDPOINT:?set COMPAT_ENDPOINT} WORK=$(mktemp -d "${TMPDIR:-/tmp}/coffer-$1.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export HOME="$WORK" AWS_CONFIG_FILE="$WORK/config" AWS_SHARED_CREDENTIALS_FILE="$WORK/credentials" COMPAT_ENDPOINT="$EP"
export AWS_ACCESS_KEY_ID=${COMPAT_ACCESS_KEY:?} AWS_SECRET_ACCESS_KEY=${COMPAT_SECRET_KEY:?} AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_PAGER="" AWS_MAX_ATTEMPTS=1 AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
: >"$AWS_CONFIG_FILE"
PASS=0 FAIL=0
section() { printf '\n# === %s ===\n' "$*"; }
step() { local d=$1; shift; if "$@" >"$WORK/out" 2>&1; then PASS=$((PASS + 1)); echo "ok - $d"; else FAIL=$((FAIL + 1)); echo "not ok - $d"; sed -n '1,12p' "$WORK/out" | sed 's/^/    # /'; fi; }
step_err() {
  local d=$1 re=$2; shift 2
  if "$@" >"$WORK/out" 2>&1; then FAIL=$((FAIL + 1)); echo "not ok - $d (unexpectedly succeeded)"
  elif grep -Eq "$re" "$WORK/out"; then PASS=$((PASS + 1)); echo "ok - $d"
  else FAIL=$((FAIL + 1)); echo "not ok - $d (wrong error, wanted /$re/)"; sed -n '1,12p' "$WORK/out" | sed 's/^/    # /'; fi
}
aws_() { /usr/bin/aws --endpoint-url "$EP" "$@"; }
