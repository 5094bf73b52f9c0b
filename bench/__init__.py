"""The performance bench of the public contact form and of the outbox worker (see README.md)."""
