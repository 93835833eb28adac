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


class WharfServer:
    def __init__(self, binary):
        self.binary = binary
        self.home = tempfile.mkdtemp(prefix="wharf-compat-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.home, "server.log"), "w")
        self.process = subprocess.Popen(
            [binary, "server", "--home", self.home, "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
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

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)


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
