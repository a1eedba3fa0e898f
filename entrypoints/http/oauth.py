"""The authorization server's routes in the Litestar app: the SDK endpoints and the consent page.

``/.well-known/oauth-authorization-server``, ``/authorize``, ``/token``, ``/register`` and
``/revoke`` are the ``mcp`` SDK's handlers (``adapters/security/oauth_endpoints.py``),
mounted as exact ASGI routes like ``/mcp``. ``/oauth/consent`` is ours: the person signs
in with their todo-chat account and allows (or narrows, or denies) what the client asked.

A wrong password or too many attempts shows the form again, with the reason, as a 200: it
is a page for a person (error statuses are rewritten to the JSON error body by the edge).
An invalid or expired sign-in request is a 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import parse_qs

from litestar import Request, Response, get, post
from litestar.handlers import ASGIRouteHandler, HTTPRouteHandler, asgi
from litestar.params import QueryParameter
from litestar.types import Receive, Scope, Send

from adapters.security.oauth_endpoints import oauth_endpoints
from adapters.security.oauth_provider import BuiltinAuthorizationServer, PendingAuthorization, PendingRequestInvalid
from application.errors import RateLimited, Unauthorized
from application.use_cases.accounts import AccountUseCases
from entrypoints.http.oauth_page import consent_csp, consent_page, failure_page
from entrypoints.http.rate_limit import RateLimiter

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


def oauth_route_handlers(
    provider: BuiltinAuthorizationServer,
    accounts: Callable[[], AccountUseCases],
    limiter: Callable[[], RateLimiter],
) -> list[ASGIRouteHandler | HTTPRouteHandler]:
    handlers: list[ASGIRouteHandler | HTTPRouteHandler] = []
    for path, app in oauth_endpoints(provider).apps.items():
        handlers.append(_mounted(path, app))

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
            limiter().hit((email.strip().lower(), client))
            session = await accounts().login(email, field("password"))
        except RateLimited as exc:
            page = consent_page(pending, signed, email=email, error=f"Too many attempts; wait {exc.retry_after} s.")
            return _html(page, 200, pending)
        except Unauthorized:
            page = consent_page(pending, signed, email=email, error="Wrong email or password.")
            return _html(page, 200, pending)
        granted = tuple(form.get("scope") or [])
        return _redirect(await provider.approve(pending, session.user_id, granted), pending)

    handlers += [show_consent, answer_consent]
    return handlers


def _mounted(path: str, app: Any) -> ASGIRouteHandler:
    async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        await app(scope, receive, send)

    return asgi(path, copy_scope=True, name="oauth" + path.replace("/", "-").replace(".", ""))(endpoint)
