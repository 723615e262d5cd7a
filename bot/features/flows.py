"""The guide walkthrough as a small pure state machine: no I/O, no wording, no Telegram.

A walk is a `State` (the guide, the step on screen and the steps behind it). `advance` applies
one `Action` and returns the new state, or `FINISHED` / `LEFT`; an action the state does not
allow raises `FlowError`, which the caller answers politely.

How a step moves on, in order: its own `next`; else, when some choice branches (`next` on a
choice), the citizen must pick one; else the following step in the list; the last step in the
list ends the guide.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Final, Literal

from bot.catalogue.model import Choice, Guide, GuideStep

ActionKind = Literal["next", "back", "choose", "leave"]
# History is what "back" walks; loops in a guide (retry a login) must not grow it forever.
MAX_HISTORY = 40


class FlowError(ValueError):
    """An action that makes no sense from this state (stale button, forged payload)."""


@dataclass(frozen=True)
class State:
    """Where a citizen is in a guide: the step on screen and the steps walked to reach it."""

    guide: str
    step: str
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class Action:
    """What the citizen pressed: go on, go back, pick choice `choice`, or leave."""

    kind: ActionKind
    choice: int = -1


@dataclass(frozen=True)
class Ended:
    """A walk that is over: finished the last step, or left on purpose."""

    how: Literal["finished", "left"]


FINISHED: Final = Ended("finished")
LEFT: Final = Ended("left")
NEXT: Final = Action("next")
BACK: Final = Action("back")
LEAVE: Final = Action("leave")


def choose(index: int) -> Action:
    """The action of pressing the branching choice at `index`."""
    return Action("choose", index)


def start(guide: Guide) -> State:
    """The state at the first step of a guide."""
    if not guide.steps:
        raise FlowError(f"guide {guide.id!r} has no steps")
    return State(guide.id, guide.steps[0].id)


def current(guide: Guide, state: State) -> GuideStep:
    """The step on screen; FlowError if the catalogue no longer has it."""
    if state.guide != guide.id:
        raise FlowError(f"state is for guide {state.guide!r}, not {guide.id!r}")
    step = guide.step(state.step)
    if step is None:
        raise FlowError(f"guide {guide.id!r} has no step {state.step!r}")
    return step


def branches(step: GuideStep) -> list[tuple[int, Choice]]:
    """The choices of a step that lead to another step, with their index in `step.choices`."""
    return [(i, c) for i, c in enumerate(step.choices) if c.next]


def following(guide: Guide, step: GuideStep) -> str | None:
    """Where "next" leads: a step id, '' at the end of the guide, None if a choice is needed."""
    if step.next:
        return step.next
    if branches(step):
        return None
    position = guide.index(step.id)
    if position + 1 < len(guide.steps):
        return guide.steps[position + 1].id
    return ""


def is_last(guide: Guide, step: GuideStep) -> bool:
    """Whether "next" from this step ends the guide."""
    return following(guide, step) == ""


def successors(guide: Guide, step: GuideStep) -> list[str]:
    """Every step reachable in one press ('' stands for the end of the guide)."""
    found = [c.next for _, c in branches(step)]
    after = following(guide, step)
    if after is not None:
        found.append(after)
    return found


def advance(guide: Guide, state: State, action: Action) -> State | Ended:
    """Apply one action; raise FlowError when it is not possible from this state."""
    step = current(guide, state)
    if action.kind == "leave":
        return LEFT
    if action.kind == "back":
        if not state.history:
            raise FlowError("already at the first step")
        previous = state.history[-1]
        if guide.step(previous) is None:
            raise FlowError(f"step {previous!r} is gone from guide {guide.id!r}")
        return State(guide.id, previous, state.history[:-1])
    if action.kind == "choose":
        if not 0 <= action.choice < len(step.choices) or not step.choices[action.choice].next:
            raise FlowError(f"step {step.id!r} has no branching choice {action.choice}")
        target: str | None = step.choices[action.choice].next
    else:
        target = following(guide, step)
        if target is None:
            raise FlowError(f"step {step.id!r} needs a choice")
    if target == "":
        return FINISHED
    if guide.step(target or "") is None:
        raise FlowError(f"step {target!r} is not in guide {guide.id!r}")
    history = (*state.history, step.id)[-MAX_HISTORY:]
    return State(guide.id, target or "", history)


def remaining(guide: Guide, step_id: str) -> int:
    """Steps still to see after this one on the shortest way to the end (0 if none is found)."""
    seen = {step_id: 0}
    queue = deque([step_id])
    while queue:
        here = queue.popleft()
        step = guide.step(here)
        if step is None:
            continue
        for target in successors(guide, step):
            if target == "":
                return seen[here]
            if target not in seen and guide.step(target) is not None:
                seen[target] = seen[here] + 1
                queue.append(target)
    return 0


def position(guide: Guide, state: State) -> tuple[int, int]:
    """The numbers of "Bước i/n": steps walked so far, plus the shortest way still to go."""
    number = len(state.history) + 1
    return number, number + remaining(guide, state.step)


def path_to(guide: Guide, step_id: str) -> tuple[str, ...]:
    """The shortest history from the first step to `step_id` (rebuilds "back" for old buttons)."""
    if not guide.steps or guide.step(step_id) is None:
        return ()
    first = guide.steps[0].id
    parent: dict[str, str] = {first: ""}
    queue = deque([first])
    while queue:
        here = queue.popleft()
        if here == step_id:
            break
        step = guide.step(here)
        if step is None:
            continue
        for target in successors(guide, step):
            if target and target not in parent and guide.step(target) is not None:
                parent[target] = here
                queue.append(target)
    if step_id not in parent:
        return ()
    path: list[str] = []
    node = parent[step_id]
    while node:
        path.append(node)
        node = parent[node]
    return tuple(reversed(path))[-MAX_HISTORY:]


def resync(guide: Guide, stored: State | None, shown: str) -> State:
    """The state an older message's button acts from (see the comment below)."""
    # The stored walk when the message is current; cut back to the older step when the walk
    # passed it; otherwise (another guide, /huy, a new device) the shortest way from the start.
    if guide.step(shown) is None:
        raise FlowError(f"step {shown!r} is not in guide {guide.id!r}")
    if stored is not None and stored.guide == guide.id:
        if stored.step == shown:
            return stored
        if shown in stored.history:
            cut = len(stored.history) - 1 - stored.history[::-1].index(shown)
            return State(guide.id, shown, stored.history[:cut])
    return State(guide.id, shown, path_to(guide, shown))
