"""Secrets stay secret: no token or key in DEBUG logs, credential files 0600, names stay in the data dir."""

from __future__ import annotations

import http.client
import logging
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from b2kit import B2Api, SqliteAccountInfo
from b2kit.server import FaultRule, _ids
from b2kit.sync import B2Folder, LocalFolder, Synchronizer, SyncOptions


@pytest.fixture
def issued_tokens(monkeypatch) -> list[str]:
    """Every token (account, upload, part, download) the server hands out during the test."""
    issued: list[str] = []
    make = _ids.token

    def recording(kind: str) -> str:
        issued.append(make(kind))
        return issued[-1]

    monkeypatch.setattr(_ids, "token", recording)
    return issued


def test_tokens_and_keys_never_appear_in_server_or_client_debug_logs(
    server, connect, tmp_path, caplog, issued_tokens
):
    caplog.set_level(logging.DEBUG)
    with connect(server) as api:
        bucket = api.create_bucket("secret-logs", "allPrivate")
        key = api.create_key(["listBuckets", "listFiles", "readFiles"], "log-key")
        server.faults.add(FaultRule("b2_upload_file", status=503, times=2))
        server.faults.add(FaultRule("b2_upload_part", status=401, times=2))
        server.faults.add(FaultRule("b2_list_file_names", status=401, times=1))
        server.faults.add(FaultRule("b2_get_upload_url", status=503, times=1))
        bucket.upload_bytes(b"small" * 100, "dir/small.txt")
        bucket.upload_bytes(b"L" * 2_500_000, "dir/large.bin")
        server.expire_tokens()
        assert bucket.download_file_by_name("dir/small.txt").read() == b"small" * 100
        share = bucket.get_download_authorization("dir/", 600)
        # a download token in the query string, sent without urllib3 (whose own DEBUG log shows URLs)
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        path = bucket.get_download_url("dir/small.txt").split(str(server.port), 1)[1]
        connection.request("GET", f"{path}?Authorization={share}")
        assert connection.getresponse().read() == b"small" * 100
        connection.close()
        (tmp_path / "src").mkdir()
        (tmp_path / "src" / "a.txt").write_bytes(b"sync me")
        Synchronizer(SyncOptions()).sync_folders(LocalFolder(tmp_path / "src"), B2Folder(bucket, "synced"))
        list(bucket.ls("", recursive=True))
    with B2Api(SqliteAccountInfo(tmp_path / "account.sqlite")) as restricted:
        restricted.authorize_account(server.realm, key.id_, key.application_key)
        assert restricted.get_bucket_by_name("secret-logs").ls("", recursive=True)
    secrets = {"master key": server.key, "application key": key.application_key}
    secrets |= {f"token {token[:16]}...": token for token in issued_tokens}
    kinds = {token.split("_")[1] for token in issued_tokens}
    assert {"account", "upload", "download"} <= kinds, kinds
    text = "\n".join(record.getMessage() for record in caplog.records)
    for expected in ("new upload URL", "re-authorizing", "; retry ", "GET /file/secret-logs/"):
        assert expected in text
    assert [what for what, secret in secrets.items() if secret in text] == []


def test_account_info_and_server_key_files_are_private(server, connect, tmp_path):
    info = SqliteAccountInfo(tmp_path / "client" / "account_info")
    with B2Api(info) as api:
        api.authorize_account(server.realm, server.key_id, server.key)
        api.create_bucket("private-files", "allPrivate").upload_bytes(b"x", "x")
    client_files = sorted((tmp_path / "client").iterdir())
    server_files = [path for path in server.data_dir.iterdir() if path.name.startswith("b2kit.sqlite3")]
    assert client_files and len(server_files) >= 2
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in [*client_files, *server_files]}
    assert modes == dict.fromkeys(modes, 0o600)
    assert stat.S_IMODE(server.data_dir.stat().st_mode) == 0o700


LEGAL_NAMES = st.lists(
    st.text(
        st.characters(min_codepoint=32, exclude_characters="\x7f", exclude_categories=["Cs"]),
        min_size=1,
        max_size=60,
    )
    | st.sampled_from(
        ["..", "../..", "../../../etc/passwd", "/", "//", "/abs", "a/../../b", "~root/.ssh", "\\..\\x"]
    ),
    min_size=1,
    max_size=8,
    unique=True,
)


def test_random_legal_names_stay_names_inside_the_data_dir(server, connect, tmp_path_factory):
    outside = server.data_dir.parent
    before = {path for path in outside.rglob("*") if not path.is_relative_to(server.data_dir)}
    with connect(server) as api:
        bucket = api.create_bucket("name-escape", "allPrivate")

        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(names=LEGAL_NAMES)
        def round_trip(names):
            for name in names:
                bucket.upload_bytes(name.encode(), name)
                assert bucket.download_file_by_name(name).read() == name.encode()

        round_trip()
    after = {path for path in outside.rglob("*") if not path.is_relative_to(server.data_dir)}
    assert after == before
    for path in server.data_dir.rglob("*"):
        assert path.resolve().is_relative_to(server.data_dir.resolve())
