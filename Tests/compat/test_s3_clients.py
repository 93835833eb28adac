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
from conftest import WharfServer, scaled_out_backends


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


def test_wharf_s3_cli_round_trip(s3, wharf, tmp_path):
    env = dict(os.environ, WHARF_URL=wharf.url, WHARF_ACCESS_KEY_ID=wharf.writer[0], WHARF_SECRET_ACCESS_KEY=wharf.writer[1])
    env.pop("AWS_ACCESS_KEY_ID", None)
    env.pop("AWS_SECRET_ACCESS_KEY", None)

    def run(*args):
        return subprocess.run([wharf.binary, "s3", *args], env=env, capture_output=True, text=True)

    data = os.urandom(3 * 1024 * 1024 + 17)
    (tmp_path / "model.bin").write_bytes(data)
    result = run("cp", str(tmp_path / "model.bin"), "s3://compat/cli/")
    assert result.returncode == 0, result.stderr
    listing = run("ls", "s3://compat/cli/", "--json")
    assert listing.returncode == 0, listing.stderr
    import json
    assert [(o["key"], o["size"]) for o in json.loads(listing.stdout)["objects"]] == [("cli/model.bin", len(data))]
    (tmp_path / "out").mkdir()
    result = run("cp", "s3://compat/cli/model.bin", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "model.bin").read_bytes() == data
    assert run("rm", "s3://compat/cli/model.bin").returncode == 0
    missing = run("cp", "s3://compat/cli/model.bin", str(tmp_path / "again.bin"))
    assert missing.returncode == 3 and "NoSuchKey" in missing.stderr
    assert run("ls", "s3://no-such-bucket/").returncode == 3
    assert run("cp", "/no/such/file", "s3://compat/x").returncode == 3
    assert run("cp", "a", "b").returncode == 64
    denied = subprocess.run([wharf.binary, "s3", "cp", str(tmp_path / "model.bin"), "s3://compat/ro/model.bin"],
                            env=dict(env, WHARF_ACCESS_KEY_ID=wharf.reader[0], WHARF_SECRET_ACCESS_KEY=wharf.reader[1]),
                            capture_output=True, text=True)
    assert denied.returncode == 4 and "AccessDenied" in denied.stderr


