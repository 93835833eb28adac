"""5,000 random SigV4-signed requests across the front door's protocols (random services, targets,
actions, paths, bodies, headers, and bodies cut short of their Content-Length): every answer is a 4xx or a
2xx, never a 5xx, every answer carries a request id, and the server keeps serving."""
import http.client
import os
import random
import socket
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import WharfServer

SERVICES = {
    "logs": ("application/x-amz-json-1.1", ["Logs_20140328.DescribeLogGroups", "Logs_20140328.DeleteLogGroup", "Logs_20140328.PutLogEvents", "Logs_20140328.", "Logs_20140328", ".", "Other.DescribeLogGroups"]),
    "states": ("application/x-amz-json-1.0", ["AWSStepFunctions.ListStateMachines", "AWSStepFunctions.DescribeStateMachine", "AWSStepFunctions.StartSyncExecution", "AWSStepFunctions.TagResource", "AWSStepFunctions.Nope"]),
    "sagemaker": ("application/x-amz-json-1.1", ["SageMaker.CreateTrainingJob", "SageMaker.ListEndpoints", "", "SageMaker."]),
    "sts": ("application/x-www-form-urlencoded", []),
    "lambda": ("application/json", []),
    "dynamodb": ("application/x-amz-json-1.0", ["DynamoDB_20120810.ListTables"]),
}
PATHS = ["/", "/2015-03-31/functions/", "/2015-03-31/functions/f", "/2015-03-31/functions/f/invocations", "/2015-03-31/functions/f/configuration",
         "/2015-03-31/functions/%ff/invocations", "/endpoints/ep/invocations", "/endpoints//invocations", "/endpoints/a%2Fb/invocations",
         "/schedules", "/2015-03-31/functions/" + "x" * 2000, "/?Action=GetCallerIdentity", "/?Action=AssumeRole&RoleArn=x"]
JSON_BODIES = [b"", b"{}", b"[]", b"null", b"1", b'"s"', b"{", b'{"a":', b'{"logGroupName": 5}', b'{"logGroupName": "g"}', b'{"limit": "x"}', b'{"limit": 1e400}',
               b'{"limit": -1}', b'{"limit": 99999999999999999999999}', b'{"nextToken": "abc.def"}', b'{"nextToken": ""}', b'{"stateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:m"}',
               b'{"stateMachineArn": []}', b'{"resourceArn": "x", "tags": [{"key": 1}]}', b'{"Timeout": "soon"}', b'{"Timeout": 3.5}', b'{"Environment": {"Variables": {"a": 1}}}',
               b"[" * 200 + b"]" * 200, b'{"a": "\\ud800"}', b'{"a": "\x01"}', b"\xff\xfe\x00", b'{"maxResults": 0}', b'{"maxResults": 5000}']
FORM_BODIES = [b"", b"Action=GetCallerIdentity", b"Action=GetCallerIdentity&Version=2011-06-15", b"Action=AssumeRole", b"Action=AssumeRole&RoleArn=arn:aws:iam::1:role/R&RoleSessionName=ab",
               b"Action=AssumeRole&RoleArn=arn:aws:iam::1:role/R&RoleSessionName=" + b"x" * 100, b"Action=AssumeRole&RoleArn=x&RoleSessionName=ab&DurationSeconds=abc",
               b"Action=AssumeRole&RoleArn=arn:aws:iam::1:role/R&RoleSessionName=ab&DurationSeconds=1", b"Action=GetSessionToken&DurationSeconds=99999999999999999999",
               b"Action=AssumeRole&Tags.member.1.Key=a&Tags.member.1.Key.x=b", b"Action=AssumeRole&Tags.member.0.Key=a", b"Action=AssumeRole&Tags.entry.1.value=v",
               b"Action=%ZZ&x=%", b"Action=GetCallerIdentity&" + b"a." * 40 + b"b=1", b"Action=" + b"A" * 5000, b"Action=Frob&Version=1", b"\xff\xfe=\x00",
               b"Action=AssumeRole&RoleArn=arn:aws:iam::1:role/R&RoleSessionName=ab&Policy=%7B%7D&PolicyArns.member.1.arn=x"]
