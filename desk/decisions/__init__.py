"""Decisions per request kind, and the supervisor's approval of them."""
