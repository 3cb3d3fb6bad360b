"""Where the SDK keeps what ``b2_authorize_account`` returned: in memory or in a private SQLite file."""

from b2kit._account_info._abstract import AbstractAccountInfo, Allowed, AllowedBucket
from b2kit._account_info._in_memory import InMemoryAccountInfo
from b2kit._account_info._sqlite import SqliteAccountInfo, default_account_info_path
from b2kit._account_info._upload_url_pool import UploadUrlPool

__all__ = [
    "AbstractAccountInfo",
    "Allowed",
    "AllowedBucket",
    "InMemoryAccountInfo",
    "SqliteAccountInfo",
    "UploadUrlPool",
    "default_account_info_path",
]
