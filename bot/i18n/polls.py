"""How a date poll reads in any language: the native poll, its text fallback, the count by
member and the result. Shared by the chat commands, the chat channel and the reminders."""

from __future__ import annotations

from bot.core.model import Member, Person
from bot.core.model_polls import DECIDED, DateOption, DatePoll
from bot.core.reply import (
    Block,
    Bold,
    BulletList,
    Button,
    Paragraph,
    Poll,
    PollAnswer,
    Reply,
    command_or_code,
)
from bot.core.reply import Text as TextSpan
from bot.core.timefmt import local
from bot.i18n.texts import Texts
from bot.usecases.date_poll_tally import OptionCount, Tally


def option_text(texts: Texts, option: DateOption) -> str:
    """ "Di., 01.12.2026, 14:00" or with its end "Di., 01.12.2026, 14:00–16:00"."""
    start = texts.when(option.starts_at)
    if option.ends_at is None:
        return start
    end = local(option.ends_at, texts.timezone)
    return texts.text("meeting.until", start=start, end=f"{end.hour:02d}:{end.minute:02d}")


def native(texts: Texts, poll: DatePoll, host: Member | None, closed: bool = False) -> Poll:
    """The platform poll: one answer per time, several allowed."""
    # the deadline in the question itself: Element and Telegram show only the native poll
    question = texts.text(
        "datepoll.question", host=host.name if host else "-", deadline=texts.when(poll.deadline)
    )
    answers = tuple(PollAnswer(str(o.number), option_text(texts, o)) for o in poll.options)
    return Poll(poll.key, question, answers, multiple=True, closed=closed)


def command(texts: Texts, german: str, english: str) -> str:
    return "/" + (german if texts.german else english)


def vote_example(texts: Texts, poll: DatePoll) -> str:
    numbers = " ".join(str(o.number) for o in poll.options[:2])
    return f"{command(texts, 'abstimmen', 'vote')} {numbers}"


def how_to_vote(texts: Texts, poll: DatePoll) -> Paragraph:
    return texts.t(
        "datepoll.how_to_vote",
        example=command_or_code(vote_example(texts, poll)),
        none=command_or_code(command(texts, "abstimmen keine", "vote none")),
        show=command_or_code(command(texts, "terminumfrage", "datepoll")),
    )


def names(members: tuple[Member, ...] | list[Member]) -> str:
    return ", ".join(m.name for m in members)


def _people(people: tuple[Person, ...]) -> str:
    return ", ".join(dict.fromkeys(p.display_name for p in people))


def _count_line(texts: Texts, counted: OptionCount, total: int) -> tuple[TextSpan | Bold, ...]:
    when = option_text(texts, counted.option)
    line = texts.text("datepoll.count_line", count=len(counted.members), total=total) + (
        f": {names(counted.members)}" if counted.members else ""
    )
    if counted.others:
        line += " " + texts.text("datepoll.count_others", people=_people(counted.others))
    return (Bold(when), TextSpan(" – " + line))


def tally_blocks(texts: Texts, counted: Tally) -> list[Block]:
    """Per time how many members can come (and which); who has not answered; answers that
    count for no member, apart."""
    total = len(counted.answered) + len(counted.missing)
    blocks: list[Block] = [
        BulletList(tuple(_count_line(texts, c, total) for c in counted.counts), ordered=True)
    ]
    if counted.missing:
        blocks.append(
            texts.t("datepoll.missing", count=len(counted.missing), names=names(counted.missing))
        )
    elif total:
        blocks.append(texts.t("datepoll.all_answered"))
    if counted.others:
        people = tuple(dict.fromkeys(p.display_name for p in counted.others))
        blocks.append(texts.t("datepoll.others", count=len(people), people=", ".join(people)))
    return blocks


def started(texts: Texts, poll: DatePoll, host: Member | None, by: str) -> Reply:
    """The poll as every room gets it; its blocks are the text fallback."""
    items = tuple((TextSpan(option_text(texts, o)),) for o in poll.options)
    return Reply(
        (
            texts.t(
                "datepoll.started",
                person=by,
                host=host.name if host else "-",
                deadline=texts.when(poll.deadline),
            ),
            BulletList(items, ordered=True),
            how_to_vote(texts, poll),
        ),
        poll=native(texts, poll, host),
    )


def decide_command(texts: Texts, number: int | None = None) -> str:
    line = command(texts, "terminumfrage festlegen", "datepoll decide")
    return f"{line} {number}" if number is not None else line


def proposal_blocks(
    texts: Texts, counted: Tally, proposal: DateOption | None, host: Member | None
) -> list[Block]:
    if proposal is None:
        return [
            texts.t(
                "datepoll.no_proposal",
                example=decide_command(texts, counted.poll.options[0].number),
            )
        ]
    found = counted.count_of(proposal.number)
    total = len(counted.answered) + len(counted.missing)
    return [
        texts.t(
            "datepoll.proposal",
            when=option_text(texts, proposal),
            count=len(found.members) if found else 0,
            total=total,
        ),
        texts.t(
            "datepoll.how_to_decide",
            command=decide_command(texts),
            other=decide_command(
                texts, next(o.number for o in counted.poll.options if o != proposal)
            ),
            host=host.name if host else "-",
        ),
    ]


def decide_buttons(texts: Texts, proposal: DateOption | None) -> tuple[Button, ...]:
    if proposal is None:
        return ()
    label = texts.text("datepoll.button_decide", when=texts.date(proposal.starts_at))
    return (Button(label, decide_command(texts, proposal.number)),)


def closed(
    texts: Texts, counted: Tally, proposal: DateOption | None, host: Member | None, by: str
) -> Reply:
    """The result as every room gets it; ends the platform polls."""
    head = (
        texts.t("datepoll.closed_by", person=by)
        if by
        else texts.t("datepoll.closed_deadline", deadline=texts.when(counted.poll.deadline))
    )
    return Reply(
        (head, *tally_blocks(texts, counted), *proposal_blocks(texts, counted, proposal, host)),
        buttons=decide_buttons(texts, proposal),
        poll=native(texts, counted.poll, host, closed=True),
    )


def state_blocks(texts: Texts, counted: Tally, host: Member | None) -> list[Block]:
    """What `/terminumfrage` shows of the newest poll, open or closed."""
    poll = counted.poll
    hostname = host.name if host else "-"
    if poll.open:
        head = texts.t("datepoll.state_open", host=hostname, deadline=texts.when(poll.deadline))
        return [head, *tally_blocks(texts, counted), how_to_vote(texts, poll)]
    assert poll.closed_at is not None
    head = texts.t("datepoll.state_closed", host=hostname, closed=texts.when(poll.closed_at))
    tail: list[Block]
    chosen = poll.option(poll.proposal) if poll.proposal is not None else None
    if poll.status == DECIDED:
        tail = []
        if chosen is not None:
            tail.append(texts.t("datepoll.state_decided", when=option_text(texts, chosen)))
    else:
        tail = proposal_blocks(texts, counted, chosen, host)
    return [head, *tally_blocks(texts, counted), *tail]
