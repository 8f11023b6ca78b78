"""The transaction processor: validates payments, records each once, starts their approval."""
