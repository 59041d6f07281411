"""The card of acceptance (CA) and the certificate of an exchange, as A4 PDF files.

Names, cities, hospitals and departments print in their own scripts. Noto Sans draws
Latin (with every diacritic), Cyrillic and Greek; fallback fonts draw Arabic, Hebrew,
Devanagari, Thai, and Chinese, Japanese and Korean (``exchange/fonts/README.md`` says
where each comes from). HarfBuzz shapes the text, so Arabic letters join and Devanagari
and Thai marks sit where they belong, and fpdf2's Unicode bidi algorithm runs Arabic and
Hebrew right to left, also inside a line of Latin text.
"""

import copy
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

from exchange.applications import services
from exchange.applications.models import Application
from exchange.extensions import db
from exchange.months import month_name
from exchange.organizations.models import LocalCommittee
from exchange.placements.models import Placement, PlacementKind
from exchange.placements.services import accommodation_and_meals

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "NotoSans"  # the main font; the others draw only what it has no glyph for
# family: {style: file}, the fallbacks in the order they are tried. The CJK collection
# has no bold: a bold CJK name is drawn in its regular face.
FONT_FILES = {
    FONT: {"": "NotoSans-Regular.ttf", "B": "NotoSans-Bold.ttf"},
    "NotoSansArabic": {"": "NotoSansArabic-Regular.ttf", "B": "NotoSansArabic-Bold.ttf"},
    "NotoSansHebrew": {"": "NotoSansHebrew-Regular.ttf", "B": "NotoSansHebrew-Bold.ttf"},
    "NotoSansDevanagari": {
        "": "NotoSansDevanagari-Regular.ttf",
        "B": "NotoSansDevanagari-Bold.ttf",
    },
    "NotoSansThai": {"": "NotoSansThai-Regular.ttf", "B": "NotoSansThai-Bold.ttf"},
    "WenQuanYiMicroHei": {"": "wqy-microhei.ttc"},  # Chinese, Japanese, Korean
}
FALLBACKS = tuple(family for family in FONT_FILES if family != FONT)

INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (13, 71, 161)
RULE = (206, 212, 218)
LABEL_WIDTH = 50  # mm
LINE = 5.6  # mm

PROGRAM_EXCHANGE = {
    "SCOPE": "SCOPE clinical exchange",
    "SCORE": "SCORE research exchange",
}

# A department title naming a unit ("Department of Cardiology", "Cardiology Clinic")
# reads "at the ..."; one naming a specialty ("Cardiology") reads "in ...".
_UNIT_WORDS = frozenset(
    {
        "department",
        "dept",
        "clinic",
        "division",
        "unit",
        "institute",
        "ward",
        "service",
        "centre",
        "center",
        "laboratory",
        "section",
    }
)


