"""The table of replies to meeting invitations (imported where the models are collected)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class MeetingReplyRow(Base):
    """One row per meeting and person: the latest answer replaces the one before."""

    __tablename__ = "meeting_reply"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id", name="uq_meeting_reply_person"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(8))
    for_start: Mapped[datetime] = mapped_column(UTCDateTime)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
