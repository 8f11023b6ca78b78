"""Firehose transformation: transaction events into masked JSON lines for the data lake."""
