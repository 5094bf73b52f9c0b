"""Forms of the "Cours de ski" panel: lines, sending, payment requests, transfers received."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from msem.catalog.models import Product
from msem.catalog.selectors import price_list_by_key, price_lists
from msem.mailing.models import BODY_MAX_LENGTH, SUBJECT_LINE_MAX_LENGTH, MailKind
from msem.mailing.selectors import mail_templates_by_kind_and_language
from msem.payments.models import PaymentRequest
from msem.payments.services import DEFAULT_LINK_DAYS, MAX_LINK_DAYS
from msem.quotes.models import MAX_LINE_PARTICIPANTS, MAX_QUANTITY, Quote
from msem.schools.models import School
from msem.validators import validate_no_control_characters, validate_single_line

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LineValuesForm(forms.Form):
    start_date = forms.DateField(label=_("Start"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("End"), required=False, widget=DATE_WIDGET)
    participants = forms.IntegerField(label=_("Participants"), min_value=1, max_value=MAX_LINE_PARTICIPANTS, initial=1)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and start < timezone.localdate():
            self.add_error("start_date", _("The date is in the past."))
        if start and end and end < start:
            self.add_error("end_date", _("The end is before the start."))
        return cleaned


class LineAddForm(LineValuesForm):
    price_list = forms.ChoiceField(label=_("Price list"))
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["price_list"].choices = [(p.key, p.label) for p in price_lists(school=school)]  # type: ignore[attr-defined]
        self.fields["product"].queryset = Product.objects.for_school(school)  # type: ignore[attr-defined]

    def clean_price_list(self) -> Any:
        chosen = price_list_by_key(school=self.school, key=self.cleaned_data["price_list"])
        if chosen is None:
            raise forms.ValidationError(_("Choose one of the school's price lists."))
        return chosen


# A marker of what the page showed (msem.quotes.meanwhile) that is not a number the page wrote (changed in
# the browser): said in her words, as the reply form says it (inbox_forms.SEEN_INVALID), not in Django's
# "Seen: Ensure this value is greater than or equal to 0.", which she cannot act on. Her text is kept.
SEND_SEEN_INVALID = _(
    "Your quote is not sent: this page no longer said which quotes to the client you had seen. "
    "Read the timeline, then send the quote again."
)
PAYMENT_SEEN_INVALID = _(
    "Your payment request is not sent: this page no longer said which version of the quote and which request "
    "waiting you had seen. Read the quote and its requests below, then send your request again."
)
MARKER_MAX = 2**63 - 1


def _marker_field(message: Any, *, min_value: int) -> forms.IntegerField:
    return forms.IntegerField(
        min_value=min_value,
        max_value=MARKER_MAX,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


class SendQuoteForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject line"), max_length=SUBJECT_LINE_MAX_LENGTH, validators=[validate_single_line]
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        validators=[validate_no_control_characters],
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    # The last quote sent to the client when the page was shown (msem.quotes.meanwhile.last_quote_sent_id).
    seen = _marker_field(SEND_SEEN_INVALID, min_value=0)
    MARKERS: tuple[str, ...] = ("seen",)

    def marker_refused(self) -> bool:
        """A marker of what the page showed is not one the page wrote: the form says only that."""
        return any(self.has_error(name) for name in self.MARKERS if name in self.fields)

    @staticmethod
    def initial_for(*, school: School, quote: Quote, kind: str = MailKind.QUOTE) -> dict[str, str]:
        """The school's default text, in the client's language, placeholders still to fill."""
        template = mail_templates_by_kind_and_language(school=school).get((kind, quote.language))
        return {"subject": template.subject, "body": template.body} if template else {}


class PaymentRequestForm(SendQuoteForm):
    kind = forms.ChoiceField(
        label=_("Ask for"),
        choices=[(PaymentRequest.Kind.FULL, _("What is left to pay")), (PaymentRequest.Kind.DEPOSIT, _("A deposit"))],
        widget=forms.RadioSelect,
        initial=PaymentRequest.Kind.FULL,
    )
    percentage = forms.DecimalField(
        label=_("Deposit (%)"), required=False, min_value=Decimal("1"), max_value=Decimal("99"), decimal_places=2
    )
    amount = forms.DecimalField(
        label=_("or deposit (€)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        # Django's message writes the bound as Python does ("0.01"), in a French sentence too.
        error_messages={"min_value": _("Enter an amount of at least €0.01.")},
    )
    valid_days = forms.IntegerField(
        label=_("Link valid for (days)"), min_value=1, max_value=MAX_LINK_DAYS, initial=DEFAULT_LINK_DAYS
    )
    # The request waiting for payment when the page was shown (empty: none); see payment_request_create.
    replaces = _marker_field(PAYMENT_SEEN_INVALID, min_value=1)
    # The quote's version when the page was shown: changed, sent again or cancelled since, nothing is asked.
    version = _marker_field(PAYMENT_SEEN_INVALID, min_value=1)
    seen = None  # type: ignore[assignment]
    MARKERS = ("version", "replaces")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == PaymentRequest.Kind.DEPOSIT:
            # A value typed but refused (150 %) already says why: not also "one of the two".
            typed_but_refused = "percentage" in self.errors or "amount" in self.errors
            if not typed_but_refused and (cleaned.get("percentage") is None) == (cleaned.get("amount") is None):
                self.add_error("percentage", _("Give the deposit as a percentage or as an amount (one of the two)."))
        else:
            cleaned["percentage"] = cleaned["amount"] = None
        return cleaned


class TransferReceivedForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DATE_WIDGET)
    bank_reference = forms.CharField(
        label=_("Bank statement reference"), max_length=120, validators=[validate_single_line]
    )

    def clean_received_on(self) -> Any:
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return day
