"""French typography in our French: no-break spaces before « : ; ! ? » and inside « », typographic apostrophes.

Punctuation never wraps alone onto the next line, and an elision's apostrophe is Django's own (U+2019).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from msem.mailing.defaults import DEFAULT_LEGAL_FOOTERS, DEFAULT_TEXTS
from msem.platform.compile_messages import compiled
from msem.platform.french_typography import COMMAND, FRENCH_CATALOG, entries_to_fix, fix_catalog, french_typography

NBSP = "\u00a0"  # before « : » and inside « »
NNBSP = "\u202f"  # before « ; ! ? »
RSQUO = "\u2019"  # an elision's apostrophe


def test_every_french_translation_follows_the_typography_convention():
    catalog = polib.pofile(str(FRENCH_CATALOG))
    wrong = [_described(entry) for entry in entries_to_fix(catalog)]
    if wrong:
        pytest.fail(
            f"{len(wrong)} French translation(s) with an ordinary space where a no-break space belongs "
            f"(U+00A0 before « : » and inside « », U+202F before « ; ! ? ») or a straight apostrophe where "
            f"an elision's belongs (U+2019). Run `{COMMAND}`, "
            "then `python -m msem.platform.compile_messages`:\n" + "\n".join(wrong),
            pytrace=False,
        )


@pytest.mark.parametrize(
    ("kind", "text"),
    [(kind, text) for kind, by_language in DEFAULT_TEXTS.items() for text in by_language["fr"]]
    + [("legal footer", DEFAULT_LEGAL_FOOTERS["fr"])],
)
def test_the_french_texts_a_new_school_starts_with_follow_the_same_convention(kind: str, text: str):
    assert french_typography(text) == text, f"msem/mailing/defaults.py, {kind}: write \\u00a0, \\u202f or \\u2019"


def _described(entry: polib.POEntry) -> str:
    texts = [entry.msgstr, *entry.msgstr_plural.values()]
    text = next(text for text in texts if french_typography(text) != text)
    fixed = french_typography(text)
    at = next(index for index, (before, after) in enumerate(zip(text, fixed, strict=False)) if before != after)
    context = f"{entry.msgctxt} | " if entry.msgctxt else ""
    return f"  line {entry.linenum}: msgid {context}{entry.msgid[:60]!r} — …{text[max(0, at - 25) : at + 5]!r}…"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rôle : manager", f"Rôle{NBSP}: manager"),
        ("Annuler ? Oui !", f"Annuler{NNBSP}? Oui{NNBSP}!"),
        ("rechargez la page ; merci", f"rechargez la page{NNBSP}; merci"),
        ("« Mot de passe oublié ? »", f"«{NBSP}Mot de passe oublié{NNBSP}?{NBSP}»"),
        # The space after « is the guillemet's, even when the guillemets quote a semicolon.
        ("séparées par « ; » ou « , »", f"séparées par «{NBSP};{NBSP}» ou «{NBSP},{NBSP}»"),
        # Next to a placeholder, the space is prose; the placeholder is untouched.
        ("%(item)s : médiane %(time)s", f"%(item)s{NBSP}: médiane %(time)s"),
        ("{client_name} : elle est remplacée", f"{{client_name}}{NBSP}: elle est remplacée"),
        # After a URL, the space is prose; the URL's own colon and question mark are not.
        ("https://www.esf-exemple.com/?a=1 : les sites", f"https://www.esf-exemple.com/?a=1{NBSP}: les sites"),
        # HTML: the text between tags follows the convention, the attributes are left as they are.
        (
            'Une question ? Écrivez : <a title="Écrire ? Oui : ici" href="mailto:%(email)s">%(email)s</a>',
            f'Une question{NNBSP}? Écrivez{NBSP}: <a title="Écrire ? Oui : ici" href="mailto:%(email)s">%(email)s</a>',
        ),
        # A ratio or a score takes the same no-break space: « 2 : 1 » must not break before the colon.
        ("2 : 1", f"2{NBSP}: 1"),
        # Several spaces are one.
        ("Rôle  :", f"Rôle{NBSP}:"),
        # The other no-break space is brought to the convention.
        (f"Rôle{NNBSP}: a{NBSP}? b", f"Rôle{NBSP}: a{NNBSP}? b"),
        # An elision's apostrophe is the typographic one, as in Django's own French.
        ("Personne n'a ce dossier d'aujourd'hui", f"Personne n{RSQUO}a ce dossier d{RSQUO}aujourd{RSQUO}hui"),
        ("L'Équipe %(name)s", f"L{RSQUO}Équipe %(name)s"),
        # An address is not an elision; a placeholder's name or a tag's attribute is not prose.
        ("Écrivez à o'brien@esf-exemple.fr, l'équipe", f"Écrivez à o'brien@esf-exemple.fr, l{RSQUO}équipe"),
        ("<a title='l'école'>l'école</a>", f"<a title='l'école'>l{RSQUO}école</a>"),
    ],
)
def test_the_tool_puts_the_conventions_no_break_space_and_apostrophe(text: str, expected: str):
    assert french_typography(text) == expected
    assert french_typography(expected) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Rendez-vous à 10:30",  # a time
        "Content-Type: application/json",  # code
        "appelez-la avec une adresse https://.",  # a URL's scheme
        "mailto:%(email)s",
        "%(a)s:%(b)s",
        "{amount:.2f}",
        "Je confirme: effacer",  # no space there: none is added
        "Rôle\n: manager",  # a line break is not a space: the author chose it
        "«Supprimer»",
        "Paiement reçu, merci.",
        "l’école",  # already typographic
        "le mot 'devis' entre apostrophes",  # quotes, not elisions: after a space, before one
        "4'30",  # between digits: a duration
    ],
)
def test_the_tool_leaves_what_has_no_space_to_replace(text: str):
    assert french_typography(text) == text


def test_the_catalog_is_rewritten_in_place_once_and_only_its_translations(tmp_path: Path):
    path = tmp_path / "django.po"
    path.write_text(
        "\n".join(
            [
                'msgid ""',
                'msgstr ""',
                '"Content-Type: text/plain; charset=UTF-8\\n"',
                '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"',
                "",
                "#. Translators: a label and its value.",
                "#: templates/a.html",
                "#, python-format",
                'msgid "Role: %(role)s"',
                'msgstr "Rôle : %(role)s"',
                "",
                "#: templates/b.html",
                'msgctxt "after a label"',
                'msgid ":"',
                f'msgstr "{NBSP}:"',
                "",
                "#: templates/c.html",
                "#, python-format",
                'msgid "%(count)d request? Sure!"',
                'msgid_plural "%(count)d requests? Sure!"',
                'msgstr[0] "%(count)d demande ? Sûr !"',
                'msgstr[1] "%(count)d demandes ? Sûr !"',
                "",
            ]
        ),
        encoding="utf-8",
    )

    assert fix_catalog(path) == 2
    catalog = polib.pofile(str(path))
    role, colon, requests = list(catalog)
    assert (role.msgid, role.msgstr) == ("Role: %(role)s", f"Rôle{NBSP}: %(role)s")
    assert role.comment == "Translators: a label and its value."
    assert "python-format" in role.flags
    assert (colon.msgid, colon.msgstr) == (":", f"{NBSP}:")
    assert requests.msgid_plural == "%(count)d requests? Sure!"
    assert requests.msgstr_plural == {
        0: f"%(count)d demande{NNBSP}? Sûr{NNBSP}!",
        1: f"%(count)d demandes{NNBSP}? Sûr{NNBSP}!",
    }
    assert compiled(path)  # still a catalog polib compiles

    before = path.read_bytes()
    assert fix_catalog(path) == 0
    assert path.read_bytes() == before


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_the_rewritten_catalog_passes_msgfmt_check(tmp_path: Path):
    copy = tmp_path / "django.po"
    shutil.copy(FRENCH_CATALOG, copy)
    fix_catalog(copy)
    subprocess.run(["msgfmt", "--check", "--output-file", "/dev/null", str(copy)], check=True)
