"""OpenAPI helpers: the bearer scheme and the documented error responses of each route."""

from __future__ import annotations

from litestar.datastructures import ResponseHeader
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme

from entrypoints.http.schemas import ErrorBody

BEARER = "BearerAuth"
SECURITY: list[dict[str, list[str]]] = [{BEARER: []}]
COMPONENTS = Components(
    security_schemes={
        BEARER: SecurityScheme(
            type="http",
            scheme="bearer",
            bearer_format="JWT",
            description="HS256 JWT signed with BETTER_AUTH_SECRET (or an RS256/ES256/EdDSA token from "
            "JWT_JWKS_URL); the user is `sub`. Get one from /api/auth/login or `todo-chat token USER_ID`.",
        )
    }
)

_DESCRIPTIONS = {
    400: "VALIDATION_ERROR: a field is missing, of the wrong type or out of range (details name it)",
    401: "UNAUTHORIZED: missing, malformed, expired or wrongly signed token",
    403: "FORBIDDEN: the token's user is not the user in the path",
    404: "NOT_FOUND: no such task or conversation for this user",
    409: "CONFLICT: already exists",
    413: "PAYLOAD_TOO_LARGE: the body is larger than MAX_BODY_BYTES",
    429: "RATE_LIMITED: too many requests; see Retry-After",
    500: "INTERNAL_ERROR: details carry the request id that finds the stack trace in the log",
    503: "LLM_UNAVAILABLE or DATABASE_UNAVAILABLE: try again shortly",
}

PROTECTED = (400, 401, 403, 413, 500, 503)
"""What any ``/api/{user_id}`` route can answer besides its own success."""


LOGIN_401 = "UNAUTHORIZED: wrong email or password (an unknown email gets the same answer)"


def errors(*statuses: int, described: dict[int, str] | None = None) -> dict[int, ResponseSpec]:
    """Documented error responses; ``described`` replaces the generic text of some statuses."""
    texts = {**_DESCRIPTIONS, **(described or {})}
    return {
        status: ResponseSpec(data_container=ErrorBody, description=texts[status], generate_examples=False)
        for status in sorted(set(statuses))
    }


TOTAL_COUNT = [
    ResponseHeader(
        name="X-Total-Count", documentation_only=True, description="How many items match, over all pages."
    )
]
