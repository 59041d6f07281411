"""The card of acceptance (CA) and the certificate of an exchange, as A4 PDF files.

Written with fpdf2's built-in Helvetica, so no font files are needed. The core fonts know
only Latin-1: every text goes through ``latin1_safe`` first, which keeps what Latin-1 has
and spells the rest in the nearest Latin letters ("Łukasz" -> "Lukasz", "Nguyễn" ->
"Nguyen"), so a name never stops a card from being printed.
"""

import unicodedata
from datetime import date, datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from exchange.applications.models import Application
from exchange.extensions import db
from exchange.months import month_name
from exchange.organizations.models import LocalCommittee
from exchange.placements.models import PlacementKind

FONT = "Helvetica"
INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (13, 71, 161)
RULE = (206, 212, 218)
LABEL_WIDTH = 52  # mm
LINE = 6.5  # mm

PROGRAM_EXCHANGE = {
    "SCOPE": "SCOPE clinical exchange",
    "SCORE": "SCORE research exchange",
}

# Letters that Unicode does not decompose into a Latin base letter plus accents.
_LATIN_SPELLING = str.maketrans(
    {
        "\N{LATIN CAPITAL LETTER L WITH STROKE}": "L",
        "\N{LATIN SMALL LETTER L WITH STROKE}": "l",
        "\N{LATIN CAPITAL LETTER D WITH STROKE}": "D",
        "\N{LATIN SMALL LETTER D WITH STROKE}": "d",
        "\N{LATIN CAPITAL LETTER H WITH STROKE}": "H",
        "\N{LATIN SMALL LETTER H WITH STROKE}": "h",
        "\N{LATIN SMALL LETTER DOTLESS I}": "i",
        "\N{LATIN CAPITAL LIGATURE OE}": "OE",
        "\N{LATIN SMALL LIGATURE OE}": "oe",
        "\N{LATIN CAPITAL LETTER ENG}": "N",
        "\N{LATIN SMALL LETTER ENG}": "n",
        "\N{LATIN SMALL LETTER LONG S}": "s",
        "\N{EN DASH}": "-",
        "\N{EM DASH}": "-",
        "\N{LEFT SINGLE QUOTATION MARK}": "'",
        "\N{RIGHT SINGLE QUOTATION MARK}": "'",
        "\N{SINGLE LOW-9 QUOTATION MARK}": ",",
        "\N{LEFT DOUBLE QUOTATION MARK}": '"',
        "\N{RIGHT DOUBLE QUOTATION MARK}": '"',
        "\N{DOUBLE LOW-9 QUOTATION MARK}": '"',
        "\N{HORIZONTAL ELLIPSIS}": "...",
        "\N{BULLET}": "-",
        "\N{EURO SIGN}": "EUR",
    }
)


def latin1_safe(text: object) -> str:
    """``text`` with every character the core fonts cannot draw replaced by its nearest
    Latin spelling, or "?" when there is none."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_LATIN_SPELLING)
    return "".join(_latin1_char(char) for char in text)


def _latin1_char(char: str) -> str:
    if ord(char) < 256:
        return char if char.isprintable() or char == "\n" else " "
    base = "".join(
        part
        for part in unicodedata.normalize("NFKD", char)
        if ord(part) < 256 and not unicodedata.combining(part)
    )
    return base or "?"


def long_date(value: date | datetime | None) -> str:
    """A date written out, e.g. "3 July 2026"."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.day} {month_name(value.month)} {value.year}"


