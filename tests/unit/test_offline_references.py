"""How the offline model reads a phrase that names several tasks by number."""

from __future__ import annotations

import pytest

from adapters.llm.offline.references import explicit_ids


@pytest.mark.parametrize(
    ("phrase", "ids"),
    [
        ("tasks 1, 2 and 3", (1, 2, 3)),
        ("1, 3", (1, 3)),
        ("#2 & #4", (2, 4)),
        ("task one and task three", (1, 3)),
        ("2, and 5", (2, 5)),
        ("tasks 4 plus 4", (4,)),
    ],
)
def test_a_phrase_of_numbers_names_each_task_once(phrase: str, ids: tuple[int, ...]) -> None:
    assert explicit_ids(phrase) == ids


@pytest.mark.parametrize("phrase", ["task 3", "task 2 and buy milk", "bread and 2 eggs", "3 apples and 2 pears", ""])
def test_anything_but_a_list_of_numbers_is_not_read_as_several_tasks(phrase: str) -> None:
    assert explicit_ids(phrase) == ()
