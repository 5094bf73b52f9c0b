"""The code a school pastes into its website to show its contact form there."""

from __future__ import annotations

import pytest

from msem.public_site.embedding import contact_form_embeddings

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
