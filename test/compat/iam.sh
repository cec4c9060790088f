#!/usr/bin/env bash
# IAM and STS through awscli (/usr/bin/aws iam, aws sts) and boto3 (iam_boto3.py): a user with an
# access key, a managed policy attached to it, a group, a role with a trust policy, AssumeRole,
# then `aws s3 ls`/`cp` with the new long-term and temporary credentials, and writes they may not do.
#
# Sourced by run.sh (uses its step/step_err/section/aws_ helpers and $EP, $WORK, $HERE), or run
# on its own against a running server:
#   COMPAT_ENDPOINT=http://127.0.0.1:9000 COMPAT_ACCESS_KEY=… COMPAT_SECRET_KEY=… bash test/compat/iam.sh
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  source "$(dirname "${BASH_SOURCE[0]}")/standalone.sh" iam
  IAM_STANDALONE=1
fi

section "IAM and STS: awscli $(/usr/bin/aws --version 2>&1 | cut -d' ' -f1)"
IAMW="$WORK/iam"; mkdir -p "$IAMW"
ACCOUNT=000000000000
json_get() { /usr/bin/python3 -c 'import json, sys; v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]: v = v[k]
print(v)' "$@"; }
# with_keys NAME CMD...: run CMD with the credentials saved under $IAMW/NAME.env (no endpoint/region change)
with_keys() { local who=$1; shift; (set -a; . "$IAMW/$who.env"; set +a; "$@"); }
save_keys() {  # save_keys NAME JSON-FILE PATH-TO-OBJECT(AccessKey|Credentials)
  printf 'AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n' "$(json_get "$2" "$3" AccessKeyId)" "$(json_get "$2" "$3" SecretAccessKey)" >"$IAMW/$1.env"
  if [[ $3 == Credentials ]]; then printf 'AWS_SESSION_TOKEN=%s\n' "$(json_get "$2" "$3" SessionToken)" >>"$IAMW/$1.env"; fi
}
READ_POLICY='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::compat-iam","arn:aws:s3:::compat-iam/*"]},{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}'
TRUST_POLICY="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$ACCOUNT:user/compat-iam-user\"},\"Action\":\"sts:AssumeRole\"}]}"
ASSUME_POLICY="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"arn:aws:iam::$ACCOUNT:role/compat-iam-reader\"}]}"
echo "compat iam file $RANDOM" >"$IAMW/file.txt"

iam_create_key() { aws_ iam create-access-key --user-name compat-iam-user --output json >"$IAMW/key.json" && save_keys user "$IAMW/key.json" AccessKey && cat "$IAMW/user.env" | cut -c1-24; }
iam_policy() { aws_ iam create-policy --policy-name compat-iam-read --policy-document "$READ_POLICY" --output json >"$IAMW/policy.json" && json_get "$IAMW/policy.json" Policy Arn; }
POLICY_ARN="arn:aws:iam::$ACCOUNT:policy/compat-iam-read"
iam_group_has_user() { aws_ iam get-group --group-name compat-iam-group --output json | tee /dev/stderr | grep -F '"UserName": "compat-iam-user"' >/dev/null; }
iam_policy_doc() { aws_ iam get-policy-version --policy-arn "$POLICY_ARN" --version-id v1 --output json | tee /dev/stderr | grep -F 'arn:aws:s3:::compat-iam/*' >/dev/null; }
iam_whoami() { with_keys "$1" aws_ sts get-caller-identity --output text --query Arn | tee /dev/stderr | grep -Fx "$2" >/dev/null; }
iam_ls() { with_keys "$1" aws_ s3 ls s3://compat-iam/ | tee /dev/stderr | grep -F 'file.txt' >/dev/null; }
iam_get() { rm -f "$IAMW/got"; with_keys "$1" aws_ s3 cp s3://compat-iam/file.txt "$IAMW/got" && cmp "$IAMW/file.txt" "$IAMW/got"; }
iam_put() { with_keys "$1" aws_ s3 cp "$IAMW/file.txt" s3://compat-iam/written-by-"$1".txt; }
iam_assume() { with_keys user aws_ sts assume-role --role-arn "arn:aws:iam::$ACCOUNT:role/compat-iam-reader" --role-session-name compat --output json >"$IAMW/session.json" && save_keys session "$IAMW/session.json" Credentials && json_get "$IAMW/session.json" AssumedRoleUser Arn; }
iam_no_token() { (set -a; . "$IAMW/session.env"; set +a; unset AWS_SESSION_TOKEN; aws_ s3 ls s3://compat-iam/); }

step "aws: s3 mb s3://compat-iam and upload a file (root)" bash -c '"$@" s3 mb s3://compat-iam && "$@" s3 cp "$0" s3://compat-iam/file.txt' "$IAMW/file.txt" /usr/bin/aws --endpoint-url "$EP"
step "aws iam create-user" aws_ iam create-user --user-name compat-iam-user --tags Key=suite,Value=compat
step "aws iam get-user" bash -c '"$@" | grep -F "user/compat-iam-user" >/dev/null' _ /usr/bin/aws --endpoint-url "$EP" iam get-user --user-name compat-iam-user --output json
step "aws iam create-access-key" iam_create_key
step "aws iam create-policy" iam_policy
step "aws iam get-policy-version shows the document (decoded by awscli)" iam_policy_doc
step "aws iam attach-user-policy" aws_ iam attach-user-policy --user-name compat-iam-user --policy-arn "$POLICY_ARN"
step "aws iam list-attached-user-policies" bash -c '"$@" | grep -F compat-iam-read >/dev/null' _ /usr/bin/aws --endpoint-url "$EP" iam list-attached-user-policies --user-name compat-iam-user --output json
step "aws iam create-group + add-user-to-group" bash -c '"$@" iam create-group --group-name compat-iam-group && "$@" iam add-user-to-group --group-name compat-iam-group --user-name compat-iam-user' _ /usr/bin/aws --endpoint-url "$EP"
step "aws iam get-group lists the user" iam_group_has_user
step "aws iam create-role (trust: the user)" aws_ iam create-role --role-name compat-iam-reader --assume-role-policy-document "$TRUST_POLICY"
step "aws iam attach-role-policy" aws_ iam attach-role-policy --role-name compat-iam-reader --policy-arn "$POLICY_ARN"
step "aws iam put-user-policy (sts:AssumeRole on the role)" aws_ iam put-user-policy --user-name compat-iam-user --policy-name assume --policy-document "$ASSUME_POLICY"
step "aws sts get-caller-identity with the new key" iam_whoami user "arn:aws:iam::$ACCOUNT:user/compat-iam-user"
step "aws s3 ls with the new key" iam_ls user
step "aws s3 cp download with the new key, bytes equal" iam_get user
step_err "aws s3 cp upload with the new key -> AccessDenied" 'AccessDenied' iam_put user
step_err "aws iam create-user with the new key -> AccessDenied" 'AccessDenied' with_keys user aws_ iam create-user --user-name compat-iam-sneaky
step "aws sts assume-role" iam_assume
step "aws sts get-caller-identity with the session" iam_whoami session "arn:aws:sts::$ACCOUNT:assumed-role/compat-iam-reader/compat"
step "aws s3 ls with the session" iam_ls session
step "aws s3 cp download with the session, bytes equal" iam_get session
step_err "aws s3 cp upload with the session -> AccessDenied" 'AccessDenied' iam_put session
step_err "aws s3 ls with the session key but no token -> refused" 'InvalidToken' iam_no_token
step_err "aws iam get-user of a missing user -> NoSuchEntity" 'NoSuchEntity' aws_ iam get-user --user-name compat-iam-nobody
step_err "aws iam delete-user while it has keys -> DeleteConflict" 'DeleteConflict' aws_ iam delete-user --user-name compat-iam-user
step "boto3: the same story through boto3's IAM and STS clients" /usr/bin/python3 "$HERE/iam_boto3.py"
iam_cleanup() {
  local key; key=$(json_get "$IAMW/key.json" AccessKey AccessKeyId)
  aws_ iam delete-access-key --user-name compat-iam-user --access-key-id "$key" &&
    aws_ iam delete-user-policy --user-name compat-iam-user --policy-name assume &&
    aws_ iam detach-user-policy --user-name compat-iam-user --policy-arn "$POLICY_ARN" &&
    aws_ iam remove-user-from-group --group-name compat-iam-group --user-name compat-iam-user &&
    aws_ iam delete-user --user-name compat-iam-user && aws_ iam delete-group --group-name compat-iam-group &&
    aws_ iam detach-role-policy --role-name compat-iam-reader --policy-arn "$POLICY_ARN" &&
    aws_ iam delete-role --role-name compat-iam-reader && aws_ iam delete-policy --policy-arn "$POLICY_ARN" &&
    aws_ s3 rb --force s3://compat-iam
}
step "aws iam cleanup (keys, policies, group, user, role, policy, bucket)" iam_cleanup

if [[ ${IAM_STANDALONE:-0} == 1 ]]; then
  echo "$PASS passed, $FAIL failed"
  ((FAIL == 0))
fi
