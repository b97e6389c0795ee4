"""The read-only JSON API for published data, described by OpenAPI (flask-smorest)."""
