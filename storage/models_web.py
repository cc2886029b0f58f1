"""Tables of the web site and the calendar feeds: links (only their hashes) and what a
partnership opened to the public."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class WebLinkRow(Base):
    """A secret link: the partnership's web site, a person's feed of the partnership, or a
    person's "my meetings" feed. Only the SHA-256 of the token is kept."""

    __tablename__ = "web_link"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebSettingsRow(Base):
    """What of the site is public, under which public address, and whether the contact
    persons are shown."""

    __tablename__ = "web_settings"
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True
    )
    public_parts: Mapped[str] = mapped_column(String(200), default="")
    public_id: Mapped[str] = mapped_column(String(64), default="")
    show_contacts: Mapped[bool] = mapped_column(Boolean, default=False)
