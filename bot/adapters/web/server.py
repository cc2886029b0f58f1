"""The partnership's web site and calendar feeds, served by aiohttp in the bot's process.

Addresses:
- `/s/<token>/…` the private site (the token is the secret; `/webseite` hands it out),
- `/p/<public id>/…` the parts a partnership opened to everybody,
- `/k/<token>.ics` a person's calendar feed (the partnership's, or their own meetings),
- `/stop/<code>` an e-mail address's stop, `/a/<code>` its answer page (`answers`),
- `/static/…` the style sheets.
Nothing lists partnerships. A wrong, replaced or missing link and a missing page all get
the same 404 page; an address with too many of them within a minute gets 429 for a while.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.adapters.web.answers import AnswerPages
from bot.adapters.web.errors import NotFound
from bot.adapters.web.feed import feed_ics
from bot.adapters.web.pages import HERE, Page, environment
from bot.adapters.web.throttle import Throttle, client_address
from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.i18n import Catalog
from bot.usecases import email, web_pages
from bot.usecases.base import Actor, Call
from bot.usecases.ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "interest-cohort=()",
}
"""On every answer: no script runs, styles come only from our files, no page can frame
ours, and no link leaves with the secret address as its referrer."""

STATIC = HERE / "static"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebSite:
    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock, catalog: Catalog, base_url: str = ""
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.catalog = catalog
        self.env = environment()
        self.throttle = Throttle(clock)
        self._not_found = self.env.get_template("not_found.html").render()
        self._static = {p.name: p.read_bytes() for p in STATIC.glob("*.css")}
        self.answers = AnswerPages(uow_factory, clock, catalog, self.env, base_url)

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._guard], client_max_size=64 * 1024)
        app.router.add_get("/static/{name}", self.static)
        app.router.add_get("/s/{token}/{path:.*}", self.private_page)
        app.router.add_get("/p/{public_id}/{path:.*}", self.public_page)
        app.router.add_get("/k/{name}", self.feed)
        app.router.add_get("/stop/{code}", self.stop_question)
        app.router.add_post("/stop/{code}", self.stop)
        self.answers.add_routes(app)
        return app

    async def stop_question(self, request: web.Request) -> web.StreamResponse:
        """The link in an e-mail's footer: asks first, so a link checker stops nothing."""
        async with self.uow_factory() as uow:
            found = await uow.emails.by_stop_code(request.match_info["code"])
            if found is None:
                raise NotFound
            owner = await uow.partnerships.get(found.partnership_id)
        assert owner is not None
        return self._stop_page(owner.language, owner.name, found.address, done=False)

    async def stop(self, request: web.Request) -> web.StreamResponse:
        """The button on that page, or a mail program's one-click stop (RFC 8058)."""
        async with self.uow_factory() as uow:
            call = Call(uow, self.clock, Actor(web_pages.VISITOR))
            try:
                found = await email.stop(call, request.match_info["code"])
            except UserError:
                raise NotFound from None
            owner = await uow.partnerships.get(found.partnership_id)
            await uow.commit()
        assert owner is not None
        return self._stop_page(owner.language, owner.name, found.address, done=True)

    def _stop_page(self, lang: str, name: str, address: str, done: bool) -> web.Response:
        html = self.env.get_template("stop.html").render(
            lang=lang,
            t=lambda key, **params: self.catalog.text(lang, key, **params),
            name=name,
            address=address,
            done=done,
        )
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    def not_found(self) -> web.Response:
        return web.Response(
            status=404, text=self._not_found, content_type="text/html", charset="utf-8"
        )

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        address = client_address(request.remote, request.headers.get("X-Forwarded-For"))
        wait = self.throttle.refused(address)
        response: web.StreamResponse
        if wait and not request.path.startswith("/static/"):
            response = web.Response(status=429, text="429 Too Many Requests\n")
            response.headers["Retry-After"] = str(wait)
        else:
            try:
                response = await handler(request)
            except (NotFound, web.HTTPNotFound, web.HTTPMethodNotAllowed):
                self.throttle.missed(address)
                response = self.not_found()
        response.headers.update(SECURITY_HEADERS)
        if request.path.startswith(("/stop/", "/a/")):  # their forms post to themselves
            policy = SECURITY_HEADERS["Content-Security-Policy"]
            response.headers["Content-Security-Policy"] = policy.replace(
                "form-action 'none'", "form-action 'self'"
            )
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    async def static(self, request: web.Request) -> web.StreamResponse:
        body = self._static.get(request.match_info["name"])
        if body is None:
            raise NotFound
        response = web.Response(body=body, content_type="text/css", charset="utf-8")
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    async def private_page(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        async with self.uow_factory() as uow:
            visit = await web_pages.private_visit(uow, token)
            return await self._page(request, uow, visit, f"/s/{token}")

    async def public_page(self, request: web.Request) -> web.StreamResponse:
        public_id = request.match_info["public_id"]
        async with self.uow_factory() as uow:
            visit = await web_pages.public_visit(uow, public_id)
            return await self._page(request, uow, visit, f"/p/{public_id}")

    async def _page(
        self, request: web.Request, uow: UnitOfWork, visit: web_pages.Visit | None, prefix: str
    ) -> web.StreamResponse:
        if visit is None:
            raise NotFound
        call = web_pages.reader(uow, self.clock, visit.partnership)
        page = Page(self.env, self.catalog, visit, prefix, call)
        html = await self._render(page, request.match_info["path"].strip("/"), visit)
        if html is None:
            raise NotFound
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    async def _render(self, page: Page, path: str, visit: web_pages.Visit) -> str | None:
        part, _, rest = path.partition("/")
        if part == "":
            return await page.overview()
        if part not in visit.parts:
            return None
        if part == "minutes" and rest:
            return await page.minutes(rest)
        if rest:
            return None
        pages = {
            "meetings": page.meetings,
            "minutes": page.minutes_list,
            "actions": page.actions,
            "decisions": page.decisions,
            "rules": page.rules,
        }
        render = pages.get(part)
        return await render() if render is not None else None

    async def feed(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if not name.endswith(".ics"):
            raise NotFound
        async with self.uow_factory() as uow:
            found = await web_pages.feed(uow, self.clock, name.removesuffix(".ics"))
        if found is None:
            raise NotFound
        body = feed_ics(self.catalog, found, self.clock.now())
        response = web.Response(body=body, content_type="text/calendar", charset="utf-8")
        response.headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
        return response


class WebServer:
    """The running site on one address; `stop()` closes it."""

    def __init__(self, site: WebSite, host: str, port: int) -> None:
        self.site = site
        self.host, self.port = host, port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.site.application(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("web site on %s:%s", self.host, self.port)

    @property
    def bound_port(self) -> int:
        """The port really bound (the configured one, or the system's choice for port 0)."""
        assert self._runner is not None
        for address in self._runner.addresses:
            return int(address[1])
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
