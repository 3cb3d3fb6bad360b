"""What a key may do: its capabilities and its bucket and name-prefix restrictions (protocol §5.2).

``require(principal, capability, bucket_id=..., file_name=...)`` is the one check every endpoint makes; a
refusal is 401 ``unauthorized``. Capability names are the constants of ``b2kit._protocol``.
"""

from __future__ import annotations

from dataclasses import dataclass

from b2kit.server._errors import unauthorized
from b2kit.server._state import Key


@dataclass(frozen=True)
class Principal:
    """The application key behind a token, as far as permissions go."""

    key_id: str
    capabilities: frozenset[str]
    bucket_ids: frozenset[str] | None
    name_prefix: str | None

    @classmethod
    def of(cls, key: Key) -> Principal:
        bucket_ids = None if key.bucket_ids is None else frozenset(key.bucket_ids)
        return cls(key.key_id, frozenset(key.capabilities), bucket_ids, key.name_prefix)

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    def allows_bucket(self, bucket_id: str) -> bool:
        return self.bucket_ids is None or bucket_id in self.bucket_ids

    def allows_name(self, file_name: str) -> bool:
        return self.name_prefix is None or file_name.startswith(self.name_prefix)


def require(
    principal: Principal,
    capability: str | None,
    *,
    bucket_id: str | None = None,
    file_name: str | None = None,
) -> None:
    """401 ``unauthorized`` unless the key has ``capability`` and covers the bucket and file name."""
    if capability is not None and not principal.can(capability):
        raise unauthorized(f"unauthorized: the key lacks the {capability} capability")
    if bucket_id is not None and not principal.allows_bucket(bucket_id):
        raise unauthorized("unauthorized: the key is restricted to another bucket")
    if file_name is not None and not principal.allows_name(file_name):
        raise unauthorized("unauthorized: the file name is outside the key's name prefix")


def list_prefix(principal: Principal, prefix: str, version: str) -> str | None:
    """The prefix a list call may use under the key's name prefix.

    A requested prefix inside the key's prefix is used as is. v1 filters silently: a wider prefix is
    narrowed to the key's, a disjoint one lists nothing (None). v2+ answer 401, except that a non-empty
    prefix the key's prefix starts with (``"public"`` for a key limited to ``"public/"``, which b2sdk's
    ``ls`` sends to probe for a file) is narrowed too.
    """
    key_prefix = principal.name_prefix
    if key_prefix is None or prefix.startswith(key_prefix):
        return prefix
    if key_prefix.startswith(prefix) and (prefix or version == "v1"):
        return key_prefix
    if version == "v1":
        return None
    raise unauthorized("unauthorized: the prefix must start with the key's name prefix")
