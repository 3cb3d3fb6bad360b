"""Where credentials come from, how they travel (pickling) and stay out of sight; errors as Python's own."""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys

import pytest
from click.testing import CliRunner

from b2kit import B2Api, B2Error, FileNotPresent, InMemoryAccountInfo, RestrictedBucket, Unauthorized
from b2kit.cli import main as cli_main
from b2kit.fs import B2FileSystem

CREDENTIAL_ENV = ("B2_APPLICATION_KEY_ID", "B2_APPLICATION_KEY", "B2_ENVIRONMENT", "B2_ACCOUNT_INFO")


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in CREDENTIAL_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("B2_ACCOUNT_INFO", str(tmp_path / "no-account.sqlite"))
    return monkeypatch


def test_credentials_from_the_environment(clean_env, server, bucket):
    clean_env.setenv("B2_APPLICATION_KEY_ID", server.key_id)
    clean_env.setenv("B2_APPLICATION_KEY", server.key)
    clean_env.setenv("B2_ENVIRONMENT", server.realm)
    fs = B2FileSystem(skip_instance_cache=True)
    assert fs.ls("", detail=False) == [bucket]
    fs.api.close()


def test_credentials_from_the_cli_stored_account(clean_env, server, bucket, tmp_path):
    clean_env.setenv("B2_ACCOUNT_INFO", str(tmp_path / "cli-account.sqlite"))
    result = CliRunner().invoke(
        cli_main, ["account", "authorize", "--realm", server.realm, server.key_id, server.key]
    )
    assert result.exit_code == 0, result.output
    fs = B2FileSystem(skip_instance_cache=True)
    assert fs.ls("", detail=False) == [bucket]
    fs.api.close()


def test_no_credentials_at_all_is_a_permission_error(clean_env):
    fs = B2FileSystem(skip_instance_cache=True)
    with pytest.raises(PermissionError, match="b2kit account authorize"):
        fs.ls("")


def test_a_wrong_key_is_a_permission_error_with_the_b2_error_chained(server):
    fs = B2FileSystem(
        skip_instance_cache=True,
        application_key_id=server.key_id,
        application_key="wrong",
        realm=server.realm,
    )
    with pytest.raises(PermissionError) as caught:
        fs.ls("")
    assert isinstance(caught.value.__cause__, Unauthorized)


def test_an_existing_api_can_be_passed_and_pickles_as_credentials(server, bucket):
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(server.realm, server.key_id, server.key)
    fs = B2FileSystem(api=api, skip_instance_cache=True)
    fs.pipe(f"{bucket}/from-api.txt", b"api")
    clone = pickle.loads(pickle.dumps(fs))
    assert clone.api is not api
    assert clone.cat_file(f"{bucket}/from-api.txt") == b"api"
    api.close()


def test_pickled_filesystem_works_in_another_process(b2fs, bucket):
    b2fs.pipe(f"{bucket}/p.txt", b"pickled")
    program = (
        "import pickle, sys; fs = pickle.loads(sys.stdin.buffer.read()); print(fs.cat_file(sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, f"{bucket}/p.txt"],
        input=pickle.dumps(b2fs),
        capture_output=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == b"b'pickled'"


def test_the_key_never_shows_in_repr_json_or_logs(server, b2fs, bucket, caplog):
    caplog.set_level(logging.DEBUG)
    b2fs.pipe(f"{bucket}/l.txt", b"log")
    b2fs.cat_file(f"{bucket}/l.txt")
    assert server.key not in repr(b2fs)
    assert server.key not in str(b2fs)
    assert server.key_id in repr(b2fs)
    assert server.key not in caplog.text
    assert server.key not in b2fs.to_json(include_password=False)
    assert server.key in b2fs.to_json()  # asked for: fsspec's own convention


def test_missing_files_and_buckets_are_file_not_found_with_the_b2_error_chained(b2fs, bucket):
    with pytest.raises(FileNotFoundError) as caught:
        b2fs.cat_file(f"{bucket}/nope.txt")
    assert isinstance(caught.value.__cause__, FileNotPresent)
    with pytest.raises(FileNotFoundError) as caught:
        b2fs.ls("no-such-bucket-at-all")
    assert isinstance(caught.value.__cause__, B2Error)
    with pytest.raises(FileNotFoundError):
        b2fs.open(f"{bucket}/nope.txt", "rb")


@pytest.fixture
def restricted(b2fs, bucket, server):
    b2fs.mkdir("fsspec-forbidden")
    b2fs.pipe({f"{bucket}/public/ok.txt": b"ok", f"{bucket}/secret/no.txt": b"no"})
    api = b2fs.api
    key = api.create_key(
        ["listBuckets", "listFiles", "readFiles", "writeFiles"],
        "prefix-only",
        bucket_id=api.get_bucket_by_name(bucket).id_,
        name_prefix="public/",
    )
    fs = B2FileSystem(
        skip_instance_cache=True,
        application_key_id=key.id_,
        application_key=key.application_key,
        realm=server.realm,
    )
    yield fs
    fs.api.close()


def test_key_restrictions_are_permission_errors(restricted, bucket):
    assert restricted.cat_file(f"{bucket}/public/ok.txt") == b"ok"
    assert restricted.ls("", detail=False) == [bucket]  # the buckets the key may see
    with pytest.raises(PermissionError) as caught:
        restricted.ls("fsspec-forbidden")
    assert isinstance(caught.value.__cause__, RestrictedBucket)
    with pytest.raises(PermissionError):
        restricted.cat_file(f"{bucket}/secret/no.txt")
    with pytest.raises(PermissionError):
        restricted.pipe(f"{bucket}/secret/new.txt", b"x")
    with pytest.raises(PermissionError):
        restricted.ls(f"{bucket}/secret")
