"""Members of a partnership: who they are (the roster), joining, leaving and renaming."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.core.domain_events import DomainEvent
from bot.core.errors import AskFirst, UsageError, UserError
from bot.core.model import Contact, Member, Partnership, Person
from bot.core.permissions import Who
from bot.core.text import MAX_TEXT, din5007_key, match_key
from bot.usecases.base import Call, use_case
from bot.usecases.meeting_hosts import rehost_departed
from bot.usecases.plan import Plan, current_plan, raise_sequences
from bot.usecases.ports import UnitOfWork

SIMILAR = 0.8
"""How alike two names must be (difflib's ratio of their match keys) to ask about them."""


def host_order(members: list[Member]) -> list[Member]:
    """Active members in DIN 5007-1 order: the order in which they host."""
    return sorted((m for m in members if m.active), key=lambda m: din5007_key(m.name))


def find_member(members: list[Member], name: str, include_left: bool = False) -> Member | None:
    """Exact match ignoring case and umlaut spelling, else a unique prefix."""
    pool = [m for m in members if include_left or m.active]
    key = match_key(name)
    if not key:
        return None
    exact = [m for m in pool if match_key(m.name) == key]
    if exact:
        return exact[0]
    prefixed = [m for m in pool if match_key(m.name).startswith(key)]
    return prefixed[0] if len(prefixed) == 1 else None


def split_member_prefix(members: list[Member], text: str) -> tuple[Member, str] | None:
    """`<member name> <rest>`: the longest leading words that name a member, and the rest."""
    words = text.split()
    for cut in range(len(words), 0, -1):
        candidate = " ".join(words[:cut])
        pool = [m for m in members if m.active and match_key(m.name) == match_key(candidate)]
        if pool:
            return pool[0], " ".join(words[cut:])
    return None


@dataclass(frozen=True)
class Roster:
    """Who speaks for whom in a partnership right now."""

    members: list[Member]
    contacts: list[Contact]
    persons: dict[int, Person]

    def contacts_of(self, member: Member) -> list[Person]:
        return [self.persons[c.person_id] for c in self.contacts if c.member_id == member.id]

    def member_of(self, person: Person) -> Member | None:
        for contact in self.contacts:
            if contact.person_id == person.id:
                return next(m for m in self.members if m.id == contact.member_id)
        return None

    def contact_record(self, member: Member, person: Person) -> Contact | None:
        return next(
            (c for c in self.contacts if c.member_id == member.id and c.person_id == person.id),
            None,
        )


async def roster(uow: UnitOfWork, partnership: Partnership) -> Roster:
    members = await uow.members.of_partnership(partnership.id)
    contacts = await uow.contacts.active_of_partnership(partnership.id)
    persons = await uow.persons.many({c.person_id for c in contacts})
    return Roster(members, contacts, persons)


async def member_named(call: Call, name: str) -> Member:
    """The active member `name` names, or the user's mistake."""
    members = await call.uow.members.of_partnership(call.partnership.id)
    member = find_member(members, name)
    if member is None:
        raise unknown_member(members, name)
    return member


def similar_names(a: str, b: str) -> bool:
    """Names that probably mean one municipality: one's words inside the other's ("Kleve",
    "Stadt Kleve") or the words they do not share a typo apart ("Emerich", "Emmerich";
    but not "Kreis Kleve" and "Kreis Wesel", nor "Gemeinde A" and "Gemeinde B")."""
    words_a, words_b = match_key(a).split(), match_key(b).split()
    rest_a = " ".join(w for w in words_a if w not in words_b)
    rest_b = " ".join(w for w in words_b if w not in words_a)
    if words_a and words_b and (not rest_a or not rest_b):
        return True
    return difflib.SequenceMatcher(None, rest_a, rest_b).ratio() >= SIMILAR


def closest_member(members: list[Member], text: str) -> Member | None:
    """The active member a mistyped name most likely means: `text`'s leading words against
    the whole name (the rest may be a reason), or against the name's leading words (a name
    typed short, "Emerich" for "Emmerich am Rhein")."""
    words = match_key(text).split()
    best: tuple[float, Member] | None = None
    for member in members:
        if not member.active:
            continue
        name = match_key(member.name).split()
        ratio = max(
            difflib.SequenceMatcher(None, " ".join(words[: len(name)]), " ".join(name)).ratio(),
            difflib.SequenceMatcher(None, " ".join(words), " ".join(name[: len(words)])).ratio(),
        )
        if ratio >= SIMILAR and (best is None or ratio > best[0]):
            best = (ratio, member)
    return best[1] if best else None


def unknown_member(members: list[Member], name: str, usage: bool = False) -> UserError:
    """The answer to a name that is no member's: with "did you mean" where one is close."""
    similar = closest_member(members, name)
    key = "member.unknown_similar" if similar else "member.unknown"
    found = similar.name if similar else ""
    if usage:
        return UsageError(key, name=name[:100], similar=found)
    return UserError(key, name=name[:100], similar=found)


# -- events --


@dataclass(frozen=True)
class NextHost:
    """Who was in line to host before a change of members, and who is after it."""

    before: str | None
    after: str | None


@dataclass(frozen=True)
class MemberJoined(DomainEvent):
    member: str
    rejoined: bool
    """Admitted again after it had left (its history kept)."""
    by: str
    next_host: NextHost


@dataclass(frozen=True)
class MemberLeft(DomainEvent):
    member: str
    reason: str
    by: str
    next_host: NextHost


@dataclass(frozen=True)
class MemberRenamed(DomainEvent):
    old: str
    new: str
    by: str


# -- commands --


@dataclass(frozen=True)
class AddMembers:
    names: tuple[str, ...]
    """One or several names, as listed in one message."""


@dataclass(frozen=True)
class RemoveMember:
    text: str
    """`<member> [reason]`."""


@dataclass(frozen=True)
class RenameMember:
    old: str
    new: str


async def _next_host(call: Call, before: Plan) -> NextHost:
    """Who is in line to host after a join or exit; meetings whose host changed get a new
    calendar sequence."""
    after = await current_plan(call.uow, call.partnership, call.now)
    await raise_sequences(call.uow, before, after, call.now)
    old, new = before.next_host, after.next_host
    return NextHost(old.name if old else None, new.name if new else None)


@use_case("members.list")
async def list_members(call: Call) -> Roster:
    """The members and who speaks for them (`/mitglieder`)."""
    return await roster(call.uow, call.partnership)


@use_case("members.add", Who.COORDINATOR)
async def add(call: Call, command: AddMembers) -> list[MemberJoined]:
    """Admit members, or readmit ones that left, keeping their history; all or none. A name
    close to a member's ("Stadt Kleve" beside "Kleve", "Emerich" beside "Emmerich") is asked
    about first: two names for one municipality would split its turns."""
    members = await call.uow.members.of_partnership(call.partnership.id)
    for index, name in enumerate(command.names):
        if any(match_key(name) == match_key(other) for other in command.names[:index]):
            raise UserError("member.listed_twice", name=name)
    for name in command.names:
        exact = next((m for m in members if match_key(m.name) == match_key(name)), None)
        if exact is not None and exact.active:
            raise UserError("member.exists", name=exact.name)
        if call.confirmed or exact is not None:
            continue
        near = [m.name for m in members if m.active and similar_names(m.name, name)]
        near += [n for n in command.names if n != name and similar_names(n, name)]
        if near:
            raise AskFirst("member.near_duplicate", name=name, similar=", ".join(near))
    return [await _add_one(call, name) for name in command.names]


async def _add_one(call: Call, name: str) -> MemberJoined:
    partnership = call.partnership
    before = await current_plan(call.uow, partnership, call.now)
    members = await call.uow.members.of_partnership(partnership.id)
    existing = next((m for m in members if match_key(m.name) == match_key(name)), None)
    if existing is not None:
        existing.left_at = None
        existing.joined_at = call.now
        await call.uow.members.save(existing)
        await call.audit("member.rejoin", member=existing.name)
        member = existing
    else:
        member = await call.uow.members.add(partnership.id, name, call.now)
        await call.audit("member.add", member=name)
    event = MemberJoined(
        partnership,
        member.name,
        existing is not None,
        call.person.display_name,
        await _next_host(call, before),
    )
    call.raise_event(event)
    return event


@use_case("members.remove", Who.COORDINATOR)
async def remove(call: Call, command: RemoveMember) -> MemberLeft:
    """The member leaves; its contact persons stop speaking for it. History stays."""
    partnership = call.partnership
    members = await call.uow.members.of_partnership(partnership.id)
    split = split_member_prefix(members, command.text)
    if split is None:
        raise unknown_member(members, command.text)
    member, reason = split
    if len(reason) > MAX_TEXT:
        raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(reason))
    before = await current_plan(call.uow, partnership, call.now)
    member.left_at = call.now
    await call.uow.members.save(member)
    contacts = await call.uow.contacts.active_of_partnership(partnership.id)
    for contact in contacts:
        if contact.member_id == member.id:
            await call.uow.contacts.end(contact.id, call.now)
    await call.audit("member.remove", member=member.name, reason=reason)
    await rehost_departed(call, member, reason)
    event = MemberLeft(
        partnership, member.name, reason, call.person.display_name, await _next_host(call, before)
    )
    call.raise_event(event)
    return event


@use_case("members.rename", Who.COORDINATOR)
async def rename(call: Call, command: RenameMember) -> MemberRenamed:
    member = await member_named(call, command.old)
    members = await call.uow.members.of_partnership(call.partnership.id)
    clash = next(
        (m for m in members if m.id != member.id and match_key(m.name) == match_key(command.new)),
        None,
    )
    if clash is not None:
        raise UserError("member.exists", name=clash.name)
    old = member.name
    member.name = command.new
    await call.uow.members.save(member)
    await call.audit("member.rename", old=old, new=command.new)
    event = MemberRenamed(call.partnership, old, command.new, call.person.display_name)
    call.raise_event(event)
    return event
