"""What the federation keeps about one person, read for their copy and their erasure."""

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from exchange.applications.models import Application
from exchange.auth.models import User
from exchange.extensions import db
from exchange.outbox import OutboxMessage


def applications_of(user: User) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.student_id == user.id)
            .options(
                selectinload(Application.preferences),
                selectinload(Application.documents),
                selectinload(Application.history),
                selectinload(Application.evaluation),
            )
            .order_by(Application.id)
        )
    )


def messages_to(user: User, *other_addresses: str) -> list[OutboxMessage]:
    addresses = [user.email, *other_addresses]
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(or_(*(OutboxMessage.to_address == a for a in addresses)))
            .order_by(OutboxMessage.id)
        )
    )
