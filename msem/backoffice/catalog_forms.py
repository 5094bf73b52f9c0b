"""The upload form of the Catalogs page: a file and the price list it goes into."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from msem.catalog.selectors import PriceList

# A school's whole offer fits in a few hundred kilobytes; the import reads the file in memory.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".json": "json"}


class CatalogImportForm(forms.Form):
    price_list = forms.ChoiceField(label=_("Import into"))
    file = forms.FileField(
        label=_("File (CSV or JSON)"),
        widget=forms.FileInput(attrs={"accept": ".csv,.json,.txt,text/csv,application/json"}),
    )

    def __init__(self, *args: Any, price_lists: list[PriceList], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.price_lists = {price_list.key: price_list for price_list in price_lists}
        self.fields["price_list"].choices = [  # type: ignore[attr-defined]
            (key, price_list.label) for key, price_list in self.price_lists.items()
        ]

    def clean_price_list(self) -> PriceList:
        return self.price_lists[self.cleaned_data["price_list"]]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it."), params={"size": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        # The name must say CSV or JSON, and the content must be what the name says (ASVS 5.2.2):
        # a spreadsheet saved as .xlsx, or a JSON file renamed .csv, is a mistake to point out.
        extension = PurePath(upload.name or "").suffix.lower()
        kind = _EXTENSIONS.get(extension)
        if kind is None:
            raise forms.ValidationError(_("Send a .csv or a .json file (a spreadsheet can be saved as CSV)."))
        head = upload.read(64)
        upload.seek(0)
        looks_like_json = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] in (b"[", b"{")
        if looks_like_json != (kind == "json"):
            raise forms.ValidationError(
                _("The file is named .%(extension)s but its content is not %(format)s."),
                params={"extension": extension[1:], "format": kind.upper()},
            )
        return upload
