"""Notification fan-out: one decision notification into one request per customer channel."""
