"""Helpers shared by every function in ``app``."""
