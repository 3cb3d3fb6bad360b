"""What a B2FileSystem is made with: its keyword arguments (fsspec's ``storage_options``), parsed once.

``fsspec.filesystem("b2", **options)``, ``pandas.read_csv(url, storage_options=options)`` and
``B2FileSystem(**options)`` all pass the same keywords; :class:`StorageOptions` names them for mypy and
:meth:`FileSystemOptions.parse` turns them into one frozen value (credentials, behaviour, read defaults),
leaving fsspec's own options (listings cache) to fsspec.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, TypedDict

from b2kit import B2Api
from b2kit.fs._credentials import Credentials, credentials_from

DEFAULT_READ_BLOCK: Final = 4 * 1024 * 1024
RM_MODES: Final = ("delete", "hide")
CREDENTIAL_OPTIONS: Final = ("api", "application_key_id", "application_key", "realm")
"""The options that say who the filesystem is (pickled as a key, never as a live B2Api)."""


class StorageOptions(TypedDict, total=False):
    """The keywords of ``B2FileSystem(...)``: its own, then the fsspec ones it passes on."""

    application_key_id: str | None
    application_key: str | None
    realm: str | None
    api: B2Api | None
    version_aware: bool
    rm_mode: str
    max_concurrency: int
    bucket_type: str
    default_block_size: int
    default_cache_type: str
    use_listings_cache: bool
    listings_expiry_time: float | None
    max_paths: int | None
    skip_instance_cache: bool


@dataclass(frozen=True)
class ReadDefaults:
    """How files opened for reading buffer, unless ``open`` says otherwise."""

    block_size: int = DEFAULT_READ_BLOCK
    cache_type: str = "blockcache"


@dataclass(frozen=True)
class FileSystemOptions:
    """Every setting of one B2FileSystem; ``fsspec`` holds the options that are fsspec's own."""

    credentials: Credentials | None = None
    api: B2Api | None = None
    version_aware: bool = False
    rm_mode: str = "delete"
    max_concurrency: int = 10
    bucket_type: str = "allPrivate"
    reading: ReadDefaults = ReadDefaults()
    fsspec: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.rm_mode not in RM_MODES:
            raise ValueError(f"rm_mode must be one of {RM_MODES}, not {self.rm_mode!r}")
        if self.max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, not {self.max_concurrency}")

    @classmethod
    def parse(cls, options: StorageOptions) -> FileSystemOptions:
        """The settings ``options`` ask for; credentials from them or the environment unless ``api``."""
        rest: dict[str, Any] = dict(options)
        defaults = cls()
        api = rest.pop("api", None)
        key_id, key, realm = (rest.pop(name, None) for name in CREDENTIAL_OPTIONS[1:])
        reading = ReadDefaults(
            rest.pop("default_block_size", defaults.reading.block_size),
            rest.pop("default_cache_type", defaults.reading.cache_type),
        )
        behaviour = cls(
            api=api,
            version_aware=rest.pop("version_aware", defaults.version_aware),
            rm_mode=rest.pop("rm_mode", defaults.rm_mode),
            max_concurrency=rest.pop("max_concurrency", defaults.max_concurrency),
            bucket_type=rest.pop("bucket_type", defaults.bucket_type),
            reading=reading,
            fsspec=rest,
        )
        if api is not None:
            return behaviour
        return replace(behaviour, credentials=credentials_from(key_id, key, realm))
