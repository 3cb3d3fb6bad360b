"""b2kit for asyncio: :class:`AsyncB2Api`, :class:`AsyncBucket`, :class:`AsyncDownloadedFile`.

The whole SDK for async applications, native asyncio down to the sockets (aiohttp), with the sync client's
account info, models, options objects, exceptions, part planner and retry policy. Needs the ``aio`` extra:
``pip install 'b2kit[aio]'``.
"""

from __future__ import annotations

from b2kit.aio._api import AsyncB2Api
from b2kit.aio._bucket import AsyncBucket
from b2kit.aio._download import AsyncDownloadedFile

__all__ = ["AsyncB2Api", "AsyncBucket", "AsyncDownloadedFile"]
