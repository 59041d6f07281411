from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.auth.models import User
from exchange.database import TimestampMixin
from exchange.extensions import db


class CalendarFeed(TimestampMixin, db.Model):
    """A user's calendar feed: at most one per user. Its address carries ``key`` and a
    signature of it made with the app's secret key, so the address can be shown again on
    the account page while the table alone does not give it away. Stopping the feed deletes
    the row; a new address is a new key."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    last_fetched_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
