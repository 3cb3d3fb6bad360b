"""The demo's sample tree and its byte-for-byte comparison."""

from b2kit.cli._demo_tree import LARGE_FILE, compare_trees, make_sample_tree, tree_digests


def test_sample_tree_has_nested_non_ascii_names_and_the_large_file(tmp_path):
    stats = make_sample_tree(tmp_path, large_size=300_000, small_copies=2)
    digests = tree_digests(tmp_path)
    assert len(digests) == stats.files
    assert sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file()) == stats.bytes
    assert (tmp_path / LARGE_FILE).stat().st_size == 300_000
    assert any(not name.isascii() for name in digests)
    assert max(name.count("/") for name in digests) >= 5


def test_sample_tree_is_reproducible(tmp_path):
    make_sample_tree(tmp_path / "a", 1000, 1)
    make_sample_tree(tmp_path / "b", 1000, 1)
    assert compare_trees(tmp_path / "a", tmp_path / "b") == []


def test_compare_reports_missing_extra_and_changed_files(tmp_path):
    make_sample_tree(tmp_path / "a", 1000, 1)
    make_sample_tree(tmp_path / "b", 1000, 1)
    (tmp_path / "b" / "README.txt").unlink()
    (tmp_path / "b" / "extra").write_bytes(b"x")
    (tmp_path / "b" / LARGE_FILE).write_bytes(b"changed")
    assert compare_trees(tmp_path / "a", tmp_path / "b") == [
        "missing: README.txt",
        "unexpected: extra",
        f"content differs: {LARGE_FILE}",
    ]
