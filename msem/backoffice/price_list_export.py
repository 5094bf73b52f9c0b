"""A price list as CSV for a spreadsheet in the reader's language, as the Catalogs page shows it.

The cells of the back office's other exports (the sales ledger, the dashboard): UTF-8 with a BOM and
";" between fields, the prices with the language's decimal mark (189,00 in French, a number for French
Excel), the seasons' days in ISO (2026-12-19, a date for any spreadsheet), and no cell a spreadsheet
would run as a formula (a product's name comes from an imported file or from 4807).
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from msem.backoffice.dashboard_format import csv_decimal
from msem.backoffice.spreadsheet_cells import spreadsheet_safe
from msem.catalog.selectors import PriceList, PriceListEntry


def price_list_csv(entries: list[PriceListEntry], *, price_list: PriceList) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    headings = [_("Code"), _("Product"), _("Kind"), _("Unit"), _("Duration"), _("Price")]
    headings += [_("Valid from"), _("Valid until"), _("Active")]
    if price_list.catalog is not None:
        headings.append(pgettext("price list export", "Not on the public price list"))
    writer.writerow(headings)
    for entry in entries:
        row = [
            entry.code,
            entry.name,
            entry.kind,
            entry.pricing_unit,
            entry.duration,
            csv_decimal(entry.price, 2),
            f"{entry.valid_from:%Y-%m-%d}",
            f"{entry.valid_until:%Y-%m-%d}",
            _("Yes") if entry.active else _("No"),
        ]
        if price_list.catalog is not None:
            # The products a catalog alone sells, which a spreadsheet then filters on.
            row.append(_("Yes") if entry.not_on_public_list else _("No"))
        writer.writerow([spreadsheet_safe(value) for value in row])
    return buffer.getvalue()


def price_list_filename(price_list: PriceList, *, school_slug: str, day: str) -> str:
    """In the language of its column headings, as the other exports name themselves."""
    if price_list.catalog is None:
        name = pgettext("file name of the CSV export of the public price list", "public-price-list")
    else:
        name = pgettext("file name of the CSV export of a 4807 catalog", "catalog") + f"-{price_list.catalog.code}"
    return f"{name}-{school_slug}-{day}.csv"
