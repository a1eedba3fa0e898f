"""``/api/auth``: built-in accounts (register, log in) that answer with a bearer token."""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from application.use_cases.accounts import AccountUseCases
from entrypoints.http.docs import errors
from entrypoints.http.rate_limit import RateLimiter
from entrypoints.http.schemas import LoginRequest, RegisterRequest, SessionOut, session_out

Accounts = NamedDependency[AccountUseCases]
Limiter = NamedDependency[RateLimiter]


class AuthController(Controller):
    path = "/api/auth"
    tags = ("auth",)

    @post(
        "/register", status_code=201, responses=errors(400, 409, 413, 500, 503), summary="Create an account"
    )
    async def register(self, data: JSONBody[RegisterRequest], accounts: Accounts) -> SessionOut:
        """Creates an account and returns a token for it (``expires_at`` says until when)."""
        return session_out(await accounts.register(data.email, data.password, data.name))

    @post("/login", status_code=200, responses=errors(400, 401, 413, 429, 500, 503), summary="Log in")
    async def login(
        self,
        request: Request,  # type: ignore[type-arg]
        data: JSONBody[LoginRequest],
        accounts: Accounts,
        login_limiter: Limiter,
    ) -> SessionOut:
        """A wrong password and an unknown email get the same 401.

        Attempts are limited per email and client address (429 with Retry-After).
        """
        client = request.client.host if request.client else "-"
        login_limiter.hit((data.email.strip().lower(), client))
        return session_out(await accounts.login(data.email, data.password))
