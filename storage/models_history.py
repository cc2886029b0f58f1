"""Tables that keep a long history cheap: the host rotation's state as of a moment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import (
    ActionItemRow,
    AgendaItemRow,
    Base,
    MeetingRow,
    MinutesRow,
    ReminderRow,
    RotationOverrideRow,
    UTCDateTime,
)


class RotationStateRow(Base):
    """The rotation after every event before `as_of`, so the plan replays only what came
    since; `fingerprint` names the members it was computed with (a rename or a rejoin
    rewrites their past, and the state is then computed afresh)."""

    __tablename__ = "rotation_state"
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True
    )
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(Text)


# Indexes for the queries that read only what is open, planned or recent of one partnership
# (declared here, beside the table they serve, so storage/models.py stays as it was).
Index("ix_meeting_partnership_starts", MeetingRow.partnership_id, MeetingRow.starts_at)
Index(
    "ix_meeting_partnership_status",
    MeetingRow.partnership_id,
    MeetingRow.status,
    MeetingRow.starts_at,
)
Index(
    "ix_agenda_item_partnership_status",
    AgendaItemRow.partnership_id,
    AgendaItemRow.status,
    AgendaItemRow.position,
)
Index("ix_agenda_item_meeting", AgendaItemRow.meeting_id)
Index("ix_action_item_partnership_done", ActionItemRow.partnership_id, ActionItemRow.done_at)
Index("ix_minutes_partnership_status", MinutesRow.partnership_id, MinutesRow.status)
Index(
    "ix_reminder_partnership_status",
    ReminderRow.partnership_id,
    ReminderRow.status,
    ReminderRow.due_at,
)
Index(
    "ix_rotation_override_partnership_at",
    RotationOverrideRow.partnership_id,
    RotationOverrideRow.at,
)
