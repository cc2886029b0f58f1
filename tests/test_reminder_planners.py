"""The reminder planners and the schedule nudge's arithmetic, called directly: what each kind
plans from a partnership's state (its key, its time, its payload, which setting switches it),
without a console or a database, so that a change to a function every re-plan reaches is
caught in milliseconds (scripts/mutation runs these first)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

import pytest

from bot.core.model import (
    ActionItem,
    Meeting,
    Member,
    Partnership,
    ReminderSetting,
    RotationOverride,
)
from bot.core.model_polls import DatePoll
from bot.i18n import Catalog
from bot.usecases.plan import Period, Plan, Turn
from bot.usecases.ports import UnitOfWork
from bot.usecases.reminder_meetings import (
    plan_agenda,
    plan_checkpoints,
    plan_meeting_ahead,
    plan_minutes,
)
from bot.usecases.reminder_model import GROUPS, Settings, Situation, Wanted, at_local_hour, stamp
from bot.usecases.reminder_schedule import (
    Nudges,
    _turn_changed,
    example,
    example_day,
    expected_period,
    nudges,
    plan_schedule_next,
)
from bot.usecases.reminder_tasks import plan_actions

T0 = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)
BERLIN = "Europe/Berlin"


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


def partnership(**changes: Any) -> Partnership:
    p = Partnership(1, "Klima", "de", BERLIN, 2, "", created_at=T0)
    return replace(p, **changes)


def member(id: int, name: str = "Goch", left_at: datetime | None = None) -> Member:
    return Member(id, 1, name, T0, left_at)


def meeting(id: int, starts_at: datetime, status: str = "planned", **more: Any) -> Meeting:
    return Meeting(id, 1, f"m{id}", starts_at, "", status, 0, T0, T0, **more)


def plan(**parts: Any) -> Plan:
    empty = ("members", "meetings", "overrides", "upcoming", "held", "turns")
    return Plan(**{**{name: [] for name in empty}, **parts})


def settings(**stored: tuple[bool, tuple[int, ...]]) -> Settings:
    values = {name: ReminderSetting(1, name, True, g.offsets) for name, g in GROUPS.items()}
    for name, (on, offsets) in stored.items():
        values[name] = ReminderSetting(1, name, on, offsets)
    return Settings(values)


class FakeUow:
    """What the planners read besides the plan: minutes records, action items, date polls."""

    def __init__(
        self,
        minutes: dict[int, bool] | None = None,
        actions: list[ActionItem] | None = None,
        poll: DatePoll | None = None,
    ) -> None:
        records = {k: SimpleNamespace(open=v) for k, v in (minutes or {}).items()}
        self.asked: list[int] = []

        async def for_meeting(meeting_id: int) -> object:
            self.asked.append(meeting_id)
            return records.get(meeting_id)

        async def open_of_partnership(partnership_id: int) -> list[ActionItem]:
            assert partnership_id == 1
            return list(actions or [])

        async def latest(partnership_id: int) -> DatePoll | None:
            assert partnership_id == 1
            return poll

        self.minutes = SimpleNamespace(for_meeting=for_meeting)
        self.actions = SimpleNamespace(open_of_partnership=open_of_partnership)
        self.date_polls = SimpleNamespace(latest=latest)


def situation(
    the_plan: Plan,
    now: datetime = T0,
    uow: FakeUow | None = None,
    p: Partnership | None = None,
    **stored: tuple[bool, tuple[int, ...]],
) -> Situation:
    return Situation(
        cast(UnitOfWork, uow or FakeUow()), p or partnership(), now, the_plan, settings(**stored)
    )


# --- the nudge's arithmetic ------------------------------------------------------------------


def test_nudges_come_weekly_three_times_then_every_four_weeks() -> None:
    sequence = Nudges(T0)
    assert [sequence.due(n) - T0 for n in range(6)] == [
        timedelta(weeks=w) for w in (0, 1, 2, 3, 7, 11)
    ]
    assert [Nudges.audience(n) for n in range(5)] == ["host"] * 3 + ["coordinators"] * 2


def test_the_next_nudge_is_the_first_due_strictly_after_now() -> None:
    sequence = Nudges(T0)
    assert sequence.next_after(T0 - timedelta(seconds=1)) == 0
    assert sequence.next_after(T0) == 1
    assert sequence.next_after(T0 + timedelta(weeks=1, seconds=-1)) == 1
    assert sequence.next_after(T0 + timedelta(weeks=3)) == 4
    assert sequence.next_after(T0 + timedelta(weeks=7)) == 5


def test_the_expected_period_follows_the_last_meeting_held_not_a_cancelled_one() -> None:
    p = partnership(created_at=at("2026-05-03"))
    assert expected_period(plan(), p) == Period(2026, 1, 3)
    held = [(meeting(1, at("2026-11-24")), None), (meeting(2, at("2027-02-02")), None)]
    assert expected_period(plan(held=held), p) == Period(2027, 1, 3)
    cancelled = (meeting(3, at("2027-05-04"), "cancelled"), None)
    assert expected_period(plan(held=[*held, cancelled]), p) == Period(2027, 1, 3)
    monthly = replace(p, cadence="monthly")
    assert expected_period(plan(held=held), monthly) == Period(2027, 2, 1)
    assert expected_period(plan(), monthly) == Period(2026, 4, 1)
    # the period is the local one: 31 December 23:30 UTC is already January in Berlin
    late = [(meeting(4, datetime(2026, 12, 31, 23, 30, tzinfo=UTC)), None)]
    assert expected_period(plan(held=late), p) == Period(2027, 1, 3)


def test_the_turn_changes_hands_at_the_latest_of_its_moments() -> None:
    p = partnership(created_at=at("2026-01-01"))
    assert _turn_changed(plan(), p) == at("2026-01-01")
    held = (meeting(1, at("2026-03-01")), None)
    assert _turn_changed(plan(held=[held]), p) == at("2026-03-01")
    cancelled_held = (meeting(2, at("2026-04-01"), "cancelled"), None)
    assert _turn_changed(plan(held=[held, cancelled_held]), p) == at("2026-03-01")
    dropped = replace(meeting(3, at("2026-09-01"), "cancelled"), updated_at=at("2026-05-01"))
    still = replace(meeting(4, at("2026-09-02")), updated_at=at("2026-08-01"))
    assert _turn_changed(plan(meetings=[dropped, still]), p) == at("2026-05-01")
    override = RotationOverride(1, 1, "skip", 1, None, "", None, at("2026-06-01"))
    assert _turn_changed(plan(overrides=[override]), p) == at("2026-06-01")
    members = [member(1, left_at=at("2026-07-01")), member(2)]
    assert _turn_changed(plan(members=members), p) == at("2026-07-01")


def test_the_first_nudge_is_weeks_before_the_period_but_a_week_after_the_turn_changed() -> None:
    p = partnership(created_at=at("2026-01-05", 12))
    period, sequence = nudges(plan(), p, 6)
    assert period == Period(2026, 0, 3)
    # six weeks before 1 January is long past: 09:00 local a week after the founding
    assert sequence.first == at_local_hour(date(2026, 1, 12), BERLIN)
    held = [(meeting(1, at("2026-02-10", 22, 30)), None)]
    period, sequence = nudges(plan(held=held), p, 6)
    assert period == Period(2026, 1, 3)
    # 1 April 09:00 Berlin minus six weeks: 18 February, after the week of settling
    assert sequence.first == at_local_hour(date(2026, 4, 1), BERLIN) - timedelta(weeks=6)
    # the settling week counts in local days: 10 February 23:30 Berlin + 7 days
    period, sequence = nudges(plan(held=held), p, 1)
    assert sequence.first == at_local_hour(date(2026, 3, 25), BERLIN)
    period, sequence = nudges(plan(held=held), p, 7)
    assert sequence.first == at_local_hour(date(2026, 2, 17), BERLIN)


def test_the_example_day_is_a_tuesday_in_the_period_three_weeks_ahead_at_the_earliest() -> None:
    p = partnership()
    quarter = Period(2027, 1, 3)  # April to June; 1 April 2027 is a Thursday
    assert example_day(quarter, p, at("2027-01-10")) == date(2027, 4, 6)
    assert example_day(quarter, p, at("2027-03-16")) == date(2027, 4, 6)  # 6 April itself
    assert example_day(quarter, p, at("2027-03-17")) == date(2027, 4, 13)
    june = Period(2027, 5, 1)  # 1 June 2027 is a Tuesday
    assert example_day(june, p, at("2027-05-01")) == date(2027, 6, 1)


# --- the planners ----------------------------------------------------------------------------


async def test_the_schedule_nudge_is_planned_for_the_next_host_while_nothing_is_planned() -> None:
    goch, kleve = member(1), member(2, "Kleve")
    turns = [Turn(goch, None, Period(2027, 0, 3)), Turn(kleve, None, Period(2027, 1, 3))]
    p = partnership(created_at=at("2026-12-01"))
    now = at("2027-01-20", 12)
    [wanted] = await plan_schedule_next(situation(plan(turns=turns), now, p=p))
    first = at_local_hour(date(2026, 12, 8), BERLIN)  # a week after the founding
    assert wanted == Wanted(
        "schedule_next",
        "1/2026-3-3/4/2027-01-26",
        first + timedelta(weeks=7),
        {"member": 1, "n": 4, "audience": "coordinators"},
    )
    # the first nudge itself, when asked before it
    [early] = await plan_schedule_next(situation(plan(turns=turns), at("2026-12-02"), p=p))
    assert early == Wanted(
        "schedule_next",
        "1/2026-3-3/0/2026-12-08",
        first,
        {"member": 1, "n": 0, "audience": "host"},
    )
    # its setting: weeks before the period; a later period with one week before
    [weekly] = await plan_schedule_next(
        situation(plan(turns=turns), at("2026-12-02"), p=p, schedule=(True, (1,)))
    )
    assert weekly.due_at == first


async def test_no_schedule_nudge_when_switched_off_planned_polled_or_nobody_hosts() -> None:
    goch = member(1)
    turns = [Turn(goch, None, Period(2027, 0, 3))]
    assert await plan_schedule_next(situation(plan(turns=turns), schedule=(False, (6,)))) == []
    upcoming = [(meeting(1, at("2027-03-01")), goch)]
    assert await plan_schedule_next(situation(plan(turns=turns, upcoming=upcoming))) == []
    assert await plan_schedule_next(situation(plan())) == []
    poll = DatePoll(1, 1, (), at("2027-01-20"), T0)
    assert await plan_schedule_next(situation(plan(turns=turns), uow=FakeUow(poll=poll))) == []
    closed = replace(poll, status="closed")
    assert (
        len(await plan_schedule_next(situation(plan(turns=turns), uow=FakeUow(poll=closed)))) == 1
    )


async def test_meeting_ahead_is_planned_per_upcoming_meeting_and_offset() -> None:
    first, second = meeting(7, at("2027-03-02", 9)), meeting(8, at("2027-06-01", 8, 30))
    upcoming = [(first, member(1)), (second, None)]
    wanted = await plan_meeting_ahead(situation(plan(upcoming=upcoming)))

    def ahead(m: int, starts: str, days: int, due: datetime) -> Wanted:
        return Wanted(
            "meeting_ahead",
            f"{m}@{starts}-{days}d",
            due,
            {"meeting": m, "starts_at": starts, "days": days},
        )

    assert wanted == [
        ahead(7, "20270302T0900Z", 14, at("2027-02-16", 9)),
        ahead(7, "20270302T0900Z", 1, at("2027-03-01", 9)),
        ahead(8, "20270601T0830Z", 14, at("2027-05-18", 8, 30)),
        ahead(8, "20270601T0830Z", 1, at("2027-05-31", 8, 30)),
    ]
    changed = situation(plan(upcoming=upcoming[:1]), meeting=(True, (3,)))
    assert [w.key for w in await plan_meeting_ahead(changed)] == ["7@20270302T0900Z-3d"]
    off = situation(plan(upcoming=upcoming), meeting=(False, (14, 1)))
    assert await plan_meeting_ahead(off) == []


async def test_a_checkpoint_is_planned_at_each_upcoming_meetings_start() -> None:
    upcoming = [(meeting(7, at("2027-03-02", 9)), None), (meeting(8, at("2027-06-01")), None)]
    assert await plan_checkpoints(situation(plan(upcoming=upcoming))) == [
        Wanted("checkpoint", "7@20270302T0900Z", at("2027-03-02", 9), {"meeting": 7}),
        Wanted("checkpoint", "8@20270601T0900Z", at("2027-06-01", 9), {"meeting": 8}),
    ]


async def test_the_agenda_deadline_and_the_agenda_posted_are_planned_per_meeting() -> None:
    upcoming = [(meeting(7, at("2027-03-09", 9)), None), (meeting(8, at("2027-06-08")), None)]
    p = partnership(agenda_deadline_days=7)
    wanted = await plan_agenda(situation(plan(upcoming=upcoming), p=p))
    about = {"meeting": 7, "deadline": "20270302T0900Z"}
    assert wanted[:2] == [
        Wanted("agenda_posted", "7@20270302T0900Z", at("2027-03-02", 9), about),
        Wanted(
            "agenda_deadline",
            "7@20270302T0900Z-2d",
            at("2027-02-28", 9),
            {**about, "days": 2},
        ),
    ]
    assert [(w.kind, w.key) for w in wanted[2:]] == [
        ("agenda_posted", "8@20270601T0900Z"),
        ("agenda_deadline", "8@20270601T0900Z-2d"),
    ]
    two = await plan_agenda(situation(plan(upcoming=upcoming[:1]), p=p, agenda=(True, (3, 1))))
    assert [(w.key, w.due_at) for w in two] == [
        ("7@20270302T0900Z", at("2027-03-02", 9)),
        ("7@20270302T0900Z-3d", at("2027-02-27", 9)),
        ("7@20270302T0900Z-1d", at("2027-03-01", 9)),
    ]
    assert await plan_agenda(situation(plan(upcoming=upcoming), agenda=(False, (2,)))) == []


async def test_minutes_are_planned_for_held_meetings_without_minutes_of_active_hosts() -> None:
    goch, kalkar, gone = member(1), member(2, "Kalkar"), member(3, "Kleve", at("2027-02-01"))
    held = [
        (meeting(1, at("2027-01-05")), goch),  # older than the last offset: left out
        (meeting(2, at("2027-01-15")), goch),  # has minutes
        (meeting(3, at("2027-01-16")), gone),  # its host left
        (meeting(4, at("2027-01-17")), None),  # no host
        (meeting(5, at("2027-01-18")), kalkar),  # an open record: no minutes yet
        (meeting(6, at("2027-01-19")), goch),
    ]
    now = at("2027-01-25")  # the horizon: 10 days back, 15 January 09:00
    uow = FakeUow(minutes={2: False, 5: True})
    wanted = await plan_minutes(situation(plan(held=held), now, uow=uow))
    assert wanted == [
        Wanted("minutes_due", "5-3d", at("2027-01-21"), {"meeting": 5, "days": 3}),
        Wanted("minutes_due", "5-10d", at("2027-01-28"), {"meeting": 5, "days": 10}),
        Wanted("minutes_due", "6-3d", at("2027-01-22"), {"meeting": 6, "days": 3}),
        Wanted("minutes_due", "6-10d", at("2027-01-29"), {"meeting": 6, "days": 10}),
    ]
    assert 1 not in uow.asked
    # exactly at the horizon still counts; the horizon follows the largest offset
    edge = situation(plan(held=held[:2]), at("2027-01-15"), uow=FakeUow(), minutes=(True, (2, 10)))
    assert [w.key for w in await plan_minutes(edge)] == ["1-2d", "1-10d", "2-2d", "2-10d"]
    short = situation(plan(held=held[:2]), at("2027-01-15"), uow=FakeUow(), minutes=(True, (10, 1)))
    assert [w.key for w in await plan_minutes(short)] == ["1-10d", "1-1d", "2-10d", "2-1d"]
    narrow = situation(plan(held=held[:2]), at("2027-01-15"), uow=FakeUow(), minutes=(True, (9,)))
    assert [w.key for w in await plan_minutes(narrow)] == ["2-9d"]
    off = situation(plan(held=held), now, uow=FakeUow(), minutes=(False, (3, 10)))
    assert await plan_minutes(off) == []


def action(id: int, due: date | None, member_id: int | None, person_id: int | None) -> ActionItem:
    return ActionItem(id, 1, id, "Angebote", member_id, person_id, due, None, T0)


async def test_action_items_with_a_date_and_an_owner_are_planned_at_nine_local() -> None:
    items = [
        action(1, date(2027, 3, 10), 1, None),
        action(2, date(2027, 3, 31), None, 5),  # summer time: 09:00 is 07:00 UTC
        action(3, None, 1, None),
        action(4, date(2027, 3, 10), None, None),
    ]
    wanted = await plan_actions(situation(plan(), uow=FakeUow(actions=items)))

    def due(a: int, day: str, days: int, when: datetime) -> Wanted:
        return Wanted(
            "action_due", f"{a}@{day}-{days}d", when, {"action": a, "due": day, "days": days}
        )

    assert wanted == [
        due(1, "2027-03-10", 3, at("2027-03-07", 8)),
        due(1, "2027-03-10", 0, at("2027-03-10", 8)),
        due(2, "2027-03-31", 3, at("2027-03-28", 7)),
        due(2, "2027-03-31", 0, at("2027-03-31", 7)),
    ]
    off = situation(plan(), uow=FakeUow(actions=items), actions=(False, (3, 0)))
    assert await plan_actions(off) == []


def test_the_example_is_written_in_the_partnerships_language_whatever_the_servers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("babel.dates.LC_TIME", "de_DE")  # a server set up in German
    english = partnership(language="en")
    assert example(Catalog.load(), english, member(1), None, date(2024, 12, 31)) == (
        "/schedule 31 December 2024 10:00"
    )


def test_stamps_and_local_hours() -> None:
    assert stamp(datetime(2027, 3, 2, 9, 5, tzinfo=UTC)) == "20270302T0905Z"
    assert at_local_hour(date(2027, 1, 4), BERLIN) == at("2027-01-04", 8)
    assert at_local_hour(date(2027, 7, 4), BERLIN, 18) == at("2027-07-04", 16)


def test_the_example_command_names_the_day_in_the_language_and_the_hosts_last_place() -> None:
    catalog = Catalog.load()
    goch = member(1)
    last = replace(meeting(1, at("2026-11-24"), address="Markt 2"), place="Rathaus Goch")
    de, en = partnership(), partnership(language="en")
    day = date(2027, 4, 6)
    assert example(catalog, de, goch, None, day) == "/termin 6.4.2027 10 Uhr"
    assert (
        example(catalog, de, goch, last, day) == "/termin 6.4.2027 10 Uhr | Rathaus Goch, Markt 2"
    )
    assert example(catalog, en, goch, None, day) == "/schedule 6 April 2027 10:00"
    assert example(catalog, en, goch, last, day) == (
        "/schedule 6 April 2027 10:00 | Rathaus Goch, Markt 2"
    )
    # a Tuesday whose calendar week belongs to the next year; a place without an address
    new_year = date(2024, 12, 31)
    nowhere = replace(last, address="")
    assert example(catalog, en, goch, nowhere, new_year) == (
        "/schedule 31 December 2024 10:00 | Rathaus Goch"
    )
    assert example(catalog, de, goch, None, new_year) == "/termin 31.12.2024 10 Uhr"
