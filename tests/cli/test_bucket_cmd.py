"""``b2kit bucket``: create, list, get, update, delete, get-download-auth."""


def test_create_prints_id_and_list_shows_bucket(run_ok, run_json, authorized):
    bucket_id = run_ok("bucket", "create", "my-bucket-1", "allPublic").stdout.strip()
    assert bucket_id
    listed = run_json("bucket", "list", "--json")
    assert [(b["bucketName"], b["bucketId"], b["bucketType"]) for b in listed] == [
        ("my-bucket-1", bucket_id, "allPublic")
    ]
    assert run_ok("bucket", "list").stdout.split() == [bucket_id, "allPublic", "my-bucket-1"]


def test_get_prints_bucket_json(run_json, bucket_name):
    bucket = run_json("bucket", "get", bucket_name)
    assert bucket["bucketName"] == bucket_name
    assert bucket["bucketType"] == "allPrivate"


def test_update_changes_type_and_info(run_json, bucket_name):
    updated = run_json("bucket", "update", bucket_name, "allPublic", "--bucket-info", '{"team": "ops"}')
    assert updated["bucketType"] == "allPublic"
    assert updated["bucketInfo"] == {"team": "ops"}
    assert run_json("bucket", "get", bucket_name)["bucketInfo"] == {"team": "ops"}


def test_update_with_nothing_to_change_fails(run, bucket_name):
    result = run("bucket", "update", bucket_name)
    assert result.exit_code == 1
    assert "nothing to update" in result.stderr


def test_delete_removes_bucket(run_ok, run_json, bucket_name):
    run_ok("bucket", "delete", bucket_name)
    assert run_json("bucket", "list", "--json") == []


def test_unknown_bucket_is_a_one_line_error(run, authorized):
    for args in (("bucket", "get", "no-such-bucket"), ("bucket", "delete", "no-such-bucket")):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: ")
        assert "no-such-bucket" in result.stderr or "not" in result.stderr.lower()
        assert "Traceback" not in result.output


def test_duplicate_bucket_name_fails(run, bucket_name):
    result = run("bucket", "create", bucket_name)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")


def test_bad_json_option_is_a_usage_error(run, bucket_name):
    result = run("bucket", "update", bucket_name, "--bucket-info", "{nope")
    assert result.exit_code == 2
    assert "not valid JSON" in result.output


def test_get_download_auth_prints_a_token(run_ok, bucket_name):
    token = run_ok("bucket", "get-download-auth", bucket_name, "--prefix", "docs/", "--duration", "60").stdout
    assert token.strip()
