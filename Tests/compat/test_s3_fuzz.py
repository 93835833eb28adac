"""Random malformed S3 requests against an open server: every answer is a 4xx (or S3's 501 NotImplemented for
operations Wharf does not serve), never a 5xx, and the server keeps serving."""
import http.client
import os
import random
import urllib.request

from conftest import WharfServer


def test_random_malformed_s3_requests_never_get_a_5xx():
    server = WharfServer(os.environ["WHARF_BIN"])
    try:
        port = server.port
        rng = random.Random(20261123)
        paths = ["/", "/fzz", "/fzz/", "/fzz/a", "/fzz/a/b", "/fzz/%2e%2e/x", "/fzz/a%00b", "/fzz/" + "k"*1100, "/fzz/%ff%fe", "/nob/x", "/fzz/dir/", "//fzz//x", "/fzz/a?b", "/FZ", "/fzz/%C3%BC", "/-bad-", "/a..b/x", "/fzz/x%2Fy"]
        queries = ["", "uploads", "uploadId=zzz", "uploadId=", "partNumber=0&uploadId=x", "partNumber=99999&uploadId=x", "partNumber=abc&uploadId=x",
                   "list-type=2", "list-type=2&max-keys=-1", "list-type=2&max-keys=abc", "list-type=2&continuation-token=%%%", "list-type=2&continuation-token=Zm9v",
                   "delete", "max-keys=0", "prefix=a&delimiter=/", "start-after=zzz", "marker=%01", "versioning", "acl", "tagging", "uploads&max-uploads=-5",
                   "list-type=3", "X-Amz-Expires=-1&X-Amz-Signature=x", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a/b&X-Amz-Date=bad&X-Amz-Expires=10&X-Amz-SignedHeaders=host&X-Amz-Signature=00"]
        headers_pool = [("Range", ["bytes=0-0", "bytes=-5", "bytes=5-", "bytes=9-3", "bytes=a-b", "bytes=0-1,3-4", "items=0-1", "bytes=99999999999999999999-", ""]),
            ("x-amz-copy-source", ["/fzz/a", "fz/a", "/nob/a", "/fzz/%2e%2e/x", "", "%%", "/fzz/a?versionId=1"]),
            ("x-amz-content-sha256", ["UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "zz", "0"*64, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"]),
            ("Content-Encoding", ["aws-chunked", "gzip", ""]),
            ("x-amz-decoded-content-length", ["5", "-1", "abc", "99999999999999999999"]),
            ("If-Match", ["*", "\"x\"", ""]), ("If-None-Match", ["*", "\"x\""]), ("If-Modified-Since", ["garbage", "Wed, 21 Oct 2015 07:28:00 GMT"]),
            ("Authorization", ["AWS4-HMAC-SHA256 Credential=x", "Bearer x", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 Credential=a/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00", "AWS a:b"]),
            ("Content-MD5", ["xx", "1B2M2Y8AsgTpgAmY7PHvwg==", ""]), ("x-amz-meta-" + "m"*50, ["v"*3000, "\u00e9"]), ("Content-Type", ["", "a/b; x=\"", "text/plain"]),
            ("x-amz-metadata-directive", ["REPLACE", "COPY", "BOGUS"]), ("Expect", ["100-continue"])]
        bodies = [b"", b"hello", b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
                  b"<Delete><Object><Key>a</Key></Object></Delete>", b"<Delete>" + b"<Object><Key>k</Key></Object>"*1200 + b"</Delete>", b"<<<>>>", b"5\r\nhello\r\n0\r\n\r\n",
                  b"5;chunk-signature=00\r\nhello\r\n0;chunk-signature=00\r\n\r\n", b"ffffffffffffffff\r\nx", bytes(rng.randrange(256) for _ in range(300)),
                  b"<CompleteMultipartUpload></CompleteMultipartUpload>", b"<CreateBucketConfiguration><LocationConstraint>x</LocationConstraint></CreateBucketConfiguration>"]
        for path, body in (("/fzz", b""), ("/fzz/a", b"hi")):
            urllib.request.urlopen(urllib.request.Request(server.url + path, data=body, method="PUT"), timeout=10)
        failures = []
        for _ in range(3000):
            method = rng.choice(["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS"])
            query = rng.choice(queries)
            url = rng.choice(paths) + ("?" + query if query else "")
            headers = {}
            for _ in range(rng.randrange(4)):
                name, values = rng.choice(headers_pool)
                headers[name] = rng.choice(values)
            body = rng.choice(bodies) if method in ("PUT", "POST") or rng.random() < 0.1 else None
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.putrequest(method, url, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name, value.encode("utf-8"))
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            answer = conn.getresponse()
            text = answer.read()
            conn.close()
            if answer.status >= 500 and answer.status != 501:
                failures.append((answer.status, method, url[:80], headers, text[:200]))
        assert failures == []
        # Still serving, with the bucket intact (the random DELETEs may have removed its objects).
        urllib.request.urlopen(urllib.request.Request(server.url + "/fzz/after", data=b"ok", method="PUT"), timeout=10)
        with urllib.request.urlopen(server.url + "/fzz/after", timeout=10) as answer:
            assert answer.read() == b"ok"
    finally:
        server.stop()
