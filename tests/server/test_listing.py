"""b2_list_file_names / b2_list_file_versions: order, prefix, delimiter, pagination, shapes, restrictions."""

import pytest

PHOTOS = [
    "photos/alice.jpg",
    "photos/alfred.jpg",
    "photos/cats/fluffy.jpg",
    "photos/cats/mittens.jpg",
    "photos/dogs/spot.jpg",
    "photos/lilly.jpg",
]


def _names(wire, bucket_id, endpoint="b2_list_file_names", **params):
    answer = wire.ok(endpoint, {"bucketId": bucket_id, **params})
    return [(f["action"], f["fileName"]) for f in answer["files"]], answer


@pytest.fixture
def photos(wire, bucket):
    for name in PHOTOS:
        wire.uploaded(bucket["bucketId"], name)
    return bucket["bucketId"]


def test_delimiter_collapses_folders_at_top_level(wire, photos):
    entries, answer = _names(wire, photos, delimiter="/")
    assert entries == [("folder", "photos/")]
    folder = answer["files"][0]
    assert folder["fileId"] is None and folder["contentSha1"] is None and folder["uploadTimestamp"] == 0
    assert answer["nextFileName"] is None


def test_delimiter_with_prefix_mixes_files_and_folders(wire, photos):
    entries, _ = _names(wire, photos, prefix="photos/", delimiter="/")
    assert entries == [
        ("upload", "photos/alfred.jpg"),
        ("upload", "photos/alice.jpg"),
        ("folder", "photos/cats/"),
        ("folder", "photos/dogs/"),
        ("upload", "photos/lilly.jpg"),
    ]


def test_pages_of_folders_continue_past_each_folder(wire, photos):
    seen, start = [], None
    while True:
        entries, answer = _names(
            wire, photos, prefix="photos/", delimiter="/", maxFileCount=2, startFileName=start
        )
        seen += entries
        start = answer["nextFileName"]
        if start is None:
            break
    assert [name for _, name in seen] == [
        "photos/alfred.jpg",
        "photos/alice.jpg",
        "photos/cats/",
        "photos/dogs/",
        "photos/lilly.jpg",
    ]


def test_prefix_without_delimiter_lists_everything_under_it(wire, photos):
    entries, _ = _names(wire, photos, prefix="photos/c")
    assert [name for _, name in entries] == ["photos/cats/fluffy.jpg", "photos/cats/mittens.jpg"]


def test_names_are_in_utf8_byte_order(wire, bucket):
    names = ["b", "a", "é", "z", "日本", "\U0001f600", "A", "a/b", "a b"]
    for name in names:
        wire.uploaded(bucket["bucketId"], name)
    entries, _ = _names(wire, bucket["bucketId"])
    assert [name for _, name in entries] == sorted(names, key=lambda n: n.encode())


def test_names_listing_shows_only_current_uploads(wire, bucket):
    bid = bucket["bucketId"]
    wire.uploaded(bid, "a", b"1")
    newest = wire.uploaded(bid, "a", b"2")
    wire.uploaded(bid, "hidden")
    wire.ok("b2_hide_file", {"bucketId": bid, "fileName": "hidden"})
    wire.ok("b2_start_large_file", {"bucketId": bid, "fileName": "a", "contentType": "text/plain"})
    wire.ok("b2_start_large_file", {"bucketId": bid, "fileName": "only-started", "contentType": "text/plain"})
    _, answer = _names(wire, bid)
    assert [(f["fileName"], f["fileId"]) for f in answer["files"]] == [("a", newest["fileId"])]


def test_versions_listing_has_every_version_newest_first(wire, bucket):
    bid = bucket["bucketId"]
    first = wire.uploaded(bid, "a", b"1")
    second = wire.uploaded(bid, "a", b"2")
    marker = wire.ok("b2_hide_file", {"bucketId": bid, "fileName": "a"})
    started = wire.ok("b2_start_large_file", {"bucketId": bid, "fileName": "b", "contentType": "text/plain"})
    _, answer = _names(wire, bid, "b2_list_file_versions")
    assert [(f["action"], f["fileId"]) for f in answer["files"]] == [
        ("hide", marker["fileId"]),
        ("upload", second["fileId"]),
        ("upload", first["fileId"]),
        ("start", started["fileId"]),
    ]
    assert answer["nextFileName"] is None and answer["nextFileId"] is None


def test_versions_pagination_with_start_file_id(wire, bucket):
    bid = bucket["bucketId"]
    ids = [wire.uploaded(bid, name, bytes([i]))["fileId"] for i, name in enumerate(["a", "a", "a", "b", "b"])]
    seen, start_name, start_id = [], None, None
    while True:
        params = {"maxFileCount": 2, "startFileName": start_name, "startFileId": start_id}
        _, answer = _names(wire, bid, "b2_list_file_versions", **params)
        seen += [f["fileId"] for f in answer["files"]]
        start_name, start_id = answer["nextFileName"], answer["nextFileId"]
        if start_name is None:
            break
    assert seen == [ids[2], ids[1], ids[0], ids[4], ids[3]]


