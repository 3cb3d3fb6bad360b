"""Layer 4, session: fills in URLs and tokens, re-authorizes on expiry, pools upload URLs."""
