"""Layer 2, wire (sans-IO): how each B2 call becomes method, URL, headers and body, and how answers parse.

Pure functions and values only; no sockets, threads or clocks, so any transport (sync or asyncio) can
execute the same descriptions.
"""
