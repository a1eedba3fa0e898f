"""The calendar feed through the HTTP app: its key (bearer) and the feed (the key only)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from icalendar import Calendar

from entrypoints.config import Settings
from tests.integration.http.conftest import ALICE, BOB, Api, error_of, make_settings

KEY = f"/api/{ALICE}/calendar/key"
FEED = f"/api/{ALICE}/calendar.ics"


async def new_key(api: Api, user: str = ALICE) -> dict[str, Any]:
    response = await api.post(f"/api/{user}/calendar/key", user)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def feed(api: Api, key: str | None, user: str = ALICE, **kwargs: Any) -> Any:
    params = {} if key is None else {"key": key}
    return await api.get(f"/api/{user}/calendar.ics", user=None, params=params, **kwargs)


async def test_a_key_opens_the_feed_without_a_bearer_token(api: Api) -> None:
    await api.add_task(title="Water the plants", due_date="2026-03-09", recurrence="FREQ=WEEKLY;BYDAY=MO",
                       labels=["home"], priority="high")
    await api.add_task(title="No date")
    made = await new_key(api)
    assert set(made) == {"key", "url", "webcal_url", "created_at"}
    url = urlsplit(made["url"])
    assert url.path == FEED and parse_qs(url.query) == {"key": [made["key"]]}
    assert made["webcal_url"] == "webcal://" + made["url"].split("://", 1)[1]

    response = await feed(api, made["key"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "private, max-age=900"
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Water the plants"
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert int(event["PRIORITY"]) == 1


async def test_the_feed_url_is_built_from_public_url(tmp_path: Path) -> None:
    from litestar.testing import AsyncTestClient

    from adapters.memory.store import MemoryStore
    from entrypoints.container import build_container
    from entrypoints.http.app import create_app
    from tests.doubles import ScriptedModel
    from tests.integration.http.conftest import auth, configure

    settings: Settings = replace(make_settings(tmp_path), public_url="https://tasks.example.com")
    container = build_container(settings)
    configure(container, MemoryStore(), ScriptedModel([]))
    async with AsyncTestClient(create_app(container)) as client:
        response = await client.post(KEY, headers={**auth(ALICE), "Host": "evil.example.net"})
    assert response.status_code == 201
    assert response.json()["url"].startswith(f"https://tasks.example.com{FEED}?key=")


async def test_rotating_the_key_stops_the_old_one_at_once(api: Api) -> None:
    old = (await new_key(api))["key"]
    assert (await feed(api, old)).status_code == 200
    new = (await new_key(api))["key"]
    gone = await feed(api, old)
    assert gone.status_code == 404
    assert error_of(gone)["code"] == "NOT_FOUND"
    assert (await feed(api, new)).status_code == 200


async def test_wrong_missing_key_unknown_user_and_feed_off_look_the_same(api: Api) -> None:
    key = (await new_key(api))["key"]
    answers = [
        await feed(api, key[:-1] + ("A" if key[-1] != "A" else "B")),
        await feed(api, None),
        await feed(api, key, user="nobody"),
    ]
    await api.delete(KEY)
    answers.append(await feed(api, key))
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1  # one body for all: nothing tells them apart


async def test_another_users_key_cannot_read_this_users_feed(api: Api) -> None:
    await api.add_task(title="alice's secret", due_date="2026-03-09")
    await api.add_task(BOB, title="bob's", due_date="2026-03-09")
    bobs_key = (await new_key(api, BOB))["key"]
    await new_key(api)
    assert (await feed(api, bobs_key, user=ALICE)).status_code == 404
    body = (await feed(api, bobs_key, user=BOB)).content
    assert b"bob's" in body and b"alice" not in body


async def test_the_key_routes_need_the_owners_token(api: Api) -> None:
    assert (await api.post(KEY, user=None)).status_code == 401
    assert (await api.post(KEY, user=BOB)).status_code == 403
    assert (await api.delete(KEY, user=BOB)).status_code == 403


async def test_key_status_says_whether_the_feed_is_on_without_the_key(api: Api) -> None:
    assert (await api.get(KEY)).json() == {"active": False, "created_at": None}
    made = await new_key(api)
    status = (await api.get(KEY)).json()
    assert status["active"] is True and made["key"] not in str(status)
    assert (await api.delete(KEY)).status_code == 204
    assert (await api.get(KEY)).json()["active"] is False


async def test_an_unchanged_feed_revalidates_as_304(api: Api) -> None:
    await api.add_task(title="Call mom", due_date="2026-03-03")
    key = (await new_key(api))["key"]
    first = await feed(api, key)
    etag = first.headers["etag"]
    again = await feed(api, key, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    await api.add_task(title="Another", due_date="2026-03-04")
    changed = await feed(api, key, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


async def test_the_feed_is_rate_limited_per_user_and_client(api: Api) -> None:
    key = (await new_key(api))["key"]
    statuses = [(await feed(api, "wrong")).status_code for _ in range(60)]
    assert set(statuses) == {404}
    limited = await feed(api, key)
    assert limited.status_code == 429
    assert error_of(limited)["code"] == "RATE_LIMITED" and "retry-after" in limited.headers
    bobs = (await new_key(api, BOB))["key"]
    assert (await feed(api, bobs, user=BOB)).status_code == 200  # bob's feed is counted apart


async def test_head_answers_the_feeds_headers_without_a_body(api: Api) -> None:
    await api.add_task(title="Call mom", due_date="2026-03-03")
    key = (await new_key(api))["key"]
    got = await feed(api, key)
    headed = await api.request("HEAD", FEED, user=None, params={"key": key})
    assert headed.status_code == 200 and headed.content == b""
    assert headed.headers["etag"] == got.headers["etag"]
    assert headed.headers["content-length"] == str(len(got.content))
    wrong = await api.request("HEAD", FEED, user=None, params={"key": "wrong"})
    assert wrong.status_code == 404
