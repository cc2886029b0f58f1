"""Command handlers, one module per command family, each written once for every platform."""

from __future__ import annotations

from bot.core.router import Router


def build_router() -> Router:
    from handlers import (
        actions,
        agenda,
        attendance,
        contacts,
        coordinators,
        date_polls,
        email,
        help,
        meetings,
        members,
        minutes,
        partnership,
        presence,
        privacy,
        reminders,
        rotation,
        settings,
        web,
    )

    router = Router()
    for module in (
        help,
        partnership,
        members,
        contacts,
        coordinators,
        meetings,
        date_polls,
        attendance,
        rotation,
        settings,
        agenda,
        minutes,
        actions,
        reminders,
        presence,
        privacy,
        web,
        email,
    ):
        module.register(router)
    return router
