"""Public pages: the notice and the health check."""
