"""Real boto3 and AWS CLI against Wharf's S3-compatible API, unchanged but for the endpoint."""
import hashlib
import os
import subprocess
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


def client(wharf, creds):
    return boto3.client(
        "s3", endpoint_url=wharf.url, region_name="us-east-1",
        aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def status(excinfo):
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture(scope="module")
def s3(wharf):
    c = client(wharf, wharf.writer)
    c.create_bucket(Bucket="compat")
    return c


def test_upload_file_goes_multipart_and_downloads_the_same_bytes(s3, tmp_path):
    data = os.urandom(20 * 1024 * 1024)
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    s3.upload_file(str(source), "compat", "data/big.bin")
    head = s3.head_object(Bucket="compat", Key="data/big.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].strip('"').endswith("-3") or head["ETag"].count("-") == 1, head["ETag"]
    target = tmp_path / "back.bin"
    s3.download_file("compat", "data/big.bin", str(target))
    assert hashlib.sha256(target.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()


def test_list_objects_v2_paginator_over_2500_keys(s3):
    keys = [f"many/{i:05d}.txt" for i in range(2500)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket="compat", Key=k, Body=k.encode()), keys))
    seen, pages = [], 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="compat", Prefix="many/"):
        pages += 1
        seen += [o["Key"] for o in page.get("Contents", [])]
    assert pages == 3
    assert seen == keys
    top = s3.list_objects_v2(Bucket="compat", Delimiter="/")
    assert {p["Prefix"] for p in top["CommonPrefixes"]} >= {"many/"}
    v1 = s3.list_objects(Bucket="compat", Prefix="many/", MaxKeys=10, Marker="many/00005.txt")
    assert [o["Key"] for o in v1["Contents"]] == keys[6:16]
    assert v1["IsTruncated"] is True


def test_metadata_content_type_range_copy_and_conditionals(s3):
    s3.put_object(Bucket="compat", Key="meta/a.json", Body=b'{"x": 1234567890}',
                  ContentType="application/json", Metadata={"owner": "scones"})
    head = s3.head_object(Bucket="compat", Key="meta/a.json")
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"owner": "scones"}
    part = s3.get_object(Bucket="compat", Key="meta/a.json", Range="bytes=2-4")
    assert part["Body"].read() == b'x":'
    assert part["ContentRange"] == "bytes 2-4/17"
    s3.copy_object(Bucket="compat", Key="meta/b.json", CopySource={"Bucket": "compat", "Key": "meta/a.json"})
    assert s3.get_object(Bucket="compat", Key="meta/b.json")["Body"].read() == b'{"x": 1234567890}'
    assert s3.head_object(Bucket="compat", Key="meta/b.json")["Metadata"] == {"owner": "scones"}
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="compat", Key="meta/a.json", IfNoneMatch=head["ETag"])
    assert status(e) == 304
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="compat", Key="meta/a.json", IfMatch='"0000"')
    assert status(e) == 412
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="compat", Key="meta/a.json", Range="bytes=100-200")
    assert error_code(e) == "InvalidRange"


@pytest.mark.parametrize("signature_version", ["s3v4", None])
def test_presigned_get_with_curl_and_expiry(s3, wharf, signature_version):
    """boto3's default presigning (legacy query auth here) and explicit SigV4 both work."""
    s3.put_object(Bucket="compat", Key="shared/report.txt", Body=b"quarterly numbers")
    signer = boto3.client(
        "s3", endpoint_url=wharf.url, region_name="us-east-1",
        aws_access_key_id=wharf.reader[0], aws_secret_access_key=wharf.reader[1],
        config=Config(signature_version=signature_version, s3={"addressing_style": "path"}),
    )
    url = signer.generate_presigned_url("get_object", Params={"Bucket": "compat", "Key": "shared/report.txt"}, ExpiresIn=300)
    out = subprocess.run(["curl", "-sf", url], capture_output=True, check=True).stdout
    assert out == b"quarterly numbers"
    tampered = url.replace("report.txt", "other.txt")
    code = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", tampered], capture_output=True, text=True).stdout
    assert code == "403"
    expired = signer.generate_presigned_url("get_object", Params={"Bucket": "compat", "Key": "shared/report.txt"}, ExpiresIn=1)
    import time
    time.sleep(2)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(expired)
    assert e.value.code == 403


def test_delete_and_delete_objects(s3):
    for k in ("del/1", "del/2", "del/3"):
        s3.put_object(Bucket="compat", Key=k, Body=b"x")
    s3.delete_object(Bucket="compat", Key="del/1")
    result = s3.delete_objects(Bucket="compat", Delete={"Objects": [{"Key": "del/2"}, {"Key": "del/3"}]})
    assert sorted(d["Key"] for d in result["Deleted"]) == ["del/2", "del/3"]
    assert s3.list_objects_v2(Bucket="compat", Prefix="del/")["KeyCount"] == 0
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="compat", Key="del/1")
    assert error_code(e) == "NoSuchKey"


