"""What a school pastes into a page of its website to show its contact form there.

The form is an <iframe>; static/js/embed.js, loaded beside it, gives the
frame the height of the page inside it (static/js/public.js tells it), so the
form never shows a scroll bar of its own, whatever its errors or the thank-you
page make of its length. Only the school's declared website origins may frame
the form (its `frame-ancestors`): the code works on those sites and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from msem.inquiries.selectors import subjects_live
from msem.public_site.form_page import SUBJECT_PARAMETER
from msem.schools.models import School

# Unhashed on purpose: the code lives in schools' websites for years, across our
# deployments, which change the hashed names of static files.
EMBED_SCRIPT = "js/embed.js"
# What the frame measures before the script has told it the form's height (or without the script).
FALLBACK_HEIGHT = 1200
# The frame's look, in the code itself: the website's to change (the script only sets the height).
# Attributes, not a style: the Paramètres page shows this code, and no page of ours carries " style=".
FRAME_LOOK = 'width="100%" frameborder="0"'


@dataclass(frozen=True)
class FormEmbedding:
    language: str
    form_url: str
    code: str


def embed_script_url() -> str:
    # STATIC_URL may be a whole address (a CDN) or a path on our own site.
    return urljoin(settings.MSEM_BASE_URL + "/", settings.STATIC_URL + EMBED_SCRIPT)


def contact_form_url(school: School, language: str) -> str:
    path = reverse("public_site:contact", kwargs={"language": language, "school_slug": school.slug})
    return settings.MSEM_BASE_URL + path


@dataclass(frozen=True)
class SubjectForm:
    """The form's address opened on one subject, in each language that offers it ("" where none does)."""

    label: str
    url_fr: str
    url_en: str


def subject_forms(school: School) -> list[SubjectForm]:
    """For a website's page about one subject: the form with that subject already chosen."""
    forms = []
    for subject in subjects_live(school=school):
        query = "?" + urlencode({SUBJECT_PARAMETER: subject.pk})
        forms.append(
            SubjectForm(
                label=subject.label_fr or subject.label_en,
                url_fr=contact_form_url(school, "fr") + query if subject.label_fr else "",
                url_en=contact_form_url(school, "en") + query if subject.label_en else "",
            )
        )
    return forms


def contact_form_embeddings(school: School) -> list[FormEmbedding]:
    """The form's address and the code to paste, for each language of the form."""
    embeddings = []
    for language in ("fr", "en"):
        form_url = contact_form_url(school, language)
        with translation.override(language):
            title = f"{_('Contact us')} — {school.name}"
        # A plain string, escaped by hand: the page shows this code as text, it must not run it.
        code = (
            f'<iframe src="{escape(form_url)}" title="{escape(title)}" data-msem-form {FRAME_LOOK} '
            f'height="{FALLBACK_HEIGHT}"></iframe>\n'
            f'<script src="{escape(embed_script_url())}" async></script>'
        )
        embeddings.append(FormEmbedding(language=language, form_url=form_url, code=code))
    return embeddings
