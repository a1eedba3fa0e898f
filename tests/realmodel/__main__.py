"""``python -m tests.realmodel``: the phrasing set against a real model; prints the counts."""

from __future__ import annotations

import argparse
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
    parser.add_argument("--only", help="run the conversations whose name contains this")
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("give --url or set REAL_MODEL_URL")
    chosen = [c for c in CONVERSATIONS if not args.only or args.only in c.name]
    report = run(args.url, args.model, api_key=os.environ.get("REAL_MODEL_KEY", "unused"),
                 conversations=chosen, show=show)
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
