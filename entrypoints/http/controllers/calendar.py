"""The calendar feed: its key (``/api/{user_id}/calendar/key``, bearer auth) and the feed itself
(``/api/{user_id}/calendar.ics?key=...``, no bearer: the key is the credential)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from litestar import Controller, Request, Response, delete, get, head, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, QueryParameter
from msgspec import Struct

from adapters.calendar.ics import FeedRenderer
from application.rate_limits import RateLimiter
from application.use_cases.calendar import CalendarUseCases
from entrypoints.http.controllers.auth import client_of
from entrypoints.http.docs import PROTECTED, errors

Calendar = NamedDependency[CalendarUseCases]
Renderer = NamedDependency[FeedRenderer]
Limiter = NamedDependency[RateLimiter]
BaseUrl = NamedDependency[str]
UserId = FromPath[str]
FeedKey = Annotated[str | None, QueryParameter(description="The key from POST /api/{user_id}/calendar/key.")]

ICS_MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to text types
# Calendar apps poll (Google every few hours, Apple and Thunderbird as set, often 15 min to 1 h):
# private (the URL holds a secret: no shared cache keeps it), fresh for 15 minutes, then the
# ETag makes a revalidation a 304 without a body.
FEED_CACHE_CONTROL = "private, max-age=900"

FEED_404 = "NOT_FOUND: no feed for this user and key (a wrong or missing key, a feed turned off and an " \
    "unknown user all get this one answer)"


class CalendarKeyOut(Struct, kw_only=True):
    """The new key, shown this once: only its SHA-256 digest is stored."""

    key: str
    url: str
    webcal_url: str
    created_at: datetime


class CalendarKeyStatus(Struct, kw_only=True):
    """Whether the feed is on (the key itself is never shown again)."""

    active: bool
    created_at: datetime | None = None


def feed_url(base_url: str, user_id: str, key: str) -> str:
    return f"{base_url}/api/{quote(user_id, safe='')}/calendar.ics?key={quote(key, safe='')}"


def webcal(url: str) -> str:
    """The same URL as ``webcal://``, which opens the subscription dialog of a calendar app."""
    return "webcal://" + url.split("://", 1)[1]


class CalendarKeyController(Controller):
    path = "/calendar/key"
    tags = ("calendar",)

    @post("/", status_code=201, responses=errors(*PROTECTED), summary="Create or rotate the calendar feed key")
    async def create_key(self, user_id: UserId, calendar: Calendar, public_base_url: BaseUrl) -> CalendarKeyOut:
        """A new secret key for the feed, with the URL to subscribe to. Any earlier key stops
        working at once. The key is shown only in this answer."""
        made = await calendar.create_key(user_id)
        url = feed_url(public_base_url, user_id, made.key)
        return CalendarKeyOut(key=made.key, url=url, webcal_url=webcal(url), created_at=made.created_at)

    @get("/", responses=errors(*PROTECTED), summary="Whether the calendar feed is on")
    async def key_status(self, user_id: UserId, calendar: Calendar) -> CalendarKeyStatus:
        current = await calendar.current_key(user_id)
        if current is None:
            return CalendarKeyStatus(active=False)
        return CalendarKeyStatus(active=True, created_at=current.created_at)

    @delete("/", responses=errors(*PROTECTED), summary="Turn the calendar feed off")
    async def delete_key(self, user_id: UserId, calendar: Calendar) -> None:
        """The key stops working at once; answering 204 whether or not a feed was on."""
        await calendar.delete_key(user_id)


class CalendarFeedController(Controller):
    """Outside the bearer guard: a calendar app sends no token, only the URL's key."""

    path = "/calendar.ics"
    tags = ("calendar",)

    @get(
        "/",
        media_type=ICS_MEDIA_TYPE,
        responses={
            **errors(400, 404, 429, 500, 503, described={404: FEED_404}),
            304: ResponseSpec(data_container=None, description="Not modified: If-None-Match holds the feed's ETag"),
        },
        summary="The calendar feed (iCalendar)",
        security=[],
    )
    async def feed(
        self,
        request: Request[Any, Any, Any],
        user_id: UserId,
        calendar: Calendar,
        calendar_limiter: Limiter,
        calendar_renderer: Renderer,
        public_base_url: BaseUrl,
        key: FeedKey = None,
    ) -> Response[bytes]:
        """Pending tasks with a due date as all-day events (RFC 5545), repeating ones with their
        RRULE. Subscribe to it from Google Calendar, Apple Calendar or Thunderbird.
        ``If-None-Match`` with the last ETag answers 304 while nothing changed."""
        status, headers, body = await _feed(
            request, user_id, key, calendar, calendar_limiter, calendar_renderer, public_base_url
        )
        return Response(body, status_code=status, headers=headers, media_type=ICS_MEDIA_TYPE)

    @head("/", media_type=ICS_MEDIA_TYPE, include_in_schema=False, security=[])
    async def feed_head(
        self,
        request: Request[Any, Any, Any],
        user_id: UserId,
        calendar: Calendar,
        calendar_limiter: Limiter,
        calendar_renderer: Renderer,
        public_base_url: BaseUrl,
        key: FeedKey = None,
    ) -> Response[None]:
        """The feed's headers only (some calendar apps and validators ask with HEAD first)."""
        status, headers, body = await _feed(
            request, user_id, key, calendar, calendar_limiter, calendar_renderer, public_base_url
        )
        if body:
            headers["Content-Length"] = str(len(body))
        return Response(None, status_code=status, headers=headers, media_type=ICS_MEDIA_TYPE)


async def _feed(
    request: Request[Any, Any, Any],
    user_id: str,
    key: str | None,
    calendar: CalendarUseCases,
    limiter: RateLimiter,
    renderer: FeedRenderer,
    base_url: str,
) -> tuple[int, dict[str, str], bytes]:
    # Counted per user and client: a stranger hammering one user's feed uses up only their own
    # allowance, and a calendar service fetching for many users is counted per user.
    await limiter.hit((user_id, client_of(request)))
    tasks = await calendar.feed(user_id, key)
    host = urlsplit(base_url).hostname or "todo-chat"
    fingerprint = renderer.fingerprint(tasks, user_id=user_id, host=host)
    etag = f'"{fingerprint}"'
    headers = {"ETag": etag, "Cache-Control": FEED_CACHE_CONTROL}
    if etag in _etags(request.headers.get("if-none-match")):
        return 304, headers, b""
    body = await renderer.render(tasks, user_id=user_id, host=host, fingerprint=fingerprint)
    headers["Content-Disposition"] = 'inline; filename="tasks.ics"'
    return 200, headers, body


def _etags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}
