"""How changes of members, contact persons, coordinators and presence read in the chat
rooms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.reply import Mention, Paragraph, Reply, command_or_code
from bot.i18n.texts import Texts
from bot.usecases.contacts import ContactAdded, ContactRemoved
from bot.usecases.coordinators import CoordinatorAdded, CoordinatorRemoved
from bot.usecases.members import MemberJoined, MemberLeft, MemberRenamed, NextHost
from bot.usecases.presence import ContactLeftRoom, MemberOrphaned, Welcomed


def next_host_line(texts: Texts, change: NextHost) -> Paragraph:
    """Who is in line to host after a join or exit, and whether that changed."""
    old, new = change.before, change.after
    if new is None:
        return texts.t("rotation.next_nobody")
    if old is None:
        return texts.t("rotation.next_first", host=new)
    if old == new:
        return texts.t("rotation.next_unchanged", host=new)
    return texts.t("rotation.next_changed", host=new, previous=old)


def member_joined(texts: Texts, event: MemberJoined, now: datetime) -> Reply:
    key = "member.rejoined" if event.rejoined else "member.added"
    return Reply.of(
        texts.t(key, member=event.member, person=event.by), next_host_line(texts, event.next_host)
    )


def member_left(texts: Texts, event: MemberLeft, now: datetime) -> Reply:
    key = "member.removed_reason" if event.reason else "member.removed"
    return Reply.of(
        texts.t(key, member=event.member, person=event.by, reason=event.reason),
        next_host_line(texts, event.next_host),
    )


def member_renamed(texts: Texts, event: MemberRenamed, now: datetime) -> Reply:
    return texts.say("member.renamed", old=event.old, new=event.new, person=event.by)


def contact_added(texts: Texts, event: ContactAdded, now: datetime) -> Reply:
    if event.previous is not None:
        return texts.say(
            "contact.added_switched",
            person=event.person,
            member=event.member,
            previous=event.previous,
        )
    return texts.say("contact.added", person=event.person, member=event.member)


def contact_removed(texts: Texts, event: ContactRemoved, now: datetime) -> Reply:
    return texts.say("contact.removed", person=event.person, member=event.member, actor=event.by)


def coordinator_added(texts: Texts, event: CoordinatorAdded, now: datetime) -> Reply:
    return texts.say("coordinator.added", person=event.person, actor=event.by)


def coordinator_removed(texts: Texts, event: CoordinatorRemoved, now: datetime) -> Reply:
    return texts.say("coordinator.removed", person=event.person, actor=event.by)


def welcomed(texts: Texts, event: Welcomed, now: datetime) -> Reply:
    if event.member is not None:
        return texts.say("welcome.back", person=event.person, member=event.member)
    sample = event.sample or texts.text("welcome.sample")
    return Reply.of(
        texts.t("welcome.new", person=event.person, name=event.partnership.name),
        texts.t(
            "welcome.how",
            command=command_or_code(("/ichbin " if texts.german else "/iam ") + sample),
        ),
    )


def contact_left_room(texts: Texts, event: ContactLeftRoom, now: datetime) -> Reply:
    return texts.say("farewell.contact", person=event.person, member=event.member, room=event.room)


def member_orphaned(texts: Texts, event: MemberOrphaned, now: datetime) -> Reply:
    message = texts.t("farewell.orphaned", member=event.member)
    for person in event.coordinators:
        if person.identities:
            mention = Mention(person.identities[0], person.display_name)
            message = message + texts.t("common.mention", person=mention)
    return Reply.of(message)


RENDERERS: dict[type, Any] = {
    MemberJoined: member_joined,
    MemberLeft: member_left,
    MemberRenamed: member_renamed,
    ContactAdded: contact_added,
    ContactRemoved: contact_removed,
    CoordinatorAdded: coordinator_added,
    CoordinatorRemoved: coordinator_removed,
    Welcomed: welcomed,
    ContactLeftRoom: contact_left_room,
    MemberOrphaned: member_orphaned,
}
