"""The kept rotation state (issue 20): a rotation restored from a snapshot and replayed from
there is the rotation replayed from the first event, and the plan computed from the kept
state is the plan computed from the whole history, through a year of joins, exits, skips,
swaps, a cancelled meeting, a rename and a rejoin; meanwhile the plan loads only recent
meetings, however many were held."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.rotation import Rotation, replay
from bot.usecases.plan import HISTORY, Plan, current_plan
from storage.database import Database
from tests.harness import ConsoleBot
from tests.test_rotation import NAMES, History, override_ops

YEAR = Path(__file__).parent / "scenarios" / "year.de.scenario"


@settings(max_examples=300, deadline=None)
@given(st.lists(override_ops, max_size=60), st.data())
def test_a_restored_rotation_goes_on_exactly_like_the_full_replay(
    ops: list,  # type: ignore[type-arg]
    data: st.DataObject,
) -> None:
    history = History()
    for op in ops:
        history.step(op)
    events = history.events
    cut = data.draw(st.integers(0, len(events)))
    kept = replay(NAMES, events[:cut]).snapshot()
    restored = replay(NAMES, events[cut:], Rotation.restore(NAMES, kept))
    full = replay(NAMES, events)
    count = 2 * len(NAMES) + 2
    assert restored.active == full.active
    assert restored.upcoming(count) == full.upcoming(count)
    assert restored.snapshot() == full.snapshot()


def _shape(plan: Plan) -> tuple[object, ...]:
    return (
        [(t.member.id, t.meeting.id if t.meeting else None, t.period) for t in plan.turns],
        [(m.id, h.id if h else None) for m, h in plan.upcoming],
        [(m.id, h.id if h else None) for m, h in plan.held[-HISTORY:]],
        [o.id for o in plan.overrides[-HISTORY:]],
    )


async def _both(
    database: Database, bot: ConsoleBot
) -> tuple[tuple[object, ...], tuple[object, ...], bool]:
    """The plan from the kept state, and the plan replayed from the first event."""
    now = bot.clock.now()
    async with database.uow() as uow:
        partnership = await uow.partnerships.get(1)
        if partnership is None:
            return (), (), False
        kept = await uow.rotation_states.get(partnership.id)
        from_state = await current_plan(uow, partnership, now)
        await uow.rollback()
        await uow.rotation_states.drop(partnership.id)
        from_start = await current_plan(uow, partnership, now)
        await uow.rollback()
    return _shape(from_state), _shape(from_start), kept is not None


async def test_the_plan_from_the_kept_state_is_the_plan_from_the_whole_history(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database, now="2026-11-23 10:00")
    lines = [line for line in YEAR.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines += [
        "@anna: /mitglied umbenennen Goch | Ährenstadt Goch",  # its place in the alphabet moves
        "@anna: /mitglied neu Kleve",  # back after leaving: its past is rewritten
        "@anna: /ja",
        "@anna: /termin 8.6.2028 10:00",
        ":time 2028-06-08 12:00",
        "@anna: /gastgeber ueberspringen",
    ]
    used = 0
    for line in lines:
        await bot.say(line)
        from_state, from_start, kept = await _both(sqlite_database, bot)
        assert from_state == from_start, line
        used += kept
    assert used > len(lines) // 2, "the kept state was used"


async def test_a_long_history_is_not_loaded_to_plan(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, now="2026-11-23 10:00")
    await bot.say(":admin anna\n@anna: /setup Allianz\n@anna: /mitglied neu Kleve")
    await bot.say("@anna: /mitglied neu Goch")
    for year in range(2027, 2031):
        for month in (3, 6, 9, 12):
            await bot.say(f"@anna: /termin 10.{month}.{year} 10:00")
            await bot.say(f":time {year}-{month:02d}-10 12:00\n@anna: /naechstes")
    async with sqlite_database.uow() as uow:
        partnership = await uow.partnerships.get(1)
        assert partnership is not None
        every = await uow.meetings.of_partnership(partnership.id)
        plan = await current_plan(uow, partnership, bot.clock.now())
    assert len(every) == 16 and all(m.status == "held" for m in every)
    assert len(plan.meetings) <= HISTORY
    assert [m.id for m, _ in plan.held] == [m.id for m in every[-len(plan.held) :]]
