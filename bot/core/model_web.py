"""The web site's and the calendar feeds' things, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

SITE = "site"
"""The partnership's private web site (one link at a time)."""
FEED = "feed"
"""A person's link to the partnership's calendar feed."""
MINE = "mine"
"""A person's link to the feed of their own meetings."""

PARTS = ("overview", "meetings", "minutes", "actions", "decisions", "rules")
"""The parts of the site, each of which can be opened to the public."""


@dataclass
class WebLink:
    """A secret link; only the SHA-256 of its token is stored."""

    id: int
    partnership_id: int
    person_id: int | None
    kind: str
    token_hash: str
    created_at: datetime


@dataclass
class WebSettings:
    """What of the site is public (under `public_id`), and whether contact persons show."""

    partnership_id: int
    public_parts: frozenset[str] = field(default_factory=frozenset)
    public_id: str = ""
    show_contacts: bool = False
