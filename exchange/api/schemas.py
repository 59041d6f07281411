"""What the API answers and takes: one marshmallow schema per shape, which flask-smorest
turns into the OpenAPI description. Related objects are named by their codes (NMOs,
programs, seasons) as officers name them, and only ids where nothing else names them."""

from decimal import Decimal

from flask_login import current_user
from marshmallow import Schema, fields

from exchange import clock
from exchange.applications.permissions import page_flags


def code_of(relation: str, **kwargs) -> fields.String:
    return fields.String(attribute=f"{relation}.code", dump_only=True, **kwargs)


class NMOSchema(Schema):
    code = fields.String(required=True)
    acronym = fields.String(required=True)
    name = fields.String(required=True)
    country_code = fields.String(required=True)
    country_name = fields.String(required=True)
    region = fields.String(attribute="region.name", required=True)
    programs = fields.Function(lambda nmo: [p.code for p in nmo.programs])
    is_active = fields.Boolean(required=True)


class LocalCommitteeSchema(Schema):
    id = fields.Integer(required=True)
    nmo = code_of("nmo", required=True)
    name = fields.String(required=True)
    city = fields.String(required=True)
    university = fields.String(allow_none=True)
    is_active = fields.Boolean(required=True)


class HealthSchema(Schema):
    status = fields.String(required=True)


class PreferenceSchema(Schema):
    rank = fields.Integer(required=True)
    placement_id = fields.Integer(required=True)
    placement = fields.String(attribute="placement.title", required=True)


class ApplicationSchema(Schema):
    """An application as its list and its page show it, without the student's personal
    data (passport, health, emergency contact): those stay on the page, for those it
    shows them to."""

    code = fields.String(required=True)
    state = fields.String(required=True)
    program = code_of("program", required=True)
    season = code_of("season", required=True)
    home_nmo = code_of("home_nmo", required=True)
    home_lc = fields.String(attribute="home_lc.name", required=True)
    host_nmo = code_of("host_nmo", required=True)
    student = fields.String(attribute="student.name", required=True)
    months = fields.List(fields.Integer(), required=True)
    exchange_month = fields.Integer(allow_none=True)
    placement_id = fields.Integer(allow_none=True)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    ca_due_on = fields.Date(allow_none=True, metadata={"description": "The CA is due by"})
    cc_due_on = fields.Date(allow_none=True, metadata={"description": "The CC is due by"})
    ca_late = fields.Boolean(required=True)
    cc_late = fields.Boolean(required=True)
    submitted_at = fields.DateTime(allow_none=True)
    nominated_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    confirmed_at = fields.DateTime(allow_none=True)
    certified_at = fields.DateTime(allow_none=True)


class ApplicationDetailSchema(ApplicationSchema):
    preferences = fields.List(fields.Nested(PreferenceSchema), required=True)
    actions = fields.Function(
        lambda application: [a.value for a in page_flags(current_user, application).actions],
        required=True,
        metadata={
            "type": "array",
            "items": {"type": "string"},
            "description": "What the caller may do to it now, as POST .../<action>",
        },
    )


class PlacementSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.Function(lambda placement: placement.kind.value, required=True)
    nmo = code_of("nmo", required=True)
    lc_id = fields.Integer(required=True)
    lc = fields.String(attribute="lc.name", required=True)
    title = fields.String(required=True)
    field = fields.String(required=True)
    city = fields.String(required=True)
    address = fields.String(required=True)
    description = fields.String(required=True)
    accommodation = fields.String(required=True)
    meals = fields.String(required=True)
    languages = fields.List(fields.String(), required=True)
    hospital = fields.String(allow_none=True, metadata={"description": "SCOPE"})
    supervisor = fields.String(allow_none=True, metadata={"description": "SCORE"})
    project_type = fields.Function(
        lambda placement: placement.project_type.value if placement.project_type else None,
        allow_none=True,
        metadata={"type": "string", "nullable": True, "description": "SCORE"},
    )
    methods = fields.String(allow_none=True)
    prerequisites = fields.String(allow_none=True)
    expected_output = fields.String(allow_none=True)
    weeks = fields.Integer(required=True)
    closed_at = fields.DateTime(allow_none=True, metadata={"description": "None while open"})


class MonthPlacesSchema(Schema):
    month = fields.Integer(required=True)
    capacity = fields.Integer(required=True)
    used = fields.Integer(required=True, metadata={"description": "Students accepted"})


class PlacementDetailSchema(Schema):
    """A placement and its places in one season."""

    placement = fields.Nested(PlacementSchema, required=True)
    season = code_of("season", allow_none=True)
    months = fields.List(fields.Nested(MonthPlacesSchema), required=True)


class SlotSchema(Schema):
    month = fields.Integer(required=True)
    slots = fields.Integer(required=True)
    used = fields.Integer(required=True, metadata={"description": "Nominations holding one"})


class ContractSchema(Schema):
    """A season's contract: the sending NMO sends students to the host NMO."""

    id = fields.Integer(required=True)
    season = code_of("season", required=True)
    program = code_of("program", required=True)
    sending_nmo = code_of("sending_nmo", required=True)
    host_nmo = code_of("host_nmo", required=True)
    kind = fields.Function(lambda contract: contract.kind.value, required=True)
    status = fields.Function(
        lambda contract: contract.status.value,
        required=True,
        metadata={"type": "string", "enum": ["proposed", "confirmed", "declined"]},
    )
    proposed_by = fields.String(attribute="proposed_by_nmo.code", allow_none=True)
    decline_reason = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    slots = fields.List(fields.Nested(SlotSchema), required=True)
    total_slots = fields.Integer(required=True)
    last_event_id = fields.Function(
        lambda contract: contract.events[-1].id if contract.events else None,
        allow_none=True,
        metadata={
            "type": "integer",
            "nullable": True,
            "description": "Send it back as seen_event_id when answering, so that a "
            "contract changed in the meantime is not confirmed unseen",
        },
    )


