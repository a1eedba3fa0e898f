"""``python -m tests.realmodel``: the phrasing set against a real model; prints the counts."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys

from tests.realmodel.phrasings import CONVERSATIONS
from tests.realmodel.runner import TurnOutcome, run


def show(turn: TurnOutcome) -> None:
    mark = "ok   " if turn.right else "WRONG"
    claimed = f" CLAIMED-NOT-DONE {sorted(turn.claimed_not_done)}" if turn.claimed_not_done else ""
    reply = " ".join(turn.reply.split())[:110]
    print(f"{mark} {turn.seconds:5.1f}s [{turn.conversation}] {turn.message!r} -> tools {turn.tools}{claimed}\n"
          f"      reply: {reply}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.realmodel", description=__doc__)
    parser.add_argument("--url", default=os.environ.get("REAL_MODEL_URL"),
                        help="OpenAI-compatible base URL (REAL_MODEL_URL), e.g. http://127.0.0.1:8091/v1")
    parser.add_argument("--model", default=os.environ.get("REAL_MODEL_NAME", "qwen2.5-coder-1.5b"))
    parser.add_argument("--only", help="run the conversations whose name contains this (several: a,b)")
    parser.add_argument("--json", help="also write every turn (full replies) to this file")
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("give --url or set REAL_MODEL_URL")
    wanted = [part.strip() for part in (args.only or "").split(",") if part.strip()]
    chosen = ([c for part in wanted for c in CONVERSATIONS if part in c.name] if wanted else list(CONVERSATIONS))
    report = run(args.url, args.model, api_key=os.environ.get("REAL_MODEL_KEY", "unused"),
                 conversations=chosen, show=show)
    print(report.summary())
    if args.json:
        turns = [dataclasses.asdict(t) | {"claimed_not_done": sorted(t.claimed_not_done)} for t in report.turns]
        with open(args.json, "w") as out:
            json.dump({"model": report.model, "summary": report.summary(), "turns": turns}, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
