"""The quote as a PDF (ReportLab): school, client, lines, totals, validity and the legal footer.

Written in the quote's language. ReportLab's standard fonts cover French
and the euro sign, so no font file is needed.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from msem.catalog.models import Product
from msem.mailing.defaults import EMAIL_ONLY_FOOTER_WORDS
from msem.mailing.placeholders import fill_placeholders
from msem.payments.pay_link import payment_request_waiting
from msem.quotes.formatting import NO_BREAK_SPACE, format_date, format_money, format_rate, format_time
from msem.quotes.issue import QuoteIssue, quote_issue
from msem.quotes.models import Quote, QuoteLine
from msem.schools.models import School

BRAND = colors.HexColor("#0d3b66")
LINE = colors.HexColor("#c5ced8")
MUTED = colors.HexColor("#6b7886")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], alignment=0, fontSize=18, textColor=BRAND, spaceAfter=4),
        "normal": ParagraphStyle("normal", parent=base["Normal"], fontSize=9.5, leading=13),
        "small": ParagraphStyle("small", parent=base["Normal"], fontSize=8, leading=10.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base["Normal"], fontSize=9, leading=11.5),
        "right": ParagraphStyle("right", parent=base["Normal"], fontSize=9, leading=11.5, alignment=TA_RIGHT),
        "heading": ParagraphStyle("heading", parent=base["Heading4"], textColor=BRAND, spaceBefore=6, spaceAfter=2),
    }


def _unit_label(pricing_unit: str) -> str:
    return str(Product.PricingUnit(pricing_unit).label)


def _unbroken(text: str) -> str:
    return escape(text).replace(" ", NO_BREAK_SPACE)


def _dates(line: QuoteLine, language: str) -> str:
    """The line's dates as table markup: the start, then "→ end" on its own line."""
    dates = _unbroken(format_date(line.start_date, language))
    if line.end_date and line.end_date != line.start_date:
        dates += f" →<br/>{_unbroken(format_date(line.end_date, language))}"
    return dates


def _update_note(issue: QuoteIssue, language: str) -> str:
    """What says that this version updates one sent before; "" for a quote sent once."""
    if issue.first_sent_on:
        return _("Updated version of the quote first issued on %(day)s.") % {
            "day": format_date(issue.first_sent_on, language)
        }
    if issue.first_sent_at_same_day:
        # "The same day", not "today": the client may download this PDF days later.
        return _("Updated version of the quote first issued the same day at %(time)s.") % {
            "time": format_time(issue.first_sent_at_same_day, language)
        }
    return ""


def _pdf_footer(school: School, language: str) -> str:
    """The school's legal mentions, as its e-mails end, but saying where to write instead of "reply to this e-mail".

    The legal footer is written for e-mails: the default one has the client exercise his rights
    "by replying to this e-mail", words that lead nowhere in a PDF (downloaded from the quote's
    page, printed, forwarded). The rest (the school's identity, its legal mentions) belongs on a
    quote too, so only those words are replaced, by the school's address; in the active language.
    """
    footer = fill_placeholders(school.legal_footer(language), {"school_name": school.name})
    write_to = _("by writing to %(email)s") % {"email": school.main_email}
    for words in EMAIL_ONLY_FOOTER_WORDS.values():
        footer = footer.replace(words, write_to)
    return footer


def _payment_terms(quote: Quote) -> str:
    """How the quote is paid, as its e-mail and page say it, while it is still to accept; "" after.

    The deposit or balance is decided request by request once the quote is sent, so the PDF
    attached to it cannot tell them; the page shows what is paid and left to pay.
    """
    if quote.status not in (Quote.Status.DRAFT, Quote.Status.SENT) or payment_request_waiting(quote) is not None:
        return ""
    return _(
        "Accepting charges nothing: %(school)s will then send you a link by e-mail to pay; "
        "your booking is confirmed once the quote is fully paid."
    ) % {"school": quote.school.name}


