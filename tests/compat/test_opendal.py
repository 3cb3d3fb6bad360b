"""Apache OpenDAL's B2 service (PyPI ``opendal``) against our server: a multipart write and read back.

OpenDAL has no endpoint option and authorizes at Backblaze's fixed HTTPS URL, so that one request goes
through ``BackblazeProxy`` (a local CONNECT proxy ending TLS with a throwaway CA); OpenDAL then follows
the ``apiUrl`` of the answer to the local server. OpenDAL uploads parts with ``do_not_verify`` and finishes
with the SHA-1s those parts were answered with, so this round trip needs ``unverified:<hex>`` answers.
OpenDAL runs in a child process so that HTTPS_PROXY and SSL_CERT_FILE touch nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import pytest

from b2kit import B2Api, InMemoryAccountInfo
from tests.compat.backblaze_proxy import BackblazeProxy, make_throwaway_ca

pytestmark = pytest.mark.compat

SIZE = 12 * 1024 * 1024
CHUNK = 5 * 1024 * 1024

CHILD = """
import hashlib, json, os, sys
import opendal
args = json.loads(sys.argv[1])
op = opendal.Operator("b2", root="/", **args)
data = os.urandom(int(os.environ["OPENDAL_TEST_SIZE"]))
chunk = int(os.environ["OPENDAL_TEST_CHUNK"])
with op.open("dir/big.bin", "wb", chunk=chunk) as out:
    for start in range(0, len(data), chunk // 2):
        out.write(data[start : start + chunk // 2])
read = bytes(op.read("dir/big.bin"))
listed = sorted(entry.path for entry in op.list("dir/"))
print(json.dumps({"sha1": hashlib.sha1(data).hexdigest(), "same": read == data, "listed": listed}))
"""


def test_opendal_multipart_write_reads_back(server, tmp_path):
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(server.realm, server.key_id, server.key)
    bucket = api.create_bucket("opendal-bucket", "allPrivate")
    ca = make_throwaway_ca(tmp_path)
    settings = {
        "bucket": "opendal-bucket",
        "bucket_id": bucket.id_,
        "application_key_id": server.key_id,
        "application_key": server.key,
    }
    with BackblazeProxy(server.realm, ca) as proxy:
        env = {
            **os.environ,
            "HTTPS_PROXY": proxy.url,
            "SSL_CERT_FILE": str(ca.ca_file),
            "OPENDAL_TEST_SIZE": str(SIZE),
            "OPENDAL_TEST_CHUNK": str(CHUNK),
        }
        env.pop("NO_PROXY", None)
        env.pop("no_proxy", None)
        child = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(settings)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert child.returncode == 0, child.stderr
        assert proxy.tunnels >= 1
        assert proxy.refused == []
    result = json.loads(child.stdout)
    assert result["same"]
    assert result["listed"] == ["dir/big.bin"]
    (stored,) = bucket.list_file_versions(file_name="dir/big.bin")
    assert stored.size == SIZE
    assert stored.content_sha1 in (None, "none")  # a large file: it went up in parts
    with bucket.download_file_by_name("dir/big.bin") as downloaded:
        assert hashlib.sha1(downloaded.read()).hexdigest() == result["sha1"]
