"""Counting a date poll by member: a person's latest answer counts, and a member can come at
a time when any of its current contact persons can. Answers of people who speak for no
member (any more) are shown apart and decide nothing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.model import Member, Person
from bot.core.model_polls import DateOption, DatePoll, DateVote
from bot.core.text import din5007_key
from bot.usecases.members import Roster


@dataclass(frozen=True)
class OptionCount:
    option: DateOption
    members: tuple[Member, ...]
    """The members that can come, in DIN 5007 order."""
    others: tuple[Person, ...]
    """People who speak for no member and can come."""


@dataclass(frozen=True)
class Tally:
    poll: DatePoll
    counts: tuple[OptionCount, ...]
    answered: tuple[Member, ...]
    missing: tuple[Member, ...]
    """Active members none of whose contact persons answered."""
    others: tuple[Person, ...]
    """People who answered but speak for no member."""

    def best(self) -> DateOption | None:
        """The time most members can attend; ties: the one the host member can attend, then
        the earlier one. None while no member can attend any."""
        host = self.poll.host_member_id
        ranked = sorted(
            self.counts,
            key=lambda c: (
                -len(c.members),
                not any(m.id == host for m in c.members),
                c.option.starts_at,
            ),
        )
        if not ranked or not ranked[0].members:
            return None
        return ranked[0].option

    def count_of(self, number: int) -> OptionCount | None:
        return next((c for c in self.counts if c.option.number == number), None)


def tally(
    poll: DatePoll,
    votes: list[DateVote],
    team: Roster,
    voters: dict[int, Person],
    stand_ins: dict[int, int] | None = None,
) -> Tally:
    """`team` is who speaks for whom now (a person who left counts for nobody); `voters` are
    the people who answered, by id; `stand_ins` the office addresses' stand-ins (person id
    -> member id, `bot.usecases.stand_ins`), which speak for their member too."""
    active = sorted((m for m in team.members if m.active), key=lambda m: din5007_key(m.name))
    member_of = {c.person_id: c.member_id for c in team.contacts} | (stand_ins or {})
    can: dict[int, set[int]] = {o.number: set() for o in poll.options}
    others_can: dict[int, list[Person]] = {o.number: [] for o in poll.options}
    answered: set[int] = set()
    others: list[Person] = []
    known = {m.id for m in active}
    for vote in votes:
        member_id = member_of.get(vote.person_id)
        person = voters.get(vote.person_id)
        if member_id is None or member_id not in known:
            if person is not None:
                others.append(person)
                for n in vote.numbers:
                    others_can.get(n, []).append(person)
            continue
        answered.add(member_id)
        for n in vote.numbers:
            if n in can:
                can[n].add(member_id)
    counts = tuple(
        OptionCount(
            o,
            tuple(m for m in active if m.id in can[o.number]),
            tuple(others_can[o.number]),
        )
        for o in poll.options
    )
    return Tally(
        poll,
        counts,
        tuple(m for m in active if m.id in answered),
        tuple(m for m in active if m.id not in answered),
        tuple(others),
    )
