"""boto3 side of the compatibility suite (called by run.sh, one operation per process).

Usage: s3_boto.py OP ARGS...   (endpoint in COMPAT_ENDPOINT, keys in AWS_* env)
Exit 0 on success; on failure print the S3 error and exit 1 (3 when the object is missing).
"""
import json
import os
import sys


def client():
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=os.environ["COMPAT_ENDPOINT"],
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, signature_version="s3v4"),
    )


def all_keys(s3, bucket):
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys.extend(o["Key"] for o in page.get("Contents", []))
    return keys


def main(op, *args):
    if op == "json_has_key":  # stdin: list-objects(-v2) JSON from any client; no boto3 needed
        text = sys.stdin.read().strip()
        keys = [o["Key"] for o in (json.loads(text) if text else {}).get("Contents") or []]
        if args[0] not in keys:
            print(f"key not in listing; listed: {keys!r}")
            return 1
        return 0
    s3 = client()
    if op == "mb":
        s3.create_bucket(Bucket=args[0])
    elif op == "rb":
        s3.delete_bucket(Bucket=args[0])
    elif op == "has_bucket":
        names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        if args[0] not in names:
            print(f"bucket not listed: {names!r}")
            return 1
    elif op == "put":
        with open(args[2], "rb") as body:
            s3.put_object(Bucket=args[0], Key=args[1], Body=body)
    elif op == "head":
        meta = s3.head_object(Bucket=args[0], Key=args[1])
        print(meta["ContentLength"], meta["ETag"])
        if len(args) > 2 and meta["ContentLength"] != int(args[2]):
            print(f"expected ContentLength {args[2]}")
            return 1
    elif op == "get":
        body = s3.get_object(Bucket=args[0], Key=args[1])["Body"]
        with open(args[2], "wb") as out:
            for chunk in body.iter_chunks(1 << 20):
                out.write(chunk)
    elif op == "download":  # s3transfer: ranged GETs in parallel for objects above 8 MiB
        s3.download_file(args[0], args[1], args[2])
    elif op == "has_key":
        keys = all_keys(s3, args[0])
        if args[1] not in keys:
            print(f"key not listed; listed: {keys!r}")
            return 1
    elif op == "expect_keys":  # args: bucket, file with the expected keys NUL-separated
        with open(args[1], "rb") as f:
            expected = set(k.decode("utf-8") for k in f.read().split(b"\0") if k)
        actual = set(all_keys(s3, args[0]))
        if actual != expected:
            print(f"missing: {sorted(expected - actual)!r}\nunexpected: {sorted(actual - expected)!r}")
            return 1
    elif op == "del":
        s3.delete_object(Bucket=args[0], Key=args[1])
    elif op == "presign_get":
        print(s3.generate_presigned_url("get_object", Params={"Bucket": args[0], "Key": args[1]}, ExpiresIn=3600))
    elif op == "presign_put":
        print(s3.generate_presigned_url("put_object", Params={"Bucket": args[0], "Key": args[1]}, ExpiresIn=3600))
    else:
        print(f"unknown op {op}")
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(*sys.argv[1:]))
    except Exception as error:  # print the S3 error code for run.sh's log
        response = getattr(error, "response", None) or {}
        code = response.get("Error", {}).get("Code", type(error).__name__)
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        print(f"{code} (HTTP {status}): {error}")
        sys.exit(3 if code in ("404", "NoSuchKey", "NotFound") else 1)
