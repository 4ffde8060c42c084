"""Letters issued to requesters."""
