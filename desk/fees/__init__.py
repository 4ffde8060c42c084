"""Fee rules, payments and lapse."""
