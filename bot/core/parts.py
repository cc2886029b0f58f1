"""Cutting a reply that is too large for one message into parts, between paragraphs and
list items (a numbered list keeps counting), never inside one.

Each platform measures a part its own way (Matrix: the encoded event content; Telegram:
the characters after parsing); this module only needs that measure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.core.messenger import TooLarge
from bot.core.reply import Block, BulletList, Paragraph, Reply

MAX_PARTS = 10
"""More parts than this flood a room: such a reply goes out as a file instead."""


@dataclass(frozen=True)
class _Unit:
    """A paragraph, or one item of a list (with its list and position)."""

    block: Block
    index: int = -1


def _units(reply: Reply) -> list[_Unit]:
    units: list[_Unit] = []
    for block in reply.blocks:
        if isinstance(block, BulletList):
            units.extend(_Unit(block, i) for i in range(len(block.items)))
        else:
            units.append(_Unit(block))
    return units


def _blocks(units: list[_Unit]) -> tuple[Block, ...]:
    """The units as blocks again: neighbouring items of one list form one list."""
    blocks: list[Block] = []
    owner: Block | None = None
    for unit in units:
        block = unit.block
        if not isinstance(block, BulletList):
            blocks.append(block)
            owner = None
            continue
        item = block.items[unit.index]
        last = blocks[-1] if blocks else None
        if owner is block and isinstance(last, BulletList):
            blocks[-1] = BulletList((*last.items, item), last.ordered, last.start)
        else:
            blocks.append(BulletList((item,), block.ordered, block.start + unit.index))
        owner = block
    return tuple(blocks)


def split_reply(
    reply: Reply, size: Callable[[Reply], int], limit: int, max_parts: int = MAX_PARTS
) -> list[Reply]:
    """Parts of at most `limit` by `size` (the reply itself if it fits); buttons and
    attachments go with the last part. A single paragraph or item over the limit is a part
    of its own (the platform may cut it further or refuse it). Raises `TooLarge` beyond
    `max_parts`."""
    if not reply.blocks or size(reply) <= limit:
        return [reply]
    units = _units(reply)
    # measured one by one (less an empty message's overhead, plus a joint), so the whole
    # costs one measurement per unit; as that is an estimate (escaping may differ), each
    # part is measured once more and halved where it is still too large
    empty = Paragraph(())
    base = size(Reply((empty,)))
    joint = size(Reply((empty, empty))) - base
    costs = [size(Reply(_blocks([u]))) - base + joint for u in units]
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    used = base
    for unit, cost in zip(units, costs, strict=True):
        if current and used + cost > limit:
            groups.append(current)
            current, used = [], base
        current.append(unit)
        used += cost
    if current:
        groups.append(current)
    groups = [piece for group in groups for piece in _fitting(group, size, limit)]
    if len(groups) > max_parts:
        raise TooLarge(f"{len(groups)} parts, more than {max_parts}")
    parts = [Reply(_blocks(g)) for g in groups]
    parts[-1] = Reply(parts[-1].blocks, reply.attachments, reply.buttons)
    return parts


def _fitting(group: list[_Unit], size: Callable[[Reply], int], limit: int) -> list[list[_Unit]]:
    """The group itself if it fits, else its halves (recursively; a unit stays whole)."""
    if len(group) == 1 or size(Reply(_blocks(group))) <= limit:
        return [group]
    half = len(group) // 2
    return _fitting(group[:half], size, limit) + _fitting(group[half:], size, limit)
