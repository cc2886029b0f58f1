"""What a page handler raises for the site's one 404 answer."""

from __future__ import annotations


class NotFound(Exception):
    """Whatever the reason (no such link, no such page): the one 404 answer."""
