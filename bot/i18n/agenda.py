"""How the agenda reads in any language: its items, the standing items and the whole coming
agenda. Shared by the chat commands' replies and by the channels that post the agenda."""

from __future__ import annotations

from bot.core.model import AgendaItem
from bot.core.reply import Block, BulletList, Paragraph, Span, Text, command_or_code
from bot.core.timefmt import fmt_date
from bot.i18n import Catalog
from bot.i18n.texts import Texts
from bot.usecases.agenda_queries import AgendaView, Standing


def item_spans(catalog: Catalog, lang: str, item: AgendaItem) -> tuple[Span, ...]:
    """ "text (#mobility) — Kleve", with a note when carried over or already dealt with."""
    parts = [item.text]
    if item.field:
        parts.append(f" ({catalog.text(lang, 'field.' + item.field)})")
    if item.proposer:
        parts.append(" — " + item.proposer)
    if item.carried_over:
        parts.append(" — " + catalog.text(lang, "agenda.carried_mark"))
    if item.done:
        parts.append(" — " + catalog.text(lang, "agenda.done_mark"))
    return (Text("".join(parts)),)


def agenda_blocks(catalog: Catalog, lang: str, items: list[AgendaItem]) -> list[Block]:
    """The items as a numbered list, ready for a Reply (nothing when there are none)."""
    if not items:
        return []
    return [BulletList(tuple(item_spans(catalog, lang, i) for i in items), ordered=True)]


def standing_blocks(
    catalog: Catalog, lang: str, timezone: str, standing_items: Standing
) -> list[Block]:
    lines: list[tuple[Span, ...]] = []
    if standing_items.last_minutes is not None:
        day = fmt_date(standing_items.last_minutes.starts_at, lang, timezone)
        lines.append((Text(catalog.text(lang, "agenda.standing_minutes", date=day)),))
    if standing_items.open_actions:
        count = len(standing_items.open_actions)
        lines.append((Text(catalog.text(lang, "agenda.standing_actions", count=count)),))
    if not lines:
        return []
    return [Paragraph((Text(catalog.text(lang, "agenda.standing")),)), BulletList(tuple(lines))]


def add_command(texts: Texts) -> str:
    return "/tagesordnung neu <Text>" if texts.german else "/agenda add <text>"


def agenda_view_blocks(texts: Texts, view: AgendaView, intro: bool = True) -> list[Block]:
    """The coming agenda: heading, deadline, standing items, numbered items, what waits."""
    blocks: list[Block] = []
    meeting = view.meeting
    if meeting is None:
        blocks.append(texts.t("agenda.no_meeting", count=len(view.items)))
    else:
        host = view.host
        blocks.append(
            texts.t(
                "agenda.header",
                when=texts.when(meeting.starts_at),
                host=host.name if host else "-",
            )
        )
        if intro and view.deadline is not None:
            key = "agenda.deadline" if view.open_for_proposals else "agenda.deadline_passed"
            blocks.append(texts.t(key, deadline=texts.when(view.deadline)))
    blocks.extend(standing_blocks(texts.catalog, texts.lang, texts.timezone, view.standing))
    if view.items:
        blocks.append(texts.t("agenda.items"))
        blocks.extend(agenda_blocks(texts.catalog, texts.lang, view.items))
    elif meeting is not None:
        blocks.append(texts.t("agenda.empty", command=command_or_code(add_command(texts))))
    if view.later:
        blocks.append(texts.t("agenda.later", count=view.later))
    return blocks
