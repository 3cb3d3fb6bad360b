"""Property-based fuzzing of every endpoint: hostile input never gets a 500, and the server keeps serving.

Requests carry random JSON bodies (right names with wrong types, huge numbers, control characters, 1,025-byte
names), random bytes, bad headers, malformed percent-encoding and bad ranges, with no token, a garbage token
or a valid master token, and real ids mixed in so the fuzz reaches past parameter checks. Every answer must
be below 500 and, when it is an error, the B2 JSON ``{status, code, message}`` with ``status`` equal to the
HTTP status. The module prints how many requests were tried and how many 5xx answers came back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import urllib3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b2kit.server import LocalServer, _routes

BASE_EXAMPLES = 150
PARAM_NAMES = [
    "accountId",
    "applicationKeyId",
    "bucketId",
    "bucketIds",
    "bucketInfo",
    "bucketName",
    "bucketType",
    "bucketTypes",
    "bypassGovernance",
    "capabilities",
    "contentType",
    "corsRules",
    "customUploadTimestamp",
    "defaultRetention",
    "defaultServerSideEncryption",
    "delimiter",
    "destinationBucketId",
    "destinationServerSideEncryption",
    "eventNotificationRules",
    "fileId",
    "fileInfo",
    "fileLockEnabled",
    "fileName",
    "fileNamePrefix",
    "fileRetention",
    "ifRevisionIs",
    "keyName",
    "largeFileId",
    "legalHold",
    "lifecycleRules",
    "maxFileCount",
    "maxKeyCount",
    "maxPartCount",
    "metadataDirective",
    "namePrefix",
    "partNumber",
    "partSha1Array",
    "prefix",
    "range",
    "replicationConfiguration",
    "serverSideEncryption",
    "sourceFileId",
    "sourceServerSideEncryption",
    "startApplicationKeyId",
    "startFileId",
    "startFileName",
    "startPartNumber",
    "validDurationInSeconds",
]


@dataclass
class Tally:
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)


TALLY = Tally()


@dataclass
class Target:
    """The fuzzed server with real ids to mix into requests."""

    server: LocalServer
    http: urllib3.PoolManager
    token: str
    ids: list[str]
    upload_url: str
    upload_token: str
    part_url: str
    part_token: str


def _authorize(http: urllib3.PoolManager, server: LocalServer) -> dict[str, Any]:
    answer = http.request(
        "GET",
        f"{server.realm}/b2api/v4/b2_authorize_account",
        headers=urllib3.make_headers(basic_auth=f"{server.key_id}:{server.key}"),
    )
    result: dict[str, Any] = answer.json()
    return result


def _call(target_http, server, token, name, params) -> dict[str, Any]:
    answer = target_http.request(
        "POST",
        f"{server.realm}/b2api/v4/{name}",
        body=json.dumps(params).encode(),
        headers={"Authorization": token},
    )
    assert answer.status == 200, answer.data
    result: dict[str, Any] = answer.json()
    return result


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    with LocalServer(
        data_dir=data_dir, absolute_minimum_part_size=100_000, recommended_part_size=1_000_000
    ) as server:
        http = urllib3.PoolManager(maxsize=2, retries=False, timeout=urllib3.Timeout(10, 30))
        auth = _authorize(http, server)
        token = auth["authorizationToken"]
        bucket = _call(
            http,
            server,
            token,
            "b2_create_bucket",
            {"accountId": server.account_id, "bucketName": "fuzz-bucket", "bucketType": "allPrivate"},
        )
        upload = _call(http, server, token, "b2_get_upload_url", {"bucketId": bucket["bucketId"]})
        stored = http.request(
            "POST",
            upload["uploadUrl"],
            body=b"hello",
            headers={
                "Authorization": upload["authorizationToken"],
                "X-Bz-File-Name": "hello.txt",
                "Content-Type": "text/plain",
                "X-Bz-Content-Sha1": hashlib.sha1(b"hello").hexdigest(),
            },
        ).json()
        large = _call(
            http,
            server,
            token,
            "b2_start_large_file",
            {"bucketId": bucket["bucketId"], "fileName": "large.bin", "contentType": "b2/x-auto"},
        )
        part = _call(http, server, token, "b2_get_upload_part_url", {"fileId": large["fileId"]})
        key = _call(
            http,
            server,
            token,
            "b2_create_key",
            {"accountId": server.account_id, "capabilities": ["listFiles"], "keyName": "fuzz-key"},
        )
        upload = _call(http, server, token, "b2_get_upload_url", {"bucketId": bucket["bucketId"]})
        yield Target(
            server,
            http,
            token,
            [
                server.account_id,
                bucket["bucketId"],
                stored["fileId"],
                large["fileId"],
                key["applicationKeyId"],
                "fuzz-bucket",
                "hello.txt",
                "large.bin",
            ],
            upload["uploadUrl"],
            upload["authorizationToken"],
            part["uploadUrl"],
            part["authorizationToken"],
        )
        health = http.request("GET", f"{server.realm}/_b2kit/health")
        assert health.status == 200
        print(f"\nFUZZ: {TALLY.requests} requests tried, {len(TALLY.server_errors)} answers >= 500")


# --- strategies --------------------------------------------------------------------------------------------

NAME_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
HOSTILE_TEXT = st.one_of(
    NAME_TEXT,
    st.just("x" * 1025),
    st.just("é" * 513),
    st.just("../../etc/passwd"),
    st.text(st.characters(max_codepoint=31), min_size=1, max_size=5),
    st.just("\ud800"),
)
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True), st.just(10**400)
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, HOSTILE_TEXT)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)


@st.composite
def param_bodies(draw: st.DrawFn, ids: list[str]) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(PARAM_NAMES), max_size=6, unique=True))
    value = st.one_of(st.sampled_from(ids), JSON_VALUES)
    return {name: draw(value) for name in names}


def _raw_body(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")


BAD_PERCENT = st.sampled_from(
    ["%", "%z", "%zz", "%FF", "%E0%80", "%C0%AF", "%ED%A0%80", "a%2", "%00", "+%2B"]
)
PATH_TEXT = st.text(
    st.sampled_from(string.ascii_letters + string.digits + "-._~/!$&'()*+,;=:@%"), max_size=30
)
HEADER_BYTES = st.binary(max_size=60).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
RANGES = st.one_of(
    st.just("bytes=0-0"),
    st.just("bytes=5-1"),
    st.just("bytes=-0"),
    st.just("bytes=99999999999999999999-"),
    st.just("bytes=0-1,2-3"),
    st.just("bits=0-1"),
    st.builds(lambda a, b: f"bytes={a}-{b}", st.integers(-5, 10**12), st.integers(-5, 10**12)),
    HEADER_BYTES.map(lambda b: b.decode("latin-1")),
)


def _headers(draw: st.DrawFn, target: Target) -> dict[str, Any]:
    auth = draw(st.sampled_from(["none", "valid", "garbage", "basic"]))
    headers: dict[str, Any] = {}
    if auth == "valid":
        headers["Authorization"] = target.token
    elif auth == "garbage":
        headers["Authorization"] = draw(HEADER_BYTES)
    elif auth == "basic":
        headers["Authorization"] = b"Basic " + draw(HEADER_BYTES)
    for name in draw(
        st.lists(
            st.sampled_from(
                [
                    "Range",
                    "X-Bz-File-Name",
                    "X-Bz-Content-Sha1",
                    "Content-Type",
                    "X-Bz-Info-a",
                    "X-Bz-Test-Mode",
                    "Content-Length",
                    "Transfer-Encoding",
                    "X-Bz-Part-Number",
                    "X-Bz-Server-Side-Encryption",
                ]
            ),
            max_size=4,
            unique=True,
        )
    ):
        if name == "Range":
            headers[name] = draw(RANGES)
        elif name == "Content-Length":
            headers[name] = draw(st.sampled_from(["abc", "-1", "1e3", " ", "٣".encode()]))
        elif name == "X-Bz-File-Name":
            headers[name] = draw(
                st.one_of(
                    BAD_PERCENT,
                    HEADER_BYTES,
                    HOSTILE_TEXT.map(
                        lambda t: t.encode("utf-8", "surrogatepass").replace(b"\r", b"").replace(b"\n", b"")
                    ),
                )
            )
        else:
            headers[name] = draw(HEADER_BYTES)
    return headers


@st.composite
def requests_(draw: st.DrawFn, target: Target) -> tuple[str, str, bytes | None, dict[str, Any]]:
    kind = draw(st.sampled_from(["api", "api", "api", "download", "upload", "part", "admin", "junk-path"]))
    headers = _headers(draw, target)
    method = draw(st.sampled_from(["POST", "POST", "GET", "HEAD", "PUT", "DELETE"]))
    realm = target.server.realm
    body: bytes | None = None
    if kind == "api":
        name = draw(st.sampled_from(_routes.names(_routes.API)))
        choice = draw(st.sampled_from(["params", "json", "bytes", "empty"]))
        if choice == "params":
            body = _raw_body(draw(param_bodies(target.ids)))
        elif choice == "json":
            body = _raw_body(draw(JSON_VALUES))
        elif choice == "bytes":
            body = draw(st.binary(max_size=200))
        query = draw(
            st.one_of(
                st.just(""), BAD_PERCENT.map(lambda q: f"?fileId={q}"), PATH_TEXT.map(lambda q: f"?{q}")
            )
        )
        return (
            method,
            f"{realm}/b2api/{draw(st.sampled_from(['v1', 'v2', 'v3', 'v4']))}/{name}{query}",
            body,
            headers,
        )
    if kind == "download":
        name = draw(
            st.one_of(st.sampled_from(["hello.txt", "large.bin", "../../etc/passwd"]), PATH_TEXT, BAD_PERCENT)
        )
        bucket = draw(st.sampled_from(["fuzz-bucket", "nope", "%zz", ""]))
        method = draw(st.sampled_from(["GET", "HEAD", "POST"]))
        return method, f"{realm}/file/{bucket}/{name}", None, headers
    if kind in ("upload", "part"):
        url, token = (
            (target.upload_url, target.upload_token)
            if kind == "upload"
            else (target.part_url, target.part_token)
        )
        headers["Authorization"] = draw(st.sampled_from([token, "nope"]))
        if kind == "part":
            headers["X-Bz-Part-Number"] = draw(st.sampled_from(["1", "0", "10001", "-1", "x", "1.5"]))
        headers.setdefault(
            "X-Bz-Content-Sha1", draw(st.sampled_from(["do_not_verify", "hex_digits_at_end", "0" * 40]))
        )
        headers.setdefault(
            "X-Bz-File-Name",
            draw(HOSTILE_TEXT).encode("utf-8", "surrogatepass").replace(b"\r", b"").replace(b"\n", b""),
        )
        headers.setdefault("Content-Type", "b2/x-auto")
        return "POST", url + draw(st.sampled_from(["", "x", "/x"])), draw(st.binary(max_size=300)), headers
    if kind == "admin":
        headers.pop("Authorization", None)
        name = draw(st.sampled_from(_routes.names(_routes.ADMIN)))
        return method, f"{realm}/_b2kit/{name}", _raw_body(draw(JSON_VALUES)), headers
    return method, realm + "/" + draw(PATH_TEXT), draw(st.one_of(st.none(), st.binary(max_size=50))), headers


def _check(target: Target, method: str, url: str, body: bytes | None, headers: dict[str, Any]) -> None:
    TALLY.requests += 1
    answer = target.http.request(
        method, url, body=body, headers=headers, redirect=False, preload_content=True
    )
    if answer.status >= 500:
        TALLY.server_errors.append(f"{method} {url} -> {answer.status} {answer.data[:200]!r}")
    assert answer.status < 500, TALLY.server_errors[-1]
    if answer.status >= 400 and method != "HEAD":
        error = json.loads(answer.data)
        assert set(error) == {"status", "code", "message"}, error
        assert error["status"] == answer.status
        assert isinstance(error["code"], str) and isinstance(error["message"], str)


def test_every_endpoint_answers_hostile_requests_with_a_4xx_b2_error(target, scale, caplog):
    @settings(
        max_examples=BASE_EXAMPLES * 4 * scale,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(request=requests_(target))
    def fuzz(request: tuple[str, str, bytes | None, dict[str, Any]]) -> None:
        _check(target, *request)

    tried = TALLY.requests
    with caplog.at_level(logging.ERROR, logger="b2kit.server"):
        fuzz()
    print(
        f"\nFUZZ random requests: {TALLY.requests - tried} tried, {len(TALLY.server_errors)} answers >= 500"
    )
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[:3000]
    assert target.http.request("GET", f"{target.server.realm}/_b2kit/health").status == 200


@pytest.mark.parametrize("name", _routes.names(_routes.API))
def test_every_api_endpoint_refuses_wrong_types_for_every_known_field(target, name):
    wrong_values: list[Any] = [None, True, -1, 2**70, 1.5, "", "x" * 1025, "\x07", [], {}, [{}], {"a": []}]
    tried = TALLY.requests
    for field_name in PARAM_NAMES:
        for value in wrong_values:
            body = _raw_body({field_name: value, "accountId": target.server.account_id})
            _check(
                target,
                "POST",
                f"{target.server.realm}/b2api/v4/{name}",
                body,
                {"Authorization": target.token},
            )
    print(f"\nFUZZ {name} wrong types: {TALLY.requests - tried} tried, {len(TALLY.server_errors)} >= 500")


def test_legal_names_that_look_like_paths_are_stored_as_names_and_touch_nothing_outside(target, connect):
    data_dir = target.server.data_dir
    outside = data_dir.parent
    before = {path for path in outside.rglob("*") if not path.is_relative_to(data_dir)}
    names = ["../../etc/passwd", "/etc/passwd", "..", "a/../../../b", "..\\..\\windows", "%2e%2e/x", "./."]
    with connect(target.server) as api:
        bucket = api.get_bucket_by_name("fuzz-bucket")
        for name in names:
            assert bucket.upload_bytes(name.encode(), name).file_name == name
        for name in names:
            with bucket.download_file_by_name(name) as downloaded:
                assert downloaded.read() == name.encode()
        listed = {version.file_name for version, _ in bucket.ls("", recursive=True)}
    assert set(names) <= listed
    after = {path for path in outside.rglob("*") if not path.is_relative_to(data_dir)}
    assert after == before
    stored = [path.name for path in data_dir.rglob("*")]
    assert not {"passwd", "windows", "..\\..\\windows"} & set(stored)
