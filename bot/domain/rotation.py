"""The host rotation as pure domain logic: no storage, no clock, only events in time order.

Members host in DIN 5007 order, round after round. A round is the list of turns still to
come; the next round is every active member again, in order, starting at the round
boundary (the start of the alphabet, or the member a coordinator set as host). Replaying
the same events always gives the same order, so the services can compute it on demand
from what storage keeps: members with their join and exit times, the meetings held with
their hosts, and the overrides.

Why rounds and not just "the member after the last host": a skip or swap exchanges two
turns, and the member that gave its turn away must get it back later without anybody
hosting twice; an explicit list of the turns left in the round keeps that debt.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.text import din5007_key

# A place on the circle of names: a member sits at (key, 1); a round boundary sits just
# before a member (key, 0) or at the very start of the alphabet.
Position = tuple[tuple[str, str], int]
_START: Position = (("", ""), 0)


@dataclass(frozen=True)
class Joined:
    member_id: int
    at: datetime


@dataclass(frozen=True)
class Left:
    member_id: int
    at: datetime


@dataclass(frozen=True)
class Hosted:
    """A meeting took place with this host."""

    member_id: int
    at: datetime


@dataclass(frozen=True)
class Skipped:
    """The member in line swaps turns with the one after it."""

    at: datetime


@dataclass(frozen=True)
class Swapped:
    """Two members swap their next turns."""

    first: int
    second: int
    at: datetime


@dataclass(frozen=True)
class HostSet:
    """This member hosts next; the rotation continues after its normal place."""

    member_id: int
    at: datetime


RotationEvent = Joined | Left | Hosted | Skipped | Swapped | HostSet


class Rotation:
    """The state of the rotation after some events; `upcoming(n)` gives the next hosts."""

    def __init__(self, names: Mapping[int, str]) -> None:
        self._key = {member_id: din5007_key(name) for member_id, name in names.items()}
        self._active: set[int] = set()
        self._boundary: Position = _START
        self._rounds: list[list[int]] = []
        self._consumed: tuple[int, Position] | None = None

    # -- reading ---------------------------------------------------------------------

    @property
    def active(self) -> frozenset[int]:
        return frozenset(self._active)

    def upcoming(self, count: int) -> list[int]:
        """The next `count` hosts in order (fewer only when nobody is a member)."""
        self._materialize(count)
        return [m for round_ in self._rounds for m in round_][:count]

    def next_host(self) -> int | None:
        found = self.upcoming(1)
        return found[0] if found else None

    # -- events ----------------------------------------------------------------------

    def apply(self, event: RotationEvent) -> None:
        if isinstance(event, Joined):
            self._join(event.member_id)
        elif isinstance(event, Left):
            self._leave(event.member_id)
        elif isinstance(event, Hosted):
            self._hosted(event.member_id)
        elif isinstance(event, Skipped):
            self._skip()
        elif isinstance(event, Swapped):
            self._swap(event.first, event.second)
        else:
            self._set(event.member_id)

    def _rel(self, member_id: int) -> tuple[int, Position]:
        """Where a member comes in a round that starts at the boundary."""
        position: Position = (self._key[member_id], 1)
        return (0 if position > self._boundary else 1, position)

    def _natural_round(self) -> list[int]:
        return sorted(self._active, key=self._rel)

    def _materialize(self, turns: int) -> None:
        while self._active and sum(len(r) for r in self._rounds) < turns:
            self._rounds.append(self._natural_round())

    def _drop_empty_rounds(self) -> None:
        if self._rounds and not self._rounds[0]:
            self._consumed = None
        self._rounds = [r for r in self._rounds if r]

    def _join(self, member_id: int) -> None:
        if member_id in self._active:
            return
        self._active.add(member_id)
        rel = self._rel(member_id)
        for index, round_ in enumerate(self._rounds):
            # In the running round a newcomer only gets a turn if its alphabetical place
            # has not been passed yet; otherwise it waits for the next round.
            if index == 0 and self._consumed is not None and rel <= self._consumed:
                continue
            at = next((i for i, m in enumerate(round_) if self._rel(m) > rel), len(round_))
            round_.insert(at, member_id)

    def _leave(self, member_id: int) -> None:
        self._active.discard(member_id)
        for round_ in self._rounds:
            round_[:] = [m for m in round_ if m != member_id]
        self._drop_empty_rounds()

    def _hosted(self, member_id: int) -> None:
        self._materialize(1)
        if not self._rounds:
            return
        current = self._rounds[0]
        if member_id in current:
            current.remove(member_id)
        if member_id in self._key:
            rel = self._rel(member_id)
            self._consumed = rel if self._consumed is None else max(self._consumed, rel)
        self._drop_empty_rounds()

    def _turn_index(self, member_id: int) -> tuple[int, int] | None:
        for r, round_ in enumerate(self._rounds):
            if member_id in round_:
                return r, round_.index(member_id)
        return None

    def _exchange(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        rounds = self._rounds
        rounds[a[0]][a[1]], rounds[b[0]][b[1]] = rounds[b[0]][b[1]], rounds[a[0]][a[1]]

    def _skip(self) -> None:
        if len(self._active) < 2:
            return
        self._materialize(2)
        first = (0, 0)
        second = (0, 1) if len(self._rounds[0]) > 1 else (1, 0)
        self._exchange(first, second)

    def _swap(self, first: int, second: int) -> None:
        if first == second or first not in self._active or second not in self._active:
            return
        self._materialize(2 * len(self._active))
        a, b = self._turn_index(first), self._turn_index(second)
        if a is not None and b is not None:
            self._exchange(a, b)

    def _set(self, member_id: int) -> None:
        if member_id not in self._active:
            return
        self._boundary = (self._key[member_id], 0)
        self._rounds = []
        self._consumed = None

    # -- a stored state -----------------------------------------------------------------

    def snapshot(self) -> str:
        """The state as text, so a long history need not be replayed from its start again
        (`restore` with the same names gives a rotation that behaves exactly like this one)."""
        return json.dumps(
            {
                "active": sorted(self._active),
                "boundary": _position_out(self._boundary),
                "rounds": self._rounds,
                "consumed": None
                if self._consumed is None
                else [self._consumed[0], _position_out(self._consumed[1])],
            },
            ensure_ascii=False,
        )

    @classmethod
    def restore(cls, names: Mapping[int, str], snapshot: str) -> Rotation:
        data = json.loads(snapshot)
        rotation = cls(names)
        rotation._active = set(data["active"])
        rotation._boundary = _position_in(data["boundary"])
        rotation._rounds = [list(r) for r in data["rounds"]]
        consumed = data["consumed"]
        rotation._consumed = None if consumed is None else (consumed[0], _position_in(consumed[1]))
        return rotation


def _position_out(position: Position) -> list[Any]:
    return [list(position[0]), position[1]]


def _position_in(value: list[Any]) -> Position:
    key = value[0]
    return ((str(key[0]), str(key[1])), int(value[1]))


def replay(
    names: Mapping[int, str], events: Iterable[RotationEvent], start: Rotation | None = None
) -> Rotation:
    """The rotation after `events`, which must already be in the order they happened; from
    `start` (changed in place) when given, else from nothing."""
    rotation = Rotation(names) if start is None else start
    for event in events:
        rotation.apply(event)
    return rotation
