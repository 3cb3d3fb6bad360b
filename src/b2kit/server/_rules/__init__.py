"""The B2 rules of the server, as pure functions over request values and state records: names, file info
and content types, bucket settings, capabilities and key restrictions, encryption, Object Lock, parts,
checksums, ranges, download overrides, notification rules. No request objects, no SQL, no I/O."""
