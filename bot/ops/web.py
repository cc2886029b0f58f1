"""The web site in `partnerbot run` and `check-config`: started beside the platforms, on
its own address; a site that cannot start is logged and the chat goes on without it."""

from __future__ import annotations

import logging
import socket
from typing import TYPE_CHECKING

from bot.config import Config
from bot.ops.health import parse_listen

if TYPE_CHECKING:
    from bot.adapters.web.server import WebServer
    from bot.bootstrap import Runtime

log = logging.getLogger("partnerbot")


def bind_problem(listen: str) -> str | None:
    """Why the address cannot be bound now (None: it can): what `check-config` reports."""
    host, port = parse_listen(listen)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as error:
        return f"[web] listen {listen}: the host cannot be resolved ({error})"
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            return f"[web] listen {listen} cannot be bound: {error.strerror or error}"
    return None


async def start_web(runtime: Runtime, config: Config) -> WebServer | None:
    """Start the site if `[web] listen` is set; None if it is not, or cannot start."""
    if not config.web.listen:
        return None
    from bot.adapters.web.server import WebServer, WebSite

    host, port = parse_listen(config.web.listen)
    site = WebSite(runtime.app.uow_factory, runtime.app.clock, runtime.catalog, config.web.base_url)
    server = WebServer(site, host, port)
    try:
        await server.start()
    except OSError as error:
        log.error("the web site cannot start on %s and stays off: %s", config.web.listen, error)
        return None
    return server
