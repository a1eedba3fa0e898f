"""Hand-written training sentences (adapters/llm/offline/written.py): the markup, the files, and
their place in training."""

from __future__ import annotations

import random

import pytest

from adapters.llm.offline import written
from adapters.llm.offline.corpus import Example, generate
from adapters.llm.offline.train import example_tokens, train


def tags_of(example: Example) -> list[tuple[str, str]]:
    return [(t.norm, g) for _, tokens, tags in example_tokens(example) for t, g in zip(tokens, tags, strict=True)]


def test_markup_reads_tags_intents_and_joiners() -> None:
    example = written.parse("add: pls add [T Call Nina] [D by fri] || complete: [S and] tick off [R task 4]")
    assert [intent for intent, _ in example.clauses] == ["add", "complete"]
    assert tags_of(example) == [
        ("please", "C"), ("add", "C"), ("call", "T"), ("nina", "T"), ("by", "D"), ("friday", "D"),
        ("and", "S"), ("tick", "C"), ("off", "C"), ("task", "R"), ("4", "R"),
    ]


def test_titles_keep_the_typed_capitals() -> None:
    (segments,) = [s for _, s in written.parse("add: remind me to [T email Dr. Okafor re: Q3]").clauses]
    assert ("email Dr. Okafor re: Q3", "T") in segments


@pytest.mark.parametrize(("line", "reason"), [
    ("add [T milk]", "intent"),
    ("shout: [T milk]", "intent"),
    ("add: [Q milk]", "unknown tag"),
    ("add: [T milk", "unbalanced"),
    ("add: [S and] [T milk]", "joining words"),
    ("add: [T milk] ||", "intent"),
])
def test_bad_markup_says_what_is_wrong(line: str, reason: str) -> None:
    with pytest.raises(written.MarkupError, match=reason):
        written.parse(line)


def test_render_is_the_inverse_of_parse_on_generated_examples() -> None:
    for example in generate(400, 11):
        assert tags_of(written.parse(written.render(example))) == tags_of(example)


def test_every_shipped_file_is_valid_and_varied() -> None:
    examples = written.load()
    assert len(examples) > 3000
    texts = {written.render(e) for e in examples}
    assert len(texts) > 0.95 * len(examples)  # hardly any line twice
    intents = {intent for e in examples for intent, _ in e.clauses}
    assert intents == written.INTENTS


def test_check_command_reports_a_bad_file(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("# a comment\nadd: [T buy milk]\n\ncount: how many are left\n")
    bad.write_text("add: [T buy milk]\nadd: [T milk\n")
    assert written.main(["check", str(good)]) == 0
    assert "2 examples ok" in capsys.readouterr().out
    assert written.main(["check", str(bad)]) == 1
    assert "bad.txt:2" in capsys.readouterr().err


def test_written_sentences_change_the_weights_only_when_asked_for() -> None:
    without = train(size=200, epochs=1, log=False, written_copies=0)
    with_them = train(size=200, epochs=1, log=False, written_copies=1)
    assert "written" not in without and with_them["written"] == len(written.load())
    assert with_them["tagger"] != without["tagger"]
    # The command vocabulary stays the templates': asides people write must stay unexplained.
    assert with_them["known"] == without["known"]


def test_noisy_copies_keep_the_tags() -> None:
    from adapters.llm.offline.corpus import noisy

    example = written.parse("update: move [R the dentist] to [D next tues] and make it [P urgent]")
    copy = noisy(random.Random(3), example)
    assert [g for _, g in tags_of(copy)] == [g for _, g in tags_of(example)]
