"""Public intake: the request form, access codes, the status page, mail-in registration."""
