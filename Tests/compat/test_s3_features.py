"""S3 features ML tools rely on, with real boto3 and the AWS CLI, on the folder store and on moto's S3 as the
backend: managed copies of large objects (UploadPartCopy), checksums and Content-MD5, conditional writes,
headers stored as sent and presigned response overrides."""
import base64
import hashlib
import os
import subprocess
import urllib.request
import zlib

import pytest
from botocore.exceptions import ClientError
from test_s3_refusals import s3  # noqa: F401  (the folder / moto backed server fixture)


def error(call, *args, **kwargs):
    with pytest.raises(ClientError) as excinfo:
        call(*args, **kwargs)
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def missing(s3, bucket, key):
    with pytest.raises(ClientError) as excinfo:
        s3.head_object(Bucket=bucket, Key=key)
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.fixture(scope="module")
def bucket(s3):
    s3.create_bucket(Bucket="feat")
    return "feat"


def test_managed_copy_of_a_20_mb_object_uses_part_copies_and_is_exact(s3, bucket):
    data = os.urandom(20 * 1024 * 1024)
    s3.put_object(Bucket=bucket, Key="big/src.bin", Body=data)
    s3.copy({"Bucket": bucket, "Key": "big/src.bin"}, bucket, "big/copy.bin")
    copied = s3.get_object(Bucket=bucket, Key="big/copy.bin")
    assert copied["ContentLength"] == len(data)
    assert copied["ETag"].strip('"').endswith("-3"), copied["ETag"]  # 8 MiB parts: it was a multipart copy
    assert hashlib.sha256(copied["Body"].read()).digest() == hashlib.sha256(data).digest()


