# todo-chat: one image for the server, migrations and the MCP stdio server.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY domain domain
COPY application application
COPY adapters adapters
COPY entrypoints entrypoints
COPY migrations migrations
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 todo
COPY --from=build /install /usr/local
WORKDIR /data
RUN chown todo /data
USER todo
# The SQLite default (./todo-chat.db and its .secret) lives here: a volume keeps it across
# container restarts and image upgrades (`docker run -v todo-data:/data ...`).
VOLUME ["/data"]
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status == 200 else 1)"
# Replicas run with --no-migrate; a one-off `todo-chat migrate` (compose service / k8s Job) applies migrations.
CMD ["todo-chat", "serve", "--host", "0.0.0.0", "--port", "8000"]
