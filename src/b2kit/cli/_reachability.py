"""Why the CLI cannot reach its B2 server, said in one line a user can act on.

A refused connection means nothing listens at the realm (the server is stopped, or restarted on another
port): retrying only makes the user wait, so the CLI's retry policy gives up at once. A stored key that the
server no longer knows (a wiped local server) gets its own message instead of a bare 401.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from b2kit import B2Api, InMemoryAccountInfo, RetryPolicy, Unauthorized

REALM_NAMES = frozenset({"production", "staging", "dev"})


def connection_refused(error: BaseException) -> bool:
    """True when ``error`` was caused, somewhere down its chain, by a refused TCP connection."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ConnectionRefusedError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


@dataclass(frozen=True)
class CliRetryPolicy(RetryPolicy):
    """The SDK's retries, except for refused connections: nobody is listening, so fail at once."""

    def is_retryable(self, error: BaseException) -> bool:
        return not connection_refused(error) and super().is_retryable(error)


CLI_RETRY_POLICY = CliRetryPolicy()


def realm_url(realm: str) -> str:
    """A realm as typed, ``http://`` added to a bare ``host:port`` (urllib3 warns on scheme-less URLs)."""
    if realm in REALM_NAMES or "://" in realm:
        return realm
    return f"http://{realm}"


def unreachable_message(realm: str, typed: bool) -> str:
    """What to say when nothing answers at ``realm``."""
    message = f"no B2 server answers at {realm}; is it running?"
    if typed:
        return message
    return f"{message} if it moved, run b2kit account authorize again"


def key_rejected(realm: str, key_id: str, key: str) -> bool:
    """True when the server at ``realm`` refuses to authorize this key (it does not know it any more)."""
    api = B2Api(InMemoryAccountInfo(), retry_policy=CLI_RETRY_POLICY)
    try:
        api.authorize_account(realm, key_id, key)
    except Unauthorized:
        return True
    except Exception:
        return False
    finally:
        api.close()
    return False


def rejected_key_message(realm: str, key_id: str, source: str) -> str:
    """What to say when the server at ``realm`` no longer accepts a key the user did not type now."""
    return (
        f"the B2 server at {realm} does not accept the {source} key {key_id} (was it wiped, or restarted "
        f"with other keys?); run b2kit account authorize again"
    )


def explainer(
    realm: str, typed: bool, key: tuple[str, str, str] | None
) -> Callable[[BaseException], str | None]:
    """A function that turns a command's failure into the messages above, or None for other failures.

    ``key`` is (key id, secret, where it came from) of a key the user did not type in this command.
    """

    def explain(error: BaseException) -> str | None:
        if connection_refused(error):
            return unreachable_message(realm, typed)
        if key is not None and isinstance(error, Unauthorized) and key_rejected(realm, key[0], key[1]):
            return rejected_key_message(realm, key[0], key[2])
        return None

    return explain
