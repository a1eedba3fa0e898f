"""The authorization server's routes in the Litestar app: the SDK endpoints and the consent page.

``/.well-known/oauth-authorization-server``, ``/authorize``, ``/token``, ``/register`` and
``/revoke`` are the ``mcp`` SDK's handlers (``adapters/security/oauth_endpoints.py``),
served on their exact paths ahead of the Litestar app (``CrossOriginRoutes``) with the
protected-resource metadata. ``/oauth/consent`` is ours: the person signs
in with their todo-chat account and allows (or narrows, or denies) what the client asked.

A wrong password or too many attempts shows the form again, with the reason, as a 200: it
is a page for a person (error statuses are rewritten to the JSON error body by the edge).
An invalid or expired sign-in request is a 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Protocol
from urllib.parse import parse_qs

from litestar import Request, Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import QueryParameter
from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.mcp.http import METADATA_PATH as MCP_METADATA_PATH
from adapters.mcp.http import McpHttp
from adapters.security.oauth_endpoints import oauth_endpoints
from adapters.security.oauth_provider import BuiltinAuthorizationServer, PendingAuthorization, PendingRequestInvalid
from application.errors import RateLimited, Unauthorized
from application.use_cases.accounts import AccountUseCases
from entrypoints.http.oauth_page import consent_csp, consent_page, failure_page

MAX_FORM_BYTES = 16 * 1024
HTML = "text/html; charset=utf-8"


def _html(body: str, status: int, pending: PendingAuthorization | None = None) -> Response[str]:
    headers = {"Cache-Control": "no-store"}
    if pending is not None:
        headers["Content-Security-Policy"] = consent_csp(pending)
    return Response(body, status_code=status, media_type=HTML, headers=headers)


def _redirect(url: str, pending: PendingAuthorization) -> Response[str]:
    # 303: the browser follows a POST's answer with a GET, as the client's callback expects.
    return Response(
        "",
        status_code=303,
        headers={"Location": url, "Cache-Control": "no-store", "Content-Security-Policy": consent_csp(pending)},
    )


class AttemptLimiter(Protocol):
    async def hit(self, key: tuple[str, str]) -> None:
        """Count one sign-in attempt by (email, client address), or raise ``RateLimited``."""


def oauth_route_handlers(
    provider: BuiltinAuthorizationServer,
    accounts: Callable[[], AccountUseCases],
    limiter: Callable[[], AttemptLimiter],
) -> list[HTTPRouteHandler]:
    """The consent page's routes (the SDK endpoints are ``cross_origin_routes``)."""

    @get("/oauth/consent", include_in_schema=False, sync_to_thread=False)
    def show_consent(signed: Annotated[str, QueryParameter(name="request")] = "") -> Response[str]:
        try:
            pending = provider.pending(signed)
        except PendingRequestInvalid as exc:
            return _html(failure_page(str(exc)), 400)
        return _html(consent_page(pending, signed), 200, pending)

    @post("/oauth/consent", include_in_schema=False, status_code=303)
    async def answer_consent(request: Request[Any, Any, Any]) -> Response[str]:
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return _html(failure_page("The form is too large."), 413)
        form = parse_qs(body.decode("utf-8", "replace"))

        def field(name: str) -> str:
            return (form.get(name) or [""])[0]

        signed = field("request")
        try:
            pending = provider.pending(signed)
        except PendingRequestInvalid as exc:
            return _html(failure_page(str(exc)), 400)
        if field("action") == "deny":
            return _redirect(provider.deny(pending), pending)
        email = field("email")
        client = request.client.host if request.client else "-"
        try:
            await limiter().hit((email.strip().lower(), client))
            session = await accounts().login(email, field("password"))
        except RateLimited as exc:
            page = consent_page(pending, signed, email=email, error=f"Too many attempts; wait {exc.retry_after} s.")
            return _html(page, 200, pending)
        except Unauthorized:
            page = consent_page(pending, signed, email=email, error="Wrong email or password.")
            return _html(page, 200, pending)
        granted = tuple(form.get("scope") or [])
        return _redirect(await provider.approve(pending, session.user_id, granted), pending)

    return [show_consent, answer_consent]


def cross_origin_routes(mcp: McpHttp, provider: BuiltinAuthorizationServer | None) -> dict[str, ASGIApp]:
    """Exact paths that clients' browser scripts call from any origin: the metadata
    documents, registration, token and revocation (each with the SDK's ``*`` CORS)."""
    routes: dict[str, ASGIApp] = {MCP_METADATA_PATH: mcp.metadata}
    if provider is not None:
        routes.update(oauth_endpoints(provider).apps)
    return routes


class CrossOriginRoutes:
    """Serves ``routes`` ahead of the Litestar app, whose CORS policy (``CORS_ORIGINS``, for
    the REST API) would refuse a preflight from a client's origin before any route ran."""

    def __init__(self, routes: dict[str, ASGIApp], app: ASGIApp) -> None:
        self._routes = routes
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._routes.get(scope["path"]) if scope["type"] == "http" else None
        await (route or self._app)(scope, receive, send)
