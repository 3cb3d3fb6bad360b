"""``b2kit file``: upload, download, cat, info, hide, unhide, copy, url, large parts/unfinished."""

import hashlib


def upload(run_json, bucket, local, name):
    return run_json("file", "upload", bucket, local, name, "--json", "--no-progress")


def test_upload_and_download_multi_part_file_by_name_and_by_id(
    run_ok, run_json, bucket_name, sample_file, tmp_path
):
    version = upload(run_json, bucket_name, sample_file, "dir/sample.bin")
    assert version["fileName"] == "dir/sample.bin"
    assert version["size"] == sample_file.stat().st_size
    by_name, by_id = tmp_path / "by-name.bin", tmp_path / "by-id.bin"
    run_ok("file", "download", f"b2://{bucket_name}/dir/sample.bin", by_name)
    run_ok("file", "download", f"b2id://{version['fileId']}", by_id)
    assert by_name.read_bytes() == sample_file.read_bytes()
    assert by_id.read_bytes() == sample_file.read_bytes()


def test_upload_plain_output_is_id_and_name(run_ok, bucket_name, tmp_path):
    local = tmp_path / "x.txt"
    local.write_bytes(b"hello")
    file_id, name = run_ok("file", "upload", bucket_name, local, "x.txt").stdout.strip().split("\t")
    assert name == "x.txt" and file_id


def test_upload_with_content_type_and_info(run_json, bucket_name, tmp_path):
    local = tmp_path / "doc.txt"
    local.write_bytes(b"doc")
    upload_args = ("--content-type", "text/plain", "--info", "owner=me")
    version = run_json("file", "upload", bucket_name, local, "doc.txt", *upload_args, "--json")
    assert version["contentType"] == "text/plain"
    assert version["fileInfo"]["owner"] == "me"


def test_cat_writes_content_to_stdout(run_ok, bucket_name, tmp_path):
    local = tmp_path / "café.txt"
    local.write_bytes("grüße\n".encode())
    run_ok("file", "upload", bucket_name, local, "naïve/café.txt")
    assert run_ok("file", "cat", f"b2://{bucket_name}/naïve/café.txt").stdout_bytes == "grüße\n".encode()


def test_info_by_name_and_id(run_json, bucket_name, tmp_path):
    local = tmp_path / "i.txt"
    local.write_bytes(b"info")
    version = upload(run_json, bucket_name, local, "i.txt")
    by_name = run_json("file", "info", f"b2://{bucket_name}/i.txt")
    by_id = run_json("file", "info", f"b2id://{version['fileId']}")
    assert by_name["fileId"] == by_id["fileId"] == version["fileId"]
    assert by_id["contentSha1"] == hashlib.sha1(b"info").hexdigest()


def test_hide_then_unhide(run_ok, run, bucket_name, tmp_path):
    local = tmp_path / "h.txt"
    local.write_bytes(b"h")
    run_ok("file", "upload", bucket_name, local, "h.txt")
    run_ok("file", "hide", f"b2://{bucket_name}/h.txt")
    assert run_ok("ls", f"b2://{bucket_name}").stdout.split() == []
    assert run("file", "cat", f"b2://{bucket_name}/h.txt").exit_code == 1
    run_ok("file", "unhide", f"b2://{bucket_name}/h.txt")
    assert run_ok("ls", f"b2://{bucket_name}").stdout.split() == ["h.txt"]


def test_copy_server_side_including_large_file(run_ok, run_json, bucket_name, sample_file, tmp_path):
    upload(run_json, bucket_name, sample_file, "orig.bin")
    run_ok("bucket", "create", "cli-other")
    copied = run_json("file", "copy", f"b2://{bucket_name}/orig.bin", "b2://cli-other/copy.bin", "--json")
    assert copied["fileName"] == "copy.bin"
    out = tmp_path / "copy.bin"
    run_ok("file", "download", "b2://cli-other/copy.bin", out)
    assert out.read_bytes() == sample_file.read_bytes()


def test_url_by_name_and_id(run_ok, run_json, bucket_name, tmp_path, authorized):
    local = tmp_path / "u.txt"
    local.write_bytes(b"u")
    version = upload(run_json, bucket_name, local, "a b.txt")
    by_name = run_ok("file", "url", f"b2://{bucket_name}/a b.txt").stdout.strip()
    assert by_name.startswith(authorized.realm.split(":")[0]) and by_name.endswith("/a%20b.txt")
    assert version["fileId"] in run_ok("file", "url", f"b2id://{version['fileId']}").stdout
    assert "Authorization=" in run_ok("file", "url", "--with-auth", f"b2://{bucket_name}/a b.txt").stdout


def test_unfinished_large_file_list_parts_and_cancel(run_ok, run_json, bucket_name, authorized):
    from b2kit import B2Api, InMemoryAccountInfo
    from b2kit._wire import StartLargeFile

    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(authorized.realm, authorized.key_id, authorized.key)
    started = api.session.call(StartLargeFile(api.get_bucket_by_name(bucket_name).id_, "big.bin")).raw
    file_id = started["fileId"]
    listed = run_json("file", "large", "unfinished", "list", f"b2://{bucket_name}", "--json")
    assert [u["fileId"] for u in listed] == [file_id]
    assert run_json("file", "large", "parts", f"b2id://{file_id}", "--json") == []
    run_ok("file", "large", "unfinished", "cancel", f"b2id://{file_id}")
    assert run_json("file", "large", "unfinished", "list", f"b2://{bucket_name}", "--json") == []


def test_missing_local_file_is_a_usage_error(run, bucket_name, tmp_path):
    result = run("file", "upload", bucket_name, tmp_path / "nope.txt", "nope.txt")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_bad_uri_is_rejected(run, authorized):
    for uri in ("bucket/file", "b2://", "b2://bucket"):
        result = run("file", "info", uri)
        assert result.exit_code == 2, uri
        assert "Traceback" not in result.output


def test_unknown_file_and_bucket_are_one_line_errors(run, bucket_name, tmp_path):
    for args in (
        ("file", "info", f"b2://{bucket_name}/missing.txt"),
        ("file", "download", "b2://no-such-bucket/x", tmp_path / "x"),
        ("file", "cat", "b2id://4_zdeadbeef_f000"),
    ):
        result = run(*args)
        assert result.exit_code == 1, args
        assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1, (
            result.stderr
        )
    assert not (tmp_path / "x").exists()


def test_copy_into_a_folder_keeps_the_base_name(run_ok, run_json, bucket_name, tmp_path):
    local = tmp_path / "n.txt"
    local.write_bytes(b"n")
    run_ok("file", "upload", bucket_name, local, "deep/orig.txt")
    source, target = f"b2://{bucket_name}/deep/orig.txt", f"b2://{bucket_name}/other/"
    copied = run_json("file", "copy", source, target, "--json")
    assert copied["fileName"] == "other/orig.txt"
    assert run_ok("file", "cat", f"b2://{bucket_name}/other/orig.txt").stdout == "n"


def test_unhide_of_a_visible_file_is_an_error(run_ok, run, bucket_name, tmp_path):
    local = tmp_path / "v.txt"
    local.write_bytes(b"v")
    run_ok("file", "upload", bucket_name, local, "v.txt")
    result = run("file", "unhide", f"b2://{bucket_name}/v.txt")
    assert result.exit_code == 1
    assert "not hidden" in result.stderr
