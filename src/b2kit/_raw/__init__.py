"""Layer 3, raw API: B2RawApi, one stateless method per B2 endpoint (b2sdk's names), wire + transport."""
