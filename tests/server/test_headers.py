"""IndexedHeaders: the lookups of email.message.Message, answered from an index."""

from __future__ import annotations

import http.client
import io

from b2kit.server._http._headers import IndexedHeaders

RAW = b"Host: h\r\nX-Bz-Info-a: 1\r\nx-bz-info-A: 2\r\nContent-Length: 5\r\n\r\n"


def parsed(cls):
    return http.client.parse_headers(io.BytesIO(RAW), _class=cls)


def test_lookups_match_the_standard_message_whatever_the_case():
    fast, slow = parsed(IndexedHeaders), parsed(http.client.HTTPMessage)
    for name in ("host", "HOST", "X-Bz-Info-A", "content-length", "missing"):
        assert fast.get(name) == slow.get(name)
        assert fast[name] == slow[name]
    assert fast.get("missing", "default") == "default"
    assert list(fast) == list(slow)


def test_a_changed_header_is_seen():
    headers = parsed(IndexedHeaders)
    assert headers["Host"] == "h"
    del headers["Host"]
    headers["host"] = "other"
    assert headers.get("HOST") == "other"
