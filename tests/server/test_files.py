"""Hide, delete a version, get file info; unfinished large files as versions; restrictions."""

import pytest


def _start(wire, bucket_id, name):
    return wire.ok(
        "b2_start_large_file", {"bucketId": bucket_id, "fileName": name, "contentType": "text/plain"}
    )


def test_hide_makes_a_marker_and_hides_the_name(wire, bucket):
    wire.uploaded(bucket["bucketId"], "a.txt")
    marker = wire.ok("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "a.txt"})
    assert marker["action"] == "hide"
    assert marker["contentType"] == "application/x-bz-hide-marker"
    assert marker["contentLength"] == 0
    assert "fileRetention" not in marker
    assert wire.ok("b2_list_file_names", {"bucketId": bucket["bucketId"]})["files"] == []
    assert wire.download_by_name("test-bucket", "a.txt", token=wire.token).status == 404


def test_v1_hide_answer_has_no_bucket_id(wire, bucket):
    wire.uploaded(bucket["bucketId"], "a.txt")
    marker = wire.ok("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "a.txt"}, version="v1")
    assert "bucketId" not in marker


def test_hide_errors(wire, bucket):
    missing = wire.call("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "nope"})
    assert (missing.status, missing.code, missing.json["message"]) == (
        400,
        "no_such_file",
        "File not present: nope",
    )
    wire.uploaded(bucket["bucketId"], "a.txt")
    wire.ok("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "a.txt"})
    again = wire.call("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "a.txt"})
    assert (again.status, again.code) == (400, "already_hidden")
    unknown = wire.call("b2_hide_file", {"bucketId": "0" * 24, "fileName": "a.txt"})
    assert (unknown.status, unknown.code) == (400, "bad_bucket_id")


def test_unfinished_large_file_alone_cannot_be_hidden(wire, bucket):
    _start(wire, bucket["bucketId"], "big")
    assert (
        wire.call("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "big"}).code == "no_such_file"
    )


def test_deleting_newest_version_makes_the_older_current(wire, bucket):
    old = wire.uploaded(bucket["bucketId"], "a.txt", b"old")
    new = wire.uploaded(bucket["bucketId"], "a.txt", b"new")
    deleted = wire.ok("b2_delete_file_version", {"fileName": "a.txt", "fileId": new["fileId"]})
    assert deleted == {"fileId": new["fileId"], "fileName": "a.txt"}
    assert wire.download_by_name("test-bucket", "a.txt", token=wire.token).body == b"old"
    names = wire.ok("b2_list_file_names", {"bucketId": bucket["bucketId"]})["files"]
    assert [f["fileId"] for f in names] == [old["fileId"]]


def test_unhide_by_deleting_the_marker(wire, bucket):
    wire.uploaded(bucket["bucketId"], "a.txt", b"x")
    marker = wire.ok("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "a.txt"})
    wire.ok("b2_delete_file_version", {"fileName": "a.txt", "fileId": marker["fileId"]})
    assert wire.download_by_name("test-bucket", "a.txt", token=wire.token).body == b"x"


@pytest.mark.parametrize("wrong", ["name", "id"])
def test_delete_with_wrong_name_or_id_is_file_not_present(wire, bucket, wrong):
    created = wire.uploaded(bucket["bucketId"], "a.txt")
    params = {"fileName": "a.txt", "fileId": created["fileId"]}
    params["fileName" if wrong == "name" else "fileId"] = "other"
    reply = wire.call("b2_delete_file_version", params)
    assert (reply.status, reply.code) == (400, "file_not_present")
    assert reply.json["message"].startswith("File not present: ")


def test_deleting_a_start_version_cancels_the_large_file(wire, bucket, server):
    started = _start(wire, bucket["bucketId"], "big")
    part_url = wire.ok("b2_get_upload_part_url", {"fileId": started["fileId"]})
    data = b"p" * 10
    import hashlib

    headers = {
        "Authorization": part_url["authorizationToken"],
        "X-Bz-Part-Number": "1",
        "X-Bz-Content-Sha1": hashlib.sha1(data).hexdigest(),
    }
    assert wire.request("POST", part_url["uploadUrl"], body=data, headers=headers).status == 200
    wire.ok("b2_delete_file_version", {"fileName": "big", "fileId": started["fileId"]})
    assert wire.ok("b2_list_file_versions", {"bucketId": bucket["bucketId"]})["files"] == []
    assert wire.ok("b2_list_unfinished_large_files", {"bucketId": bucket["bucketId"]})["files"] == []
    assert not list((server.data_dir / "blobs").glob("*/*"))


def test_delete_removes_the_bytes(wire, bucket, server):
    created = wire.uploaded(bucket["bucketId"], "a.txt", b"gone soon")
    assert len(list((server.data_dir / "blobs").glob("*/*"))) == 1
    wire.ok("b2_delete_file_version", {"fileName": "a.txt", "fileId": created["fileId"]})
    assert not list((server.data_dir / "blobs").glob("*/*"))
    assert wire.download_by_id(created["fileId"], token=wire.token).status == 404


def test_get_file_info_of_each_kind(wire, bucket):
    upload = wire.uploaded(bucket["bucketId"], "a.txt")
    marker = wire.ok("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "a.txt"})
    started = _start(wire, bucket["bucketId"], "big")
    assert wire.ok("b2_get_file_info", {"fileId": upload["fileId"]}) == upload
    assert wire.ok("b2_get_file_info", {"fileId": marker["fileId"]})["action"] == "hide"
    info = wire.ok("b2_get_file_info", {"fileId": started["fileId"]}, method="GET")
    assert (info["action"], info["contentSha1"], info["contentLength"]) == ("start", "none", 0)


def test_get_file_info_of_unknown_id_is_404(wire):
    reply = wire.call("b2_get_file_info", {"fileId": "4_zdoesnotexist"})
    assert (reply.status, reply.code) == (404, "not_found")


def test_file_calls_respect_key_restrictions(wire, bucket):
    inside = wire.uploaded(bucket["bucketId"], "in/a")
    outside = wire.uploaded(bucket["bucketId"], "out/a")
    caps = ["readFiles", "writeFiles", "deleteFiles"]
    token = wire.login(*wire.create_key(caps, bucketIds=[bucket["bucketId"]], namePrefix="in/"))
    assert wire.call("b2_get_file_info", {"fileId": inside["fileId"]}, token=token).status == 200
    for name, params in [
        ("b2_get_file_info", {"fileId": outside["fileId"]}),
        ("b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "out/a"}),
        ("b2_delete_file_version", {"fileName": "out/a", "fileId": outside["fileId"]}),
    ]:
        reply = wire.call(name, params, token=token)
        assert (reply.status, reply.code) == (401, "unauthorized"), name
    other = wire.create_bucket("other-bucket")
    elsewhere = wire.uploaded(other["bucketId"], "in/a")
    assert wire.call("b2_get_file_info", {"fileId": elsewhere["fileId"]}, token=token).code == "unauthorized"
    read_only = wire.login(*wire.create_key(["readFiles"]))
    assert wire.call(
        "b2_delete_file_version", {"fileName": "in/a", "fileId": inside["fileId"]}, token=read_only
    ).code == ("unauthorized")
    assert wire.call(
        "b2_hide_file", {"bucketId": bucket["bucketId"], "fileName": "in/a"}, token=read_only
    ).code == ("unauthorized")
    no_read = wire.login(*wire.create_key(["listFiles"]))
    assert wire.call("b2_get_file_info", {"fileId": inside["fileId"]}, token=no_read).code == "unauthorized"
