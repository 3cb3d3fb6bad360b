"""AsyncB2Api / AsyncBucket have the public methods of B2Api / Bucket, with the same parameters, so the two
APIs cannot drift: a method added to the sync API without its async twin fails here."""

from __future__ import annotations

import inspect

import pytest

from b2kit import B2Api, Bucket
from b2kit.aio import AsyncB2Api, AsyncBucket, AsyncDownloadedFile

PAIRS = [(B2Api, AsyncB2Api), (Bucket, AsyncBucket)]

PURE = {
    "as_dict",
    "check_bucket_id_restrictions",
    "check_bucket_restrictions",
    "from_api_bucket_dict",
    "get_account_id",
    "get_download_url",
    "get_download_url_for_file_name",
    "get_download_url_for_fileid",
    "get_id",
    "get_thread_pool",
    "list_parts",  # Bucket.list_parts hands out AsyncB2Api.list_parts' async iterator
    "reserve_connections",
    "set_thread_pool_size",
}
"""Methods that do no I/O: plain functions on both sides."""

ITERATORS = {
    "list_file_names",
    "list_file_versions",
    "list_keys",
    "list_parts",
    "list_unfinished_large_files",
    "ls",
}
"""Methods returning an iterator in the sync API: async iterators here."""


def public_methods(cls: type) -> dict[str, object]:
    return {
        name: member
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and callable(member) and not isinstance(member, type)
    }


def shape(function: object) -> list[tuple[str, object, object]]:
    """Names, kinds and defaults of the parameters (annotations differ: Bucket vs AsyncBucket)."""
    return [
        (parameter.name, parameter.kind, parameter.default)
        for parameter in inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize(("sync", "twin"), PAIRS, ids=["B2Api", "Bucket"])
def test_every_public_method_has_a_twin_with_the_same_parameters(sync, twin):
    sync_methods, async_methods = public_methods(sync), public_methods(twin)
    assert sorted(sync_methods) == sorted(async_methods)
    for name, method in sync_methods.items():
        assert shape(async_methods[name]) == shape(method), name


@pytest.mark.parametrize(("sync", "twin"), PAIRS, ids=["B2Api", "Bucket"])
def test_io_methods_are_coroutines_and_iterators_are_async_iterators(sync, twin):
    for name, method in public_methods(twin).items():
        if name in ITERATORS and name not in PURE:
            assert inspect.isasyncgenfunction(method), name
        elif name not in PURE:
            assert inspect.iscoroutinefunction(method), name
        else:
            assert not inspect.iscoroutinefunction(method), name


def test_the_constructor_takes_the_sync_keyword_options():
    sync = inspect.signature(B2Api.__init__).parameters
    twin = inspect.signature(AsyncB2Api.__init__).parameters
    assert list(twin)[:4] == ["self", "account_info", "cache", "max_upload_workers"]
    assert twin["max_upload_workers"].default == 10
    sync_keywords = {name for name, p in sync.items() if p.kind is p.KEYWORD_ONLY}
    assert sync_keywords == {name for name, p in twin.items() if p.kind is p.KEYWORD_ONLY}


def test_the_downloaded_file_reads_like_the_sync_one():
    for name in ("iter_content", "read", "save", "save_to", "close", "download_version", "content_length"):
        assert hasattr(AsyncDownloadedFile, name), name
    assert inspect.isasyncgenfunction(AsyncDownloadedFile.iter_content)
    for name in ("read", "save", "save_to", "close", "__aenter__", "__aexit__"):
        assert inspect.iscoroutinefunction(getattr(AsyncDownloadedFile, name)), name
