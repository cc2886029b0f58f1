"""/help: the few commands that matter to this person in this room now; `/help all` every
command by area; `/help <command>` what it does and exactly who may run it (its use case's
declared permission). Every view fits a chat message (under 1,500 characters)."""

from __future__ import annotations

from bot.answers import usage_line
from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.reply import Block, Bold, BulletList, Paragraph, Reply, Span, Text, command_or_code
from bot.core.router import Command, Router
from bot.usecases import help as help_uc
from bot.usecases.help import Situation

ALL = ("all", "alle")

NOT_LINKED = ("cmd.setup", "cmd.link", "cmd.help")
NEWCOMER = (
    "cmd.iam", "cmd.members", "cmd.next", "cmd.meetings", "cmd.agenda", "cmd.coordinators",
    "cmd.rules", "cmd.calendar",
)  # fmt: skip
CONTACT = (
    "cmd.next", "cmd.attend", "cmd.agenda", "cmd.agenda.add", "cmd.meetings", "cmd.members",
    "cmd.actions", "cmd.done", "cmd.minutes", "cmd.calendar",
)  # fmt: skip
NEXT_HOST = (
    "cmd.datepoll", "cmd.schedule", "cmd.move", "cmd.next", "cmd.agenda", "cmd.agenda.add",
    "cmd.agenda.move", "cmd.members", "cmd.actions", "cmd.minutes.add",
)  # fmt: skip
COORDINATOR = (
    "cmd.member.add", "cmd.contact.add", "cmd.datepoll", "cmd.schedule", "cmd.next",
    "cmd.agenda", "cmd.members", "cmd.rotation", "cmd.link", "cmd.settings",
)  # fmt: skip
MEETING_DAY = (
    "cmd.startmeeting", "cmd.agenda", "cmd.agenda.add", "cmd.agenda.move", "cmd.next",
    "cmd.move", "cmd.cancel", "cmd.members",
)  # fmt: skip
MEETING_RUNNING = (
    "cmd.topic", "cmd.info", "cmd.decision", "cmd.action", "cmd.present", "cmd.undo",
    "cmd.endmeeting", "cmd.agenda",
)  # fmt: skip

AREAS = {
    "partnership": "partnership",
    "settings": "settings",
    "members": "people",
    "contacts": "people",
    "coordinators": "people",
    "meetings": "meetings",
    "date_polls": "meetings",
    "attendance": "meetings",
    "rotation": "meetings",
    "agenda": "agenda",
    "minutes": "minutes",
    "actions": "minutes",
    "reminders": "reminders",
    "privacy": "privacy",
    "web": "partnership",
    "email": "email",
}
"""Handler module -> area of `/hilfe alle` (`help.area.<area>`); the rest is "general"."""


def _line(ctx: Context, command: Command) -> tuple[Span, ...]:
    return (
        command_or_code(usage_line(ctx.catalog, ctx.lang, command)),
        Text(" – " + ctx.catalog.text(ctx.lang, f"{command.key}.help")),
    )


def view(situation: Situation) -> tuple[str, tuple[str, ...]]:
    """The situation's name (`help.now.<name>`) and the commands that matter in it."""
    if not situation.linked:
        return "not_linked", NOT_LINKED
    takes_part = situation.coordinator or situation.member is not None
    if situation.meeting_running and takes_part:
        return "meeting_running", MEETING_RUNNING
    if situation.meeting_today and (situation.coordinator or situation.hosts_next):
        return "meeting_day", MEETING_DAY
    if situation.coordinator:
        return "coordinator", COORDINATOR
    if situation.hosts_next:
        return "next_host", NEXT_HOST
    if situation.member is not None:
        return "contact", CONTACT
    return "newcomer", NEWCOMER