def card_of_acceptance_pdf(application: Application) -> bytes:
    """The CA: where and when the host NMO places the student, and whom to contact."""
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
    pdf.row("Home NMO", _nmo(application.home_nmo))
    if home_lc is not None:
        pdf.row("Local committee", home_lc.name)

    pdf.section("Placement")
    pdf.row("Host NMO", _nmo(application.host_nmo))
    pdf.row("Program", PROGRAM_EXCHANGE.get(program_code, program_code))
    if placement is not None:
        research = placement.kind == PlacementKind.RESEARCH_PROJECT
        pdf.row("Research project" if research else "Department", placement.title)
        pdf.row("Field", placement.field)
        if research:
            pdf.row("Supervisor", placement.supervisor)
        else:
            pdf.row("Hospital", placement.hospital)
        pdf.row("City", placement.city)
        pdf.row("Local committee", placement.lc.name)
    else:
        pdf.row("Placement", "-")

    pdf.section("Period")
    pdf.row("From", long_date(application.starts_on))
    pdf.row("To", long_date(application.ends_on))
    if placement is not None:
        pdf.row("Length", _weeks(placement.weeks))

    pdf.section("Contact person at the host")
    pdf.row("Name", application.contact_person)
    pdf.row("Email", application.contact_email)

    pdf.ln(8)
    pdf.paragraph(
        "This card confirms that the host NMO accepts the student named above for the "
        "placement and the period shown. The student confirms their arrival with the card "
        "of confirmation (CC) at least 4 weeks before the start.",
        size=9,
        color=MUTED,
    )
    return pdf.to_bytes()


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
    pdf.ln(2)
    exchange = PROGRAM_EXCHANGE.get(program_code, f"{program_code} exchange")
    where = "-"
    city = "-"
    weeks = None
    if placement is not None:
        city, weeks = placement.city, placement.weeks
        if placement.kind == PlacementKind.RESEARCH_PROJECT:
            where = f'the research project "{placement.title}" ({placement.field})'
            if placement.supervisor:
                where += f", supervised by {placement.supervisor}"
        else:
            where = f"the department of {placement.title} ({placement.field})"
            if placement.hospital:
                where += f" at {placement.hospital}"
    pdf.paragraph(
        f"has completed a {exchange} in {where}, in {city}, {host.country_name}, "
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
        pdf.row("City", f"{city}, {host.country_name}")
    pdf.row("Host NMO", _nmo(host))
    pdf.row("Home NMO", _nmo(application.home_nmo))
    pdf.row("Period", f"{long_date(application.starts_on)} to {long_date(application.ends_on)}")
    if weeks:
        pdf.row("Length", _weeks(weeks))
    pdf.row("Issued on", long_date(application.certified_at))
    pdf.row("Application", application.code)
    return pdf.to_bytes()


def _nmo(nmo) -> str:
    return f"{nmo.acronym} ({nmo.country_name})" if nmo is not None else "-"


def _weeks(weeks: int | None) -> str:
    return "-" if not weeks else f"{weeks} week" + ("" if weeks == 1 else "s")


class _Document(FPDF):
    """An A4 page with a heading, label/value rows and a footer naming the application."""

    def __init__(self, title: str, subtitle: str, code: str, issued: datetime | None):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.code = code
        self.issued = issued
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(auto=True, margin=22)
        self.set_title(latin1_safe(f"{title} {code}"))
        self.set_author("exchange")
        self.set_creator("exchange")
        if issued is not None:
            self.set_creation_date(issued)
        self.add_page()

        self.set_text_color(*MUTED)
        self.set_font(FONT, "", 9)
        self.cell(0, 5, latin1_safe(subtitle.upper()), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*ACCENT)
        self.set_font(FONT, "B", 24)
        self.cell(0, 13, latin1_safe(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.set_font(FONT, "", 11)
        self.cell(
            0,
            6,
            latin1_safe(f"Application {code}    Issued on {long_date(issued)}"),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self._rule(3)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(
            0,
            5,
            latin1_safe(f"Application {self.code} - issued on {long_date(self.issued)}"),
            align="C",
        )

    def section(self, heading: str) -> None:
        self.ln(4)
        self.set_font(FONT, "B", 12)
        self.set_text_color(*ACCENT)
        self.cell(0, 8, latin1_safe(heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)

    def row(self, label: str, value: object) -> None:
        self.set_font(FONT, "", 10)
        self.set_text_color(*MUTED)
        self.cell(LABEL_WIDTH, LINE, latin1_safe(label))
        self.set_font(FONT, "", 11)
        self.set_text_color(*INK)
        text = "-" if value is None or value == "" else latin1_safe(value)
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
        self.multi_cell(
            0, size * 0.55, latin1_safe(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_text_color(*INK)

    def _rule(self, space: float) -> None:
        self.ln(space)
        self.set_draw_color(*RULE)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(space)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
