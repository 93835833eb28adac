"""The AWS front door with real boto3 and the AWS CLI: STS and temporary credentials (working on S3, then
refused after their expiry), each protocol's error shape for an unknown operation, a malformed body and a
missing member, and the role rule (read keys denied writes, invoke keys invoking and nothing else)."""
import json
import os
import sqlite3
import subprocess
import sys
import time

import boto3
import botocore
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.httpsession import URLLib3Session


def session(creds, token=None):
    return boto3.Session(aws_access_key_id=creds[0], aws_secret_access_key=creds[1], aws_session_token=token, region_name="us-east-1")


def client(wharf, service, creds, token=None):
    return session(creds, token).client(service, endpoint_url=wharf.url, config=Config(retries={"max_attempts": 1}))


def fails(call, *args, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        call(*args, **kwargs)
    error = excinfo.value.response
    return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"], error["Error"].get("Message", "")


def aws_cli(wharf, creds, *args, token=None):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=creds[0], AWS_SECRET_ACCESS_KEY=creds[1], AWS_DEFAULT_REGION="us-east-1",
               AWS_ENDPOINT_URL=wharf.url, AWS_MAX_ATTEMPTS="1")
    env.pop("AWS_SESSION_TOKEN", None)
    if token:
        env["AWS_SESSION_TOKEN"] = token
    return subprocess.run(["aws", *args, "--output", "json"], env=env, capture_output=True, text=True)


def signed(wharf, creds, service, body=b"", method="POST", path="/", headers=None):
    """A raw request signed as botocore signs it, for bodies botocore's own validation would not send."""
    request = AWSRequest(method=method, url=wharf.url + path, data=body, headers=headers or {})
    SigV4Auth(Credentials(creds[0], creds[1]), service, "us-east-1").add_auth(request)
    response = URLLib3Session().send(request.prepare())
    return response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content


@pytest.fixture(scope="module")
def invoker(wharf):
    return wharf.create_key("invoke", "compat-app", admin_secret=wharf.admin[1])


def test_aws_cli_sts_get_caller_identity(wharf):
    result = aws_cli(wharf, wharf.writer, "sts", "get-caller-identity")
    assert result.returncode == 0, result.stderr
    identity = json.loads(result.stdout)
    assert len(identity["Account"]) == 12 and identity["Account"].isdigit()
    assert identity["UserId"] == wharf.writer[0]
    assert identity["Arn"] == f"arn:aws:iam::{identity['Account']}:user/{wharf.writer[0]}"
    # One account per installation, whoever asks.
    assert client(wharf, "sts", wharf.reader).get_caller_identity()["Account"] == identity["Account"]


def test_aws_endpoint_url_sends_every_client_to_wharf(wharf, tmp_path):
    script = tmp_path / "clients.py"
    script.write_text(
        "import boto3\n"
        "print(boto3.client('sts').get_caller_identity()['Account'])\n"
        "print(boto3.client('logs').describe_log_groups()['logGroups'])\n"
        "print(boto3.client('stepfunctions').list_state_machines()['stateMachines'])\n"
        "print(boto3.client('lambda').list_functions()['Functions'])\n"
        "print(len(boto3.client('s3').list_buckets()['Buckets']) >= 0)\n")
    env = dict(os.environ, AWS_ENDPOINT_URL=wharf.url, AWS_ACCESS_KEY_ID=wharf.writer[0], AWS_SECRET_ACCESS_KEY=wharf.writer[1],
               AWS_DEFAULT_REGION="us-east-1")
    result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    assert len(lines[0]) == 12 and lines[1:] == ["[]", "[]", "[]", "True"]


