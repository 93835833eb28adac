"""Requests for S3 features Wharf does not serve are refused with S3's NotImplemented (501) before anything
is read or written: real boto3 against the folder store and against moto's S3 as the backend."""
import datetime
import os

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import WharfServer, scaled_out_backends


def make_client(url, creds):
    return boto3.client(
        "s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


@pytest.fixture(scope="module", params=["folder", "moto"])
def s3(request, tmp_path_factory):
    """A signed client of a Wharf server on the folder store, or on moto's S3 server as its storage."""
    binary = os.environ["WHARF_BIN"]
    if request.param == "folder":
        server = WharfServer(binary)
    else:
        args, env, _, _ = scaled_out_backends("refuse_", "ef" * 32)
        server = WharfServer(binary, home=str(tmp_path_factory.mktemp("refusals")), args=args, env=env, start=False)
    creds = server.local_key("admin", "refusals")
    if not server.process:
        server.start()
    client = make_client(server.url, creds)
    client.create_bucket(Bucket="keep")
    client.create_bucket(Bucket="empty")
    yield client
    server.stop()


def not_implemented(call, *args, **kwargs):
    with pytest.raises(ClientError) as excinfo:
        call(*args, **kwargs)
    assert excinfo.value.response["Error"]["Code"] == "NotImplemented", excinfo.value.response
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    return excinfo.value.response["Error"].get("Message", "")


def put_known(s3, key="model.bin", body=b"weights-v1"):
    s3.put_object(Bucket="keep", Key=key, Body=body, Metadata={"stage": "prod"})
    return body


def assert_intact(s3, key="model.bin", body=b"weights-v1"):
    got = s3.get_object(Bucket="keep", Key=key)
    assert got["Body"].read() == body
    assert got["Metadata"] == {"stage": "prod"}


FUTURE = datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("name, call", [
    ("put retention", lambda s3: s3.put_object_retention(Bucket="keep", Key="model.bin", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": FUTURE})),
    ("put legal hold", lambda s3: s3.put_object_legal_hold(Bucket="keep", Key="model.bin", LegalHold={"Status": "ON"})),
    ("put acl", lambda s3: s3.put_object_acl(Bucket="keep", Key="model.bin", ACL="public-read")),
    ("get acl", lambda s3: s3.get_object_acl(Bucket="keep", Key="model.bin")),
    ("get with a version id", lambda s3: s3.get_object(Bucket="keep", Key="model.bin", VersionId="nope")),
])
def test_object_subresources_leave_the_object_intact(s3, name, call):
    put_known(s3)
    not_implemented(call, s3)
    assert_intact(s3)


@pytest.mark.parametrize("name, call", [
    ("delete cors", lambda s3: s3.delete_bucket_cors(Bucket="empty")),
    ("delete policy", lambda s3: s3.delete_bucket_policy(Bucket="empty")),
    ("delete lifecycle", lambda s3: s3.delete_bucket_lifecycle(Bucket="empty")),
    ("put acl", lambda s3: s3.put_bucket_acl(Bucket="empty", ACL="public-read")),
    ("put policy", lambda s3: s3.put_bucket_policy(Bucket="empty", Policy='{"Version": "2012-10-17", "Statement": []}')),
    ("put lifecycle", lambda s3: s3.put_bucket_lifecycle_configuration(
        Bucket="empty", LifecycleConfiguration={"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 1}}]})),
    ("get acl", lambda s3: s3.get_bucket_acl(Bucket="empty")),
    ("get cors", lambda s3: s3.get_bucket_cors(Bucket="empty")),
])
def test_bucket_subresources_leave_the_empty_bucket_alone(s3, name, call):
    not_implemented(call, s3)
    s3.head_bucket(Bucket="empty")
    assert s3.list_objects_v2(Bucket="empty")["KeyCount"] == 0


def test_bucket_versioning_reads_as_never_enabled(s3):
    answer = s3.get_bucket_versioning(Bucket="keep")
    assert "Status" not in answer


@pytest.mark.parametrize("extra", [
    {"ServerSideEncryption": "aws:kms"},
    {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "alias/data"},
    {"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": FUTURE},
    {"ACL": "public-read"},
    {"WebsiteRedirectLocation": "/elsewhere"},
])
def test_put_with_unserved_headers_stores_nothing_and_keeps_the_old_bytes(s3, extra):
    put_known(s3, key="guarded.bin")
    not_implemented(s3.put_object, Bucket="keep", Key="guarded.bin", Body=b"replacement", **extra)
    assert_intact(s3, key="guarded.bin")
    not_implemented(s3.put_object, Bucket="keep", Key="never.bin", Body=b"x", **extra)
    with pytest.raises(ClientError) as excinfo:
        s3.head_object(Bucket="keep", Key="never.bin")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_list_objects_v1_paginator_with_a_delimiter_terminates(s3):
    keys = ["pages/a/1", "pages/a/2", "pages/b/1", "pages/c", "pages/d/1/x", "pages/d/2", "pages/e"]
    for key in keys:
        s3.put_object(Bucket="keep", Key=key, Body=key.encode())
    seen, pages = [], 0
    for page in s3.get_paginator("list_objects").paginate(Bucket="keep", Prefix="pages/", Delimiter="/", PaginationConfig={"PageSize": 1}):
        pages += 1
        assert pages < 20, "the paginator does not end"
        seen += [p["Prefix"] for p in page.get("CommonPrefixes", [])] + [o["Key"] for o in page.get("Contents", [])]
    assert sorted(seen) == ["pages/a/", "pages/b/", "pages/c", "pages/d/", "pages/e"]
    assert pages == 5
