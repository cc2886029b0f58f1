"""The rotation: who hosts when (`/reihenfolge`), and the coordinators' changes to it
(`/gastgeber ueberspringen|tauschen|setzen`): skip, swap and set, each kept with who and why.

The replay itself is pure domain logic (`bot.domain.rotation`); the plan (`bot.usecases.plan`)
applies it to what storage keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.domain_events import DomainEvent
from bot.core.errors import UsageError, UserError
from bot.core.model import Meeting, Member, Partnership
from bot.core.permissions import Who
from bot.core.text import clean
from bot.usecases.base import Call, use_case
from bot.usecases.members import find_member, split_member_prefix, unknown_member
from bot.usecases.plan import Period, Plan, Turn, current_plan, raise_sequences

HISTORY = 10
"""How many past hosts and changes the rotation shows."""


@dataclass(frozen=True)
class Change:
    """One change of the rotation as it reads afterwards: names as they are now."""

    kind: str
    """"skip", "swap" or "set"."""
    at: datetime
    by: str
    """Who changed it (display name), "-" when unknown."""
    member: str
    other: str
    reason: str


@dataclass(frozen=True)
class Rotation:
    """Who hosts next (the coming turns), who hosted last, and the latest changes, newest
    first."""

    partnership: Partnership
    turns: list[Turn]
    held: list[tuple[Meeting, Member | None]]
    changes: list[Change]


@dataclass(frozen=True)
class SkipTurn:
    """The member in line gives its turn to the one after it."""

    reason: str = ""


@dataclass(frozen=True)
class SwapTurns:
    first: str
    second: str
    """Member names as typed (a unique prefix will do)."""
    reason: str = ""


@dataclass(frozen=True)
class SetHost:
    text: str
    """`<member> [reason]`: the member's name may have spaces, so the members say where it
    ends."""


@dataclass(frozen=True)
class RotationChanged(DomainEvent):
    """A coordinator skipped, swapped or set the host: names as they were."""

    kind: str
    first: str
    second: str
    """Empty for "set"."""
    reason: str
    next_host: str | None
    """Who hosts next afterwards."""
    by: str
    turns: tuple[tuple[str, Period], ...] = ()
    """For a skip or swap: when the two members are expected to host now (their next turns
    with no meeting planned), so nobody has to work out what the exchange meant."""


@use_case("rotation.show")
async def show(call: Call) -> Rotation:
    partnership = call.partnership
    plan = await current_plan(call.uow, partnership, call.now)
    overrides = plan.overrides[-HISTORY:]
    persons = await call.uow.persons.many({o.actor_id for o in overrides if o.actor_id})
    actors = {i: p.display_name for i, p in persons.items()}
    changes = []
    for override in reversed(overrides):
        first = plan.member(override.member_id)
        other = plan.member(override.other_member_id)
        changes.append(
            Change(
                override.kind,
                override.at,
                actors.get(override.actor_id or -1, "-"),
                first.name if first else "-",
                other.name if other else "-",
                override.reason,
            )
        )
    return Rotation(partnership, plan.turns, list(reversed(plan.held[-HISTORY:])), changes)


@use_case("rotation.skip", Who.COORDINATOR)
async def skip(call: Call, command: SkipTurn) -> RotationChanged:
    plan = await current_plan(call.uow, call.partnership, call.now)
    turns = plan.open_turns  # planned meetings keep their hosts
    if len(turns) < 2:
        raise UserError("host.skip_alone")
    first, second = turns[0].member, turns[1].member
    if first.id == second.id:
        raise UserError("host.skip_alone")
    return await _change(call, plan, "skip", first, second, command.reason)


@use_case("rotation.swap", Who.COORDINATOR)
async def swap(call: Call, command: SwapTurns) -> RotationChanged:
    plan = await current_plan(call.uow, call.partnership, call.now)
    if not command.second:
        command = _pair_in_words(plan, command.first)
    first = _active_member(plan, command.first)
    second = _active_member(plan, command.second)
    if first.id == second.id:
        raise UsageError("host.swap_same", member=first.name)
    return await _change(call, plan, "swap", first, second, command.reason)


@use_case("rotation.set", Who.COORDINATOR)
async def set_host(call: Call, command: SetHost) -> RotationChanged:
    plan = await current_plan(call.uow, call.partnership, call.now)
    split = split_member_prefix(plan.members, command.text)
    if split is None:
        raise unknown_member(plan.members, command.text, usage=True)
    member, reason = split[0], clean(split[1])
    if plan.next_host is not None and plan.next_host.id == member.id:
        raise UserError("host.set_already", member=member.name)
    return await _change(call, plan, "set", member, None, reason)


def _pair_in_words(plan: Plan, text: str) -> SwapTurns:
    """`Goch Alpen [reason]` without the "|": two members' full names, one after the other."""
    first = split_member_prefix(plan.members, text)
    second = split_member_prefix(plan.members, first[1]) if first is not None else None
    if first is None or second is None:
        raise UsageError("host.swap_pair")
    return SwapTurns(first[0].name, second[0].name, clean(second[1]))


def _next_turns(plan: Plan, *members: Member) -> tuple[tuple[str, Period], ...]:
    """Each member's next open turn with its expected period, the earlier first (both, or
    none at all)."""
    found: list[tuple[str, Period]] = []
    for member in members:
        turn = next((t for t in plan.open_turns if t.member.id == member.id), None)
        if turn is None or turn.period is None:
            return ()
        found.append((member.name, turn.period))
    return tuple(sorted(found, key=lambda named: named[1]))


def _active_member(plan: Plan, name: str) -> Member:
    member = find_member(plan.members, name)
    if member is None:
        raise unknown_member(plan.members, name, usage=True)
    return member


async def _change(
    call: Call, before: Plan, kind: str, first: Member, second: Member | None, reason: str
) -> RotationChanged:
    """Record a skip, swap or set with who and why, and tell of it.

    Meetings whose host changed get a higher calendar sequence: their entry changed."""
    partnership = call.partnership
    await call.uow.overrides.add(
        partnership.id,
        kind,
        first.id,
        second.id if second else None,
        reason,
        call.person.id,
        call.now,
    )
    await call.audit(
        f"rotation.{kind}",
        member=first.name,
        other=second.name if second else "",
        reason=reason,
    )
    after = await current_plan(call.uow, partnership, call.now)
    await raise_sequences(call.uow, before, after, call.now)
    event = RotationChanged(
        partnership,
        kind,
        first.name,
        second.name if second else "",
        reason,
        after.next_host.name if after.next_host else None,
        call.person.display_name,
        _next_turns(after, first, second) if second is not None else (),
    )
    call.raise_event(event)
    return event
