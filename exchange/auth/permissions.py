"""Who may do what to which object: pure functions of a user and an object.

They read only attributes (a user's memberships with role, nmo_id, lc_id, program_id;
an object's ids), so they run without a request or a database and are tested as tables.
"""

from exchange.auth.models import Role


def memberships_of(user, role: Role):
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return [m for m in user.memberships if m.role == role]


def is_admin(user) -> bool:
    return bool(memberships_of(user, Role.ADMIN))


def can_manage_users(user) -> bool:
    """Creating officers and admins, and (de)activating accounts, is the admins' work."""
    return is_admin(user)


def can_view_nmo_people(user, nmo) -> bool:
    """Officer lists of an NMO: admins, and the NMO's own officers."""
    return is_admin(user) or any(
        m.nmo_id == nmo.id
        for role in (Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER)
        for m in memberships_of(user, role)
    )


def can_view_partner_officers(user, nmo, partner_nmo_ids) -> bool:
    """The national officers of a partner NMO: any officer of an NMO that has a contract
    with ``nmo`` (``partner_nmo_ids``: the NMOs the user's NMOs have contracts with, from
    ``exchange.contracts.queries.partner_nmo_ids``) sees them, to reach their partners."""
    return nmo.id in partner_nmo_ids and any(
        memberships_of(user, role) for role in (Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER)
    )


def can_manage_nmo(user, nmo_id: int, program_id: int) -> bool:
    """Contracts, exchange conditions and nominations of an NMO for one program."""
    return is_admin(user) or any(
        m.nmo_id == nmo_id and m.program_id == program_id
        for m in memberships_of(user, Role.NATIONAL_OFFICER)
    )


def can_manage_lc(user, nmo_id: int, lc_id: int, program_id: int) -> bool:
    """An LC's placements: its local officers, and the NMO's national officers."""
    return can_manage_nmo(user, nmo_id, program_id) or any(
        m.lc_id == lc_id and m.program_id == program_id
        for m in memberships_of(user, Role.LOCAL_OFFICER)
    )


def can_place_in(user, placement, program_id: int) -> bool:
    """Accepting a student into a placement: its LC's local officers and its NMO's."""
    return can_manage_lc(user, placement.nmo_id, placement.lc_id, program_id)


def can_choose_substitute(user, application) -> bool:
    """The home national officer gives a cancelled exchange's slot to a substitute."""
    return can_manage_nmo(user, application.home_nmo_id, application.program_id)


def can_manage_contract(user, sending_nmo_id: int, host_nmo_id: int, program_id: int) -> bool:
    """Admins, and the national officers of either NMO for the contract's program."""
    return can_manage_nmo(user, sending_nmo_id, program_id) or can_manage_nmo(
        user, host_nmo_id, program_id
    )


def can_view_contract(user, contract) -> bool:
    return can_manage_contract(
        user, contract.sending_nmo_id, contract.host_nmo_id, contract.program_id
    )


def can_manage_placement(user, placement, program) -> bool:
    """A placement's LC's local officers, its NMO's national officers, and admins."""
    return can_manage_lc(user, placement.nmo_id, placement.lc_id, program.id)


def partner_nmo_id(contract) -> int | None:
    """The side a proposed contract waits for: of its two NMOs, the one that did not
    propose it; None when no side is recorded as the proposer."""
    if contract.proposed_by_nmo_id == contract.sending_nmo_id:
        return contract.host_nmo_id
    if contract.proposed_by_nmo_id == contract.host_nmo_id:
        return contract.sending_nmo_id
    return None


def can_answer_contract(user, contract) -> bool:
    """Confirming or declining a proposed contract: the national officers of the partner
    NMO for the contract's program (of either NMO when no proposer is recorded). Admins do
    not answer for an NMO: agreeing is the two NMOs' own act."""
    partner = partner_nmo_id(contract)
    sides = {partner} if partner is not None else {contract.sending_nmo_id, contract.host_nmo_id}
    return any(
        m.nmo_id in sides and m.program_id == contract.program_id
        for m in memberships_of(user, Role.NATIONAL_OFFICER)
    )


def report_programs_of_nmo(user, nmo_id: int) -> set[int] | None:
    """The programs whose figures ``user`` reads on an NMO's dashboard: every program
    (None) for admins; for its national officers, the programs they hold there; an empty
    set for anyone else."""
    if is_admin(user):
        return None
    return {m.program_id for m in memberships_of(user, Role.NATIONAL_OFFICER) if m.nmo_id == nmo_id}


def report_programs_of_lc(user, nmo_id: int, lc_id: int) -> set[int] | None:
    """The programs whose figures ``user`` reads on an LC's dashboard: its local officers'
    programs there, its NMO's national officers' programs, every program for admins."""
    programs = report_programs_of_nmo(user, nmo_id)
    if programs is None:
        return None
    return programs | {
        m.program_id for m in memberships_of(user, Role.LOCAL_OFFICER) if m.lc_id == lc_id
    }
