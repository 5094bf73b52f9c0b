"""An e-mail's text in the back office: escaped, its footer's rule alone marked."""

from __future__ import annotations

from msem.backoffice.templatetags.mail_text import mail_text
from msem.mailing.composition import FOOTER_SEPARATOR


def test_the_footer_rule_is_marked_and_everything_else_escaped():
    text = f"Bonjour <b>Ana</b> & co\n\n{FOOTER_SEPARATOR}\nESF — mentions"
    assert mail_text(text) == (
        f'Bonjour &lt;b&gt;Ana&lt;/b&gt; &amp; co\n\n<span class="mail-rule">{FOOTER_SEPARATOR}</span>\nESF — mentions'
    )


def test_dashes_inside_a_line_are_left_as_they_are():
    assert mail_text(f"avant {FOOTER_SEPARATOR}") == f"avant {FOOTER_SEPARATOR}"
