"""Starts a real Wharf server for the client-compatibility tests and hands out credentials."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url, timeout=20):
    """True once `url`/healthz answers, False after `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            return True
        except OSError:
            time.sleep(0.1)
    return False


class WharfServer:
    """A `wharf server` process. With `home` given the folder is the caller's and survives `stop`;
    `args` (e.g. --database, --storage) and `env` are passed to the server and to `local_key`."""

    def __init__(self, binary, home=None, args=(), env=None, start=True):
        self.binary = binary
        self.owns_home = home is None
        self.home = home or tempfile.mkdtemp(prefix="wharf-compat-")
        os.makedirs(self.home, exist_ok=True)
        self.args = list(args)
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        if start:
            self.start()

    def start(self):
        """Starts (or restarts, on the same home and port) the server and waits until it is healthy."""
        with open(os.path.join(self.home, "server.log"), "a") as log:
            self.process = subprocess.Popen(
                [self.binary, "server", "--home", self.home, "--port", str(self.port), *self.args],
                stdout=log, stderr=subprocess.STDOUT, env=self.env,
            )
        if not wait_healthy(self.url):
            self.process.kill()
            raise RuntimeError("wharf server did not start: " + open(os.path.join(self.home, "server.log")).read())

    def cli(self, *args, key=None, check=True):
        env = dict(os.environ, WHARF_URL=self.url)
        env.pop("WHARF_API_KEY", None)
        if key:
            env["WHARF_API_KEY"] = key
        return subprocess.run([self.binary, *args], env=env, capture_output=True, text=True, check=check)

    def create_key(self, role, name, admin_secret=None):
        out = self.cli("keys", "create", "--role", role, "--name", name, "--json", key=admin_secret).stdout
        issued = json.loads(out)
        return issued["key"]["accessKeyId"], issued["secret"]

    def local_key(self, role, name):
        """Creates a key straight in this server's database (`keys create --local`), running or not."""
        out = subprocess.run([self.binary, "keys", "create", "--local", "--role", role, "--name", name, "--json",
                              "--home", self.home, *self.args],
                             env=self.env, capture_output=True, text=True, check=True).stdout
        issued = json.loads(out)
        return issued["key"]["accessKeyId"], issued["secret"]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        if self.owns_home:
            shutil.rmtree(self.home, ignore_errors=True)


def scaled_out_backends(prefix, secret_key):
    """A fresh PostgreSQL database and S3 bucket from scripts/test's services, for servers that share them:
    returns (server args, environment, backing S3 client, backing bucket). Skips the test when the
    services are not configured, and fails it when scripts/test requires them."""
    import uuid
    import boto3
    pg = os.environ.get("WHARF_TEST_POSTGRES_URL")
    s3_url = os.environ.get("WHARF_TEST_S3_URL")
    if not pg or not s3_url:
        if os.environ.get("WHARF_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail("scripts/test must export WHARF_TEST_POSTGRES_URL and WHARF_TEST_S3_URL")
        pytest.skip("WHARF_TEST_POSTGRES_URL / WHARF_TEST_S3_URL unset")
    name = prefix + uuid.uuid4().hex[:12]
    subprocess.run(["psql", pg, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    database = pg.rsplit("/", 1)[0] + "/" + name
    bucket = name.replace("_", "-")
    backing = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    backing.create_bucket(Bucket=bucket)
    storage = f"s3://{bucket}/wharf?endpoint={s3_url}"
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", WHARF_SECRET_KEY=secret_key)
    return ["--database", database, "--storage", storage], env, backing, bucket


@pytest.fixture(scope="session")
def wharf():
    binary = os.environ.get("WHARF_BIN")
    if not binary:
        pytest.fail("WHARF_BIN must name the wharf binary (scripts/test sets it)")
    server = WharfServer(binary)
    # The first key closes the open loopback server: every later call must be signed.
    server.admin = server.create_key("admin", "compat-admin")
    server.writer = server.create_key("write", "compat-writer", admin_secret=server.admin[1])
    server.reader = server.create_key("read", "compat-reader", admin_secret=server.admin[1])
    yield server
    server.stop()
