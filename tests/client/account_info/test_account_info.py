"""Account info: in memory and in a private SQLite file shared across instances, threads and processes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from b2kit import AbstractAccountInfo, B2Api, InMemoryAccountInfo, MissingAccountData, SqliteAccountInfo
from b2kit._account_info import default_account_info_path
from b2kit.server import LocalServer

AUTH = {
    "account_id": "acct123",
    "auth_token": "token-abc",
    "api_url": "http://127.0.0.1:1",
    "download_url": "http://127.0.0.1:2",
    "recommended_part_size": 1_000_000,
    "absolute_minimum_part_size": 100_000,
    "application_key": "secret-key",
    "realm": "http://127.0.0.1:1",
    "s3_api_url": "http://127.0.0.1:3",
    "allowed": {
        "buckets": [{"id": "b1", "name": "bucket-one"}],
        "capabilities": ["listFiles"],
        "namePrefix": "p/",
    },
    "application_key_id": "keyid",
}


class NamedBucket:
    def __init__(self, id_: str, name: str) -> None:
        self.id_ = id_
        self.name = name


@pytest.fixture(params=["memory", "sqlite"])
def info(request, tmp_path) -> AbstractAccountInfo:
    if request.param == "memory":
        return InMemoryAccountInfo()
    return SqliteAccountInfo(tmp_path / "info.sqlite")


def test_stores_everything_authorize_returns(info: AbstractAccountInfo):
    info.set_auth_data(**AUTH)
    assert info.get_account_id() == "acct123"
    assert info.get_account_auth_token() == "token-abc"
    assert info.get_api_url() == "http://127.0.0.1:1"
    assert info.get_download_url() == "http://127.0.0.1:2"
    assert info.get_s3_api_url() == "http://127.0.0.1:3"
    assert info.get_recommended_part_size() == 1_000_000
    assert info.get_absolute_minimum_part_size() == 100_000
    assert info.get_application_key() == "secret-key"
    assert info.get_application_key_id() == "keyid"
    assert info.get_realm() == "http://127.0.0.1:1"
    assert info.get_allowed() == AUTH["allowed"]
    assert info.is_same_account("acct123", "http://127.0.0.1:1")
    assert not info.is_same_account("acct123", "production")
    assert info.is_same_key("keyid", "http://127.0.0.1:1")


def test_missing_data_says_to_authorize(info: AbstractAccountInfo):
    with pytest.raises(MissingAccountData, match="authorize"):
        info.get_account_auth_token()
    assert not info.is_same_account("acct123", "production")


def test_allowed_must_have_the_three_keys(info: AbstractAccountInfo):
    with pytest.raises(ValueError, match="namePrefix"):
        info.set_auth_data(**{**AUTH, "allowed": {"buckets": None, "capabilities": []}})


def test_no_allowed_means_unrestricted(info: AbstractAccountInfo):
    info.set_auth_data(**{**AUTH, "allowed": None})
    allowed = info.get_allowed()
    assert allowed["buckets"] is None and allowed["namePrefix"] is None
    assert "writeFiles" in allowed["capabilities"]


def test_bucket_name_cache(info: AbstractAccountInfo):
    info.save_bucket(NamedBucket("id-1", "one"))
    info.save_bucket(NamedBucket("id-2", "two"))
    assert info.get_bucket_id_or_none_from_bucket_name("one") == "id-1"
    assert info.get_bucket_name_or_none_from_bucket_id("id-2") == "two"
    assert info.list_bucket_names_ids() == [("one", "id-1"), ("two", "id-2")]
    info.remove_bucket_name("one")
    assert info.get_bucket_id_or_none_from_bucket_name("one") is None
    info.refresh_entire_bucket_name_cache([("three", "id-3")])
    assert info.list_bucket_names_ids() == [("three", "id-3")]


def test_clear_forgets_everything(info: AbstractAccountInfo):
    info.set_auth_data(**AUTH)
    info.save_bucket(NamedBucket("id-1", "one"))
    info.put_bucket_upload_url("id-1", "http://u", "t")
    info.clear()
    with pytest.raises(MissingAccountData):
        info.get_account_id()
    assert info.list_bucket_names_ids() == []
    assert info.take_bucket_upload_url("id-1") is None


def test_upload_url_pools_hand_each_url_to_one_taker(info: AbstractAccountInfo):
    info.put_bucket_upload_url("b", "http://u1", "t1")
    info.put_large_file_upload_url("f", "http://p1", "pt1")
    assert info.take_bucket_upload_url("b") == ("http://u1", "t1")
    assert info.take_bucket_upload_url("b") is None
    assert info.take_large_file_upload_url("f") == ("http://p1", "pt1")
    info.put_large_file_upload_url("f", "http://p1", "pt1")
    info.clear_large_file_upload_urls("f")
    assert info.take_large_file_upload_url("f") is None


def test_sqlite_file_is_private(tmp_path: Path):
    path = tmp_path / "nested" / "dir" / "account.sqlite"
    SqliteAccountInfo(path).set_auth_data(**AUTH)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_sqlite_tightens_permissions_of_an_existing_file(tmp_path: Path):
    path = tmp_path / "loose.sqlite"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    SqliteAccountInfo(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_sqlite_reloads_in_a_new_instance(tmp_path: Path):
    path = tmp_path / "shared.sqlite"
    first = SqliteAccountInfo(path)
    first.set_auth_data(**AUTH)
    first.save_bucket(NamedBucket("id-1", "one"))
    first.close()
    second = SqliteAccountInfo(path)
    assert second.get_account_auth_token() == "token-abc"
    assert second.get_allowed() == AUTH["allowed"]
    assert second.get_bucket_id_or_none_from_bucket_name("one") == "id-1"


def test_sqlite_is_shared_with_another_process(tmp_path: Path):
    path = tmp_path / "cross-process.sqlite"
    SqliteAccountInfo(path).set_auth_data(**AUTH)
    code = (
        "import sys\n"
        "from b2kit import SqliteAccountInfo\n"
        "info = SqliteAccountInfo(sys.argv[1])\n"
        "print(info.get_account_auth_token())\n"
        "info.set_auth_data(**{**dict(account_id='acct123', auth_token='from-child', api_url='a',"
        " download_url='d', recommended_part_size=1, absolute_minimum_part_size=1, application_key='k',"
        " realm='r', s3_api_url='s', allowed=None, application_key_id='i')})\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "token-abc"
    assert SqliteAccountInfo(path).get_account_auth_token() == "from-child"


def test_sqlite_is_safe_across_threads(tmp_path: Path):
    info = SqliteAccountInfo(tmp_path / "threads.sqlite")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                info.save_bucket(NamedBucket(f"id-{n}-{i}", f"bucket-{n}-{i}"))
                info.set_auth_data(**{**AUTH, "auth_token": f"t-{n}-{i}"})
                info.get_account_auth_token()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(info.list_bucket_names_ids()) == 80


def test_default_path_comes_from_env_or_config_dir(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("B2_ACCOUNT_INFO", str(tmp_path / "from-env.sqlite"))
    assert default_account_info_path() == tmp_path / "from-env.sqlite"
    assert SqliteAccountInfo().filename == tmp_path / "from-env.sqlite"
    monkeypatch.delenv("B2_ACCOUNT_INFO")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert default_account_info_path() == tmp_path / "xdg" / "b2kit" / "account_info.sqlite"


def test_b2api_authorization_survives_in_sqlite(server: LocalServer, tmp_path: Path):
    path = tmp_path / "api.sqlite"
    with B2Api(SqliteAccountInfo(path)) as api:
        api.authorize_account(server.realm, server.key_id, server.key)
        api.create_bucket("persisted-bucket", "allPrivate")
    with B2Api(SqliteAccountInfo(path)) as later:
        assert later.get_account_id() == server.account_id
        assert [b.name for b in later.list_buckets()] == ["persisted-bucket"]
        server.expire_tokens()
        assert later.get_bucket_by_name("persisted-bucket").name == "persisted-bucket"


def test_a_file_that_is_not_a_database_gives_a_clear_error_and_is_kept(tmp_path: Path):
    from b2kit import InvalidUserInput

    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(InvalidUserInput, match="not a b2kit account info database"):
        SqliteAccountInfo(path)
    assert path.read_bytes() == b"this is not sqlite" * 100
