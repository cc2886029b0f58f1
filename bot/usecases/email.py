"""E-mail recipients of a partnership (`/email`): office addresses of members
(Funktionspostfach) and contact persons' own addresses, each confirmed by its owner with a
one-time code (double opt-in) before anything else is sent to it, and stopped at will.

Coordinators may manage every address; a contact person those of their own member and
their own. Which kinds of e-mail go out is switched per partnership (`/einstellungen email`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot.core.domain_events import DomainEvent
from bot.core.errors import UserError
from bot.core.mail import KINDS, EmailAddress, EmailSetting
from bot.core.model import Member, Person
from bot.core.permissions import Who
from bot.usecases.base import Call, use_case
from bot.usecases.members import find_member, roster
from bot.usecases.people import find_person

MAX_RECIPIENTS = 1000
"""Per partnership: a distribution list, not a newsletter; beyond it the relay (and the
people) should use a list server."""
CODE_VALID = timedelta(days=14)
MAX_CODE_ATTEMPTS = 5
"""Wrong confirmation codes typed in a partnership before its pending codes are void."""


@dataclass(frozen=True)
class ConfirmationRequested(DomainEvent):
    """An address was added: the e-mail channel sends it the code (the only e-mail an
    unconfirmed address ever gets)."""

    address: str
    code: str
    stop_code: str
    owner: str
    """Whose address: a member's or a person's name."""
    by: str


@dataclass(frozen=True)
class AddAddresses:
    owner: str
    """A member or a person of the partnership; empty: the caller's own address."""
    addresses: tuple[str, ...]
    """Already normalised (`bot.core.mail.normalise_address`)."""


@dataclass(frozen=True)
class Added:
    owner: str
    new: tuple[str, ...]
    already: tuple[str, ...]
    """Confirmed before: nothing sent again."""


@dataclass(frozen=True)
class Listing:
    addresses: list[tuple[EmailAddress, str]]
    """Each address with its owner's name."""
    kinds: dict[str, bool]


def code_hash(partnership_id: int, code: str) -> str:
    return hashlib.sha256(f"{partnership_id}:{code}".encode()).hexdigest()


def _require_email(call: Call) -> None:
    if not call.email:
        raise UserError("email.not_set_up")


async def _owner(call: Call, name: str) -> tuple[Member | None, Person | None, str]:
    """(member, person, name) an address belongs to; checks the caller may manage it."""
    current = await roster(call.uow, call.partnership)
    own = current.member_of(call.person)
    member: Member | None = None
    person: Person | None = None
    if not name:
        if own is None and not call.actor.is_coordinator:
            raise UserError("email.not_contact")
        person = call.person
    else:
        member = find_member(current.members, name)
        if member is None:
            person = await find_person(call.uow, call.partnership, name)
    if not call.actor.is_coordinator:
        same_member = own is not None and (
            (member is not None and member.id == own.id)
            or (person is not None and current.member_of(person) == own)
        )
        if not (same_member or (person is not None and person.id == call.person.id)):
            raise UserError("email.only_own", member=own.name if own else "-")
    owner = member.name if member is not None else person.display_name if person else "-"
    return member, person, owner


@use_case("email.add", Who.COORDINATOR, Who.CONTACT)
async def add(call: Call, command: AddAddresses) -> Added:
    """Store the addresses as pending and send each its code; all or none."""
    _require_email(call)
    member, person, owner = await _owner(call, command.owner)
    pid = call.partnership.id
    known = {a.address: a for a in await call.uow.emails.of_partnership(pid)}
    new = [a for a in dict.fromkeys(command.addresses) if a not in known]
    if len(known) + len(new) > MAX_RECIPIENTS:
        raise UserError("email.too_many", count=len(new), limit=MAX_RECIPIENTS, stored=len(known))
    taken = {a.code_hash for a in known.values() if a.status == "pending"}
    done, already = [], []
    for address in dict.fromkeys(command.addresses):
        existing = known.get(address)
        if existing is not None and existing.confirmed:
            already.append(address)
            continue
        code = _new_code(pid, taken)
        stop_code = secrets.token_hex(8)
        answer_code = new_answer_code()
        if existing is None:
            await call.uow.emails.add(
                pid,
                address,
                member.id if member else None,
                person.id if person else None,
                code_hash(pid, code),
                stop_code,
                call.now,
                answer_code,
            )
        else:  # pending or stopped: a fresh code, confirmed again by its owner
            existing.status, existing.code_hash, existing.code_attempts = (
                "pending",
                code_hash(pid, code),
                0,
            )
            existing.stop_code, existing.answer_code = stop_code, answer_code
            await call.uow.emails.save(existing)
        call.raise_event(
            ConfirmationRequested(
                call.partnership, address, code, stop_code, owner, call.person.display_name
            )
        )
        done.append(address)
    if done:
        await call.audit("email.add", owner=owner, count=len(done))
    return Added(owner, tuple(done), tuple(already))


