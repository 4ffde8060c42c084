"""Staff administration: accounts, roles, deactivation, password resets."""
