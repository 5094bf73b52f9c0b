from django.urls import re_path

from msem.public_site import quote_views, views

app_name = "public_site"

LANGUAGE = r"(?P<language>fr|en)"
SCHOOL = r"(?P<school_slug>[-a-zA-Z0-9_]+)"
# The quote's token, then the version the link was sent for (see msem.quotes.links).
QUOTE_TOKEN = r"(?P<token>[-\w]{20,64}(?:\.\d{1,9})?)"
PAY_TOKEN = r"(?P<token>[-:\w]{10,200})"

urlpatterns = [
    re_path(rf"^{LANGUAGE}/{SCHOOL}/contact/$", views.contact_view, name="contact"),
    re_path(
        rf"^{LANGUAGE}/{SCHOOL}/contact/thanks/(?P<receipt>[-:\w]+)/$",
        views.contact_thanks_view,
        name="contact_thanks",
    ),
    re_path(rf"^{LANGUAGE}/{SCHOOL}/quote/{QUOTE_TOKEN}/$", quote_views.quote_view, name="quote"),
    re_path(rf"^{LANGUAGE}/{SCHOOL}/quote/{QUOTE_TOKEN}/pdf/$", quote_views.quote_pdf_view, name="quote_pdf"),
    re_path(rf"^{LANGUAGE}/pay/{PAY_TOKEN}/$", quote_views.pay_view, name="pay"),
    re_path(rf"^{LANGUAGE}/pay/{PAY_TOKEN}/card/$", quote_views.pay_card_view, name="pay_card"),
    re_path(rf"^{LANGUAGE}/pay/{PAY_TOKEN}/sandbox/$", quote_views.pay_sandbox_view, name="pay_sandbox"),
    re_path(r"^payments/stripe/webhook/$", quote_views.stripe_webhook_view, name="stripe_webhook"),
]
