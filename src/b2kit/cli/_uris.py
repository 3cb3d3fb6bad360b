"""``b2://bucket/name`` and ``b2id://fileId`` URIs, parsed into small values (as the b2 CLI spells them)."""

from __future__ import annotations

from dataclasses import dataclass

import click


@dataclass(frozen=True)
class B2Path:
    """A bucket and a file name or prefix inside it (``name`` may be empty: the whole bucket)."""

    bucket: str
    name: str = ""

    def __str__(self) -> str:
        return f"b2://{self.bucket}/{self.name}"


@dataclass(frozen=True)
class B2FileId:
    """One file version by id."""

    file_id: str

    def __str__(self) -> str:
        return f"b2id://{self.file_id}"


B2Uri = B2Path | B2FileId


class BadUri(click.BadParameter):
    """A URI that is not ``b2://bucket[/name]`` or ``b2id://fileId``."""


def parse_b2_uri(text: str, *, allow_id: bool = True) -> B2Uri:
    """Parse ``b2://bucket/name`` (name may be empty) or, when allowed, ``b2id://fileId``."""
    if text.startswith("b2://"):
        bucket, _, name = text[len("b2://") :].partition("/")
        if not bucket:
            raise BadUri(f"{text!r} has no bucket name; expected b2://bucket/name")
        return B2Path(bucket, name)
    if text.startswith("b2id://"):
        if not allow_id:
            raise BadUri(f"{text!r}: a b2id:// URI is not accepted here; use b2://bucket/name")
        file_id = text[len("b2id://") :]
        if not file_id or "/" in file_id:
            raise BadUri(f"{text!r} is not b2id://fileId")
        return B2FileId(file_id)
    expected = "b2://bucket/name or b2id://fileId" if allow_id else "b2://bucket/name"
    raise BadUri(f"{text!r} is not a B2 URI; expected {expected}")


def parse_b2_path(text: str) -> B2Path:
    """Parse a ``b2://bucket/name`` URI (no ids)."""
    uri = parse_b2_uri(text, allow_id=False)
    if not isinstance(uri, B2Path):
        raise BadUri(f"{text!r}: expected b2://bucket/name")
    return uri


def parse_file_id_uri(text: str) -> B2FileId:
    """Parse a ``b2id://fileId`` URI (no names)."""
    uri = parse_b2_uri(text)
    if not isinstance(uri, B2FileId):
        raise BadUri(f"{text!r}: expected b2id://fileId")
    return uri


def parse_file_uri(text: str) -> B2Uri:
    """Parse a URI that must name one file: ``b2://bucket/name`` with a name, or ``b2id://fileId``."""
    uri = parse_b2_uri(text)
    if isinstance(uri, B2Path) and (not uri.name or uri.name.endswith("/")):
        raise BadUri(f"{text!r} names no file; expected b2://bucket/name or b2id://fileId")
    return uri


class B2UriType(click.ParamType[B2Uri, object]):
    """click parameter type for B2 URIs; ``kind`` is ``any``, ``path``, ``file`` or ``id``."""

    name = "B2_URI"

    def __init__(self, kind: str = "any") -> None:
        self.kind = kind

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> B2Uri:
        if isinstance(value, B2Path | B2FileId):
            return value
        text = str(value)
        try:
            if self.kind == "path":
                return parse_b2_path(text)
            if self.kind == "file":
                return parse_file_uri(text)
            if self.kind == "id":
                return parse_file_id_uri(text)
            return parse_b2_uri(text)
        except BadUri as exc:
            self.fail(exc.message, param, ctx)
