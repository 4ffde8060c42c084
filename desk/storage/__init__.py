"""Encrypted document store."""
