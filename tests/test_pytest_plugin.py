"""The shipped pytest plugin, used the way another project uses it: pytester runs a separate test project
(its own directory, no conftest of ours) in a subprocess where only the installed b2kit provides fixtures."""

SEPARATE_PROJECT_TESTS = """
import hashlib

from b2kit.server import LocalServer


def test_upload_and_download(b2_bucket):
    b2_bucket.upload_bytes(b"hello", "docs/hello.txt")
    assert b2_bucket.download_file_by_name("docs/hello.txt").read() == b"hello"


def test_each_test_gets_a_fresh_bucket(b2_bucket, b2_api):
    assert [version.file_name for version, _ in b2_bucket.ls(recursive=True)] == []
    assert b2_bucket.name.startswith("b2kit-test-")


def test_large_files_go_up_in_small_parts(b2_bucket, b2_api):
    assert b2_api.account_info.get_recommended_part_size() == {part_size}
    data = bytes(range(256)) * 12_000  # 3 MB
    version = b2_bucket.upload_bytes(data, "big.bin")
    assert version.content_sha1 in (hashlib.sha1(data).hexdigest(), "none")
    assert b2_bucket.download_file_by_name("big.bin").read() == data


def test_the_session_server_is_one_local_server(b2_server, b2_bucket):
    assert isinstance(b2_server, LocalServer) is {local}
    assert b2_server.realm.startswith("http://")
"""


def _project(pytester, part_size=1_000_000, local=True):
    pytester.makepyfile(test_separate=SEPARATE_PROJECT_TESTS.format(part_size=part_size, local=local))


def test_fixtures_work_in_a_separate_project(pytester):
    _project(pytester)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=4)


def test_part_size_options_reach_the_local_server(pytester):
    _project(pytester, part_size=2_000_000)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-q", "--b2-part-size", "2000000", "--b2-minimum-part-size", "500000"
    )
    result.assert_outcomes(passed=4)


def test_fixtures_point_at_an_external_server_and_clean_up(pytester, server):
    _project(pytester, local=False)
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "-q",
        "--b2-realm",
        server.realm,
        "--b2-key-id",
        server.key_id,
        "--b2-key",
        server.key,
    )
    result.assert_outcomes(passed=4)
    deleted = [record.endpoint for record in server.requests()].count("b2_delete_bucket")
    assert deleted == 4  # every test's bucket was deleted on the external server


def test_realm_without_key_is_a_usage_error(pytester):
    _project(pytester)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", "--b2-realm", "http://127.0.0.1:9")
    assert "--b2-realm needs --b2-key-id and --b2-key" in result.stderr.str() + result.stdout.str()
    assert result.ret != 0


def test_options_are_documented_in_help(pytester):
    shown = pytester.runpytest_subprocess("--help").stdout.str()
    for option in ("--b2-realm", "--b2-key-id", "--b2-key", "--b2-part-size", "--b2-minimum-part-size"):
        assert option in shown


ASYNC_PROJECT_TESTS = """
import asyncio


def test_async_bucket_round_trip(b2_aio):
    async def main():
        async with b2_aio.bucket() as bucket:
            await bucket.upload_bytes(b"async hello", "a/hello.txt")
            async with await bucket.download_file_by_name("a/hello.txt") as downloaded:
                assert await downloaded.read() == b"async hello"
            return bucket.name

    name = asyncio.run(main())
    assert name.startswith("b2kit-test-")


def test_async_api_is_authorized(b2_aio, b2_api):
    async def main():
        async with b2_aio.api() as api:
            return api.get_account_id()

    assert asyncio.run(main()) == b2_api.get_account_id()
"""


def test_async_fixture_works_in_a_separate_project(pytester, server):
    pytester.makepyfile(test_async_separate=ASYNC_PROJECT_TESTS)
    result = pytester.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "-q",
        "--b2-realm",
        server.realm,
        "--b2-key-id",
        server.key_id,
        "--b2-key",
        server.key,
    )
    result.assert_outcomes(passed=2)
    assert server.state().buckets == ()  # the async bucket was emptied and deleted too
