"""The web site's links and the calendar feeds, as the chat hands them out.

Links carry a random token; only its SHA-256 is stored, so a copy of the database opens
no site. That is why the bot cannot show a link twice: a coordinator who lost it makes a
new one (`/webseite neu`), which kills the old one at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.core.errors import UserError
from bot.core.model_web import FEED, MINE, PARTS, SITE, WebLink, WebSettings
from bot.core.permissions import Who
from bot.usecases.base import Call, use_case

TOKEN_BYTES = 32
"""256 bits: unguessable, however many tries the throttle lets through."""


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SiteLink:
    """The site's private address: `url` when it was made now, else when it was made."""

    url: str
    created_at: datetime
    settings: WebSettings
    public_url: str


@dataclass(frozen=True)
class FeedLinks:
    """A person's two calendar addresses (https; `webcal` for the subscribe buttons)."""

    partnership: str
    mine: str


def _base(call: Call) -> str:
    if not call.web_base_url:
        raise UserError("web.not_configured")
    return call.web_base_url.rstrip("/")


async def _new_link(call: Call, kind: str, person_id: int | None = None) -> str:
    token = new_token()
    link = WebLink(0, call.partnership.id, person_id, kind, token_hash(token), call.now)
    await call.uow.web.add_link(link)
    return token


def public_url(call: Call, settings: WebSettings) -> str:
    if not settings.public_parts or not settings.public_id:
        return ""
    return f"{_base(call)}/p/{settings.public_id}/"


@use_case("web.show", Who.COORDINATOR)
async def show(call: Call) -> SiteLink:
    """The site's link; made now when there is none (it is shown only this once)."""
    base = _base(call)
    partnership = call.partnership
    settings = await call.uow.web.settings(partnership.id)
    existing = await call.uow.web.links(partnership.id, SITE)
    if existing:
        return SiteLink("", existing[-1].created_at, settings, public_url(call, settings))
    token = await _new_link(call, SITE)
    await call.audit("web.link")
    return SiteLink(f"{base}/s/{token}/", call.now, settings, public_url(call, settings))


@use_case("web.renew", Who.COORDINATOR)
async def renew(call: Call) -> SiteLink:
    """A new link for the site; the old one answers "not found" from now on."""
    base = _base(call)
    partnership = call.partnership
    await call.uow.web.remove_links(partnership.id, [SITE])
    token = await _new_link(call, SITE)
    await call.audit("web.renew")
    settings = await call.uow.web.settings(partnership.id)
    return SiteLink(f"{base}/s/{token}/", call.now, settings, public_url(call, settings))


@dataclass(frozen=True)
class Publish:
    parts: frozenset[str]
    """Some of PARTS."""
    public: bool


@use_case("web.publish", Who.COORDINATOR)
async def publish(call: Call, command: Publish) -> SiteLink:
    """Open parts of the site to everyone (under a public address of their own, which
    reveals nothing of the private link), or close them again."""
    _base(call)
    unknown = command.parts - set(PARTS)
    if unknown:
        raise ValueError(f"unknown parts {sorted(unknown)}")
    settings = await call.uow.web.settings(call.partnership.id)
    if command.public:
        settings.public_parts = settings.public_parts | command.parts
        if not settings.public_id:
            settings.public_id = secrets.token_urlsafe(12)
    else:
        settings.public_parts = settings.public_parts - command.parts
    await call.uow.web.save_settings(settings)
    await call.audit("web.publish", parts=sorted(command.parts), public=command.public)
    links = await call.uow.web.links(call.partnership.id, SITE)
    created = links[-1].created_at if links else call.now
    return SiteLink("", created, settings, public_url(call, settings))


@use_case("web.contacts", Who.COORDINATOR)
async def show_contacts(call: Call, show: bool) -> WebSettings:
    """Whether the site names the members' contact persons (off unless the partnership
    agrees: they are people's names)."""
    settings = await call.uow.web.settings(call.partnership.id)
    settings.show_contacts = show
    await call.uow.web.save_settings(settings)
    await call.audit("web.contacts", show=show)
    return settings


@use_case("web.subscribe")
async def subscribe(call: Call, renew: bool = False) -> FeedLinks:
    """The asking person's links to the partnership's calendar and to their own meetings.
    Each call makes a new pair (another device, another calendar); `renew` first ends the
    person's earlier ones."""
    base = _base(call)
    if renew:
        await call.uow.web.remove_links(call.partnership.id, [FEED, MINE], call.person.id)
    everything = await _new_link(call, FEED, call.person.id)
    mine = await _new_link(call, MINE, call.person.id)
    return FeedLinks(f"{base}/k/{everything}.ics", f"{base}/k/{mine}.ics")
