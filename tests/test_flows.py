"""The pure state machine of guide walks: moves, branches, numbering, resync, shipped guides."""

from __future__ import annotations

from typing import Any

import pytest

from bot.catalogue.model import Guide, build
from bot.features import flows
from bot.features.flows import FINISHED, LEFT, FlowError, State
from tests.core_fixtures import shipped_catalogue


def guide_from(steps: list[dict[str, Any]], guide_id: str = "g") -> Guide:
    """A one-guide catalogue built from a list of raw steps."""
    data = {
        "updated": "2026-11-27",
        "guides": [{"id": guide_id, "name": "Thử", "verified": "2026-11-27", "steps": steps}],
    }
    return build(data).guides[guide_id]


# a: asks; yes -> c, no -> b (detour) -> c; c -> d (end of list, finishes)
BRANCHED = guide_from(
    [
        {
            "id": "a",
            "text": "Có chưa?",
            "choices": [
                {"label": "Có", "next": "c"},
                {"label": "Chưa", "next": "b"},
                {"label": "Xem thủ tục", "procedure": "p"},
            ],
        },
        {"id": "b", "text": "Làm đi", "next": "c"},
        {"id": "c", "text": "Mở cổng"},
        {"id": "d", "text": "Xong"},
    ]
)


def test_start_is_the_first_step_with_no_history() -> None:
    assert flows.start(BRANCHED) == State("g", "a", ())


def test_a_step_with_branching_choices_needs_a_choice() -> None:
    with pytest.raises(FlowError):
        flows.advance(BRANCHED, State("g", "a"), flows.NEXT)


def test_choices_branch_and_record_history() -> None:
    assert flows.advance(BRANCHED, State("g", "a"), flows.choose(0)) == State("g", "c", ("a",))
    assert flows.advance(BRANCHED, State("g", "a"), flows.choose(1)) == State("g", "b", ("a",))


def test_a_choice_that_only_opens_a_card_is_not_a_branch() -> None:
    with pytest.raises(FlowError):
        flows.advance(BRANCHED, State("g", "a"), flows.choose(2))
    with pytest.raises(FlowError):
        flows.advance(BRANCHED, State("g", "a"), flows.choose(7))


def test_next_follows_the_step_next_then_the_list_order() -> None:
    assert flows.advance(BRANCHED, State("g", "b", ("a",)), flows.NEXT) == State(
        "g", "c", ("a", "b")
    )
    assert flows.advance(BRANCHED, State("g", "c", ("a",)), flows.NEXT) == State(
        "g", "d", ("a", "c")
    )


def test_next_on_the_last_step_finishes() -> None:
    assert flows.advance(BRANCHED, State("g", "d", ("a", "c")), flows.NEXT) == FINISHED
    assert flows.is_last(BRANCHED, BRANCHED.steps[3])


def test_back_returns_to_the_previous_step() -> None:
    state = State("g", "c", ("a", "b"))
    assert flows.advance(BRANCHED, state, flows.BACK) == State("g", "b", ("a",))


def test_back_on_the_first_step_is_refused() -> None:
    with pytest.raises(FlowError):
        flows.advance(BRANCHED, State("g", "a"), flows.BACK)


def test_leave_ends_the_walk_as_left() -> None:
    assert flows.advance(BRANCHED, State("g", "b", ("a",)), flows.LEAVE) == LEFT


def test_a_step_missing_from_the_guide_is_an_error() -> None:
    with pytest.raises(FlowError):
        flows.advance(BRANCHED, State("g", "gone"), flows.NEXT)
    with pytest.raises(FlowError):
        flows.current(BRANCHED, State("other", "a"))


def test_numbering_counts_walked_steps_plus_the_shortest_way_left() -> None:
    assert flows.position(BRANCHED, State("g", "a")) == (1, 3)
    assert flows.position(BRANCHED, State("g", "b", ("a",))) == (2, 4)
    assert flows.position(BRANCHED, State("g", "c", ("a",))) == (2, 3)
    assert flows.position(BRANCHED, State("g", "d", ("a", "c"))) == (3, 3)


def test_loops_neither_hang_numbering_nor_grow_history_forever() -> None:
    loop = guide_from(
        [
            {"id": "a", "text": "Thử", "choices": [{"label": "Lại", "next": "a"}], "next": "b"},
            {"id": "b", "text": "Xong"},
        ]
    )
    state: State = flows.start(loop)
    for _ in range(flows.MAX_HISTORY + 10):
        moved = flows.advance(loop, state, flows.choose(0))
        assert isinstance(moved, State)
        state = moved
    assert len(state.history) == flows.MAX_HISTORY
    assert flows.position(loop, state) == (flows.MAX_HISTORY + 1, flows.MAX_HISTORY + 2)


def test_resync_keeps_the_stored_walk_when_the_message_is_current() -> None:
    stored = State("g", "c", ("a", "b"))
    assert flows.resync(BRANCHED, stored, "c") == stored


def test_resync_cuts_the_stored_walk_back_to_an_older_message() -> None:
    stored = State("g", "d", ("a", "b", "c"))
    assert flows.resync(BRANCHED, stored, "b") == State("g", "b", ("a",))


def test_resync_without_a_stored_walk_rebuilds_the_shortest_history() -> None:
    assert flows.resync(BRANCHED, None, "d") == State("g", "d", ("a", "c"))
    assert flows.resync(BRANCHED, State("other", "x"), "b") == State("g", "b", ("a",))


def test_resync_to_a_step_that_is_gone_is_an_error() -> None:
    with pytest.raises(FlowError):
        flows.resync(BRANCHED, None, "gone")


def test_a_guide_without_steps_cannot_start() -> None:
    empty = Guide(id="e", name="E", summary="", steps=(), verified=BRANCHED.verified)
    with pytest.raises(FlowError):
        flows.start(empty)


# --- the shipped guides ------------------------------------------------------------------------


SHIPPED = sorted(shipped_catalogue().guides)


def reachable(guide: Guide) -> set[str]:
    """Steps reachable from the first one by any sequence of presses."""
    seen = {guide.steps[0].id}
    todo = [guide.steps[0].id]
    while todo:
        step = guide.step(todo.pop())
        assert step is not None
        for target in flows.successors(guide, step):
            if target and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


@pytest.mark.parametrize("guide_id", SHIPPED)
def test_every_shipped_step_is_reachable_and_can_finish(guide_id: str) -> None:
    guide = shipped_catalogue().guides[guide_id]
    assert reachable(guide) == {s.id for s in guide.steps}
    stuck = [
        s.id
        for s in guide.steps
        if flows.remaining(guide, s.id) == 0 and not flows.is_last(guide, s)
    ]
    assert stuck == []


@pytest.mark.parametrize("guide_id", SHIPPED)
def test_every_shipped_move_gives_a_valid_state(guide_id: str) -> None:
    guide = shipped_catalogue().guides[guide_id]
    for step in guide.steps:
        state = flows.resync(guide, None, step.id)
        actions = [flows.choose(i) for i, _ in flows.branches(step)]
        if flows.following(guide, step) is not None:
            actions.append(flows.NEXT)
        assert actions, step.id
        for action in actions:
            outcome = flows.advance(guide, state, action)
            if isinstance(outcome, State):
                number, total = flows.position(guide, outcome)
                assert 1 <= number <= total
                assert outcome.history[-1] == step.id
            else:
                assert outcome == FINISHED
