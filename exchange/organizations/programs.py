"""Each program's rules, as data. Pure Python: ``Program`` reads its own from here.

SCOPE places students in hospital departments for 4 weeks; SCORE in research projects
for 4 or 8 weeks. Code asks the program (``program.max_preferences``,
``program.placement_kind``), never compares its code.
"""

import enum
from dataclasses import dataclass


class PlacementKind(enum.StrEnum):
    DEPARTMENT = "department"
    RESEARCH_PROJECT = "research_project"


@dataclass(frozen=True)
class ProgramRules:
    placement_kind: PlacementKind
    max_preferences: int  # placements a student ranks on the AF
    weeks: tuple[int, ...]  # the lengths an exchange may have


PROGRAM_RULES = {
    "SCOPE": ProgramRules(PlacementKind.DEPARTMENT, max_preferences=4, weeks=(4,)),
    "SCORE": ProgramRules(PlacementKind.RESEARCH_PROJECT, max_preferences=3, weeks=(4, 8)),
}
# The most choices any program allows; the preferences table's CHECK uses it.
MOST_PREFERENCES = max(rules.max_preferences for rules in PROGRAM_RULES.values())


def program_of_kind(kind: PlacementKind) -> str:
    """The code of the program that places students in ``kind``."""
    return next(code for code, rules in PROGRAM_RULES.items() if rules.placement_kind == kind)
