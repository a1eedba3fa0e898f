"""Swagger UI at /schema from the ``swagger-ui-bundle-v2`` wheel: no CDN, no inline script.

Litestar's own Swagger plugin loads the bundle from jsdelivr (a blank page offline) and boots
it with an inline script (so the page needed ``'unsafe-inline'``). This one serves the bundle's
files from the installed package and boots from a small script of ours that fetches
``/schema/openapi.json``, so the docs run under ``script-src 'self'``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.params import FromPath
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/swagger-ui"
"""Where the bundle's files are served, under the OpenAPI path (/schema)."""

_BOOT_JS = b"""\
// Boots Swagger UI from the schema this server publishes (kept out of the page for the CSP).
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({
    url: document.body.dataset.schemaUrl,
    dom_id: "#swagger-container",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
  });
});
"""

# Only these names are served: a fixed table, so no request path ever reaches the file system.
_FILES: dict[str, tuple[str, str]] = {
    "swagger-ui.css": ("swagger-ui.css", "text/css; charset=utf-8"),
    "swagger-ui-bundle.js": ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    "swagger-ui-standalone-preset.js": ("swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8"),
    "favicon-32x32.png": ("favicon-32x32.png", "image/png"),
}


def _asset_bytes(name: str) -> tuple[bytes, str]:
    if name == "boot.js":
        return _BOOT_JS, "text/javascript; charset=utf-8"
    if name not in _FILES:
        raise NotFoundException(f"No docs asset {name!r}")
    file_name, media_type = _FILES[name]
    return (Path(str(swagger_ui_path)) / file_name).read_bytes(), media_type


def swagger_asset(name: FromPath[str]) -> Response[bytes]:
    body, media_type = _asset_bytes(name)
    # The bundle's version is in the package pin; a day's caching keeps reloads fast.
    return Response(body, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})


class LocalSwaggerRenderPlugin(OpenAPIRenderPlugin):
    """Swagger UI whose page, scripts and styles all come from this server."""

    def __init__(self, *, path: str = "/", **kwargs: Any) -> None:
        super().__init__(path=path, **kwargs)

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        base = self.get_openapi_json_route(request).rsplit("/", 1)[0]
        assets = f"{base}{ASSETS}"
        title = html.escape(str(openapi_schema["info"]["title"]))
        schema_url = html.escape(self.get_openapi_json_route(request), quote=True)
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: API</title>
<link rel="icon" href="{assets}/favicon-32x32.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<script src="{assets}/swagger-ui-bundle.js" defer></script>
<script src="{assets}/swagger-ui-standalone-preset.js" defer></script>
<script src="{assets}/boot.js" defer></script>
</head>
<body data-schema-url="{schema_url}">
<div id="swagger-container"></div>
</body>
</html>
""".encode()

    def receive_router(self, router: Router) -> None:
        # A fresh handler per app: Litestar binds a handler to the router that registers it.
        router.register(get(f"{ASSETS}/{{name:str}}", include_in_schema=False, sync_to_thread=False)(swagger_asset))
