"""The authorized key's restrictions as a typed value, read from the stored ``allowed`` object.

Account infos store ``allowed`` as B2 sends it (b2sdk's ``get_allowed()`` shape); the SDK reads it through
:class:`KeyRestrictions` so no layer picks its fields by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from b2kit import _protocol as p
from b2kit._account_info._abstract import Allowed


@dataclass(frozen=True)
class AllowedBucketRef:
    """A bucket the key is restricted to; ``name`` is None when the bucket no longer exists."""

    id_: str
    name: str | None


@dataclass(frozen=True)
class KeyRestrictions:
    """What the key may do: its capabilities, the buckets it is limited to (none: any), its name prefix."""

    capabilities: tuple[str, ...] = tuple(p.ALL_CAPABILITIES)
    buckets: tuple[AllowedBucketRef, ...] = ()
    name_prefix: str | None = None

    @classmethod
    def from_allowed(cls, allowed: Allowed) -> KeyRestrictions:
        buckets = allowed.get("buckets") or []
        return cls(
            capabilities=tuple(allowed.get("capabilities") or ()),
            buckets=tuple(AllowedBucketRef(bucket["id"], bucket.get("name")) for bucket in buckets),
            name_prefix=allowed.get("namePrefix"),
        )

    @property
    def bucket_names(self) -> list[str]:
        """The names of the buckets the key is limited to (as text, for messages)."""
        return [str(bucket.name) for bucket in self.buckets]

    def refuses_bucket(self, *, name: str | None = None, id_: str | None = None) -> bool:
        """Whether the key is limited to buckets other than the one with this name (or id)."""
        if not self.buckets:
            return False
        if name is not None:
            return all(bucket.name != name for bucket in self.buckets)
        return all(bucket.id_ != id_ for bucket in self.buckets)

    def describe(self) -> str:
        """The restrictions in words (``with capabilities ..., restricted to buckets [...]``)."""
        notes = []
        if set(self.capabilities) != set(p.ALL_CAPABILITIES):
            notes.append("with capabilities " + ",".join(self.capabilities))
        if self.buckets:
            notes.append(f"restricted to buckets {[bucket.name for bucket in self.buckets]}")
        if self.name_prefix is not None:
            notes.append(f"restricted to files starting with {self.name_prefix!r}")
        return ", ".join(notes) or "with no restrictions"