def test_assume_role_credentials_work_on_s3_and_stop_at_expiry(wharf):
    sts = client(wharf, "sts", wharf.writer)
    assumed = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/Trainer", RoleSessionName="job-42", DurationSeconds=900)
    creds = assumed["Credentials"]
    assert creds["AccessKeyId"].startswith("WS")
    assert assumed["AssumedRoleUser"]["Arn"].endswith(":assumed-role/Trainer/job-42")
    temporary = (creds["AccessKeyId"], creds["SecretAccessKey"])
    token = creds["SessionToken"]
    identity = client(wharf, "sts", temporary, token).get_caller_identity()
    assert identity["UserId"] == f"{wharf.writer[0]}:job-42"

    s3 = client(wharf, "s3", temporary, token)
    s3.create_bucket(Bucket="assumed")
    s3.put_object(Bucket="assumed", Key="model.bin", Body=b"weights")
    assert s3.get_object(Bucket="assumed", Key="model.bin")["Body"].read() == b"weights"
    listed = aws_cli(wharf, temporary, "s3api", "list-objects-v2", "--bucket", "assumed", token=token)
    assert listed.returncode == 0, listed.stderr
    assert [o["Key"] for o in json.loads(listed.stdout)["Contents"]] == ["model.bin"]
    # Without the session token the same key id and secret are refused.
    assert fails(client(wharf, "s3", temporary).get_object, Bucket="assumed", Key="model.bin")[0] == "InvalidToken"

    # Fifteen minutes is the shortest session STS issues: move this one's stored expiry into the past
    # instead of waiting, then outlast the servers' 5-second credential cache.
    db = sqlite3.connect(os.path.join(wharf.home, "wharf.db"))
    with db:
        db.execute("UPDATE sts_sessions SET expires_at = ? WHERE access_key_id = ?", (int(time.time() * 1000) - 1000, creds["AccessKeyId"]))
    db.close()
    time.sleep(5.5)
    code, status, _ = fails(s3.get_object, Bucket="assumed", Key="model.bin")
    assert (code, status) == ("ExpiredToken", 400)
    assert fails(client(wharf, "sts", temporary, token).get_caller_identity)[0] == "ExpiredToken"
    expired = aws_cli(wharf, temporary, "logs", "describe-log-groups", token=token)
    assert expired.returncode != 0 and "ExpiredTokenException" in expired.stderr