def test_pagination_keys_are_always_present(wire, bucket):
    names = wire.ok("b2_list_file_names", {"bucketId": bucket["bucketId"]})
    versions = wire.ok("b2_list_file_versions", {"bucketId": bucket["bucketId"]})
    assert names == {"files": [], "nextFileName": None}
    assert versions == {"files": [], "nextFileName": None, "nextFileId": None}


def test_start_file_name_is_inclusive(wire, bucket):
    for name in ["a", "b", "c"]:
        wire.uploaded(bucket["bucketId"], name)
    entries, answer = _names(wire, bucket["bucketId"], startFileName="b", maxFileCount=1)
    assert [name for _, name in entries] == ["b"]
    assert answer["nextFileName"] == "c"


def test_large_pages_up_to_ten_thousand(wire, bucket):
    for i in range(120):
        wire.uploaded(bucket["bucketId"], f"f{i:04d}")
    _, answer = _names(wire, bucket["bucketId"], maxFileCount=10_000)
    assert len(answer["files"]) == 120
    _, default = _names(wire, bucket["bucketId"])
    assert len(default["files"]) == 100 and default["nextFileName"] == "f0100"


@pytest.mark.parametrize("params", [{"maxFileCount": 10_001}, {"maxFileCount": -1}, {"startFileId": "x"}])
def test_bad_list_parameters_are_400(wire, bucket, params):
    reply = wire.call("b2_list_file_versions", {"bucketId": bucket["bucketId"], **params})
    assert (reply.status, reply.code) == (400, "bad_request")


def test_unknown_bucket_is_bad_bucket_id(wire):
    reply = wire.call("b2_list_file_names", {"bucketId": "0" * 24})
    assert (reply.status, reply.code) == (400, "bad_bucket_id")


def test_v1_entries_carry_size(wire, bucket):
    wire.uploaded(bucket["bucketId"], "a", b"12345")
    entry = wire.ok("b2_list_file_names", {"bucketId": bucket["bucketId"]}, version="v1")["files"][0]
    assert entry["size"] == 5
    assert "contentLength" not in entry and "accountId" not in entry


def test_get_with_query_string_is_coerced(wire, bucket):
    for name in ["a", "b", "c"]:
        wire.uploaded(bucket["bucketId"], name)
    reply = wire.call(
        "b2_list_file_names", {"bucketId": bucket["bucketId"], "maxFileCount": "2"}, method="GET"
    )
    assert [f["fileName"] for f in reply.json["files"]] == ["a", "b"]


def test_prefix_restricted_key_lists_only_inside_its_prefix(wire, bucket):
    for name in ["in/a", "in/b", "out/c"]:
        wire.uploaded(bucket["bucketId"], name)
    token = wire.login(*wire.create_key(["listFiles"], bucketIds=[bucket["bucketId"]], namePrefix="in/"))
    inside = wire.call("b2_list_file_names", {"bucketId": bucket["bucketId"], "prefix": "in/"}, token=token)
    assert [f["fileName"] for f in inside.json["files"]] == ["in/a", "in/b"]
    narrowed = wire.call(
        "b2_list_file_versions", {"bucketId": bucket["bucketId"], "prefix": "in"}, token=token
    )
    assert [f["fileName"] for f in narrowed.json["files"]] == ["in/a", "in/b"]
    for prefix in ("", "out/"):
        reply = wire.call(
            "b2_list_file_names", {"bucketId": bucket["bucketId"], "prefix": prefix}, token=token
        )
        assert (reply.status, reply.code) == (401, "unauthorized")
    v1 = wire.call("b2_list_file_names", {"bucketId": bucket["bucketId"]}, token=token, version="v1")
    assert [f["fileName"] for f in v1.json["files"]] == ["in/a", "in/b"]
    v1_out = wire.call(
        "b2_list_file_names", {"bucketId": bucket["bucketId"], "prefix": "out/"}, token=token, version="v1"
    )
    assert v1_out.json["files"] == []


def test_listing_needs_list_files_and_the_bucket(wire, bucket):
    other = wire.create_bucket("other-bucket")
    token = wire.login(*wire.create_key(["listFiles"], bucketIds=[bucket["bucketId"]]))
    assert (
        wire.call("b2_list_file_names", {"bucketId": other["bucketId"]}, token=token).code == "unauthorized"
    )
    no_list = wire.login(*wire.create_key(["readFiles"]))
    assert (
        wire.call("b2_list_file_versions", {"bucketId": bucket["bucketId"]}, token=no_list).code
        == "unauthorized"
    )


def test_versions_listing_crosses_internal_read_batches(wire, bucket):
    bid = bucket["bucketId"]
    expected = []
    for i in range(45):
        older = wire.uploaded(bid, f"n{i:02d}", b"1")["fileId"]
        newer = wire.uploaded(bid, f"n{i:02d}", b"2")["fileId"]
        expected += [newer, older]
    answer = wire.ok("b2_list_file_versions", {"bucketId": bid, "maxFileCount": 10_000})
    assert [f["fileId"] for f in answer["files"]] == expected
    collapsed = wire.ok("b2_list_file_names", {"bucketId": bid, "delimiter": "0"})["files"]
    names = [f"n{i:02d}" for i in range(45)]
    assert [f["fileName"] for f in collapsed] == sorted(
        {n[: n.index("0") + 1] if "0" in n else n for n in names}
    )
