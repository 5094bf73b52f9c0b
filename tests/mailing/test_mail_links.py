from __future__ import annotations

from django.template import Context, Template
from django.utils.html import urlize

FOOTER = "ESF Valneige <SAS> — www.esf-valneige.fr — contact@esf-valneige.fr — https://esf-valneige.fr/cgv"


def test_the_text_of_an_email_gets_its_links_and_is_escaped_as_urlize_does_it_every_time():
    page = Template("{% load mail_links %}{{ text|urlize_text }}")
    first, second = (page.render(Context({"text": FOOTER})) for _ in range(2))

    assert first == second == urlize(FOOTER, nofollow=True, autoescape=True)
    assert '<a href="http://www.esf-valneige.fr" rel="nofollow">www.esf-valneige.fr</a>' in first
    assert '<a href="mailto:contact@esf-valneige.fr">contact@esf-valneige.fr</a>' in first
    assert "&lt;SAS&gt;" in first


def test_an_address_with_an_apostrophe_is_linked_whole_and_quotes_stay_outside_the_link():
    page = Template("{% load mail_links %}{{ text|urlize_text }}")

    html = page.render(Context({"text": "Écrivez à o'brien@esf-exemple.fr ou voyez 'www.esf-exemple.fr'."}))

    assert '<a href="mailto:o%27brien@esf-exemple.fr">o&#x27;brien@esf-exemple.fr</a>' in html
    assert 'href="mailto:brien@' not in html
    assert '&#x27;<a href="http://www.esf-exemple.fr" rel="nofollow">www.esf-exemple.fr</a>&#x27;.' in html
