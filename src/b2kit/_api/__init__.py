"""Layer 6, SDK: B2Api and Bucket, the objects users hold (b2sdk's interface)."""
