"""Read a rendered form the way a browser would submit it.

Tests post what the page actually offers (hidden management fields,
versions, chips …) instead of hand-written dictionaries that could drift
from the template.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

from django.utils.datastructures import MultiValueDict


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.in_template = 0
        self.data: MultiValueDict = MultiValueDict()
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and (self.form_id is None or attributes.get("id") == self.form_id):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "template":
            self.in_template += 1
        if self.in_template or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            if attributes.get("type") in {"checkbox", "radio"} and "checked" not in attributes:
                return
            if attributes.get("type") in {"submit", "button"}:
                return
            # A checked box without a value is sent as "on", as browsers do.
            default = "on" if attributes.get("type") in {"checkbox", "radio"} else ""
            self.data.appendlist(name, attributes.get("value", default))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select is not None and "selected" in attributes:
            self.data.appendlist(self._select, attributes.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "template" and self.in_template:
            self.in_template -= 1
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # Browsers drop the one newline right after <textarea>.
            self.data.appendlist(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.in_form:
            self.in_form = False


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    reader = _FormReader(form_id)
    reader.feed(html)
    return {key: reader.data.getlist(key) for key in reader.data}


def flatten(data: dict[str, list[str]]) -> dict[str, str | list[str]]:
    """For Django's test client: one value as a string, several as a list."""
    return {key: values[0] if len(values) == 1 else values for key, values in data.items()}


def page_text(response) -> str:
    """The page's HTML with entities decoded, to look for text as a reader sees it."""
    return html.unescape(response.content.decode())
