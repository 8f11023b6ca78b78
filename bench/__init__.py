"""``make bench``: speed measurements, written to ``build/bench.json``."""
