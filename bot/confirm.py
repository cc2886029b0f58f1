"""Commands that ask first (`confirm=True`): the question, and the answers /yes and /no.

The App runs such a command once without keeping anything, to see that it would work, and
asks (`ask`); /yes runs it again for real, /no drops it (`answer`)."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import MessageEvent
from bot.core.reply import Button, Code, Paragraph, Reply, command_or_code
from bot.core.router import Router
from bot.usecases import confirmations

CONFIRM_KEY = "cmd.yes"
ABORT_KEY = "cmd.no"


async def _answered_by_the_app(ctx: Context) -> Reply | None:
    """/yes and /no are answered by App itself, because they run another command."""
    raise AssertionError("App answers /yes and /no itself")


def register(router: Router) -> None:
    """/yes and /no, for the parser and /help; the App answers them."""
    router.add("yes", "ja", needs_partnership=False)(_answered_by_the_app)
    router.add("no", "nein", needs_partnership=False)(_answered_by_the_app)


async def ask(ctx: Context, event: MessageEvent, question: Paragraph | None = None) -> Reply:
    """The command would work: keep nothing yet (the caller rolled back), ask to confirm it,
    with the use case's own `question` where it raised `AskFirst`."""
    line = " ".join(event.text.split())
    token = await confirmations.ask(
        ctx.call.uow,
        event.room,
        event.sender.identity,
        ctx.person.display_name,
        event.text,
        ctx.now,
    )
    yes, no = ("/ja", "/nein") if ctx.german else ("/yes", "/no")
    answers = {"yes": command_or_code(yes, "plain"), "no": command_or_code(no, "plain")}
    if question is not None:
        asked = question + ctx.t("confirm.answer", **answers)
    elif ctx.confirming is not None:
        asked = ctx.t("confirm.please") + ctx.confirming + ctx.t("confirm.answer", **answers)
    else:
        asked = ctx.t("confirm.question", command=Code(line[:200]), **answers)
    return Reply.of(
        asked,
        buttons=(
            Button(ctx.catalog.text(ctx.lang, "confirm.yes"), f"{yes} {token}"),
            Button(ctx.catalog.text(ctx.lang, "confirm.no"), f"{no} {token}"),
        ),
    )


async def answer(ctx: Context, yes: bool) -> Reply | MessageEvent:
    """/no: the reply saying what was dropped; /yes: the command asked about, as the message
    to run now (in the same transaction)."""
    assert isinstance(ctx.event, MessageEvent)
    token = ctx.args.split()[0] if ctx.args.split() else None
    pending = await confirmations.take(
        ctx.call.uow, ctx.event.room, ctx.event.sender.identity, token, ctx.now
    )
    if not yes:
        return ctx.say("confirm.aborted", command=Code(pending.text[:200]))
    return MessageEvent(ctx.event.room, ctx.event.sender, pending.text, ctx.event.room_name)


async def offer(ctx: Context, question: Paragraph, choices: list[tuple[str, str]]) -> Reply:
    """Ask back instead of guessing: each choice (a button label, the command line to run)
    is kept like a question to confirm; `/ja` alone takes the first, the best reading."""
    assert isinstance(ctx.event, MessageEvent)
    event = ctx.event
    tokens: list[str] = []
    for _, line in reversed(choices):
        token = await confirmations.ask(
            ctx.call.uow, event.room, event.sender.identity, ctx.person.display_name, line, ctx.now
        )
        tokens.insert(0, token)
    yes, no = ("/ja", "/nein") if ctx.german else ("/yes", "/no")
    pairs = list(zip(choices, tokens, strict=True))
    buttons = [Button(label, f"{yes} {token}") for (label, _), token in pairs]
    buttons.append(Button(ctx.catalog.text(ctx.lang, "confirm.no"), f"{no} {tokens[0]}"))
    others = [
        ctx.t("date.or_choice", choice=label, command=command_or_code(f"{yes} {token}"))
        for (label, _), token in pairs[1:]
    ]
    answer = ctx.t("date.how_answer", yes=command_or_code(yes, "plain"))
    return Reply.of(question, *others, answer, buttons=tuple(buttons))
