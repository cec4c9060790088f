"""IAM and STS through boto3 (called by iam.sh; endpoint in COMPAT_ENDPOINT, root keys in AWS_* env).

One story: create a user, an access key, a managed policy (attached), a group, a role whose trust
policy names the user; assume the role; use both the user's key and the session with S3 (list,
read; writes refused); check the errors boto3 users meet; clean everything up.
Prints "ok - …" per check; exits 1 on the first failure (with the error).
"""
import json
import os
import sys
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["COMPAT_ENDPOINT"]
ACCOUNT = "000000000000"
SUFFIX = uuid.uuid4().hex[:8]
USER, GROUP, ROLE, POLICY, BUCKET = (f"boto-{x}-{SUFFIX}" for x in ("user", "group", "role", "policy", "bucket"))
POLICY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/{POLICY}"
CONFIG = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"})


def client(service, **keys):
    return boto3.client(service, endpoint_url=ENDPOINT, region_name="us-east-1", config=CONFIG, **keys)


def ok(what):
    print(f"ok - {what}", flush=True)


def refused(call, codes, what):
    try:
        call()
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code not in codes:
            raise AssertionError(f"{what}: expected {codes}, got {code}: {error}") from error
        ok(f"{what} -> {code}")
        return
    raise AssertionError(f"{what}: unexpectedly succeeded")


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def story(iam, s3):
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="data/report.csv", Body=b"a,b\n1,2\n")
    user = iam.create_user(UserName=USER, Tags=[{"Key": "suite", "Value": "boto3"}])["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/{USER}", user
    assert iam.get_user(UserName=USER)["User"]["Tags"] == [{"Key": "suite", "Value": "boto3"}]
    ok("create_user, get_user with tags")
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    assert [k["AccessKeyId"] for k in iam.list_access_keys(UserName=USER)["AccessKeyMetadata"]] == [key["AccessKeyId"]]
    ok("create_access_key, list_access_keys")
    read = doc(
        {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]},
    )
    assert iam.create_policy(PolicyName=POLICY, PolicyDocument=read)["Policy"]["Arn"] == POLICY_ARN
    version = iam.get_policy_version(PolicyArn=POLICY_ARN, VersionId="v1")["PolicyVersion"]
    assert isinstance(version["Document"], dict), "botocore decodes the URL-encoded document into a dict"
    assert version["Document"]["Statement"][0]["Action"] == ["s3:ListBucket", "s3:GetObject"], version
    iam.attach_user_policy(UserName=USER, PolicyArn=POLICY_ARN)
    ok("create_policy, get_policy_version (decoded), attach_user_policy")
    iam.create_group(GroupName=GROUP)
    iam.add_user_to_group(GroupName=GROUP, UserName=USER)
    assert [u["UserName"] for u in iam.get_group(GroupName=GROUP)["Users"]] == [USER]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=USER)["Groups"]] == [GROUP]
    ok("create_group, add_user_to_group, get_group, list_groups_for_user")
    trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{USER}"}, "Action": "sts:AssumeRole"})
    role = iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=trust, MaxSessionDuration=3600)["Role"]
    assert isinstance(iam.get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"], dict)
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=POLICY_ARN)
    iam.put_user_policy(UserName=USER, PolicyName="assume", PolicyDocument=doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role["Arn"]}))
    ok("create_role, get_role (trust decoded), attach_role_policy, put_user_policy")

    user_keys = {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}
    assert client("sts", **user_keys).get_caller_identity()["Arn"] == user["Arn"]
    user_s3 = client("s3", **user_keys)
    assert [o["Key"] for o in user_s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["data/report.csv"]
    assert user_s3.get_object(Bucket=BUCKET, Key="data/report.csv")["Body"].read() == b"a,b\n1,2\n"
    ok("the user's key: get_caller_identity, list_objects_v2, get_object")
    refused(lambda: user_s3.put_object(Bucket=BUCKET, Key="data/new.csv", Body=b"x"), {"AccessDenied"}, "the user's key: put_object")
    refused(lambda: client("iam", **user_keys).create_user(UserName=f"{USER}-x"), {"AccessDenied"}, "the user's key: create_user")

    creds = client("sts", **user_keys).assume_role(RoleArn=role["Arn"], RoleSessionName="boto", DurationSeconds=900)["Credentials"]
    session = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"], "aws_session_token": creds["SessionToken"]}
    assert client("sts", **session).get_caller_identity()["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/boto"
    session_s3 = client("s3", **session)
    assert session_s3.get_object(Bucket=BUCKET, Key="data/report.csv")["Body"].read() == b"a,b\n1,2\n"
    ok("assume_role; the session: get_caller_identity, get_object")
    refused(lambda: session_s3.put_object(Bucket=BUCKET, Key="data/new.csv", Body=b"x"), {"AccessDenied"}, "the session: put_object")
    no_token = {k: v for k, v in session.items() if k != "aws_session_token"}
    refused(lambda: client("s3", **no_token).list_objects_v2(Bucket=BUCKET), {"InvalidToken"}, "the session key without its token")
    refused(lambda: client("sts", **session).assume_role(RoleArn=role["Arn"], RoleSessionName="again"), {"AccessDenied"}, "the session: assume_role again")
    refused(lambda: iam.get_user(UserName=f"{USER}-nobody"), {"NoSuchEntity"}, "get_user of a missing user")
    refused(lambda: iam.delete_user(UserName=USER), {"DeleteConflict"}, "delete_user while it has keys")
    refused(lambda: iam.create_policy(PolicyName=f"{POLICY}-bad", PolicyDocument='{"Statement": 1}'), {"MalformedPolicyDocument"}, "create_policy with a malformed document")


def cleanup(iam, s3):
    steps = [
        lambda: [iam.delete_access_key(UserName=USER, AccessKeyId=k["AccessKeyId"]) for k in iam.list_access_keys(UserName=USER)["AccessKeyMetadata"]],
        lambda: iam.delete_user_policy(UserName=USER, PolicyName="assume"),
        lambda: iam.detach_user_policy(UserName=USER, PolicyArn=POLICY_ARN),
        lambda: iam.remove_user_from_group(GroupName=GROUP, UserName=USER),
        lambda: iam.delete_user(UserName=USER),
        lambda: iam.delete_group(GroupName=GROUP),
        lambda: iam.detach_role_policy(RoleName=ROLE, PolicyArn=POLICY_ARN),
        lambda: iam.delete_role(RoleName=ROLE),
        lambda: iam.delete_policy(PolicyArn=POLICY_ARN),
        lambda: [s3.delete_object(Bucket=BUCKET, Key=o["Key"]) for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])],
        lambda: s3.delete_bucket(Bucket=BUCKET),
    ]
    failures = 0
    for run in steps:
        try:
            run()
        except ClientError as error:
            failures += 1
            print(f"# cleanup: {error}", flush=True)
    return failures


def main():
    iam, s3 = client("iam"), client("s3")
    try:
        story(iam, s3)
    except (AssertionError, ClientError) as error:
        print(f"not ok - {error}", flush=True)
        cleanup(iam, s3)
        return 1
    if cleanup(iam, s3) > 0:
        print("not ok - cleanup", flush=True)
        return 1
    ok("cleanup: keys, policies, group, user, role, policy, bucket")
    return 0


if __name__ == "__main__":
    sys.exit(main())