def test_get_session_token_acts_as_the_key(wharf):
    creds = client(wharf, "sts", wharf.reader).get_session_token(DurationSeconds=900)["Credentials"]
    temporary = (creds["AccessKeyId"], creds["SecretAccessKey"])
    assert client(wharf, "sts", temporary, creds["SessionToken"]).get_caller_identity()["UserId"] == wharf.reader[0]
    assert fails(client(wharf, "logs", temporary, creds["SessionToken"]).delete_log_group, logGroupName="g")[0] == "AccessDeniedException"
    status, _, body = signed(wharf, wharf.reader, "sts", b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=60",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"<Code>ValidationError</Code>" in body and b"DurationSeconds" in body


def test_unknown_operations_get_each_protocols_error(wharf):
    # Real boto3 operations Wharf does not serve.
    assert fails(client(wharf, "sagemaker", wharf.writer).list_training_jobs)[:2] == ("UnknownOperationException", 400)
    assert fails(client(wharf, "stepfunctions", wharf.writer).list_activities)[:2] == ("UnknownOperationException", 400)
    assert fails(client(wharf, "logs", wharf.writer).describe_destinations)[:2] == ("UnknownOperationException", 400)
    assert fails(client(wharf, "lambda", wharf.writer).list_layers)[:2] == ("UnknownOperationException", 404)
    assert fails(client(wharf, "sts", wharf.writer).get_federation_token, Name="bob")[:2] == ("InvalidAction", 400)


@pytest.mark.parametrize("service,target,version", [("logs", "Logs_20140328", "1.1"), ("states", "AWSStepFunctions", "1.0")])
def test_aws_json_malformed_body_and_missing_member(wharf, service, target, version):
    operation = "DeleteLogGroup" if service == "logs" else "DescribeStateMachine"
    member = "logGroupName" if service == "logs" else "stateMachineArn"
    headers = {"Content-Type": f"application/x-amz-json-{version}", "X-Amz-Target": f"{target}.{operation}"}
    status, answer, body = signed(wharf, wharf.writer, service, b'{"' + member.encode() + b'": ', headers=headers)
    assert status == 400 and json.loads(body)["__type"] == "SerializationException" and answer["x-amzn-errortype"] == "SerializationException"
    assert answer["content-type"] == f"application/x-amz-json-{version}" and answer["x-amzn-requestid"]
    status, answer, body = signed(wharf, wharf.writer, service, b"{}", headers=headers)
    assert status == 400 and json.loads(body)["__type"] == "ValidationException" and member in json.loads(body)["message"]


def test_rest_json_malformed_body_and_missing_member(wharf):
    status, answer, body = signed(wharf, wharf.writer, "lambda", b'{"Timeout": [', method="PUT", path="/2015-03-31/functions/f/configuration")
    assert status == 400 and answer["x-amzn-errortype"] == "InvalidRequestContentException" and json.loads(body)["Type"] == "User"
    status, answer, body = signed(wharf, wharf.writer, "sagemaker", b"", path="/endpoints/churn/invocations", headers={"Content-Type": "text/csv"})
    assert status == 400 and answer["x-amzn-errortype"] == "ValidationError" and "Body" in json.loads(body)["message"]
    # botocore reads the same shapes from a real client call.
    code, status, message = fails(client(wharf, "lambda", wharf.writer).get_function, FunctionName="scorer")
    assert (code, status) == ("ResourceNotFoundException", 404) and message.startswith("Function not found: arn:aws:lambda:us-east-1:")


def test_aws_query_malformed_body_and_missing_member(wharf):
    form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    status, answer, body = signed(wharf, wharf.writer, "sts", b"Action=AssumeRole&Version=2011-06-15&Tags.member.first.Key=a", headers=form)
    assert status == 400 and b"<Code>MalformedQueryString</Code>" in body and body.startswith(b"<ErrorResponse")
    status, answer, body = signed(wharf, wharf.writer, "sts", b"Action=AssumeRole&Version=2011-06-15&RoleSessionName=s", headers=form)
    assert status == 400 and b"<Code>MissingParameter</Code>" in body and b"RoleArn" in body and b"<Type>Sender</Type>" in body
    cli = aws_cli(wharf, wharf.writer, "sts", "assume-role", "--role-arn", "this-is-not-an-arn-at-all", "--role-session-name", "s1")
    assert cli.returncode != 0 and "ValidationError" in cli.stderr


def test_a_read_key_is_denied_writes_in_every_protocol(wharf):
    reader = wharf.reader
    assert client(wharf, "logs", reader).describe_log_groups()["logGroups"] == []
    assert fails(client(wharf, "logs", reader).delete_log_group, logGroupName="g")[:2] == ("AccessDeniedException", 400)
    assert fails(client(wharf, "stepfunctions", reader).tag_resource, resourceArn="arn:aws:states:us-east-1:123456789012:stateMachine:m",
                 tags=[{"key": "a", "value": "b"}])[:2] == ("AccessDeniedException", 400)
    assert fails(client(wharf, "lambda", reader).update_function_configuration, FunctionName="f", Timeout=30)[:2] == ("AccessDeniedException", 403)
    assert fails(client(wharf, "sts", reader).assume_role, RoleArn="arn:aws:iam::123456789012:role/R", RoleSessionName="s1")[:2] == ("AccessDenied", 403)
    # The writer passes the same checks and finds nothing to change.
    assert fails(client(wharf, "logs", wharf.writer).delete_log_group, logGroupName="g")[0] == "ResourceNotFoundException"
    assert fails(client(wharf, "stepfunctions", wharf.writer).tag_resource, resourceArn="arn:aws:states:us-east-1:123456789012:stateMachine:m",
                 tags=[])[0] == "ResourceNotFound"


def test_an_invoke_key_can_invoke_and_nothing_else(wharf, invoker):
    code, status, message = fails(client(wharf, "sagemaker-runtime", invoker).invoke_endpoint, EndpointName="churn", Body=b"1,2,3", ContentType="text/csv")
    assert (code, status) == ("ValidationError", 400) and "Endpoint churn of account" in message
    assert fails(client(wharf, "lambda", invoker).invoke, FunctionName="score", Payload=b"{}")[0] == "ResourceNotFoundException"
    assert client(wharf, "sts", invoker).get_caller_identity()["UserId"] == invoker[0]
    assert fails(client(wharf, "lambda", invoker).list_functions)[:2] == ("AccessDeniedException", 403)
    assert fails(client(wharf, "logs", invoker).describe_log_groups)[0] == "AccessDeniedException"
    assert fails(client(wharf, "stepfunctions", invoker).list_state_machines)[0] == "AccessDeniedException"
    assert fails(client(wharf, "sts", invoker).get_session_token)[0] == "AccessDenied"
    assert fails(client(wharf, "s3", invoker).list_buckets)[:2] == ("AccessDenied", 403)
    cli = aws_cli(wharf, invoker, "logs", "describe-log-groups")
    assert cli.returncode != 0 and "AccessDeniedException" in cli.stderr


def test_page_tokens_are_checked(wharf):
    logs = client(wharf, "logs", wharf.reader)
    assert [page["logGroups"] for page in logs.get_paginator("describe_log_groups").paginate()] == [[]]
    assert fails(logs.describe_log_groups, nextToken="forged")[0] == "InvalidParameterException"
    assert fails(client(wharf, "stepfunctions", wharf.reader).list_state_machines, nextToken="forged")[0] == "InvalidToken"
    assert fails(client(wharf, "lambda", wharf.reader).list_functions, Marker="forged")[0] == "InvalidParameterValueException"