def test_upload_part_copy_with_ranges_and_source_conditions(s3, bucket):
    data = os.urandom(6 * 1024 * 1024 + 123)
    etag = s3.put_object(Bucket=bucket, Key="parts/src", Body=data)["ETag"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="parts/dst")["UploadId"]
    source = {"Bucket": bucket, "Key": "parts/src"}
    first = s3.upload_part_copy(Bucket=bucket, Key="parts/dst", UploadId=upload, PartNumber=1, CopySource=source,
                                CopySourceRange=f"bytes=0-{5 * 1024 * 1024 - 1}", CopySourceIfMatch=etag)
    second = s3.upload_part_copy(Bucket=bucket, Key="parts/dst", UploadId=upload, PartNumber=2, CopySource=source,
                                 CopySourceRange=f"bytes={5 * 1024 * 1024}-{len(data) - 1}")
    assert error(s3.upload_part_copy, Bucket=bucket, Key="parts/dst", UploadId=upload, PartNumber=3, CopySource=source,
                 CopySourceIfNoneMatch=etag) == ("PreconditionFailed", 412)
    parts = [{"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]}, {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]}]
    s3.complete_multipart_upload(Bucket=bucket, Key="parts/dst", UploadId=upload, MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket=bucket, Key="parts/dst")["Body"].read() == data
    assert error(s3.copy_object, Bucket=bucket, Key="parts/nope", CopySource=source, CopySourceIfMatch='"0000"') == ("PreconditionFailed", 412)
    assert missing(s3, bucket, "parts/nope")


def test_aws_cli_copies_a_large_object(s3, bucket, tmp_path):
    data = os.urandom(12 * 1024 * 1024)
    s3.put_object(Bucket=bucket, Key="cli/src.bin", Body=data)
    creds = s3._request_signer._credentials
    env = dict(os.environ, AWS_ACCESS_KEY_ID=creds.access_key, AWS_SECRET_ACCESS_KEY=creds.secret_key, AWS_DEFAULT_REGION="us-east-1")
    aws = os.path.join(os.path.dirname(os.environ.get("PYTHON", "")) or "", "aws") if os.environ.get("PYTHON") else "aws"
    endpoint = s3.meta.endpoint_url
    subprocess.run([aws, "--endpoint-url", endpoint, "s3", "cp", f"s3://{bucket}/cli/src.bin", f"s3://{bucket}/cli/copy.bin"],
                   env=env, check=True, capture_output=True)
    assert s3.get_object(Bucket=bucket, Key="cli/copy.bin")["Body"].read() == data


def test_checksums_are_verified_kept_and_returned(s3, bucket):
    body = b"training rows\n" * 1000
    s3.put_object(Bucket=bucket, Key="sum/default", Body=body)  # boto3 sends CRC32 by default
    got = s3.get_object(Bucket=bucket, Key="sum/default", ChecksumMode="ENABLED")
    crc32 = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    assert got["ChecksumCRC32"] == crc32
    assert got["Body"].read() == body
    s3.put_object(Bucket=bucket, Key="sum/sha", Body=body, ChecksumAlgorithm="SHA256")
    head = s3.head_object(Bucket=bucket, Key="sum/sha", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(body).digest()).decode()
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    s3.put_object(Bucket=bucket, Key="sum/md5", Body=body, ContentMD5=md5)
    assert s3.get_object(Bucket=bucket, Key="sum/md5")["Body"].read() == body


@pytest.mark.parametrize("bad", [
    {"ContentMD5": base64.b64encode(hashlib.md5(b"other").digest()).decode()},
    {"ChecksumCRC32": "AAAAAA=="},
    {"ChecksumSHA256": base64.b64encode(hashlib.sha256(b"other").digest()).decode()},
])
def test_a_digest_mismatch_is_bad_digest_and_stores_nothing(s3, bucket, bad):
    s3.put_object(Bucket=bucket, Key="sum/kept", Body=b"original")
    assert error(s3.put_object, Bucket=bucket, Key="sum/kept", Body=b"replacement", **bad) == ("BadDigest", 400)
    assert s3.get_object(Bucket=bucket, Key="sum/kept")["Body"].read() == b"original"
    assert error(s3.put_object, Bucket=bucket, Key="sum/never", Body=b"replacement", **bad) == ("BadDigest", 400)
    assert missing(s3, bucket, "sum/never")


def test_conditional_writes(s3, bucket):
    first = s3.put_object(Bucket=bucket, Key="cond/model", Body=b"v1", IfNoneMatch="*")
    assert error(s3.put_object, Bucket=bucket, Key="cond/model", Body=b"v2", IfNoneMatch="*") == ("PreconditionFailed", 412)
    assert error(s3.put_object, Bucket=bucket, Key="cond/model", Body=b"v2", IfMatch='"00000000000000000000000000000000"') == ("PreconditionFailed", 412)
    assert s3.get_object(Bucket=bucket, Key="cond/model")["Body"].read() == b"v1"
    s3.put_object(Bucket=bucket, Key="cond/model", Body=b"v2", IfMatch=first["ETag"])
    assert s3.get_object(Bucket=bucket, Key="cond/model")["Body"].read() == b"v2"
    upload = s3.create_multipart_upload(Bucket=bucket, Key="cond/model")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="cond/model", UploadId=upload, PartNumber=1, Body=b"v3")
    assert error(s3.complete_multipart_upload, Bucket=bucket, Key="cond/model", UploadId=upload, IfNoneMatch="*",
                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}) == ("PreconditionFailed", 412)
    assert s3.get_object(Bucket=bucket, Key="cond/model")["Body"].read() == b"v2"


def test_headers_are_stored_as_sent_and_presigned_overrides_apply(s3, bucket):
    sent = {"CacheControl": "max-age=3600", "ContentDisposition": 'attachment; filename="w.bin"', "ContentEncoding": "gzip",
            "ContentLanguage": "de-CH", "ContentType": "application/x-weights"}
    s3.put_object(Bucket=bucket, Key="hdr/w.bin", Body=b"\x1f\x8b fake gzip", Metadata={"city": "Zurich"}, **sent)
    head = s3.head_object(Bucket=bucket, Key="hdr/w.bin")
    for name, value in sent.items():
        assert head[name] == value, name
    assert head["Metadata"] == {"city": "Zurich"}
    url = s3.generate_presigned_url("get_object", Params={
        "Bucket": bucket, "Key": "hdr/w.bin", "ResponseContentType": "text/plain",
        "ResponseContentDisposition": "inline", "ResponseCacheControl": "no-store"})
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.headers["Content-Type"] == "text/plain"
        assert answer.headers["Content-Disposition"] == "inline"
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.read() == b"\x1f\x8b fake gzip"
