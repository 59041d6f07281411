"""Every model in one import, for Alembic's autogenerate and for relationship strings."""

from exchange.applications.models import (
    Application,
    ApplicationCounter,
    ApplicationNote,
    CardReminder,
    Document,
    Evaluation,
    PointsChange,
    Preference,
    StateTransition,
)
from exchange.applications.record_models import FeeRecord
from exchange.audit import AuditEntry
from exchange.auth.models import ApiToken, Membership, Role, User
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.models import (
    Contract,
    ContractEvent,
    ContractEventKind,
    ContractKind,
    ContractSlot,
    ContractStatus,
)
from exchange.feeds.models import CalendarFeed
from exchange.matching.models import MatchingKind, MatchingRun, Ranking, RunStatus
from exchange.organizations.models import NMO, LocalCommittee, Program, Region, Season
from exchange.outbox import OutboxMessage
from exchange.placements.models import (
    Department,
    Placement,
    PlacementCapacity,
    PlacementKind,
    ProjectType,
    ResearchProject,
)

__all__ = [
    "NMO",
    "ApiToken",
    "Application",
    "ApplicationCounter",
    "ApplicationNote",
    "AuditEntry",
    "CalendarFeed",
    "CardReminder",
    "Contract",
    "ContractEvent",
    "ContractEventKind",
    "ContractKind",
    "ContractSlot",
    "ContractStatus",
    "Department",
    "Document",
    "Evaluation",
    "ExchangeConditions",
    "FeeRecord",
    "LocalCommittee",
    "MatchingKind",
    "MatchingRun",
    "Membership",
    "OutboxMessage",
    "Placement",
    "PlacementCapacity",
    "PlacementKind",
    "PointsChange",
    "Preference",
    "Program",
    "ProjectType",
    "Ranking",
    "Region",
    "ResearchProject",
    "Role",
    "RunStatus",
    "Season",
    "StateTransition",
    "User",
]
