"""``/api/auth``: built-in accounts (register, log in) that answer with a bearer token."""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from application.use_cases.accounts import AccountUseCases
from entrypoints.http.auth_gate import AuthGate
from entrypoints.http.docs import LOGIN_401, errors
from entrypoints.http.schemas import LoginRequest, RegisterRequest, SessionOut, session_out

Accounts = NamedDependency[AccountUseCases]
Gate = NamedDependency[AuthGate]


def client_of(request: Request) -> str:  # type: ignore[type-arg]
    return request.client.host if request.client else "-"


class AuthController(Controller):
    path = "/api/auth"
    tags = ("auth",)

    @post(
        "/register", status_code=201, responses=errors(400, 409, 413, 429, 500, 503), summary="Create an account"
    )
    async def register(
        self,
        request: Request,  # type: ignore[type-arg]
        data: JSONBody[RegisterRequest],
        accounts: Accounts,
        auth_gate: Gate,
    ) -> SessionOut:
        """Creates an account and returns a token for it (``expires_at`` says until when).

        Limited like log-in, per email and client address and per client address (429 with
        Retry-After): the 409 for a taken email must not be a fast way to test addresses.
        """
        await auth_gate.attempt(data.email, client_of(request))
        return session_out(await accounts.register(data.email, data.password, data.name))

    @post(
        "/login",
        status_code=200,
        responses=errors(400, 401, 413, 429, 500, 503, described={401: LOGIN_401}),
        summary="Log in",
    )
    async def login(
        self,
        request: Request,  # type: ignore[type-arg]
        data: JSONBody[LoginRequest],
        accounts: Accounts,
        auth_gate: Gate,
    ) -> SessionOut:
        """A wrong password and an unknown email get the same 401.

        Attempts are limited per email and client address, and per client address
        (429 with Retry-After).
        """
        await auth_gate.attempt(data.email, client_of(request))
        return session_out(await accounts.login(data.email, data.password))