@cache
def _characters_of(family: str) -> frozenset[int]:
    """The characters a fallback font has glyphs for, read once."""
    font = TTFont(FONT_DIR / FONT_FILES[family][""], fontNumber=0, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


@cache
def _read_font(family: str, style: str) -> TTFFont:
    """fpdf2's reading of a font file (character widths, glyph ids, metrics), done once
    per process rather than for every document: it takes a good part of a second for the
    CJK collection. ``_Document._add_font`` gives each document its own copy. (None of
    the fonts is a colour font, which fpdf2 would tie to the scratch document.)"""
    scratch = FPDF()
    scratch.add_font(family, style, FONT_DIR / FONT_FILES[family][style])
    return scratch.fonts[family.lower() + style]


def long_date(value: date | datetime | None) -> str:
    """A date written out, e.g. "3 July 2026"."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.day} {month_name(value.month)} {value.year}"


def department_phrase(title: str) -> str:
    """Where in a hospital the student was, to follow "a clinical exchange":
    "at the Department of Infectious Diseases" or "in Cardiology"."""
    title = " ".join(title.split())
    if title[:4].casefold() == "the ":
        title = title[4:]
    words = {word.casefold() for word in re.findall(r"\w+", title)}
    return f"at the {title}" if words & _UNIT_WORDS else f"in {title}"


def card_of_acceptance_pdf(application: Application) -> bytes:
    """The CA: where and when the host NMO places the student, whom they meet and where
    they stay, signed by the officer who accepted them."""
    placement = application.placement
    program_code = application.program.code
    home_lc = db.session.get(LocalCommittee, application.home_lc_id)

    pdf = _Document(
        title="Card of Acceptance",
        subtitle=f"{program_code} - {application.program.name}",
        code=application.code,
        issued=application.accepted_at,
    )
    pdf.section("Student")
    pdf.row("Name", application.student.name)
    if application.passport_name:
        pdf.row("Name in the passport", application.passport_name)
    pdf.row("Home NMO", _nmo(application.home_nmo))
    if home_lc is not None:
        pdf.row("Local committee", home_lc.name)

    pdf.section("Placement")
    pdf.row("Host NMO", _nmo(application.host_nmo))
    pdf.row("Program", PROGRAM_EXCHANGE.get(program_code, program_code))
    if placement is not None:
        _placement_rows(pdf, placement)
    else:
        pdf.row("Placement", "-")

    pdf.section("Period")
    pdf.row("From", long_date(application.starts_on))
    pdf.row("To", long_date(application.ends_on))
    if placement is not None:
        pdf.row("Length", _weeks(placement.weeks))

    pdf.section("At the host")
    contact = application.contact_person or "-"
    if application.contact_email:
        contact += f", {application.contact_email}"
    pdf.row("Contact person", contact)
    pdf.row("Tutor", application.tutor)
    pdf.row("Meeting point or pick-up", application.meeting_point)
    stay = accommodation_and_meals(placement, services.exchange_conditions_for(application))
    pdf.row("Accommodation", stay.accommodation)
    pdf.row("Meals", stay.meals)

    pdf.section("Signed for the host")
    officer = application.accepted_by
    pdf.row("Officer", officer.name if officer is not None else None)
    pdf.row("Role", application.accepted_by_role)
    pdf.row("Date", long_date(application.accepted_at))

    pdf.ln(5)
    pdf.paragraph(
        "This card confirms that the host NMO accepts the student named above for the "
        "placement and the period shown. The student confirms their arrival with the card "
        "of confirmation (CC) at least 4 weeks before the start.",
        size=8.5,
        color=MUTED,
    )
    return pdf.to_bytes()


def _placement_rows(pdf: "_Document", placement: Placement) -> None:
    research = placement.kind == PlacementKind.RESEARCH_PROJECT
    pdf.row("Research project" if research else "Department", placement.title)
    pdf.row("Field", placement.field)
    if research:
        pdf.row("Supervisor", placement.supervisor)
    else:
        pdf.row("Hospital", placement.hospital)
    if placement.address:
        pdf.row("Address", placement.address)
    pdf.row("City", placement.city)
    pdf.row("Local committee", placement.lc.name)


def certificate_pdf(application: Application) -> bytes:
    """The certificate: the student completed their exchange at the placement."""
    placement = application.placement
    program_code = application.program.code
    host = application.host_nmo

    pdf = _Document(
        title="Certificate of Exchange",
        subtitle=f"{program_code} - {application.program.name}",
        code=application.code,
        issued=application.certified_at,
    )
    pdf.ln(10)
    pdf.paragraph("This is to certify that", size=12, align="C")
    pdf.ln(2)
    pdf.paragraph(application.student.name, size=22, style="B", align="C", color=ACCENT)
    if application.passport_name:
        pdf.paragraph(
            f"Name in the passport: {application.passport_name}", size=10, align="C", color=MUTED
        )
    pdf.ln(2)
    exchange = PROGRAM_EXCHANGE.get(program_code, f"{program_code} exchange")
    where = f"in {host.country_name}"
    city = "-"
    weeks = None
    if placement is not None:
        city, weeks = placement.city, placement.weeks
        where = f"{_where(placement)}, {city}, {host.country_name}"
    pdf.paragraph(
        f"has completed a {exchange} {where}, "
        f"hosted by {host.acronym}, from {long_date(application.starts_on)} "
        f"to {long_date(application.ends_on)}" + (f" ({_weeks(weeks)})." if weeks else "."),
        size=12,
        align="C",
    )

    pdf.ln(12)
    pdf.section("Exchange")
    pdf.row("Program", exchange)
    if placement is not None:
        research = placement.kind == PlacementKind.RESEARCH_PROJECT
        pdf.row("Research project" if research else "Department", placement.title)
        if research:
            pdf.row("Supervisor", placement.supervisor)
        else:
            pdf.row("Hospital", placement.hospital)
        pdf.row("City", f"{city}, {host.country_name}")
    pdf.row("Host NMO", _nmo(host))
    pdf.row("Home NMO", _nmo(application.home_nmo))
    pdf.row("Period", f"{long_date(application.starts_on)} to {long_date(application.ends_on)}")
    if weeks:
        pdf.row("Length", _weeks(weeks))
    pdf.row("Issued on", long_date(application.certified_at))
    pdf.row("Application", application.code)
    return pdf.to_bytes()


def _where(placement: Placement) -> str:
    """The placement in the certificate's sentence, after "has completed a ... exchange"."""
    field = " ".join((placement.field or "").split())
    if placement.kind == PlacementKind.RESEARCH_PROJECT:
        where = f'in the research project "{placement.title}"'
        if field:
            where += f" ({field})"
        if placement.supervisor:
            where += f", supervised by {placement.supervisor}"
        return where
    where = department_phrase(placement.title)
    if field and field.casefold() not in where.casefold():
        where += f" ({field})"
    if placement.hospital:
        # "at the Department of X, University Hospital" but "in Cardiology at University Hospital"
        where += (", " if where.startswith("at the ") else " at ") + placement.hospital
    return where


def _nmo(nmo) -> str:
    return f"{nmo.acronym} ({nmo.country_name})" if nmo is not None else "-"


def _weeks(weeks: int | None) -> str:
    return "-" if not weeks else f"{weeks} week" + ("" if weeks == 1 else "s")


class _Document(FPDF):
    """An A4 page with a heading, label/value rows and a footer naming the application,
    in fonts that draw every script the cards meet."""

    def __init__(self, title: str, subtitle: str, code: str, issued: datetime | None):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.code = code
        self.issued = issued
        for style in FONT_FILES[FONT]:
            self._add_font(FONT, style)
        self._fallbacks_added: list[str] = []
        # Each Arabic or Hebrew run goes right to left inside lines that read left to right,
        # as the English of the card does (a city of Cairo, then ", Egypt").
        self.set_text_shaping(True, direction="ltr")
        self.set_margins(20, 16, 20)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_title(f"{title} {code}")
        self.set_author("exchange")
        self.set_creator("exchange")
        if issued is not None:
            self.set_creation_date(issued)
        self.add_page()

        self.set_text_color(*MUTED)
        self.set_font(FONT, "", 9)
        self.cell(0, 5, subtitle.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*ACCENT)
        self.set_font(FONT, "B", 22)
        self.cell(0, 12, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.set_font(FONT, "", 11)
        self.cell(
            0,
            6,
            f"Application {code}    Issued on {long_date(issued)}",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self._rule(2.5)

    def get_fallback_font(self, char: str, style: str = "") -> str | None:
        """The font that draws ``char``, which the main font cannot: the first fallback
        that has it, in ``style`` where it has that style. Each is added to the document
        when a text first needs it, since fpdf2 embeds every font added (and the CJK
        collection alone takes a second to read)."""
        code = ord(char)
        family = next((f for f in FALLBACKS if code in _characters_of(f)), None)
        if family is None:
            return None
        style = "B" if "B" in style and "B" in FONT_FILES[family] else ""
        key = family.lower() + style
        if key not in self.fonts:
            self._add_font(family, style)
            if family not in self._fallbacks_added:
                self._fallbacks_added.append(family)
                self.set_fallback_fonts(self._fallbacks_added)
        return key

    def _add_font(self, family: str, style: str) -> None:
        """``add_font(family, style, file)``, from the font as ``_read_font`` read it.

        What fpdf2 reads from the file is shared; what it changes while it writes one
        document is the document's own: the font's number in it, the glyphs it uses
        (and those it lacks), its largest size, and the fontTools font, which ``output``
        subsets in place (opened lazily, as fpdf2 opens it: the tables are read when
        the subset is made). The widths are copied too: fpdf2 adds the default width of
        each character it looks up and the font lacks.
        """
        font = copy.copy(_read_font(family, style))
        font.i = len(self.fonts) + 1
        font.ttfont = TTFont(
            FONT_DIR / FONT_FILES[family][style], recalcTimestamp=False, fontNumber=0, lazy=True
        )
        font.cw = font.cw.copy()
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        self.fonts[family.lower() + style] = font

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(
            0,
            5,
            f"Application {self.code} - issued on {long_date(self.issued)}"
            f" - page {self.page_no()} of {{nb}}",
            align="C",
        )

    def section(self, heading: str) -> None:
        self.ln(2.5)
        self.set_font(FONT, "B", 11.5)
        self.set_text_color(*ACCENT)
        self.cell(0, 7, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)

    def row(self, label: str, value: object) -> None:
        self.set_font(FONT, "", 9.5)
        self.set_text_color(*MUTED)
        self.cell(LABEL_WIDTH, LINE, label)
        self.set_font(FONT, "", 10.5)
        self.set_text_color(*INK)
        text = "-" if value is None or str(value).strip() == "" else str(value).strip()
        self.multi_cell(0, LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(
        self,
        text: str,
        size: float = 11,
        style: str = "",
        align: str = "L",
        color: tuple[int, int, int] = INK,
    ) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.55, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)

    def _rule(self, space: float) -> None:
        self.ln(space)
        self.set_draw_color(*RULE)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(space)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