def new_answer_code() -> str:
    """The secret of an address's answer link: 192 random bits, unguessable."""
    return secrets.token_urlsafe(24)


def _new_code(partnership_id: int, taken: set[str]) -> str:
    """Six digits, none equal to another pending code of the partnership."""
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        digest = code_hash(partnership_id, code)
        if digest not in taken:
            taken.add(digest)
            return code


@dataclass(frozen=True)
class Confirmation:
    address: EmailAddress | None
    refused: str = ""
    """Why not: "wrong" (no such code) or "void" (expired or too many wrong tries)."""


@use_case("email.confirm")
async def confirm(call: Call, code: str) -> Confirmation:
    """The owner typed the code from the e-mail: the address gets e-mail from now on. A
    wrong code is kept as a failed try (returned, not raised, so that it is stored)."""
    _require_email(call)
    pid = call.partnership.id
    pending = [a for a in await call.uow.emails.of_partnership(pid) if a.status == "pending"]
    digest = code_hash(pid, code)
    match = next((a for a in pending if a.code_hash == digest), None)
    if (
        match is None
        or match.code_attempts >= MAX_CODE_ATTEMPTS
        or call.now - match.created_at > CODE_VALID
    ):
        for item in pending:  # every wrong try counts against all codes: no guessing
            item.code_attempts += 1
            await call.uow.emails.save(item)
        return Confirmation(None, "wrong" if match is None else "void")
    match.status, match.code_hash, match.confirmed_at = "confirmed", "", call.now
    await call.uow.emails.save(match)
    await call.audit("email.confirm", address=match.address)
    return Confirmation(match)


@use_case("email.stop")
async def stop(call: Call, stop_code: str) -> EmailAddress:
    """The stop code of an e-mail: that address gets nothing more, until added again."""
    found = await call.uow.emails.by_stop_code(stop_code)
    if found is None or (
        call.room_partnership is not None and found.partnership_id != call.room_partnership.id
    ):
        raise UserError("email.stop_unknown")
    if found.status != "stopped":
        found.status, found.code_hash = "stopped", ""
        await call.uow.emails.save(found)
        owner = await call.uow.partnerships.get(found.partnership_id)
        await call.audit("email.stop", partnership=owner, address=found.address)
    return found


@use_case("email.remove", Who.COORDINATOR, Who.CONTACT)
async def remove(call: Call, address: str) -> EmailAddress:
    pid = call.partnership.id
    found = next(
        (a for a in await call.uow.emails.of_partnership(pid) if a.address == address), None
    )
    if found is None:
        raise UserError("email.unknown", address=address)
    if not call.actor.is_coordinator:
        current = await roster(call.uow, call.partnership)
        own = current.member_of(call.person)
        mine = found.person_id == call.person.id or (own is not None and found.member_id == own.id)
        if not mine:
            raise UserError("email.only_own", member=own.name if own else "-")
    await call.uow.emails.remove(found.id)
    if found.voter_id is not None and found.person_id is None:
        # the office address's answers go with it, as a person's go when they leave
        await call.uow.persons.forget(found.voter_id, "-", pid)
    await call.audit("email.remove", address=found.address)
    return found


@use_case("email.list", Who.COORDINATOR, Who.CONTACT)
async def listing(call: Call) -> Listing:
    pid = call.partnership.id
    current = await roster(call.uow, call.partnership)
    members = {m.id: m.name for m in current.members}
    addresses = await call.uow.emails.of_partnership(pid)
    persons = await call.uow.persons.many({a.person_id for a in addresses if a.person_id})
    named = [
        (
            a,
            members.get(a.member_id or -1)
            or (persons[a.person_id].display_name if a.person_id in persons else "-"),
        )
        for a in addresses
    ]
    return Listing(named, await kinds(call))


async def kinds(call: Call) -> dict[str, bool]:
    """Every kind of e-mail and whether the partnership sends it (default: on)."""
    changed = {s.kind: s.enabled for s in await call.uow.emails.settings(call.partnership.id)}
    return {k: changed.get(k, True) for k in KINDS}


@dataclass(frozen=True)
class SwitchKind:
    kind: str
    """One of `KINDS`."""
    enabled: bool


@use_case("email.switch", Who.COORDINATOR)
async def switch(call: Call, command: SwitchKind) -> SwitchKind:
    await call.uow.emails.save_setting(
        EmailSetting(call.partnership.id, command.kind, command.enabled)
    )
    await call.audit("email.switch", kind=command.kind, enabled=command.enabled)
    return command
