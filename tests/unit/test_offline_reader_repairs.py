"""The reader's second thoughts on the tagger's tags (engine._repair and _clauses), tested on given
tags so that they hold whatever the trained weights read; and date words the resolver reads."""

from __future__ import annotations

from datetime import date

import pytest

from adapters.llm.offline.engine import _clauses, _repair
from adapters.llm.offline.slots import read_date
from adapters.llm.offline.text import normalise_word, tokenize

TODAY = date(2026, 12, 2)


def tags_of(text: str) -> list[str]:
    return text.split()


def repaired(text: str, tags: str) -> str:
    tokens = tokenize(text)
    given = tags.split()
    assert len(given) == len(tokens), [t.raw for t in tokens]
    return " ".join(_repair(text, tokens, given))


def test_a_day_number_the_tagger_left_in_the_title_joins_its_month() -> None:
    assert repaired("add vet appointment 3 July", "C T T T D") == "C T T D D"
    assert repaired("add room 101 tomorrow", "C T T D") == "C T T D"  # "101 tomorrow" is no date of its own


def test_a_title_word_read_into_the_date_goes_back_to_the_title() -> None:
    assert repaired("add fix the squeaky door day after tmrw", "C T T T D D D D") == "C T T T T D D D"
    assert repaired("add call mom on friday", "C T T D D") == "C T T D D"


def test_a_title_word_read_into_the_priority_goes_back_to_the_title() -> None:
    assert repaired("add call the GP surgery asap", "C T T T P P") == "C T T T T P"
    assert repaired("add call mom super important", "C T T P P") == "C T T P P"
    assert repaired("add walk the dog no rush", "C T T T P P") == "C T T T P P"


def test_a_date_left_at_the_end_of_a_title_is_a_date() -> None:
    assert repaired("remind me to buy christmas gifts by christmas eve", "C C C T T T T T T") == "C C C T T T D D D"
    assert repaired("add read dune by frank herbert", "C T T T T T") == "C T T T T T"
    assert repaired("add tea before the outage", "C T T T T") == "C T T T T"


def test_what_comes_after_remind_me_to_is_the_task_whatever_its_verb() -> None:
    assert repaired("remind me tomorrow to move the car", "C C D C C R R") == "C C D C T T T"


def test_the_head_of_a_counted_list_is_no_title() -> None:
    assert repaired("add 2 tasks: renew library card and buy printer ink", "C C C C T T T L T T T") == \
        "C C C C T T T L T T T"
    assert repaired("add repeating task: take out the recycling", "C C C C T T T T") == "C C C C T T T T"


def test_a_preposition_inside_a_title_and_a_trailing_too() -> None:
    assert repaired("add send invoice #1042 to ACME Corp", "C T T T T C T T") == "C T T T T T T T"
    assert repaired("oh and add buy brushes too", "C C C T T T") == "C C C T T C"


def clause_texts(text: str, tags: str) -> list[str]:
    tokens = tokenize(text)
    return [" ".join(t.raw for t in toks) for toks, _ in _clauses(tokens, tags.split())]


def test_two_tasks_each_with_a_priority_are_two_adds() -> None:
    assert clause_texts("add book flights high priority and book hotel low priority", "C T T P P C T T P P") == [
        "add book flights high priority", "book hotel low priority"]


def test_make_starts_a_change_of_its_own_only_when_it_names_a_task() -> None:
    assert clause_texts("delete walk dog and make call mom urgent", "C R R C C R R P") == [
        "delete walk dog", "make call mom urgent"]
    assert clause_texts("add buy milk and make it urgent", "C T T C C C P") == ["add buy milk and make it urgent"]


@pytest.mark.parametrize(("words", "expected"), [
    ("by christmas eve", date(2026, 12, 24)), ("christmas day", date(2026, 12, 25)), ("by xmas", date(2026, 12, 25)),
    ("new year's eve", date(2026, 12, 31)), ("on new years day", date(2027, 1, 1)), ("halloween", date(2027, 10, 31)),
    ("on wensday", date(2026, 12, 9)), ("by thirsday", date(2026, 12, 3)),
])
def test_holidays_and_misspelt_weekdays_are_dates(words: str, expected: date) -> None:
    assert read_date(words, TODAY) == expected


def test_christmas_alone_is_a_title_word() -> None:
    assert read_date("christmas", TODAY) is None
    assert normalise_word("wensday") == "wednesday"


def test_a_join_read_into_a_reference_still_starts_the_next_change() -> None:
    assert clause_texts("complete task 1 and push task 2 to tomorrow", "C R R R C R R C D") == [
        "complete task 1", "push task 2 to tomorrow"]