def test_wharf_s3_cp_uploads_large_files_in_parts(s3, wharf, tmp_path):
    """Above the threshold `wharf s3 cp` uses CreateMultipartUpload/UploadPart/Complete; the bytes survive."""
    env = dict(os.environ, WHARF_URL=wharf.url, WHARF_ACCESS_KEY_ID=wharf.writer[0], WHARF_SECRET_ACCESS_KEY=wharf.writer[1],
               WHARF_S3_MULTIPART_THRESHOLD=str(1024 * 1024), WHARF_S3_PART_SIZE=str(5 * 1024 * 1024))
    env.pop("AWS_ACCESS_KEY_ID", None)
    env.pop("AWS_SECRET_ACCESS_KEY", None)
    data = os.urandom(12 * 1024 * 1024 + 321)
    (tmp_path / "big.bin").write_bytes(data)
    result = subprocess.run([wharf.binary, "s3", "cp", str(tmp_path / "big.bin"), "s3://compat/parts/big.bin", "--parallel-parts", "2"],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    head = s3.head_object(Bucket="compat", Key="parts/big.bin")
    assert head["ContentLength"] == len(data)
    # A multipart ETag is the MD5 of the part MD5s with the part count: 5 + 5 + 2 MiB here.
    parts = [data[i:i + 5 * 1024 * 1024] for i in range(0, len(data), 5 * 1024 * 1024)]
    expected = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + f"-{len(parts)}"
    assert head["ETag"].strip('"') == expected
    assert s3.get_object(Bucket="compat", Key="parts/big.bin")["Body"].read() == data
    assert s3.list_multipart_uploads(Bucket="compat", Prefix="parts/").get("Uploads", []) == []
    # Below the threshold the same command sends one PUT (plain MD5 ETag).
    small = subprocess.run([wharf.binary, "s3", "cp", str(tmp_path / "big.bin"), "s3://compat/parts/single.bin"],
                           env=dict(env, WHARF_S3_MULTIPART_THRESHOLD=str(64 * 1024 * 1024)), capture_output=True, text=True)
    assert small.returncode == 0, small.stderr
    assert s3.head_object(Bucket="compat", Key="parts/single.bin")["ETag"].strip('"') == hashlib.md5(data).hexdigest()
    # A failing upload (a read-only key) is refused and leaves no upload behind.
    denied = subprocess.run([wharf.binary, "s3", "cp", str(tmp_path / "big.bin"), "s3://compat/parts/denied.bin"],
                            env=dict(env, WHARF_ACCESS_KEY_ID=wharf.reader[0], WHARF_SECRET_ACCESS_KEY=wharf.reader[1]),
                            capture_output=True, text=True)
    assert denied.returncode == 4 and "AccessDenied" in denied.stderr
    bad = subprocess.run([wharf.binary, "s3", "cp", str(tmp_path / "big.bin"), "s3://compat/parts/x", "--part-size", "1024"],
                         env=env, capture_output=True, text=True)
    assert bad.returncode == 64 and "part-size" in bad.stderr


def test_two_servers_share_postgres_and_s3(tmp_path):
    """Two `wharf server` processes on one PostgreSQL database and one S3 bucket serve the same objects,
    buckets and keys."""
    args, env, _, _ = scaled_out_backends("twin_", "cd" * 32)
    binary = os.environ["WHARF_BIN"]
    one = WharfServer(binary, home=str(tmp_path / "one"), args=args, env=env, start=False)
    two = WharfServer(binary, home=str(tmp_path / "two"), args=args, env=env, start=False)
    # A key exists before either starts, so neither runs open.
    admin = one.local_key("admin", "first")
    try:
        one.start()
        two.start()
        a, b = client(one, admin), client(two, admin)
        # A bucket made through one server is listed by the other.
        a.create_bucket(Bucket="shared")
        assert "shared" in [x["Name"] for x in b.list_buckets()["Buckets"]]
        # Objects written through one are served by the other, small and multipart alike.
        a.put_object(Bucket="shared", Key="notes/one.txt", Body=b"written on one")
        assert b.get_object(Bucket="shared", Key="notes/one.txt")["Body"].read() == b"written on one"
        data = os.urandom(11 * 1024 * 1024)
        (tmp_path / "blob").write_bytes(data)
        b.upload_file(str(tmp_path / "blob"), "shared", "blobs/two.bin")
        (tmp_path / "back").unlink(missing_ok=True)
        a.download_file("shared", "blobs/two.bin", str(tmp_path / "back"))
        assert (tmp_path / "back").read_bytes() == data
        assert sorted(o["Key"] for o in a.list_objects_v2(Bucket="shared")["Contents"]) == ["blobs/two.bin", "notes/one.txt"]
        # A key created while both run authenticates on both; its role is enforced on both.
        reader = two.local_key("read", "reader")
        for server in (one, two):
            assert client(server, reader).get_object(Bucket="shared", Key="notes/one.txt")["Body"].read() == b"written on one"
            with pytest.raises(ClientError) as excinfo:
                client(server, reader).put_object(Bucket="shared", Key="nope", Body=b"x")
            assert error_code(excinfo) == "AccessDenied"
        # A delete through one is seen by the other.
        b.delete_object(Bucket="shared", Key="notes/one.txt")
        with pytest.raises(ClientError) as excinfo:
            a.get_object(Bucket="shared", Key="notes/one.txt")
        assert error_code(excinfo) == "NoSuchKey"
        # Unknown credentials are refused by both.
        for server in (one, two):
            with pytest.raises(ClientError) as excinfo:
                client(server, ("AKNOTAKEY0000000", "x" * 40)).list_buckets()
            assert error_code(excinfo) == "InvalidAccessKeyId"
    finally:
        one.stop()
        two.stop()


def test_server_stops_gracefully_on_sigterm_and_keeps_its_data(tmp_path):
    import signal
    server = WharfServer(os.environ["WHARF_BIN"])
    home = server.home
    key_id, secret = server.create_key("admin", "restart")
    c = client(server, (key_id, secret))
    c.create_bucket(Bucket="survives")
    c.put_object(Bucket="survives", Key="k", Body=b"still here")
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=20) == 0
    log = open(os.path.join(home, "server.log")).read()
    assert "Fatal" not in log
    # Same home and port, new process: keys and objects are still there, and the server is no longer open.
    try:
        server.start()
        assert c.get_object(Bucket="survives", Key="k")["Body"].read() == b"still here"
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(server.url + "/v1/keys")
        assert e.value.code == 401
    finally:
        server.stop()


def test_postgres_metadata_and_s3_storage_survive_a_restart(tmp_path):
    """The scaled-out configuration: metadata in PostgreSQL, bytes in a real S3 server (moto)."""
    import json
    args, env, backing, bucket = scaled_out_backends("compat_", "ab" * 32)
    server = WharfServer(os.environ["WHARF_BIN"], home=str(tmp_path / "home"), args=args, env=env, start=False)
    creds = server.local_key("admin", "pg")
    url = server.url
    try:
        server.start()
        ready = json.loads(urllib.request.urlopen(url + "/readyz").read())
        assert ready == {"ready": True, "database": "postgres", "objectStore": "s3"}
        c = client(server, creds)
        c.create_bucket(Bucket="scaled")
        data = os.urandom(12 * 1024 * 1024)
        (tmp_path / "blob").write_bytes(data)
        c.upload_file(str(tmp_path / "blob"), "scaled", "blobs/one.bin")
        c.put_object(Bucket="scaled", Key="small.txt", Body=b"tiny")
        # The bytes really live in the backing S3 bucket, under the configured prefix.
        backing_keys = [o["Key"] for o in backing.list_objects_v2(Bucket=bucket)["Contents"]]
        assert any(k.startswith("wharf") and k.endswith("blobs/one.bin") for k in backing_keys), backing_keys
        server.process.terminate()
        assert server.process.wait(timeout=20) == 0
        server.start()
        assert c.get_object(Bucket="scaled", Key="small.txt")["Body"].read() == b"tiny"
        (tmp_path / "back").unlink(missing_ok=True)
        c.download_file("scaled", "blobs/one.bin", str(tmp_path / "back"))
        assert (tmp_path / "back").read_bytes() == data
        assert sorted(o["Key"] for o in c.list_objects_v2(Bucket="scaled")["Contents"]) == ["blobs/one.bin", "small.txt"]
    finally:
        server.stop()
