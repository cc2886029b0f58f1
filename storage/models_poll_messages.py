"""The table of where the bot's polls were posted (one row per poll and room)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class PollMessageRow(Base):
    __tablename__ = "poll_message"
    __table_args__ = (
        UniqueConstraint("platform", "external_id", "poll_key"),
        Index("ix_poll_message_poll", "platform", "poll_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(255))
    poll_key: Mapped[str] = mapped_column(String(64))
    poll_id: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str] = mapped_column(String(255))
    answer_keys: Mapped[str] = mapped_column(Text)
    """JSON list, in the order the platform shows the answers."""
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