def test_bucket_errors(s3):
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="compat")
    assert error_code(e) == "BucketAlreadyOwnedByYou"
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket="compat")
    assert error_code(e) == "BucketNotEmpty" and status(e) == 409
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket="no-such-bucket")
    assert error_code(e) == "NoSuchBucket"
    s3.create_bucket(Bucket="empty-one")
    assert "empty-one" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    s3.delete_bucket(Bucket="empty-one")
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket="empty-one")
    assert status(e) == 404


def test_signatures_and_roles_are_enforced(s3, wharf):
    wrong = client(wharf, (wharf.writer[0], "not-the-secret"))
    with pytest.raises(ClientError) as e:
        wrong.list_objects_v2(Bucket="compat")
    assert error_code(e) == "SignatureDoesNotMatch"
    unknown = client(wharf, ("WKUNKNOWNUNKNOWNUNKN", "whatever"))
    with pytest.raises(ClientError) as e:
        unknown.list_buckets()
    assert error_code(e) == "InvalidAccessKeyId"
    reader = client(wharf, wharf.reader)
    assert reader.list_objects_v2(Bucket="compat", MaxKeys=1)["KeyCount"] == 1
    for call in (
        lambda: reader.put_object(Bucket="compat", Key="ro.txt", Body=b"x"),
        lambda: reader.delete_object(Bucket="compat", Key="meta/a.json"),
        lambda: reader.create_bucket(Bucket="reader-bucket"),
        lambda: reader.create_multipart_upload(Bucket="compat", Key="ro-big"),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e) == "AccessDenied"
    code = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"{wharf.url}/compat/meta/a.json"],
                          capture_output=True, text=True).stdout
    assert code == "403"


def test_bad_keys_are_rejected(s3):
    for key in ("../escape", "a/../../b", "nul\x00byte"):
        with pytest.raises(ClientError) as e:
            s3.put_object(Bucket="compat", Key=key, Body=b"x")
        assert status(e) == 400, key


def test_multipart_abort_and_listing(s3):
    upload = s3.create_multipart_upload(Bucket="compat", Key="mp/aborted")
    s3.upload_part(Bucket="compat", Key="mp/aborted", UploadId=upload["UploadId"], PartNumber=1, Body=b"a" * 1024)
    parts = s3.list_parts(Bucket="compat", Key="mp/aborted", UploadId=upload["UploadId"])["Parts"]
    assert [p["PartNumber"] for p in parts] == [1]
    uploads = s3.list_multipart_uploads(Bucket="compat", Prefix="mp/").get("Uploads", [])
    assert [u["UploadId"] for u in uploads] == [upload["UploadId"]]
    s3.abort_multipart_upload(Bucket="compat", Key="mp/aborted", UploadId=upload["UploadId"])
    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket="compat", Key="mp/aborted", UploadId=upload["UploadId"])
    assert error_code(e) == "NoSuchUpload"


def aws(wharf, creds, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=creds[0], AWS_SECRET_ACCESS_KEY=creds[1], AWS_DEFAULT_REGION="us-east-1")
    return subprocess.run(["aws", "--endpoint-url", wharf.url, *args], env=env, capture_output=True, text=True)


def test_aws_cli_sync_cp_ls(s3, wharf, tmp_path):
    source = tmp_path / "train"
    (source / "bicycle").mkdir(parents=True)
    (source / "motorcycle").mkdir()
    files = {"bicycle/a.png": os.urandom(3000), "motorcycle/b.png": os.urandom(5000), "labels.csv": b"a,0\nb,1\n",
             "big.bin": os.urandom(9 * 1024 * 1024)}
    for name, data in files.items():
        (source / name).write_bytes(data)
    result = aws(wharf, wharf.writer, "s3", "sync", str(source), "s3://compat/train/")
    assert result.returncode == 0, result.stderr
    listing = aws(wharf, wharf.writer, "s3", "ls", "s3://compat/train/", "--recursive")
    assert listing.returncode == 0, listing.stderr
    for name in files:
        assert f"train/{name}" in listing.stdout
    again = aws(wharf, wharf.writer, "s3", "sync", str(source), "s3://compat/train/")
    assert again.returncode == 0 and "upload:" not in again.stdout
    back = tmp_path / "back"
    result = aws(wharf, wharf.writer, "s3", "cp", "s3://compat/train/", str(back), "--recursive")
    assert result.returncode == 0, result.stderr
    for name, data in files.items():
        assert (back / name).read_bytes() == data, name
    result = aws(wharf, wharf.writer, "s3", "rm", "s3://compat/train/labels.csv")
    assert result.returncode == 0, result.stderr
    assert "labels.csv" not in aws(wharf, wharf.writer, "s3", "ls", "s3://compat/train/").stdout
