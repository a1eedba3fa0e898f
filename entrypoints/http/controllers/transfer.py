"""``/api/{user_id}/export`` and ``/api/{user_id}/import``: everything of a user's, out and back in."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from msgspec import Struct

from application.rate_limits import RateLimiter
from application.todoist import RowsRejected
from application.use_cases.transfer import ExportDocument, TransferUseCases
from domain.errors import InvalidValue
from entrypoints.http.docs import PROTECTED, errors
from entrypoints.http.errors import Problem, error_bytes

Transfer = NamedDependency[TransferUseCases]
Limiter = NamedDependency[RateLimiter]
UserId = FromPath[str]

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_400 = (
    "VALIDATION_ERROR: the document or a row is bad; nothing was imported. `details` lists every bad row "
    "found: `{row, field, message}` (a CSV row is its line, the header being line 1; a document row is its "
    "position in `tasks`, `trash` or `conversations`, and `field` starts with that name)"
)


class ImportCounts(Struct, kw_only=True):
    source: Literal["todo-chat-export", "todoist-csv"]
    tasks: int
    trash: int
    conversations: int
    messages: int
    task_ids: list[int]


class RowProblemOut(Struct, kw_only=True):
    row: int
    field: str
    message: str


class TransferController(Controller):
    tags = ("transfer",)

    @get("/export", responses=errors(*PROTECTED, 429), summary="Export everything (JSON)")
    async def export(self, user_id: UserId, transfer: Transfer, transfer_limiter: Limiter) -> Response[ExportDocument]:
        """Tasks (with labels, recurrence, completion and dates), the trash and the conversations with
        their messages, as one document: `{"format": "todo-chat-export", "version": 1, ...}`.
        POST it to /import (of this or another account) to bring it all back. Exports and imports
        together: 30 an hour per user (429 with Retry-After)."""
        await transfer_limiter.hit(user_id)
        document = await transfer.export(user_id)
        day = document.exported_at.date().isoformat()
        return Response(
            document,
            headers={"Content-Disposition": f'attachment; filename="todo-chat-export-{day}.json"'},
        )

    @post(
        "/import",
        status_code=200,
        request_max_body_size=IMPORT_MAX_BYTES,
        responses=errors(*PROTECTED, 429, described={400: IMPORT_400}),
        summary="Import an export or a Todoist CSV",
    )
    async def import_(
        self,
        request: Request[Any, Any, Any],
        user_id: UserId,
        transfer: Transfer,
        transfer_limiter: Limiter,
        timezone: Annotated[
            str, QueryParameter(max_length=64, description="For a Todoist CSV: the zone of its today.")
        ] = "UTC",
    ) -> Response[Any]:
        """Send an export document as `application/json`, or a Todoist CSV export as `text/csv`
        (at most 5 MB). Every row is checked first; one bad row and nothing is imported (400 naming
        each). Imported tasks get new numbers; everything goes to this user, whatever the document says."""
        await transfer_limiter.hit(user_id)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in {"application/json", "text/csv"}:
            raise InvalidValue(
                "Content-Type", "send application/json (an export of this app) or text/csv (a Todoist export)"
            )
        body = await request.body()
        try:
            if media == "text/csv":
                try:
                    text = body.decode("utf-8")
                except UnicodeDecodeError:
                    raise InvalidValue("body", "a CSV must be UTF-8 text") from None
                result = await transfer.import_todoist(user_id, text, timezone)
            else:
                result = await transfer.import_document(user_id, body)
        except RowsRejected as rejected:
            return _rejected(rejected)
        return Response(
            ImportCounts(
                source=result.source,
                tasks=result.tasks,
                trash=result.trash,
                conversations=result.conversations,
                messages=result.messages,
                task_ids=result.task_ids,
            )
        )


def _rejected(rejected: RowsRejected) -> Response[bytes]:
    problems = [RowProblemOut(row=p.row, field=p.field, message=p.message) for p in rejected.problems]
    first = problems[0]
    message = f"Nothing was imported: {len(problems)} problem(s); row {first.row}, {first.field}: {first.message}"
    body = error_bytes(Problem(400, "VALIDATION_ERROR", message, msgspec.to_builtins(problems)))
    return Response(body, status_code=400, media_type=MediaType.JSON)
