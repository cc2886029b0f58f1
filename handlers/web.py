"""/website (/webseite) and /calendar subscribe (/kalender abonnieren): the links to the
partnership's web page and to its live calendar."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.model_web import PARTS
from bot.core.reply import Link, Paragraph, Reply
from bot.core.router import Router
from bot.core.text import clean, match_key
from bot.usecases import web

_PART_WORDS = {
    "overview": "overview",
    "uebersicht": "overview",
    "meetings": "meetings",
    "treffen": "meetings",
    "termine": "meetings",
    "minutes": "minutes",
    "protokolle": "minutes",
    "protokoll": "minutes",
    "actions": "actions",
    "aufgaben": "actions",
    "decisions": "decisions",
    "beschluesse": "decisions",
    "rules": "rules",
    "regeln": "rules",
    "geschaeftsordnung": "rules",
}
_ALL = {"all", "alles", "everything"}
_ON = {"on", "an", "ein", "ja", "yes"}
_OFF = {"off", "aus", "nein", "no"}


def _parts(ctx: Context) -> frozenset[str]:
    words = [
        w for w in clean(ctx.args).replace(",", " ").split() if w.casefold() not in {"und", "and"}
    ]
    if not words:
        raise UsageError("web.parts_missing")
    found: set[str] = set()
    for word in words:
        key = match_key(word)
        if key in _ALL:
            found |= set(PARTS)
        elif key in _PART_WORDS:
            found.add(_PART_WORDS[key])
        else:
            raise UsageError("web.part_unknown", word=word[:40])
    return frozenset(found)


def _link(url: str) -> Link:
    return Link(url, url)


def _public_lines(ctx: Context, site: web.SiteLink) -> list[Paragraph]:
    if not site.public_url:
        return [ctx.t("web.public_none")]
    names = ", ".join(
        ctx.texts.text(f"web.part.{p}") for p in PARTS if p in site.settings.public_parts
    )
    return [ctx.t("web.public", parts=names, url=_link(site.public_url))]


def _site_reply(ctx: Context, site: web.SiteLink) -> Reply:
    name = ctx.partnership.name
    if site.url:
        head = [ctx.t("web.link_new", name=name, url=_link(site.url)), ctx.t("web.link_secret")]
    else:
        head = [ctx.t("web.link_exists", name=name, date=ctx.texts.date(site.created_at))]
    contacts = "web.contacts_shown" if site.settings.show_contacts else "web.contacts_hidden"
    return Reply.of(*head, *_public_lines(ctx, site), ctx.t(contacts))


async def show(ctx: Context) -> Reply:
    if clean(ctx.args):
        raise UsageError("web.unknown", word=clean(ctx.args).split()[0][:40])
    return _site_reply(ctx, await web.show(ctx.call))


async def renew(ctx: Context) -> Reply:
    site = await web.renew(ctx.call)
    return Reply.of(
        ctx.t("web.renewed", name=ctx.partnership.name, url=_link(site.url)),
        ctx.t("web.link_secret"),
    )


async def make_public(ctx: Context) -> Reply:
    site = await web.publish(ctx.call, web.Publish(_parts(ctx), public=True))
    return Reply.of(*_public_lines(ctx, site))


async def make_private(ctx: Context) -> Reply:
    site = await web.publish(ctx.call, web.Publish(_parts(ctx), public=False))
    return Reply.of(*_public_lines(ctx, site))


async def contacts(ctx: Context) -> Reply:
    word = match_key(clean(ctx.args))
    if word not in _ON | _OFF:
        raise UsageError("web.contacts_how")
    settings = await web.show_contacts(ctx.call, word in _ON)
    return ctx.say("web.contacts_shown" if settings.show_contacts else "web.contacts_hidden")


async def subscribe(ctx: Context) -> Reply:
    word = match_key(clean(ctx.args))
    if word and word not in {"neu", "new"}:
        raise UsageError("calendar.subscribe_unknown", word=clean(ctx.args)[:40])
    links = await web.subscribe(ctx.call, renew=bool(word))
    return Reply.of(
        ctx.t("calendar.subscribe_all", name=ctx.partnership.name),
        Paragraph((_link(webcal(links.partnership)),)),
        ctx.t("calendar.subscribe_mine"),
        Paragraph((_link(webcal(links.mine)),)),
        ctx.t("calendar.subscribe_how", url=_link(links.partnership)),
        ctx.t("calendar.subscribe_renewed" if word else "calendar.subscribe_personal"),
    )


def webcal(url: str) -> str:
    """The address calendar apps open as a subscription (webcal:// for http and https)."""
    return "webcal://" + url.split("://", 1)[1]


def register(router: Router) -> None:
    router.add("website", "webseite", uses=web.show)(show)
    router.add("website", "webseite", sub="new", sub_alias="neu", uses=web.renew)(renew)
    router.add("website", "webseite", sub="public", sub_alias="oeffentlich", uses=web.publish)(
        make_public
    )
    router.add("website", "webseite", sub="private", sub_alias="privat", uses=web.publish)(
        make_private
    )
    router.add("website", "webseite", sub="contacts", sub_alias="kontakte", uses=web.show_contacts)(
        contacts
    )
    router.add("calendar", "kalender", sub="subscribe", sub_alias="abonnieren", uses=web.subscribe)(
        subscribe
    )
