"""Identity and proxy documents."""
