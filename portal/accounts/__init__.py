"""Sign-in, roles and users."""