async def show_help(ctx: Context, router: Router) -> Reply:
    word = ctx.args.strip()
    if word.casefold() in ALL:
        return show_all(ctx, router)
    if word.lstrip("/!").strip():
        return _one(ctx, router, word)
    situation = await help_uc.situation(ctx.call)
    name, keys = view(situation)
    by_key = {c.key: c for c in router.commands}
    member = situation.member.name if situation.member else ""
    return Reply.of(
        ctx.t(f"help.now.{name}", member=member),
        BulletList(tuple(_line(ctx, by_key[k]) for k in keys if k in by_key)),
        ctx.t(
            "help.more",
            all=command_or_code(_help_word(ctx, router) + " " + ALL[ctx.german]),
            one=command_or_code(_help_word(ctx, router) + " " + ctx.texts.text("help.arg")),
        ),
    )


def _help_word(ctx: Context, router: Router) -> str:
    return next(c for c in router.commands if c.key == "cmd.help").invocation(ctx.german)


def _area(command: Command) -> str:
    if command.name == "settings":
        return "settings"
    return AREAS.get(command.handler.__module__.rpartition(".")[2], "general")


def show_all(ctx: Context, router: Router) -> Reply:
    """Every command, by area, by name only: `/hilfe <Befehl>` explains each."""
    areas: dict[str, list[Command]] = {}
    for command in router.commands:
        if not command.hidden:
            areas.setdefault(_area(command), []).append(command)
    lines = tuple(
        (
            Bold(ctx.catalog.text(ctx.lang, f"help.area.{area}") + ": "),
            *_names(ctx, commands),
        )
        for area, commands in areas.items()
    )
    return Reply.of(
        ctx.t("help.all"),
        BulletList(lines),
        ctx.t(
            "help.one",
            command=command_or_code(_help_word(ctx, router) + " " + ctx.texts.text("help.arg")),
        ),
    )


def _names(ctx: Context, commands: list[Command]) -> list[Span]:
    """ "/termin, /verschieben, /webseite [neu|privat]" as commands, so each platform writes
    its own prefix; a command's subcommands share one entry, which keeps the list short."""
    families: dict[str, list[Command]] = {}
    for command in commands:
        families.setdefault(command.alias if ctx.german else command.name, []).append(command)
    spans: list[Span] = []
    for index, (word, family) in enumerate(families.items()):
        subs = [(c.sub_alias or c.sub) if ctx.german else c.sub for c in family if c.sub]
        text = f"/{word}"
        if subs:
            listed = "|".join(s for s in subs if s)
            text += f" [{listed}]" if any(not c.sub for c in family) else f" {listed}"
        if index:
            spans.append(Text(", "))
        spans.append(command_or_code(text, "plain"))
    return spans


def _one(ctx: Context, router: Router, word: str) -> Reply:
    family = router.family(word.lstrip("/!").split()[0].casefold())
    if not family:
        raise UserError("help.unknown", command=word)
    first = family[0]
    head = first.invocation(ctx.german).split(" ")[0]
    blocks: list[Block] = [Paragraph.of(command_or_code(head, "bold"))]
    for command in family:
        if command.hidden and command is not first:
            continue  # documented where it belongs (/einstellungen email: under /email)
        example = ctx.catalog.text(ctx.lang, f"{command.key}.example")
        items: list[tuple[Span, ...]] = [
            _line(ctx, command),
            (Text(ctx.catalog.text(ctx.lang, "help.example") + " "), command_or_code(example)),
        ]
        items.extend((Text(line),) for line in _who_lines(ctx, command))
        blocks.append(BulletList(tuple(items)))
    return Reply.of(*blocks)


def _who_lines(ctx: Context, command: Command) -> list[str]:
    """One line per use case the command may run: `/verbinden` makes a code (coordinators)
    or redeems one (the room's administrators)."""
    cases = command.use_cases
    if len(cases) <= 1:
        return [ctx.texts.who_line(command.permission)]
    return [
        ctx.texts.text(f"help.case.{case.permission.name}")
        + ": "
        + ctx.texts.who_line(case.permission)
        for case in cases
    ]


def register(router: Router) -> None:
    async def help_for(ctx: Context) -> Reply:
        """The commands of this router (the one being built)."""
        return await show_help(ctx, router)

    router.add("help", "hilfe", needs_partnership=False, uses=help_uc.situation)(help_for)
    router.add("start", "start", needs_partnership=False, hidden=True, uses=help_uc.situation)(
        help_for
    )
