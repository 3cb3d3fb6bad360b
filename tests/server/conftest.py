"""Raw HTTP helpers for the server's own tests: they speak the B2 wire protocol directly (urllib3)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import pytest
import urllib3

from b2kit import _protocol as p
from b2kit.server import LocalServer


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Any
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def code(self) -> str:
        return str(self.json["code"])

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


class Wire:
    """A minimal B2 client for tests: every call returns a ``Reply`` (no exceptions on error statuses)."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.realm = server.realm
        self.http = urllib3.PoolManager(retries=False, timeout=30)
        self._token: str | None = None

    def request(self, method: str, url: str, **kwargs: Any) -> Reply:
        response = self.http.request(method, url, preload_content=True, redirect=False, **kwargs)
        return Reply(response.status, response.headers, response.data)

    def authorize(self, key_id: str | None = None, key: str | None = None, version: str = "v4") -> Reply:
        creds = f"{key_id or self.server.key_id}:{key or self.server.key}".encode()
        auth = "Basic " + base64.b64encode(creds).decode()
        return self.request(
            "GET", f"{self.realm}/b2api/{version}/b2_authorize_account", headers={"Authorization": auth}
        )

    def login(self, key_id: str, key: str) -> str:
        reply = self.authorize(key_id, key)
        assert reply.status == 200, reply.body
        return str(reply.json["authorizationToken"])

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = self.login(self.server.key_id, self.server.key)
        return self._token

    def call(
        self,
        name: str,
        params: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        version: str = "v4",
        method: str = "POST",
    ) -> Reply:
        url = f"{self.realm}/b2api/{version}/{name}"
        headers = {"Authorization": token if token is not None else self.token}
        if method == "GET":
            return self.request("GET", url, fields=params or {}, headers=headers)
        return self.request("POST", url, body=json.dumps(params or {}).encode(), headers=headers)

    def ok(self, name: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        reply = self.call(name, params, **kwargs)
        assert reply.status == 200, (name, reply.status, reply.body)
        return reply.json

    def create_bucket(self, name: str, bucket_type: str = "allPrivate", **extra: Any) -> dict[str, Any]:
        params = {"accountId": self.server.account_id, "bucketName": name, "bucketType": bucket_type, **extra}
        return dict(self.ok("b2_create_bucket", params))

    def upload_url(self, bucket_id: str, token: str | None = None, version: str = "v4") -> tuple[str, str]:
        got = self.ok("b2_get_upload_url", {"bucketId": bucket_id}, token=token, version=version)
        return str(got["uploadUrl"]), str(got["authorizationToken"])

    def upload(
        self,
        bucket_id: str,
        name: str,
        data: bytes = b"hello",
        *,
        info: dict[str, str] | None = None,
        content_type: str = "b2/x-auto",
        sha1: str | None = None,
        headers: dict[str, str] | None = None,
        token: str | None = None,
        target: tuple[str, str] | None = None,
    ) -> Reply:
        url, upload_token = target or self.upload_url(bucket_id, token=token)
        sent = {
            "Authorization": upload_token,
            "X-Bz-File-Name": p.encode_name(name),
            "Content-Type": content_type,
            "X-Bz-Content-Sha1": sha1 or hashlib.sha1(data).hexdigest(),
        }
        for key, value in (info or {}).items():
            sent[f"X-Bz-Info-{key}"] = p.encode_name(value)
        sent.update(headers or {})
        return self.request("POST", url, body=data, headers=sent)

    def uploaded(self, bucket_id: str, name: str, data: bytes = b"hello", **kwargs: Any) -> dict[str, Any]:
        reply = self.upload(bucket_id, name, data, **kwargs)
        assert reply.status == 200, reply.body
        return dict(reply.json)

    def download_by_name(
        self, bucket_name: str, name: str, *, token: str | None = None, method: str = "GET", **kwargs: Any
    ) -> Reply:
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = token
        # dots encoded too, so that the HTTP client keeps names like "../x" as they are
        url = f"{self.realm}/file/{bucket_name}/{p.encode_name(name).replace('.', '%2E')}"
        return self.request(method, url, headers=headers, **kwargs)

    def download_by_id(
        self, file_id: str, *, token: str | None = None, method: str = "GET", **kwargs: Any
    ) -> Reply:
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = token
        fields = {"fileId": file_id, **kwargs.pop("fields", {})}
        return self.request(
            method, f"{self.realm}/b2api/v4/b2_download_file_by_id", headers=headers, fields=fields
        )

    def create_key(self, capabilities: list[str], **extra: Any) -> tuple[str, str]:
        params = {
            "accountId": self.server.account_id,
            "capabilities": capabilities,
            "keyName": "test-key",
            **extra,
        }
        created = self.ok("b2_create_key", params)
        return str(created["applicationKeyId"]), str(created["applicationKey"])


@pytest.fixture(autouse=True)
def no_internal_errors(caplog: pytest.LogCaptureFixture) -> Any:
    """Every server test fails if the server logged an unexpected exception (a 500 internal_error)."""
    yield
    records = [*caplog.get_records("setup"), *caplog.get_records("call")]
    failures = [r for r in records if r.name == "b2kit.server" and r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]


@pytest.fixture
def wire(server: LocalServer) -> Wire:
    return Wire(server)


@pytest.fixture
def wire_for() -> Any:
    """``wire_for(server)`` builds a ``Wire`` for another server (restarts, special configs)."""
    return Wire


@pytest.fixture
def bucket(wire: Wire) -> dict[str, Any]:
    return wire.create_bucket("test-bucket")


@dataclass(frozen=True)
class Stocked:
    """What the ``stocked`` fixture put on the server."""

    photos: dict[str, Any]
    site: dict[str, Any]
    cat: dict[str, Any]
    readme_old: dict[str, Any]
    readme_new: dict[str, Any]
    hidden: dict[str, Any]
    unfinished: dict[str, Any]
    part_sha1s: list[str]
    reader_key_id: str
    reader_key: str


@pytest.fixture
def stocked(wire: Wire, server: LocalServer) -> Stocked:
    """Two buckets; files in folders, two versions of one name, a hide marker, an unfinished large file
    with two parts, a restricted key, an armed fault and a refused request in the log."""
    from b2kit.server import FaultRule

    photos = wire.create_bucket("photos")
    site = wire.create_bucket("public-site", "allPublic", bucketInfo={"owner": "web"})
    cat = wire.uploaded(photos["bucketId"], "pets/cat.jpg", b"meow" * 1000, info={"color": "black"})
    wire.uploaded(photos["bucketId"], "pets/dogs/rex.jpg", b"woof" * 10)
    readme_old = wire.uploaded(photos["bucketId"], "readme.txt", b"first")
    readme_new = wire.uploaded(photos["bucketId"], "readme.txt", b"second version")
    wire.uploaded(photos["bucketId"], "old.txt", b"old")
    hidden = wire.ok("b2_hide_file", {"bucketId": photos["bucketId"], "fileName": "old.txt"})
    wire.uploaded(site["bucketId"], "index.html", b"<h1>hi</h1>", content_type="text/html")
    unfinished = wire.ok(
        "b2_start_large_file",
        {"bucketId": photos["bucketId"], "fileName": "videos/big.mp4", "contentType": "video/mp4"},
    )
    part_url = wire.ok("b2_get_upload_part_url", {"fileId": unfinished["fileId"]})
    part_sha1s = []
    for number, data in ((1, b"A" * 100_000), (2, b"B" * 100_000)):
        sha1 = hashlib.sha1(data).hexdigest()
        part_sha1s.append(sha1)
        headers = {
            "Authorization": part_url["authorizationToken"],
            "X-Bz-Part-Number": str(number),
            "X-Bz-Content-Sha1": sha1,
        }
        assert wire.request("POST", part_url["uploadUrl"], body=data, headers=headers).status == 200
    reader_key_id, reader_key = wire.create_key(
        ["listFiles", "readFiles"], bucketId=photos["bucketId"], namePrefix="pets/", keyName="pets-reader"
    )
    server.faults.add(FaultRule("b2_upload_file", status=503, times=2))
    assert wire.call("b2_list_file_names", {"bucketId": "no-such-bucket"}).status == 400
    return Stocked(
        photos, site, cat, readme_old, readme_new, hidden, unfinished, part_sha1s, reader_key_id, reader_key
    )
