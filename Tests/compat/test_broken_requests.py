"""Clients that break a request half-way: the body ends before its declared length. The server answers
400 (S3: IncompleteBody) to a client still reading, stores nothing, and keeps serving."""
import json
import socket
import urllib.request

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.config import Config


def send_short_body(port, head_lines, declared, sent):
    """Sends a request whose body stops after `sent` of `declared` bytes, closes the sending side,
    and returns the status line and the body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        head = "\r\n".join(head_lines + [f"Content-Length: {declared}", "", ""]).encode()
        conn.sendall(head + b"x" * sent)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return status_line.decode(), rest.partition(b"\r\n\r\n")[2]


def test_short_s3_put_is_incomplete_body_and_stores_nothing(wharf):
    access_key, secret = wharf.writer
    s3 = boto3.client("s3", endpoint_url=wharf.url, region_name="us-east-1",
                      aws_access_key_id=access_key, aws_secret_access_key=secret,
                      config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
    s3.create_bucket(Bucket="broken")
    url = f"{wharf.url}/broken/short.bin"
    request = AWSRequest(method="PUT", url=url, headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    SigV4Auth(Credentials(access_key, secret), "s3", "us-east-1").add_auth(request)
    head = [f"PUT /broken/short.bin HTTP/1.1", f"Host: 127.0.0.1:{wharf.port}"]
    head += [f"{name}: {value}" for name, value in request.headers.items() if name.lower() != "host"]
    status_line, body = send_short_body(wharf.port, head, declared=100_000, sent=1_000)
    assert " 400 " in status_line, (status_line, body)
    assert b"<Code>IncompleteBody</Code>" in body
    assert s3.list_objects_v2(Bucket="broken").get("KeyCount") == 0
    s3.put_object(Bucket="broken", Key="after.txt", Body=b"still serving")
    assert s3.get_object(Bucket="broken", Key="after.txt")["Body"].read() == b"still serving"


def test_short_json_bodies_are_400_on_v1_and_mlflow(wharf):
    secret = wharf.writer[1]
    for path in ("/v1/experiments", "/api/2.0/mlflow/experiments/create"):
        head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{wharf.port}", f"Authorization: Bearer {secret}",
                "Content-Type: application/json"]
        status_line, body = send_short_body(wharf.port, head, declared=500, sent=20)
        assert " 400 " in status_line, (path, status_line, body)
        assert b"declared length" in body, (path, body)
    with urllib.request.urlopen(wharf.url + "/healthz", timeout=5) as answer:
        assert answer.status == 200
