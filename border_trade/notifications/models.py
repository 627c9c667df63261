"""In-app notices; each is sent once per cause."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import UTCDateTime, utcnow


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    # the message is rendered in the reader's language from kind + params
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    cause: Mapped[str] = mapped_column(sa.String(160))
    shipment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipments.id", ondelete="CASCADE"))
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
    shipment = relationship("Shipment")

    __table_args__ = (
        sa.UniqueConstraint("user_id", "cause", name="uq_notifications_user_cause"),
        sa.Index("ix_notifications_user_created", "user_id", "created_at"),
    )

    def __repr__(self):
        return f"<Notification {self.kind} user={self.user_id}>"