def quote_pdf(quote: Quote) -> bytes:
    language = quote.language
    school = quote.school
    inquiry = quote.inquiry
    lines = list(quote.lines.all())
    totals = quote.totals(lines)
    # The day this version was sent, not the day its draft was begun (msem.quotes.issue).
    issue = quote_issue(quote)
    styles = _styles()
    buffer = BytesIO()
    with translation.override(language):
        update_note = _update_note(issue, language)
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=16 * mm,
            bottomMargin=20 * mm,
            title=f"{_('Quote')} {quote.number}",
            author=school.name,
        )
        story: list[Any] = [
            Paragraph(escape(school.name), styles["heading"]),
            # Where "contact the school" leads: the PDF travels without the e-mail that brought it.
            Paragraph(escape(school.main_email), styles["normal"]),
            Paragraph(f"{escape(_('Quote'))} {escape(quote.number)}", styles["title"]),
            Paragraph(
                escape(
                    _("Issued on %(day)s · valid until %(valid)s · request %(reference)s")
                    % {
                        "day": format_date(issue.sent_on, language),
                        "valid": format_date(quote.valid_until, language),
                        "reference": inquiry.reference,
                    }
                ),
                styles["normal"],
            ),
            *([Paragraph(escape(update_note), styles["normal"])] if update_note else []),
            Spacer(1, 6 * mm),
            Paragraph(escape(_("Client")), styles["heading"]),
            Paragraph(
                "<br/>".join(escape(part) for part in (inquiry.client_name, inquiry.email, inquiry.phone) if part),
                styles["normal"],
            ),
            Spacer(1, 6 * mm),
        ]
        header = [_("Product"), _("Dates"), _("Participants"), _("Qty"), _("Unit price"), _("Total")]
        # Numbers are right-aligned, so are their headings.
        rows: list[list[Any]] = [
            [
                Paragraph(f"<b>{escape(text)}</b>", styles["cell"] if column < 2 else styles["right"])
                for column, text in enumerate(header)
            ]
        ]
        for line in lines:
            rows.append(
                [
                    # The product's code helps the client quote it; the 4807 catalog's code is the
                    # school's account with its reseller, never the client's business.
                    Paragraph(
                        f"{escape(line.name(language))}<br/><font size=7 color='#6b7886'>"
                        f"{escape(line.product_code)}</font>",
                        styles["cell"],
                    ),
                    Paragraph(_dates(line, language), styles["cell"]),
                    Paragraph(str(line.participants), styles["right"]),
                    Paragraph(str(line.quantity), styles["right"]),
                    Paragraph(
                        f"{escape(format_money(line.unit_price, language))}<br/><font size=7 color='#6b7886'>"
                        f"{escape(_unit_label(line.pricing_unit))}</font>",
                        styles["right"],
                    ),
                    Paragraph(escape(format_money(line.total, language)), styles["right"]),
                ]
            )
        # Wide enough for the longest heading ("Participants", "Prix unitaire") and amount on one
        # line; a date range takes two lines, one date each, never a date cut in two.
        table = Table(rows, colWidths=[63 * mm, 30 * mm, 23 * mm, 12 * mm, 24 * mm, 22 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.3, LINE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        # "VAT 5.5%" in English, "TVA 5,5 %" in French: the space and the comma are French typography.
        vat_label = _("VAT %(rate)s%%") % {"rate": format_rate(quote.vat_rate, language)}
        totals_rows = [
            [_("Total excluding VAT"), format_money(totals.excluding_vat, language)],
            [vat_label, format_money(totals.vat, language)],
            [_("Total including VAT"), format_money(totals.including_vat, language)],
        ]
        totals_table = Table(
            [
                [Paragraph(escape(label), styles["right"]), Paragraph(escape(value), styles["right"])]
                for label, value in totals_rows
            ],
            colWidths=[140 * mm, 34 * mm],
        )
        totals_table.setStyle(
            TableStyle([("LINEABOVE", (0, 2), (-1, 2), 0.8, BRAND), ("FONTNAME", (0, 2), (-1, 2), "Helvetica-Bold")])
        )
        footer = _pdf_footer(school, language)
        terms = _payment_terms(quote)
        story += [
            table,
            Spacer(1, 4 * mm),
            totals_table,
            Spacer(1, 8 * mm),
            Paragraph(
                escape(
                    _("To accept this quote, use the link in our e-mail before %(valid)s.")
                    % {"valid": format_date(quote.valid_until, language)}
                ),
                styles["normal"],
            ),
            *([Paragraph(escape(terms), styles["normal"])] if terms else []),
            Spacer(1, 10 * mm),
            Paragraph(escape(footer).replace("\n", "<br/>"), styles["small"]),
        ]
        document.build(story)
    return buffer.getvalue()