def test_a_note_added_after_a_task_is_that_tasks_note() -> None:
    text = "add a task to email the landlord, and add a note: photos are in the album"
    tags = "C C C C T T T S S C C C C N N N N N"
    assert clause_texts(text, tags) == ["add a task to email the landlord add a note : photos are in the album"]


def test_a_quote_after_a_note_word_is_the_note() -> None:
    assert repaired("add stretch with the note 'ten minutes, hamstrings first'", "C T C C C C C C C C C C") == \
        "C T C C C C N N N N N C"


def test_after_rename_task_to_the_words_are_the_new_title() -> None:
    assert repaired("rename gym to go to the gym and move it to tomorrow", "C R C C C R R C C C C D") == \
        "C R C X X X X C C C C D"
    assert repaired("call task 1 'Renew passport & visa' instead", "C R R R R R L R R C") == "C R R C X X X X C C"


def test_a_clause_of_its_own_that_starts_with_add_names_a_new_task() -> None:
    from adapters.llm.offline.engine import _added_clause

    tokens = tokenize("now add go to the dentist on march 14")
    assert _added_clause(tokens, tags_of("C C C C R R D D D")) == tags_of("C C T T T T D D D")
    pointer = tokenize("add it to the shopping list")
    assert _added_clause(pointer, tags_of("C R C C B C")) == tags_of("C R C C B C")


@pytest.mark.parametrize("word", ["chance", "charge", "lease", "sending", "mondays", "fridays"])
def test_words_of_their_own_are_not_read_as_a_slip_of_a_command_word(word: str) -> None:
    assert normalise_word(word) == word


def test_a_repeat_without_a_repeat_word_that_reads_as_a_date_is_a_date() -> None:
    assert repaired("add visit the museum on monday", "C T T T E E") == "C T T T D D"
    assert repaired("add water the plants every monday", "C T T T E E") == "C T T T E E"


def test_a_list_name_needs_a_word_for_a_list() -> None:
    assert repaired("add do my physio stretches", "C T T B T") == "C T T T T"
    assert repaired("add milk to my shopping list", "C T C C B C") == "C T C C B C"


def test_a_title_never_ends_on_an_article() -> None:
    assert repaired("add email the landlord about the lease tomorrow", "C T T T T T C D") == "C T T T T T T D"


def test_a_task_said_to_be_no_longer_urgent_is_a_task_already_there() -> None:
    assert repaired("slides aren't urgent anymore", "T T P P") == "R P P P"


def test_a_verb_after_a_join_that_names_a_task_is_a_change_of_its_own() -> None:
    assert clause_texts("add pick up prescription and mark task 2 done", "C T T T L T R R C") == [
        "add pick up prescription", "mark task 2 done"]


def test_an_add_read_as_nothing_but_command_words_takes_its_open_words() -> None:
    from adapters.llm.offline.engine import _added_clause

    assert _added_clause(tokenize("add a doctors appointment"), tags_of("C C C C")) == tags_of("C C T T")
    assert _added_clause(tokenize("add, um, call mom"), tags_of("C C C C R R")) == tags_of("C C C C T T")


def test_what_comes_after_i_need_to_is_the_task_but_not_a_change_verb_or_a_negation() -> None:
    assert repaired("I need to phone the landlord", "C C C R R R") == "C C C T T T"
    assert repaired("i need to delete task 2", "C C C C R R") == "C C C C R R"
    assert repaired("i don't need to call the plumber anymore", "C C C C R R R C") == "C C C C R R R C"


def test_a_repeat_read_into_a_date_and_a_task_named_before_a_repeat() -> None:
    assert repaired("pay rent on the 1st of every month", "T T D D D D D D") == "T T D D D D E E"
    assert repaired("water the plants every monday", "R R R E E") == "T T T E E"
    assert repaired("the gym should repeat every monday", "R R E E E E") == "R R E E E E"


def test_a_note_added_on_its_own_is_for_the_task_talked_about() -> None:
    from adapters.llm.offline.engine import load

    (reading,) = load().read("and add a note: account no. 55-1023")
    assert (reading.intent, reading.reference, reading.note) == ("update", "it", "account no. 55-1023")


def test_words_said_to_be_done_name_the_task() -> None:
    from adapters.llm.offline.engine import _said_done

    assert _said_done(tokenize("clean desk is done"), tags_of("C C C C")) == tags_of("R R C C")
    assert _said_done(tokenize("all done"), tags_of("C C")) == tags_of("C C")
