"""The code a school pastes into its website to show its contact form there."""

from __future__ import annotations

import pytest

from msem.inquiries.models import Subject
from msem.public_site.embedding import contact_form_embeddings, subject_forms

pytestmark = pytest.mark.django_db


def test_one_code_per_language_of_the_form_on_the_platforms_address(school, settings):
    settings.MSEM_BASE_URL = "https://msem.example"
    french, english = contact_form_embeddings(school)
    assert (french.language, english.language) == ("fr", "en")
    assert french.form_url == f"https://msem.example/fr/{school.slug}/contact/"
    assert english.code.startswith(f'<iframe src="https://msem.example/en/{school.slug}/contact/" title="Contact us — ')
    assert english.code.endswith('<script src="https://msem.example/static/js/embed.js" async></script>')


def test_the_script_comes_from_where_the_static_files_are_served(school, settings):
    settings.MSEM_BASE_URL = "https://msem.example"
    settings.STATIC_URL = "https://cdn.example/msem/"
    code = contact_form_embeddings(school)[0].code
    assert code.endswith('<script src="https://cdn.example/msem/js/embed.js" async></script>')


def test_the_schools_name_cannot_break_out_of_the_frames_title(school):
    school.name = 'ESF "Le Bec" <script>'
    code = contact_form_embeddings(school)[0].code
    assert 'title="Contactez-nous — ESF &quot;Le Bec&quot; &lt;script&gt;"' in code
    assert type(code) is str  # shown as text in the Paramètres page, never as markup


def test_each_live_subject_opens_the_form_on_itself_in_the_languages_it_has_a_label_in(school, settings):
    settings.MSEM_BASE_URL = "https://msem.example"
    first = Subject.objects.for_school(school).live().get()
    english_only = Subject.objects.create(school=school, label_fr="", label_en="Groups", email="g@x.fr", position=2)
    assert [(form.label, form.url_fr, form.url_en) for form in subject_forms(school)] == [
        (
            first.label_fr,
            f"https://msem.example/fr/{school.slug}/contact/?subject={first.pk}",
            f"https://msem.example/en/{school.slug}/contact/?subject={first.pk}",
        ),
        ("Groups", "", f"https://msem.example/en/{school.slug}/contact/?subject={english_only.pk}"),
    ]
