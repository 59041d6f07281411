"""Every model in one import, for Alembic's autogenerate and for relationship strings."""

from exchange.applications.models import (
    Application,
    ApplicationCounter,
    Document,
    Evaluation,
    Preference,
    StateTransition,
)
from exchange.auth.models import Membership, Role, User
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.models import (
    Contract,
    ContractEvent,
    ContractEventKind,
    ContractKind,
    ContractSlot,
    ContractStatus,
)
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
    "Application",
    "ApplicationCounter",
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
    "LocalCommittee",
    "MatchingKind",
    "MatchingRun",
    "Membership",
    "OutboxMessage",
    "Placement",
    "PlacementCapacity",
    "PlacementKind",
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
