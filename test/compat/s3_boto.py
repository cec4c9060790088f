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


def versioned_restore(s3, bucket, first, second, out):
    """upload_file (multipart: 8 MiB threshold and parts) twice into a versioned bucket, delete
    the key (a delete marker), then restore the first version by copying it over the key, as a
    user recovering from an overwrite or deletion would; the restored bytes must be the first file's."""
    from boto3.s3.transfer import TransferConfig

    mib = 1024 * 1024
    transfer = TransferConfig(multipart_threshold=8 * mib, multipart_chunksize=8 * mib)
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    key = "docs/report.bin"
    s3.upload_file(first, bucket, key, Config=transfer)
    s3.upload_file(second, bucket, key, Config=transfer)
    s3.delete_object(Bucket=bucket, Key=key)
    listing = s3.list_object_versions(Bucket=bucket, Prefix=key)
    versions = listing.get("Versions", [])
    markers = listing.get("DeleteMarkers", [])
    print(f"{len(versions)} versions, {len(markers)} delete markers")
    if len(versions) != 2 or len(markers) != 1 or not markers[0]["IsLatest"]:
        return 1
    oldest = min(versions, key=lambda v: v["LastModified"])
    parts = -(-os.path.getsize(first) // (8 * mib))
    if not oldest["ETag"].strip('"').endswith(f"-{parts}"):
        print(f"first version ETag is not a multipart ETag: {oldest['ETag']}")
        return 1
    s3.copy({"Bucket": bucket, "Key": key, "VersionId": oldest["VersionId"]}, bucket, key, Config=transfer)
    s3.download_file(bucket, key, out)
    after = s3.list_object_versions(Bucket=bucket, Prefix=key)
    print(f"after restore: {len(after.get('Versions', []))} versions, {len(after.get('DeleteMarkers', []))} delete markers")
    if len(after.get("Versions", [])) != 3:
        return 1
    # clean up every version and marker so the bucket can be removed
    objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in after.get("Versions", []) + after.get("DeleteMarkers", [])]
    s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    s3.delete_bucket(Bucket=bucket)
    return 0


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
    elif op == "versioned_restore":  # args: bucket, v1 file, v2 file, out file
        return versioned_restore(s3, *args)
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
