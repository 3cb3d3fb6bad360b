"""The state layer: the only code of the server that speaks SQL. It returns typed records (``_records``).

``State`` (one per data dir) opens transactions; a ``Tx`` offers one typed table per stored concept
(``buckets``, ``files``, ``parts``, ``keys``, ``tokens``, ``notification_rules``). The B2 rules that decide
what may be stored live with the endpoints and in the rule modules of ``b2kit.server``; this package only
stores and finds.
"""

from b2kit.server._state._account import Account
from b2kit.server._state._records import (
    AES256,
    HIDE,
    SSE_B2,
    SSE_C,
    START,
    UPLOAD,
    Bucket,
    Encryption,
    FileLock,
    FileVersion,
    Key,
    NewVersion,
    Part,
    Retention,
    Segment,
    Token,
    VersionKey,
)
from b2kit.server._state._state import State, Tx

__all__ = [
    "AES256",
    "HIDE",
    "SSE_B2",
    "SSE_C",
    "START",
    "UPLOAD",
    "Account",
    "Bucket",
    "Encryption",
    "FileLock",
    "FileVersion",
    "Key",
    "NewVersion",
    "Part",
    "Retention",
    "Segment",
    "State",
    "Token",
    "Tx",
    "VersionKey",
]
