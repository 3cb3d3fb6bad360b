"""Authorization matrix: every endpoint x every wrong credential is refused, and nothing is read or changed.

Wrong credentials: no token, an expired token (of the master key), the key of another account (a second
server with its own data dir), a key restricted to another bucket, a key restricted to another name prefix,
a key lacking the capability the call needs, and (downloads by name) a download token for another prefix.
After each endpoint's row the full ``/_b2kit/state`` dump must be unchanged and no answer may carry the
protected bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import urllib3

from b2kit import _protocol as p
from b2kit.server import LocalServer

SECRET = b"top secret bytes that must never leak"
SECRET_NAME = "secret/data.txt"
FILE_SCENARIOS = ("none", "expired", "other-account", "other-bucket", "other-prefix", "lacking")
BUCKET_SCENARIOS = ("none", "expired", "other-account", "other-bucket", "lacking")
ACCOUNT_SCENARIOS = ("none", "expired", "other-account", "lacking")


@dataclass
class World:
    """The victim server with its protected data, and a token per wrong credential."""

    server: LocalServer
    other: LocalServer
    http: urllib3.PoolManager
    master: str
    ids: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str | None] = field(default_factory=dict)
    lacking: dict[str, str] = field(default_factory=dict)
    other_upload: dict[str, str] = field(default_factory=dict)

    def call(
        self, name: str, token: str | None, params: dict[str, Any], realm: str = ""
    ) -> urllib3.BaseHTTPResponse:
        headers = {"Authorization": token} if token is not None else {}
        url = f"{realm or self.server.realm}/b2api/v4/{name}"
        return self.http.request("POST", url, body=json.dumps(params).encode(), headers=headers)

    def ok(
        self, name: str, params: dict[str, Any], token: str | None = None, realm: str = ""
    ) -> dict[str, Any]:
        answer = self.call(name, token or self.master, params, realm)
        assert answer.status == 200, answer.data
        result: dict[str, Any] = answer.json()
        return result

    def authorize(self, server: LocalServer, key_id: str, key: str) -> str:
        headers = urllib3.make_headers(basic_auth=f"{key_id}:{key}")
        answer = self.http.request("GET", f"{server.realm}/b2api/v4/b2_authorize_account", headers=headers)
        assert answer.status == 200, answer.data
        return str(answer.json()["authorizationToken"])

    def key_token(
        self, capabilities: list[str], bucket_ids: list[str] | None = None, prefix: str | None = None
    ) -> str:
        params: dict[str, Any] = {
            "accountId": self.server.account_id,
            "capabilities": capabilities,
            "keyName": "matrix-key",
            "bucketIds": bucket_ids,
            "namePrefix": prefix,
        }
        key = self.ok("b2_create_key", params)
        return self.authorize(self.server, key["applicationKeyId"], key["applicationKey"])

    def state(self) -> dict[str, Any]:
        headers = urllib3.make_headers(basic_auth=f"{self.server.key_id}:{self.server.key}")
        answer = self.http.request("GET", f"{self.server.realm}/_b2kit/state", headers=headers)
        result: dict[str, Any] = answer.json()
        return result


def _upload(
    world: World, url: dict[str, str], name: str, data: bytes, token: str | None = ""
) -> urllib3.BaseHTTPResponse:
    headers = {
        "X-Bz-File-Name": p.encode_name(name),
        "Content-Type": "text/plain",
        "X-Bz-Content-Sha1": hashlib.sha1(data).hexdigest(),
    }
    auth = url["authorizationToken"] if token == "" else token
    if auth is not None:
        headers["Authorization"] = auth
    return world.http.request("POST", url["uploadUrl"], body=data, headers=headers)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("matrix")
    sizes = {"absolute_minimum_part_size": 100_000, "recommended_part_size": 1_000_000}
    with (
        LocalServer(data_dir=root / "victim", **sizes) as server,
        LocalServer(data_dir=root / "other", **sizes) as other,
    ):
        http = urllib3.PoolManager(maxsize=4, retries=False, timeout=urllib3.Timeout(10, 30))
        w = World(server, other, http, master="")
        w.master = w.authorize(server, server.key_id, server.key)
        account = server.account_id
        victim = w.ok(
            "b2_create_bucket",
            {
                "accountId": account,
                "bucketName": "victim-bucket",
                "bucketType": "allPrivate",
                "fileLockEnabled": True,
            },
        )
        spare = w.ok(
            "b2_create_bucket",
            {"accountId": account, "bucketName": "spare-bucket", "bucketType": "allPrivate"},
        )
        stored = _upload(
            w, w.ok("b2_get_upload_url", {"bucketId": victim["bucketId"]}), SECRET_NAME, SECRET
        ).json()
        large = w.ok(
            "b2_start_large_file",
            {"bucketId": victim["bucketId"], "fileName": "secret/large.bin", "contentType": "b2/x-auto"},
        )
        part_url = w.ok("b2_get_upload_part_url", {"fileId": large["fileId"]})
        part = b"p" * 100_000
        w.http.request(
            "POST",
            part_url["uploadUrl"],
            body=part,
            headers={
                "Authorization": part_url["authorizationToken"],
                "X-Bz-Part-Number": "1",
                "X-Bz-Content-Sha1": hashlib.sha1(part).hexdigest(),
            },
        )
        spare_key = w.ok(
            "b2_create_key", {"accountId": account, "capabilities": ["listFiles"], "keyName": "spare"}
        )
        w.ids = {
            "account": account,
            "bucket": victim["bucketId"],
            "spare": spare["bucketId"],
            "file": stored["fileId"],
            "large": large["fileId"],
            "part_sha1": hashlib.sha1(part).hexdigest(),
            "key": spare_key["applicationKeyId"],
        }
        expired = w.authorize(server, server.key_id, server.key)
        server.expire_tokens()
        w.master = w.authorize(server, server.key_id, server.key)
        restricted = sorted(p.BUCKET_RESTRICTED_KEY_CAPABILITIES)
        other_master = w.authorize(other, other.key_id, other.key)
        other_bucket = w.ok(
            "b2_create_bucket",
            {"accountId": other.account_id, "bucketName": "victim-bucket", "bucketType": "allPrivate"},
            other_master,
            other.realm,
        )
        w.other_upload = w.ok(
            "b2_get_upload_url", {"bucketId": other_bucket["bucketId"]}, other_master, other.realm
        )
        w.tokens = {
            "none": None,
            "expired": expired,
            "other-account": other_master,
            "other-bucket": w.key_token(restricted, [spare["bucketId"]]),
            "other-prefix": w.key_token(restricted, [victim["bucketId"]], "public/"),
        }
        download = w.ok(
            "b2_get_download_authorization",
            {"bucketId": victim["bucketId"], "fileNamePrefix": "public/", "validDurationInSeconds": 3600},
        )
        w.tokens["download-token"] = download["authorizationToken"]
        for name, (_, capabilities, _) in ENDPOINTS.items():
            w.lacking[name] = w.key_token(sorted(set(p.ALL_CAPABILITIES) - set(capabilities)))
        yield w


# --- one attempt per endpoint: (world, token) -> answer -----------------------------------------------------

Attempt = Callable[[World, "str | None"], urllib3.BaseHTTPResponse]


def json_call(name: str, params: Callable[[World], dict[str, Any]]) -> Attempt:
    return lambda w, token: w.call(name, token, params(w))


def download_by_name(w: World, token: str | None) -> urllib3.BaseHTTPResponse:
    headers = {"Authorization": token} if token is not None else {}
    return w.http.request("GET", f"{w.server.realm}/file/victim-bucket/{SECRET_NAME}", headers=headers)


def download_by_id(w: World, token: str | None) -> urllib3.BaseHTTPResponse:
    headers = {"Authorization": token} if token is not None else {}
    url = f"{w.server.realm}/b2api/v4/b2_download_file_by_id?fileId={w.ids['file']}"
    return w.http.request("GET", url, headers=headers)


def upload_file(w: World, token: str | None) -> urllib3.BaseHTTPResponse:
    """With the wrong account token, first ask for an upload URL; refused there or at the upload."""
    if token is None:
        return _upload(w, w.ok("b2_get_upload_url", {"bucketId": w.ids["bucket"]}), "secret/evil", b"x", None)
    if token == w.tokens["other-account"]:
        foreign = {
            "uploadUrl": w.server.realm + w.other_upload["uploadUrl"].split(w.other.realm, 1)[1],
            "authorizationToken": w.other_upload["authorizationToken"],
        }
        return _upload(w, foreign, "secret/evil", b"x")
    answer = w.call("b2_get_upload_url", token, {"bucketId": w.ids["bucket"]})
    if answer.status != 200:
        return answer
    return _upload(w, answer.json(), "secret/evil", b"x")


def upload_part(w: World, token: str | None) -> urllib3.BaseHTTPResponse:
    answer = w.call("b2_get_upload_part_url", token, {"fileId": w.ids["large"]})
    if answer.status != 200:
        return answer
    url = answer.json()
    return w.http.request(
        "POST",
        url["uploadUrl"],
        body=b"x",
        headers={
            "Authorization": url["authorizationToken"],
            "X-Bz-Part-Number": "2",
            "X-Bz-Content-Sha1": hashlib.sha1(b"x").hexdigest(),
        },
    )


def authorize_with_other_account(w: World, token: str | None) -> urllib3.BaseHTTPResponse:
    headers = urllib3.make_headers(basic_auth=f"{w.other.key_id}:{w.other.key}") if token else {}
    return w.http.request("GET", f"{w.server.realm}/b2api/v4/b2_authorize_account", headers=headers)


def _bucket(w: World) -> dict[str, Any]:
    return {"accountId": w.ids["account"], "bucketId": w.ids["bucket"]}


def _file(w: World) -> dict[str, Any]:
    return {"fileId": w.ids["file"], "fileName": SECRET_NAME}


ENDPOINTS: dict[str, tuple[Attempt, tuple[str, ...], tuple[str, ...]]] = {
    # name: (attempt, capabilities it needs, wrong credentials that apply)
    "b2_authorize_account": (authorize_with_other_account, (), ("none", "other-account")),
    "b2_create_key": (
        json_call(
            "b2_create_key",
            lambda w: {"accountId": w.ids["account"], "capabilities": ["listFiles"], "keyName": "evil"},
        ),
        ("writeKeys",),
        ACCOUNT_SCENARIOS,
    ),
    "b2_list_keys": (
        json_call("b2_list_keys", lambda w: {"accountId": w.ids["account"]}),
        ("listKeys",),
        ACCOUNT_SCENARIOS,
    ),
    "b2_delete_key": (
        json_call("b2_delete_key", lambda w: {"applicationKeyId": w.ids["key"]}),
        ("deleteKeys",),
        ACCOUNT_SCENARIOS,
    ),
    "b2_create_bucket": (
        json_call(
            "b2_create_bucket",
            lambda w: {"accountId": w.ids["account"], "bucketName": "evil-bucket", "bucketType": "allPublic"},
        ),
        ("writeBuckets",),
        ACCOUNT_SCENARIOS,
    ),
    "b2_list_buckets": (
        json_call(
            "b2_list_buckets", lambda w: {"accountId": w.ids["account"], "bucketName": "victim-bucket"}
        ),
        ("listBuckets",),
        BUCKET_SCENARIOS,
    ),
    "b2_update_bucket": (
        json_call("b2_update_bucket", lambda w: {**_bucket(w), "bucketType": "allPublic"}),
        ("writeBuckets",),
        BUCKET_SCENARIOS,
    ),
    "b2_delete_bucket": (json_call("b2_delete_bucket", _bucket), ("deleteBuckets",), BUCKET_SCENARIOS),
    "b2_get_bucket_notification_rules": (
        json_call("b2_get_bucket_notification_rules", _bucket),
        ("readBucketNotifications",),
        BUCKET_SCENARIOS,
    ),
    "b2_set_bucket_notification_rules": (
        json_call("b2_set_bucket_notification_rules", lambda w: {**_bucket(w), "eventNotificationRules": []}),
        ("writeBucketNotifications",),
        BUCKET_SCENARIOS,
    ),
    "b2_list_file_names": (
        json_call("b2_list_file_names", lambda w: {**_bucket(w), "prefix": "secret/"}),
        ("listFiles",),
        FILE_SCENARIOS,
    ),
    "b2_list_file_versions": (
        json_call("b2_list_file_versions", lambda w: {**_bucket(w), "prefix": "secret/"}),
        ("listFiles",),
        FILE_SCENARIOS,
    ),
    "b2_list_unfinished_large_files": (
        json_call("b2_list_unfinished_large_files", lambda w: {**_bucket(w), "prefix": "secret/"}),
        ("listFiles",),
        FILE_SCENARIOS,
    ),
    "b2_list_parts": (
        json_call("b2_list_parts", lambda w: {"fileId": w.ids["large"]}),
        ("writeFiles",),
        FILE_SCENARIOS,
    ),
    "b2_get_file_info": (
        json_call("b2_get_file_info", lambda w: {"fileId": w.ids["file"]}),
        ("readFiles",),
        FILE_SCENARIOS,
    ),
    "b2_download_file_by_id": (download_by_id, ("readFiles",), FILE_SCENARIOS),
    "b2_download_file_by_name": (download_by_name, ("readFiles",), (*FILE_SCENARIOS, "download-token")),
    "b2_get_download_authorization": (
        json_call(
            "b2_get_download_authorization",
            lambda w: {**_bucket(w), "fileNamePrefix": "secret/", "validDurationInSeconds": 60},
        ),
        ("shareFiles",),
        FILE_SCENARIOS,
    ),
    "b2_hide_file": (
        json_call("b2_hide_file", lambda w: {**_bucket(w), "fileName": SECRET_NAME}),
        ("writeFiles",),
        FILE_SCENARIOS,
    ),
    "b2_delete_file_version": (json_call("b2_delete_file_version", _file), ("deleteFiles",), FILE_SCENARIOS),
    "b2_get_upload_url": (json_call("b2_get_upload_url", _bucket), ("writeFiles",), BUCKET_SCENARIOS),
    "b2_upload_file": (upload_file, ("writeFiles",), FILE_SCENARIOS),
    "b2_start_large_file": (
        json_call(
            "b2_start_large_file",
            lambda w: {**_bucket(w), "fileName": "secret/new", "contentType": "b2/x-auto"},
        ),
        ("writeFiles",),
        FILE_SCENARIOS,
    ),
    "b2_get_upload_part_url": (
        json_call("b2_get_upload_part_url", lambda w: {"fileId": w.ids["large"]}),
        ("writeFiles",),
        FILE_SCENARIOS,
    ),
    "b2_upload_part": (upload_part, ("writeFiles",), FILE_SCENARIOS),
    "b2_finish_large_file": (
        json_call(
            "b2_finish_large_file",
            lambda w: {"fileId": w.ids["large"], "partSha1Array": [w.ids["part_sha1"]]},
        ),
        ("writeFiles",),
        FILE_SCENARIOS,
    ),
    "b2_cancel_large_file": (
        json_call("b2_cancel_large_file", lambda w: {"fileId": w.ids["large"]}),
        ("writeFiles",),
        FILE_SCENARIOS,
    ),
    "b2_copy_file": (
        json_call("b2_copy_file", lambda w: {"sourceFileId": w.ids["file"], "fileName": "public/copy"}),
        ("readFiles", "writeFiles"),
        FILE_SCENARIOS,
    ),
    "b2_copy_part": (
        json_call(
            "b2_copy_part",
            lambda w: {"sourceFileId": w.ids["file"], "largeFileId": w.ids["large"], "partNumber": 2},
        ),
        ("readFiles", "writeFiles"),
        FILE_SCENARIOS,
    ),
    "b2_update_file_retention": (
        json_call(
            "b2_update_file_retention",
            lambda w: {
                **_file(w),
                "fileRetention": {"mode": "governance", "retainUntilTimestamp": 4102444800000},
            },
        ),
        ("writeFileRetentions",),
        FILE_SCENARIOS,
    ),
    "b2_update_file_legal_hold": (
        json_call("b2_update_file_legal_hold", lambda w: {**_file(w), "legalHold": "on"}),
        ("writeFileLegalHolds",),
        FILE_SCENARIOS,
    ),
}

MATRIX_SIZE = sum(len(scenarios) for _, _, scenarios in ENDPOINTS.values())


def test_the_matrix_covers_every_endpoint_of_the_server():
    from b2kit.server import _routes

    assert set(ENDPOINTS) == set(_routes.names(_routes.API)) | set(_routes.names(_routes.FILE))


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_wrong_credentials_are_refused_and_nothing_is_read_or_changed(world, endpoint):
    attempt, _, scenarios = ENDPOINTS[endpoint]
    before = world.state()
    leaks = []
    for scenario in scenarios:
        token = world.lacking[endpoint] if scenario == "lacking" else world.tokens[scenario]
        if endpoint == "b2_authorize_account":
            token = "other" if scenario == "other-account" else None
        answer = attempt(world, token)
        refused = answer.status == 401 and answer.json()["status"] == 401
        if not refused or SECRET in answer.data:
            leaks.append(f"{scenario}: {answer.status} {answer.data[:200]!r}")
    assert leaks == []
    assert world.state() == before
    print(f"\nAUTHZ {endpoint}: {len(scenarios)} wrong credentials refused (matrix size {MATRIX_SIZE})")


def test_the_right_credentials_still_work_so_the_refusals_mean_something(world):
    answer = download_by_name(world, world.master)
    assert (answer.status, answer.data) == (200, SECRET)
    public = world.call(
        "b2_list_file_names",
        world.tokens["other-prefix"],
        {"bucketId": world.ids["bucket"], "prefix": "public/"},
    )
    assert public.status == 200
    lacking = world.call(
        "b2_list_file_names", world.lacking["b2_get_file_info"], {"bucketId": world.ids["bucket"]}
    )
    assert lacking.status == 200
