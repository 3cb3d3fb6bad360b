"""The local B2 server: B2's native API over HTTP, SQLite metadata, file bytes on disk."""
