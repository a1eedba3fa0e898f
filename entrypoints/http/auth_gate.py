"""What an unauthenticated sign-up or log-in must get past before any password is hashed.

Each attempt costs an argon2 hash, and a registration's 409 says an email has an account,
so both doors are limited the same two ways (issue 15):

- per email and client address (``LOGIN_RATE_LIMIT``): guessing one account's password, or
  probing whether an email is registered, is as slow through ``/register`` as through ``/login``;
- per client address, whatever the email (``AUTH_CLIENT_RATE_LIMIT``): one client cannot
  spread its attempts over many emails.

The work itself is bounded for everyone together by the password hasher (a few hashes at a
time off the event loop, a short queue, then 429). The client address is the connection's
peer, or what a proxy in ``TRUSTED_PROXIES`` says it is (uvicorn rewrites it; see ``serve``).

The limiters are the composition root's choice: in memory on SQLite, in the database on
PostgreSQL, where every replica counts in the same rows (``application/rate_limits.py``).
"""

from __future__ import annotations

from application.rate_limits import RateLimiter


class AuthGate:
    def __init__(self, per_email: RateLimiter, per_client: RateLimiter) -> None:
        self.per_email = per_email
        self.per_client = per_client

    async def attempt(self, email: str, client: str) -> None:
        """Count one attempt, or raise ``RateLimited`` (then nothing more is counted)."""
        await self.per_client.hit(client)
        await self.per_email.hit((email.strip().lower(), client))

    async def hit(self, key: tuple[str, str]) -> None:
        """``attempt`` under the limiter's name, for callers that pass ``(email, client)``."""
        await self.attempt(*key)

    async def reset(self, key: tuple[str, str]) -> None:
        await self.per_email.reset(key)
