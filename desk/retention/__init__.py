"""Retention schedule, legal holds, disposal and the disposal record."""
