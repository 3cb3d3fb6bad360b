"""Layer 1, transport: sends HTTP over one urllib3 pool, decodes B2 errors, and retries (RetryPolicy)."""
