"""Command handlers, one module per command family, each written once for every platform."""

from __future__ import annotations

from bot.core.router import Router


def build_router() -> Router:
    from handlers import (
        coordinators,
        help,
        meetings,
        members,
        partnership,
        presence,
        rotation,
        settings,
    )

    router = Router()
    for module in (
        help,
        partnership,
        members,
        coordinators,
        meetings,
        rotation,
        settings,
        presence,
    ):
        module.register(router)
    return router
