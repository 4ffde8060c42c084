"""The opt-out suppression register and list screening (the triple check)."""
