"""The HTTP API: a Litestar app built from the container."""
