"""A newcomer's first hour, ``ls``: a file URI, folders in JSON, buckets, name patterns, versions."""

from __future__ import annotations

import pytest

from b2kit import B2Api, InMemoryAccountInfo


@pytest.fixture
def photos(authorized):
    api = B2Api(InMemoryAccountInfo())
    api.authorize_account(authorized.realm, authorized.key_id, authorized.key)
    bucket = api.create_bucket("photos", "allPrivate")
    for name in ("data/data.csv", "data/notes.txt", "a/1.jpg", "b/2.jpg", "c/3.png", "d/x/4.jpg", "top.txt"):
        bucket.upload_bytes(name.encode(), name)
    bucket.upload_bytes(b"second", "top.txt")
    yield bucket
    api.close()


def test_ls_of_a_file_uri_shows_the_file(run_ok, photos):
    assert run_ok("ls", "b2://photos/data/data.csv").stdout == "data/data.csv\n"
    assert run_ok("ls", "b2://photos/data").stdout == "data/data.csv\ndata/notes.txt\n"


def test_ls_json_includes_folders(run_json, photos):
    listed = run_json("ls", "--json", "b2://photos")
    folders = [e["fileName"] for e in listed if e["action"] == "folder"]
    files = [e["fileName"] for e in listed if e["action"] != "folder"]
    assert folders == ["a/", "b/", "c/", "d/", "data/"]
    assert files == ["top.txt"]


def test_bare_ls_lists_the_buckets(run_ok, run_json, photos):
    assert run_ok("ls").stdout == "photos\n"
    assert [b["bucketName"] for b in run_json("ls", "--json")] == ["photos"]


def test_include_and_exclude_patterns(run_ok, photos):
    jpgs = run_ok("ls", "-r", "--include", "*.jpg", "b2://photos").stdout.split()
    assert jpgs == ["a/1.jpg", "b/2.jpg", "d/x/4.jpg"]
    not_deep = run_ok("ls", "-r", "--exclude", "*", "--include", "*.jpg", "--exclude", "d/*", "b2://photos")
    assert not_deep.stdout.split() == ["a/1.jpg", "b/2.jpg"]
    no_txt = run_ok("ls", "-r", "--exclude", "*.txt", "b2://photos").stdout.split()
    assert no_txt == ["a/1.jpg", "b/2.jpg", "c/3.png", "d/x/4.jpg", "data/data.csv"]


def test_include_and_exclude_apply_in_the_order_given_last_match_wins(run_ok, photos):
    everything = ["a/1.jpg", "b/2.jpg", "c/3.png", "d/x/4.jpg", "data/data.csv", "data/notes.txt", "top.txt"]
    # as the b2 CLI (b2sdk's FilterMatcher): with an --exclude among them, unmatched names are listed
    no_d = run_ok("ls", "-r", "--include", "*.jpg", "--exclude", "d/*", "b2://photos").stdout.split()
    assert no_d == [name for name in everything if not name.startswith("d/")]
    d_jpg_back = run_ok("ls", "-r", "--exclude=d/*", "--include=*.jpg", "b2://photos").stdout.split()
    assert d_jpg_back == everything
    only_png = run_ok("ls", "-r", "--include", "*.png", "--exclude", "*", "--include", "c/*", "b2://photos")
    assert only_png.stdout.split() == ["c/3.png"]


def test_filters_decide_before_folders_form(run_ok, photos):
    # data/'s first name (data.csv) does not match, data/notes.txt does: the folder is listed
    assert run_ok("ls", "--include", "*.txt", "b2://photos").stdout.split() == ["data/", "top.txt"]


def test_with_wildcard(run_ok, photos):
    assert run_ok("ls", "--with-wildcard", "b2://photos/*/[12].jpg").stdout.split() == ["a/1.jpg", "b/2.jpg"]
    assert run_ok("ls", "--with-wildcard", "b2://photos/data/*.csv").stdout.split() == ["data/data.csv"]


def test_versions_without_long_tell_versions_apart(run_ok, photos):
    lines = run_ok("ls", "--versions", "b2://photos/top.txt").stdout.splitlines()
    assert len(lines) == 2
    assert len(set(lines)) == 2
    ids = [line.split("\t")[3] for line in lines]
    assert ids == [v.id_ for v in photos.list_file_versions(file_name="top.txt")]
    assert all(line.split("\t")[0] == "top.txt" and line.split("\t")[2] == "upload" for line in lines)
