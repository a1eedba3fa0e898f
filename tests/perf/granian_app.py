"""The app as a module-level object for granian (``granian --interface asgi tests.perf.granian_app:app``),
built in each worker as uvicorn builds it from ``entrypoints.http.asgi:create``. Benchmarks only."""

from entrypoints.http.asgi import create

app = create()
