"""{% url %} with its addresses kept per process writes what Django's tag writes."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, engines
from django.urls import NoReverseMatch, set_script_prefix
from django.utils import translation

from msem.platform.templatetags.cached_url import CachedURLNode
from msem.platform.url_cache import reverse_cached

TEMPLATES = [
    "{% url 'backoffice:inquiries' slug %}",
    "{% url 'backoffice:inquiries' school_slug=slug %}",
    "{% url 'backoffice:inquiry' slug reference %}",
    "{% url 'backoffice:inquiry' school_slug=slug reference=reference %}",
    "{% url 'public_site:contact' 'en' slug %}",
    "{% url 'backoffice:email' slug 42 %}",
    "{% url 'backoffice:home' as home %}<a href='{{ home }}'>",
    "{% url 'no-such-view' as nothing %}[{{ nothing }}]",
    "{% url name slug %}",
]
CONTEXT = {"slug": "val-d-isere", "reference": "DEM-2026-00042&x=é", "name": "backoffice:settings"}


def djangos_engine() -> Engine:
    """The same engine without our builtin: Django's own {% url %}."""
    engine = engines["django"].engine
    builtins = [name for name in engine.builtins if name != "msem.platform.templatetags.cached_url"]
    return Engine(dirs=engine.dirs, app_dirs=engine.app_dirs, libraries=engine.libraries, builtins=builtins)


@pytest.mark.parametrize("source", TEMPLATES)
@pytest.mark.parametrize("autoescape", [True, False])
def test_the_same_address_as_djangos_tag_twice(source, autoescape):
    ours = engines["django"].engine.from_string(source)
    assert any(isinstance(node, CachedURLNode) for node in ours.nodelist)
    theirs = djangos_engine().from_string(source)
    for _ in range(2):  # the second from the cache
        expected = theirs.render(Context(CONTEXT, autoescape=autoescape))
        assert ours.render(Context(CONTEXT, autoescape=autoescape)) == expected
    assert "DEM-2026-00042&amp;x=%C3%A9" in engines["django"].engine.from_string(TEMPLATES[2]).render(Context(CONTEXT))


def test_an_unknown_view_fails_as_in_django():
    template = engines["django"].engine.from_string("{% url 'no-such-view' slug %}")
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            template.render(Context(CONTEXT))


def test_the_script_prefix_and_the_language_are_part_of_the_key():
    assert reverse_cached("backoffice:inquiries", args=["valneige"]) == "/backoffice/valneige/inquiries/"
    set_script_prefix("/msem/")
    try:
        assert reverse_cached("backoffice:inquiries", args=["valneige"]) == "/msem/backoffice/valneige/inquiries/"
    finally:
        set_script_prefix("/")
    with translation.override("en"):
        assert reverse_cached("backoffice:inquiries", args=["valneige"]) == "/backoffice/valneige/inquiries/"


def test_another_url_configuration_empties_the_cache(settings):
    assert reverse_cached("backoffice:inquiries", args=["valneige"]) == "/backoffice/valneige/inquiries/"
    settings.ROOT_URLCONF = "tests.platform.urls_elsewhere"
    assert reverse_cached("backoffice:inquiries", args=["valneige"]) == "/elsewhere/valneige/"


def test_an_object_argument_is_not_kept():
    class Slug:
        def __init__(self, text):
            self.text = text

        def __str__(self):
            return self.text

    slug = Slug("valneige")
    assert reverse_cached("backoffice:inquiries", args=[slug]) == "/backoffice/valneige/inquiries/"
    slug.text = "autre"
    assert reverse_cached("backoffice:inquiries", args=[slug]) == "/backoffice/autre/inquiries/"
