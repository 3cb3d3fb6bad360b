"""LocalServer.state()/reset() and GET /_b2kit/state: what the server holds, typed and B2-shaped."""

import base64

import pytest

from b2kit.server import FileVersionRecord, KeyRecord, _snapshot


def _basic(key_id, key):
    return {"Authorization": "Basic " + base64.b64encode(f"{key_id}:{key}".encode()).decode()}


def _state(wire, query="", headers=None):
    return wire.request(
        "GET",
        f"{wire.realm}/_b2kit/state{query}",
        headers=headers or _basic(wire.server.key_id, wire.server.key),
    )


def test_state_has_buckets_versions_hide_markers_unfinished_files_and_keys(server, stocked):
    state = server.state()
    assert [b.bucket_name for b in state.buckets] == ["photos", "public-site"]
    assert state.bucket("public-site").bucket_info == {"owner": "web"}
    photos = [(v.file_name, v.action) for v in state.file_versions if v.bucket_name == "photos"]
    assert photos == [
        ("old.txt", "hide"),
        ("old.txt", "upload"),
        ("pets/cat.jpg", "upload"),
        ("pets/dogs/rex.jpg", "upload"),
        ("readme.txt", "upload"),
        ("readme.txt", "upload"),
    ]
    readmes = [v for v in state.file_versions if v.file_name == "readme.txt"]
    assert [v.file_id for v in readmes] == [stocked.readme_new["fileId"], stocked.readme_old["fileId"]]
    cat = next(v for v in state.file_versions if v.file_name == "pets/cat.jpg")
    assert isinstance(cat, FileVersionRecord)
    assert (cat.size, cat.content_sha1, dict(cat.file_info)) == (
        4000,
        stocked.cat["contentSha1"],
        {"color": "black"},
    )
    assert state.file_names() == ["pets/cat.jpg", "pets/dogs/rex.jpg", "readme.txt", "index.html"]
    [unfinished] = state.unfinished_large_files
    assert (unfinished.file_name, unfinished.bucket_name) == ("videos/big.mp4", "photos")
    assert [(p.part_number, p.size, p.content_sha1) for p in unfinished.parts] == [
        (1, 100_000, stocked.part_sha1s[0]),
        (2, 100_000, stocked.part_sha1s[1]),
    ]
    reader = next(k for k in state.keys if k.key_id == stocked.reader_key_id)
    assert isinstance(reader, KeyRecord)
    assert (reader.key_name, reader.bucket_ids, reader.name_prefix) == (
        "pets-reader",
        (stocked.photos["bucketId"],),
        "pets/",
    )
    assert [k.is_master for k in state.keys].count(True) == 1
    assert stocked.reader_key not in repr(state) and server.key not in repr(state)


def test_state_of_one_bucket(server, stocked):
    state = server.state("public-site")
    assert [b.bucket_name for b in state.buckets] == ["public-site"]
    assert [v.file_name for v in state.file_versions] == ["index.html"]
    assert state.unfinished_large_files == ()


def test_reset_leaves_a_blank_server_with_the_same_key(server, stocked, wire):
    server.reset()
    state = server.state()
    assert (state.buckets, state.file_versions, state.unfinished_large_files) == ((), (), ())
    assert [k.key_id for k in state.keys] == [server.key_id]
    assert server.faults.rules() == [] and server.requests() == []
    assert wire.authorize().status == 200


def test_http_state_is_b2_shaped(wire, stocked):
    state = _state(wire).json
    assert state["buckets"][1] == {
        "accountId": wire.server.account_id,
        "bucketId": stocked.site["bucketId"],
        "bucketName": "public-site",
        "bucketType": "allPublic",
        "bucketInfo": {"owner": "web"},
        "revision": stocked.site["revision"],
    }
    cat = next(f for f in state["files"] if f["fileName"] == "pets/cat.jpg")
    for field in ("accountId", "action", "bucketId", "contentLength", "contentSha1", "contentType", "fileId"):
        assert cat[field] == stocked.cat[field], field
    assert cat["fileInfo"] == {"color": "black"}
    hide = next(f for f in state["files"] if f["fileName"] == "old.txt")
    assert (hide["action"], hide["fileId"]) == ("hide", stocked.hidden["fileId"])
    [unfinished] = state["unfinishedLargeFiles"]
    assert unfinished["fileId"] == stocked.unfinished["fileId"]
    assert [p["partNumber"] for p in unfinished["parts"]] == [1, 2]
    assert {"applicationKeyId", "keyName", "capabilities", "bucketIds", "namePrefix"} <= set(state["keys"][0])
    assert stocked.reader_key not in str(state) and wire.server.key not in str(state)
    assert all("secret" not in str(key).lower() for key in state["keys"])


def test_http_state_filters_by_bucket_and_prefix(wire, stocked):
    pets = _state(wire, "?bucketName=photos&prefix=pets/").json
    assert [b["bucketName"] for b in pets["buckets"]] == ["photos"]
    assert [f["fileName"] for f in pets["files"]] == ["pets/cat.jpg", "pets/dogs/rex.jpg"]
    assert pets["unfinishedLargeFiles"] == []
    assert [f["fileName"] for f in _state(wire, "?bucketName=public-site").json["files"]] == ["index.html"]
    missing = _state(wire, "?bucketName=nope")
    assert (missing.status, missing.code) == (400, "bad_bucket_id")


@pytest.mark.parametrize("batch", [500, 2])
def test_http_state_pages_through_every_version_once(wire, stocked, monkeypatch, batch):
    monkeypatch.setattr(_snapshot, "_BATCH", batch)  # 2: every walk crosses batch and version boundaries
    wire.server.faults.clear()
    for data in (b"3", b"4", b"5"):
        wire.uploaded(stocked.photos["bucketId"], "readme.txt", data)
    everything = [f["fileId"] for f in _state(wire).json["files"]]
    seen, start = [], ""
    while True:
        page = _state(wire, f"?maxFileCount=2{start}").json
        assert len(page["files"]) <= 2
        seen += [f["fileId"] for f in page["files"]]
        if page["nextFileId"] is None:
            break
        start = f"&startFileId={page['nextFileId']}"
    assert seen == everything and len(everything) == 10
    assert [f["fileName"] for f in _state(wire).json["files"]].count("readme.txt") == 5


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer x"}])
def test_http_state_without_the_master_key_says_what_is_needed(wire, headers):
    reply = wire.request("GET", f"{wire.realm}/_b2kit/state", headers=headers)
    assert (reply.status, reply.code) == (401, "unauthorized")
    assert "master key as HTTP Basic auth" in reply.json["message"]
    assert "b2_authorize_account" not in reply.json["message"]


def test_http_state_with_another_key_is_refused(wire, stocked):
    reply = _state(wire, headers=_basic(stocked.reader_key_id, stocked.reader_key))
    assert reply.status == 401 and reply.json["message"].startswith("wrong key: ")
