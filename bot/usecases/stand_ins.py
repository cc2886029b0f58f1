"""Office addresses answer as stand-ins: an address of a member (Funktionspostfach) has no
person behind it, so its answers from the answer link (`bot.usecases.web_answers`) are kept
under a person made for it (`EmailAddress.voter_id`), and that person speaks for the
address's member in every count, as a contact person's answer does. Removing the address
removes its stand-in's answers."""

from __future__ import annotations

from bot.usecases.ports import UnitOfWork

STAND_IN_PLATFORM = "email"
"""The stand-in's identity: ("email", "office-<address id>"), reached by no messenger."""


async def stand_ins(uow: UnitOfWork, partnership_id: int) -> dict[int, int]:
    """stand-in person id -> the member its office address belongs to."""
    return {
        a.voter_id: a.member_id
        for a in await uow.emails.of_partnership(partnership_id)
        if a.voter_id is not None and a.person_id is None and a.member_id is not None
    }
