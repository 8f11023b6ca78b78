"""Secrets Manager rotation function for the platform's secrets."""
