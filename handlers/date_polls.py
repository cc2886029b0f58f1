"""/terminumfrage (/datepoll), /abstimmen (/vote) and votes from the platforms' own polls.

Times are separated by ";" or written on lines of their own, each read exactly like
`/termin` reads a date; a part starting with "bis" ("until") is the deadline:
`/terminumfrage 1.12. 14 Uhr; 3.12. 10–12 Uhr; 8.12. 14 Uhr; bis 27.11.`."""

from __future__ import annotations

import re
from datetime import datetime, time

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.events import PollVote
from bot.core.reply import Reply
from bot.core.router import Router
from bot.core.text import MAX_TEXT, ascii_number, clean
from bot.domain.dates import Problem, read_date
from bot.i18n import dates as dates_i18n
from bot.i18n import polls as texts_polls
from bot.usecases import date_polls
from handlers.meetings import ask_date, typed_command

DEADLINE_WORDS = ("bis", "frist", "until", "deadline", "by")
DEADLINE_TIME = time(18, 0)
"""A deadline typed as a day ("bis 27.11.") ends that day at 18:00."""
NONE_WORDS = ("keine", "keiner", "nichts", "none", "nothing", "0")
_DEADLINE = re.compile(r"^(?:" + "|".join(DEADLINE_WORDS) + r")\b:?\s*(.*)$", re.I | re.S)


def _parts(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]


async def _read(ctx: Context, parts: list[str]) -> date_polls.StartDatePoll | Reply:
    """The times and the deadline; an unsure one is asked back (the whole command with
    the best reading in its place, to confirm with one tap)."""
    times: list[tuple[datetime, datetime | None]] = []
    deadline: datetime | None = None
    for index, part in enumerate(parts):
        found = _DEADLINE.match(part)
        text = found.group(1) if found else part
        default = DEADLINE_TIME if found else None
        reading = read_date(
            text, ctx.now, ctx.partnership.timezone, language=ctx.lang, default_time=default
        )
        if reading.at is None and reading.problem is Problem.UNSURE and reading.wall is not None:
            before = "; ".join(parts[:index])
            head = typed_command(ctx) + (f" {before};" if before else "")
            if found:
                head += " " + part[: len(part) - len(text)].strip()
            after = "; ".join(parts[index + 1 :])
            return await ask_date(ctx, reading, f"; {after}" if after else "", head)
        if reading.at is None:
            raise dates_i18n.refusal(ctx.texts, reading, text)
        if found:
            if deadline is not None:
                raise UsageError("datepoll.two_deadlines")
            deadline = reading.at
        else:
            times.append((reading.at, reading.end))
    return date_polls.StartDatePoll(tuple(times), deadline)


async def datepoll(ctx: Context) -> Reply | None:
    """Without arguments the newest poll, counted; with times a new poll (announced in
    every room by the chat channel)."""
    text = clean(ctx.args, multiline=True)
    if not text:
        state = await date_polls.show(ctx.call)
        return Reply.of(*texts_polls.state_blocks(ctx.texts, state.tally, state.host))
    if len(text) > MAX_TEXT:
        raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(text))
    command = await _read(ctx, _parts(text))
    if isinstance(command, Reply):
        return command
    await date_polls.start(ctx.call, command)
    return None


async def close(ctx: Context) -> None:
    await date_polls.close(ctx.call)


async def decide(ctx: Context) -> None:
    text = clean(ctx.args).removeprefix("#").removeprefix("Nr.").strip()
    number = ascii_number(text) if text else None
    if text and number is None:
        raise UsageError("datepoll.decide_bad", text=text[:40])
    await date_polls.decide(ctx.call, date_polls.DecideDate(number))


def _numbers(text: str) -> tuple[int, ...]:
    """ "1 3", "1, 3", "1,3"; "keine" for none; anything else is refused."""
    words = [w for w in re.split(r"[\s,;]+", text) if w]
    if not words:
        raise UsageError("datepoll.vote_missing")
    if len(words) == 1 and words[0].casefold() in NONE_WORDS:
        return ()
    numbers = [ascii_number(w.removeprefix("#")) for w in words]
    if any(n is None for n in numbers):
        raise UsageError("datepoll.vote_bad", text=text[:40])
    return tuple(n for n in numbers if n is not None)


async def vote(ctx: Context) -> Reply:
    cast = await date_polls.vote(ctx.call, date_polls.CastVote(_numbers(clean(ctx.args))))
    chosen = [o for o in cast.poll.options if o.number in cast.numbers]
    times = "; ".join(f"{o.number}. {texts_polls.option_text(ctx.texts, o)}" for o in chosen)
    if cast.member is None:
        return ctx.say("datepoll.voted_no_member", person=ctx.person.display_name)
    if not chosen:
        person, member = ctx.person.display_name, cast.member.name
        return ctx.say("datepoll.voted_none", person=person, member=member)
    return ctx.say(
        "datepoll.voted", person=ctx.person.display_name, member=cast.member.name, times=times
    )


async def poll_vote(ctx: Context) -> Reply | None:
    """A vote from a platform's poll: counted silently (the platform shows it)."""
    event = ctx.event
    assert isinstance(event, PollVote)
    poll_id = ascii_number(event.poll_key.partition(":")[2])
    if poll_id is None:
        return None
    numbers = tuple(n for k in event.answer_keys if (n := ascii_number(k)) is not None)
    withdrawn = not event.answer_keys
    command = date_polls.CastVote(numbers, poll_id, event.room.platform, withdrawn)
    await date_polls.vote(ctx.call, command)
    return None


def register(router: Router) -> None:
    router.add("datepoll", "terminumfrage", uses=(date_polls.start, date_polls.show))(datepoll)
    router.add(
        "datepoll", "terminumfrage", sub="close", sub_alias="schliessen", uses=date_polls.close
    )(close)
    router.add(
        "datepoll", "terminumfrage", sub="decide", sub_alias="festlegen", uses=date_polls.decide
    )(decide)
    router.add("vote", "abstimmen", uses=date_polls.vote)(vote)
    router.on_vote("datepoll")(poll_vote)