class MonthDeadlineSchema(Schema):
    month = fields.Integer(required=True)
    first_day = fields.Date(required=True)
    deadline = fields.Date(required=True, metadata={"description": "Applications by this day"})
    takes_applications = fields.Boolean(required=True, metadata={"description": "Today"})


def _deadlines(conditions) -> list:
    from exchange.catalogue.queries import application_deadlines

    return MonthDeadlineSchema(many=True).dump(
        application_deadlines(conditions, conditions.season, clock.today())
    )


class ConditionsSchema(Schema):
    """A host NMO's exchange conditions (the EC) of one program and season."""

    nmo = code_of("nmo", required=True)
    program = code_of("program", required=True)
    season = code_of("season", required=True)
    fee_amount = fields.Decimal(
        as_string=True, required=True, metadata={"type": "string", "format": "decimal"}
    )
    fee_currency = fields.String(required=True)
    min_study_year = fields.Integer(required=True)
    max_study_year = fields.Integer(required=True)
    languages = fields.List(fields.String(), required=True)
    required_documents = fields.List(fields.String(), required=True)
    required_personal_data = fields.List(fields.String(), required=True)
    accommodation = fields.String(required=True)
    meals = fields.String(required=True)
    months_not_hosted = fields.List(fields.Integer(), required=True)
    application_lead_weeks = fields.Integer(required=True)
    cancellation_policy = fields.String(required=True)
    notes = fields.String(required=True)
    updated_at = fields.DateTime(required=True)
    deadlines = fields.Function(
        _deadlines,
        required=True,
        metadata={
            "type": "array",
            "items": {"$ref": "#/components/schemas/MonthDeadline"},
            "description": "Each hosted month: its first day, its application deadline, "
            "and whether it takes applications today",
        },
    )


class MatchingRunSchema(Schema):
    """A matcher's proposal for one NMO, program and season, until approved or discarded."""

    id = fields.Integer(required=True)
    kind = fields.Function(lambda run: run.kind.value, required=True)
    nmo = code_of("nmo", required=True)
    program = code_of("program", required=True)
    season = code_of("season", required=True)
    ranking = fields.Function(lambda run: run.ranking.value, required=True)
    status = fields.Function(lambda run: run.status.value, required=True)
    created_at = fields.DateTime(required=True)
    decided_at = fields.DateTime(allow_none=True)


class MatchingSlotSchema(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    month = fields.Integer(required=True)
    capacity = fields.Integer(required=True)
    taken = fields.Integer(required=True, metadata={"description": "Rows placed in it"})
    closed = fields.String(allow_none=True, metadata={"description": "Why it takes no one"})


class RefusalSchema(Schema):
    slot = fields.String(required=True)
    reason = fields.String(required=True)
    held_by = fields.List(fields.String(), required=True, metadata={"description": "Codes"})


class ProposalRowSchema(Schema):
    application = fields.String(required=True, metadata={"description": "Its code"})
    slot = fields.String(allow_none=True, metadata={"description": "None: not placed"})
    rank = fields.Integer(allow_none=True, metadata={"description": "Of the student's choices"})
    placed = fields.String(required=True, metadata={"description": "Where, in words"})
    refusals = fields.List(fields.Nested(RefusalSchema), required=True)
    changed = fields.Boolean(required=True, metadata={"description": "Moved by hand"})


class MatchingSummarySchema(Schema):
    students = fields.Integer(required=True)
    placed = fields.Integer(required=True)
    first_choices = fields.Integer(required=True)
    free = fields.Integer(required=True)


class MatchingRunDetailSchema(Schema):
    run = fields.Nested(MatchingRunSchema, required=True)
    summary = fields.Nested(MatchingSummarySchema, required=True)
    slots = fields.List(fields.Nested(MatchingSlotSchema), required=True)
    rows = fields.List(fields.Nested(ProposalRowSchema), required=True)


def _cell(value):
    """A figure's cell as JSON holds it: numbers and text as they are, dates as ISO."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


class FigureSchema(Schema):
    key = fields.String(required=True, metadata={"description": "As in figures/<key>.csv"})
    title = fields.String(required=True)
    description = fields.String(required=True)
    header = fields.List(fields.String(), required=True)
    rows = fields.Function(
        lambda table: [[_cell(value) for value in row] for row in table.values],
        required=True,
        metadata={
            "type": "array",
            "items": {"type": "array", "items": {}},
            "description": "Each row's values in the header's order: numbers, text, "
            "ISO dates, or null where there is no such figure",
        },
    )


class DashboardSchema(Schema):
    """A dashboard's figures, each as a table, as its page and its downloads hold them."""

    dashboard = fields.String(required=True, metadata={"description": "federation, nmo or lc"})
    title = fields.String(required=True)
    season = fields.String(allow_none=True)
    program = fields.String(allow_none=True, metadata={"description": "None: every program"})
    figures = fields.List(fields.Nested(FigureSchema), required=True)


class DocumentSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    filename = fields.String(attribute="original_filename", required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_at = fields.DateTime(attribute="created_at", required=True)
