"""People joining and leaving the partnership's rooms: welcome them, notice who is gone."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.router import Router
from bot.usecases import presence


async def welcome(ctx: Context) -> None:
    """The welcome is told in the room joined by the chat channel."""
    await presence.arrive(ctx.call)


async def farewell(ctx: Context) -> None:
    await presence.leave(ctx.call)


def register(router: Router) -> None:
    router.on_join(welcome)
    router.on_leave(farewell)