EXTRA_HEADERS = [("X-Amz-Invocation-Type", ["Event", "RequestResponse", "Bogus", ""]), ("X-Amz-Log-Type", ["Tail", "None"]),
                 ("Accept", ["application/json", "*/*"]), ("X-Amz-Target", ["", "x", "AWSStepFunctions.ListStateMachines"]),
                 ("Content-Type", ["text/plain", "application/json", "application/x-www-form-urlencoded"]), ("X-Amz-Content-Sha256", ["UNSIGNED-PAYLOAD", "0" * 64, "zz"]),
                 ("X-Amz-Security-Token", ["bogus", ""]), ("X-Amzn-SageMaker-Custom-Attributes", ["a=b", "\u00e9"])]


def signed_request(rng, creds):
    service = rng.choice(list(SERVICES))
    content_type, targets = SERVICES[service]
    headers = {"Content-Type": content_type}
    method = "POST"
    path = "/"
    if targets and rng.random() < 0.9:
        headers["X-Amz-Target"] = rng.choice(targets)
        body = rng.choice(JSON_BODIES)
    elif service == "sts":
        body = rng.choice(FORM_BODIES)
    else:
        method = rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH"])
        path = rng.choice(PATHS)
        body = rng.choice(JSON_BODIES + [bytes(rng.randrange(256) for _ in range(64))])
    if rng.random() < 0.2:
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
    for _ in range(rng.randrange(3)):
        name, values = rng.choice(EXTRA_HEADERS)
        headers[name] = rng.choice(values)
    request = AWSRequest(method=method, url="http://127.0.0.1" + path, data=body, headers=headers)
    SigV4Auth(creds, service, rng.choice(["us-east-1", "eu-west-1"])).add_auth(request)
    if rng.random() < 0.05:
        request.headers["Authorization"] = request.headers["Authorization"][:-4] + "0000"
    return method, path, dict(request.headers.items()), body


def send(port, method, path, headers, body, truncate):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
    for name, value in headers.items():
        if name.lower() not in ("host", "content-length"):
            conn.putheader(name, value.encode("utf-8") if isinstance(value, str) else value)
    conn.putheader("Content-Length", str(len(body)))
    if truncate:
        conn.endheaders(body[: len(body) // 2])
        conn.sock.shutdown(socket.SHUT_WR)
        try:
            answer = conn.getresponse()
            status, rid = answer.status, answer.getheader("x-amzn-RequestId")
            answer.read()
        except (http.client.HTTPException, ConnectionError):
            status, rid = None, None
        conn.close()
        return status, rid, b""
    conn.endheaders(body)
    answer = conn.getresponse()
    text = answer.read()
    conn.close()
    return answer.status, answer.getheader("x-amzn-RequestId"), text


def test_random_signed_requests_never_get_a_5xx():
    server = WharfServer(os.environ["WHARF_BIN"])
    try:
        key = server.local_key("admin", "fuzz")
        creds = Credentials(key[0], key[1])
        rng = random.Random(20261202)
        failures, statuses, missing_ids = [], {}, []
        for _ in range(5000):
            method, path, headers, body = signed_request(rng, creds)
            truncate = len(body) > 1 and rng.random() < 0.08
            status, rid, text = send(server.port, method, path, headers, body, truncate)
            statuses[status] = statuses.get(status, 0) + 1
            if status is not None and status >= 500:
                failures.append((status, method, path, headers.get("X-Amz-Target"), body[:120], text[:300]))
            if status is not None and not truncate and rid is None and headers.get("Authorization", "").find("/s3/") < 0:
                missing_ids.append((status, method, path, text[:200]))
        assert failures == []
        assert missing_ids == []
        assert sum(count for status, count in statuses.items() if status and 400 <= status < 500) > 3000
        with urllib.request.urlopen(server.url + "/healthz", timeout=10) as answer:
            assert answer.status == 200
    finally:
        server.stop()
