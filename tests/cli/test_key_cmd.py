"""``b2kit key``: create, list, delete application keys; a restricted key is enforced."""


def test_create_list_delete_key(run_ok, run_json, bucket_name):
    created = run_json("key", "create", "reader", "listFiles,readFiles", "--bucket", bucket_name, "--json")
    assert created["keyName"] == "reader"
    assert created["applicationKey"]
    listed = {k["applicationKeyId"]: k for k in run_json("key", "list", "--json")}
    assert listed[created["applicationKeyId"]]["capabilities"] == ["listFiles", "readFiles"]
    assert "applicationKey" not in listed[created["applicationKeyId"]]
    assert created["applicationKeyId"] in run_ok("key", "list", "--long").stdout
    run_ok("key", "delete", created["applicationKeyId"])
    assert created["applicationKeyId"] not in {
        k["applicationKeyId"] for k in run_json("key", "list", "--json")
    }


def test_plain_create_prints_id_and_secret(run_ok, authorized):
    key_id, secret = run_ok("key", "create", "all-caps", "all").stdout.split()
    assert key_id and secret


def test_unknown_capability_is_refused(run, authorized):
    result = run("key", "create", "bad", "readFiles,flyToTheMoon")
    assert result.exit_code == 1
    assert "flyToTheMoon" in result.stderr


def test_restricted_key_cannot_write(run_ok, run, run_json, bucket_name, authorized, tmp_path):
    created = run_json(
        "key", "create", "ro", "listBuckets,listFiles,readFiles", "--bucket", bucket_name, "--json"
    )
    run_ok(
        "account",
        "authorize",
        "--realm",
        authorized.realm,
        created["applicationKeyId"],
        created["applicationKey"],
    )
    local = tmp_path / "f.txt"
    local.write_bytes(b"x")
    result = run("file", "upload", bucket_name, local, "f.txt")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
