"""What must hold in the database after any input: the fuzzer's consistency checks.

Read straight from the tables (not through the repositories whose bugs they look for):
every row belongs to a partnership that exists, references stay inside their partnership,
held meetings have a host, the rotation names only active members and everyone in turn,
outbox rows go to rooms that exist and are delivered, nothing that fell due stays pending.
`fingerprints` lets the runner see that a command changed no other partnership's data.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.usecases.plan import _events, _replay, current_plan
from storage.database import Database
from storage.models import Base, MeetingRow, RoomRow

Rows = dict[str, list[dict[str, Any]]]

OWNED = (
    "audit",
    "coordinator",
    "link_code",
    "member",
    "reminder",
    "reminder_setting",
    "room",
    "meeting",
    "rotation_override",
    "action_item",
    "agenda_item",
    "minutes",
)
"""Tables whose rows carry the partnership they belong to."""
MEMBER_REFS = {
    "meeting": ("host_member_id",),
    "rotation_override": ("member_id", "other_member_id"),
    "action_item": ("owner_member_id",),
    "agenda_item": ("proposer_member_id",),
}
MEETING_REFS = ("action_item", "agenda_item", "minutes")
DELIVERY_COLUMNS = ("status", "attempts", "sent_at", "next_attempt_at", "last_error")
"""Outbox columns the sender changes after the fact, for any partnership."""


async def read(database: Database) -> Rows:
    tables: Rows = {}
    async with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            result = await connection.execute(select(table))
            tables[table.name] = [dict(row._mapping) for row in result]
    return tables


async def next_meeting(database: Database, now: datetime) -> tuple[datetime, str] | None:
    """The next scheduled meeting of any partnership, and a room of that partnership."""
    query = (
        select(MeetingRow.starts_at, RoomRow.external_id)
        .join(RoomRow, RoomRow.partnership_id == MeetingRow.partnership_id)
        .where(MeetingRow.status == "scheduled", MeetingRow.starts_at > now)
        .order_by(MeetingRow.starts_at)
        .limit(1)
    )
    async with database.engine.connect() as connection:
        row = (await connection.execute(query)).first()
    return (row[0], row[1]) if row else None


def _by_id(rows: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def violations(t: Rows, now: datetime, rooms: set[tuple[str, str]]) -> list[str]:
    """Everything that is wrong in `t`; `rooms` are the (platform, id) the world has."""
    found: list[str] = []
    partnerships = {p["id"] for p in t["partnership"]}
    members, meetings = _by_id(t["member"]), _by_id(t["meeting"])
    persons = {p["id"] for p in t["person"]}
    for table in OWNED:
        for row in t[table]:
            if row["partnership_id"] not in partnerships:
                found.append(f"{table} row of missing partnership: {row}")
    for table, columns in MEMBER_REFS.items():
        for row in t[table]:
            for column in columns:
                member = members.get(row[column]) if row[column] is not None else None
                if row[column] is not None and member is None:
                    found.append(f"{table}.{column} names a missing member: {row}")
                elif member is not None and member["partnership_id"] != row["partnership_id"]:
                    found.append(f"{table}.{column} names another partnership's member: {row}")
    for table in MEETING_REFS:
        for row in t[table]:
            meeting = meetings.get(row["meeting_id"])
            if row["meeting_id"] is not None and meeting is None:
                found.append(f"{table} of a missing meeting: {row}")
            elif meeting is not None and meeting["partnership_id"] != row["partnership_id"]:
                found.append(f"{table} of another partnership's meeting: {row}")
    for row in t["contact"]:
        if row["member_id"] not in members or row["person_id"] not in persons:
            found.append(f"contact of a missing member or person: {row}")
    for row in t["identity"]:
        if row["person_id"] not in persons:
            found.append(f"identity of a missing person: {row}")
    found += _members(t) + _meetings(t, members) + _rooms_and_outbox(t, now, rooms)
    found += _numbers(t) + _controls(t)
    return found


def _controls(t: Rows) -> list[str]:
    """No control character (but line breaks and tabs) or lone surrogate is stored."""
    found: list[str] = []
    for table, rows in t.items():
        for row in rows:
            for column, value in row.items():
                if isinstance(value, str) and not value.isprintable():
                    bad = {c for c in value if unicodedata.category(c) in ("Cc", "Cs")} - {
                        "\n",
                        "\t",
                    }
                    if bad:
                        found.append(f"{table}.{column} holds {sorted(bad)!r}: {value[:60]!r}")
    return found


def _members(t: Rows) -> list[str]:
    found: list[str] = []
    active = Counter(
        (m["partnership_id"], m["match_key"]) for m in t["member"] if m["left_at"] is None
    )
    found += [f"two active members named {key}" for key, n in active.items() if n > 1]
    for m in t["member"]:
        if m["left_at"] is not None and m["left_at"] < m["joined_at"]:
            found.append(f"member left before joining: {m}")
    contacts = Counter((c["member_id"], c["person_id"]) for c in t["contact"] if c["until"] is None)
    found += [f"a person twice contact of a member: {k}" for k, n in contacts.items() if n > 1]
    return found


def _meetings(t: Rows, members: dict[Any, dict[str, Any]]) -> list[str]:
    """A held meeting had a host whenever the partnership had a member at the time."""
    found: list[str] = []
    for meeting in t["meeting"]:
        if meeting["status"] not in ("scheduled", "held", "cancelled"):
            found.append(f"meeting with status {meeting['status']!r}")
        if meeting["status"] != "held":
            continue
        at = meeting["starts_at"]
        present = [
            m
            for m in members.values()
            if m["partnership_id"] == meeting["partnership_id"]
            and m["joined_at"] < at
            and (m["left_at"] is None or m["left_at"] > at)
        ]
        if present and meeting["host_member_id"] is None:
            found.append(f"held meeting without host: {meeting}")
    for minutes in t["minutes"]:
        if minutes["status"] not in ("open", "final"):
            found.append(f"minutes with status {minutes['status']!r}")
    running = Counter(m["partnership_id"] for m in t["minutes"] if m["status"] == "open")
    found += [f"partnership {p} has {n} meetings running" for p, n in running.items() if n > 1]
    return found


def _rooms_and_outbox(t: Rows, now: datetime, rooms: set[tuple[str, str]]) -> list[str]:
    found: list[str] = []
    linked = Counter((r["platform"], r["external_id"]) for r in t["room"])
    found += [f"room linked twice: {key}" for key, n in linked.items() if n > 1]
    partnerships = {p["id"] for p in t["partnership"]}
    for row in t["outbox"]:
        if (row["platform"], row["external_id"]) not in rooms:
            found.append(f"outbox row for a room nobody has: {row['external_id']!r}")
        if row["partnership_id"] is not None and row["partnership_id"] not in partnerships:
            found.append(f"outbox row of a missing partnership: {row['id']}")
        if row["status"] == "pending" and row["next_attempt_at"] <= now:
            found.append(f"outbox row {row['id']} due but not delivered ({row['status']})")
        if row["status"] == "failed":
            found.append(f"outbox row {row['id']} failed: {row['last_error']}")
    return found


def _numbers(t: Rows) -> list[str]:
    """Action items and ad hoc reminders are numbered once per partnership."""
    found: list[str] = []
    numbers = Counter((a["partnership_id"], a["number"]) for a in t["action_item"])
    found += [f"action item number used twice: {k}" for k, n in numbers.items() if n > 1]
    for a in t["action_item"]:
        if a["done_at"] is not None and a["done_at"] < a["created_at"]:
            found.append(f"action item done before it was made: {a}")
    open_positions = Counter(
        (i["partnership_id"], i["meeting_id"], i["position"])
        for i in t["agenda_item"]
        if i["status"] == "open"
    )
    found += [f"two open agenda items at {k}" for k, n in open_positions.items() if n > 1]
    return found


def overdue_reminders(t: Rows, now: datetime) -> list[str]:
    """After the clock moved, nothing that fell due is still waiting."""
    return [
        f"reminder {r['kind']} {r['key']} due {r['due_at']} still pending at {now}"
        for r in t["reminder"]
        if r["status"] == "pending" and r["due_at"] <= now
    ]


async def rotation_violations(app: App, t: Rows, now: datetime) -> list[str]:
    """The plan of each partnership: only active members host, everyone within three rounds
    (a round in progress may be short, and a swap across rounds moves a turn a round on),
    and every coming meeting has an active host."""
    found: list[str] = []
    async with app.uow_factory() as uow:
        for row in t["partnership"]:
            partnership = await uow.partnerships.get(row["id"])
            assert partnership is not None
            plan = await current_plan(uow, partnership, now)
            active = {m.id for m in plan.members if m.left_at is None}
            names = {m.id: m.name for m in plan.members}
            state = _replay(names, _events(plan.members, plan.meetings, plan.overrides))
            hosts = state.upcoming(3 * len(active))
            if set(hosts) != active or {t.member.id for t in plan.turns} - active:
                found.append(f"partnership {row['id']}: turns {hosts} for members {active}")
            for meeting, host in plan.upcoming:
                if active and (host is None or host.id not in active):
                    found.append(f"partnership {row['id']}: meeting {meeting.id} host {host}")
        await uow.rollback()
    return found


def fingerprints(t: Rows) -> dict[int, str]:
    """A digest of each partnership's own data (people and identities are shared)."""
    rows: dict[int, list[str]] = defaultdict(list)
    member_of = {m["id"]: m["partnership_id"] for m in t["member"]}
    minutes_of = {m["id"]: m["partnership_id"] for m in t["minutes"]}
    room_of = {r["id"]: r["partnership_id"] for r in t["room"]}
    for p in t["partnership"]:
        rows[p["id"]].append(repr(sorted(p.items())))
    for table in OWNED:
        for row in t[table]:
            rows[row["partnership_id"]].append(table + repr(sorted(row.items())))
    for row in t["outbox"]:
        if row["partnership_id"] is not None:
            kept = {k: v for k, v in row.items() if k not in DELIVERY_COLUMNS}
            rows[row["partnership_id"]].append("outbox" + repr(sorted(kept.items())))
    for table, owner, column in (
        ("contact", member_of, "member_id"),
        ("minute_entry", minutes_of, "minutes_id"),
        ("presence", room_of, "room_id"),
    ):
        for row in t[table]:
            if row[column] in owner:
                rows[owner[row[column]]].append(table + repr(sorted(row.items())))
    return {
        p: hashlib.sha256("\n".join(sorted(found)).encode("utf-8", "replace")).hexdigest()
        for p, found in rows.items()
    }
