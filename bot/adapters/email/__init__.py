"""E-mail out: the SMTP sender of the outbox's "email" rows, and the connection check."""
