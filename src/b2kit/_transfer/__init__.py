"""Layer 5, transfers: uploads, downloads and copies (part planning, parallel parts, digests, progress).

The managers depend on the session only through the protocol in :mod:`._session_contract`.
"""
