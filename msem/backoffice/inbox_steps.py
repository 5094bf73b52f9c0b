"""The dossier page's "Previous dossier" / "Next dossier": through her list without going back to it.

A secretary works through her filtered inbox at the Christmas peak: open a
dossier, answer, back to the list, open the next one, two pages for each. The
dossier page opened from the list (its `back`: her search, her sort, her saved
or default view as the list applied it) links to the dossiers before and after
it in that list. Each link carries the list on, the list's page moved to start
with that dossier, so that "Requests" returns to where she is in it. A dossier
opened from elsewhere (the dashboard, an e-mail, a duplicate) has no list to
follow: no links, rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse

from msem.accounts.models import User
from msem.backoffice.inbox_choices import SearchChoices
from msem.backoffice.inbox_forms import InboxFilterForm
from msem.backoffice.inbox_return import back_query, back_suffix
from msem.inquiries.inbox import Step, inbox_steps
from msem.inquiries.models import Inquiry
from msem.schools.models import School


@dataclass(frozen=True)
class StepLink:
    url: str
    reference: str


def dossier_steps(
    *, school: School, user: User, inquiry: Inquiry, back: str, choices: SearchChoices
) -> tuple[StepLink | None, StepLink | None]:
    """The links to the dossiers before and after this one in her list; None at either end of it."""
    if not back:
        return None, None
    params = QueryDict(back, mutable=True)
    # Where the list's page started does not change which dossiers are next to this one.
    params.pop("after", None)
    form = InboxFilterForm(params, school=school, user=user, choices=choices)
    if not form.is_valid():
        # A list that no longer exists as she left it (a category removed since): no way through it.
        return None, None
    previous, following = inbox_steps(school=school, criteria=form.criteria(), inquiry=inquiry)

    def link(step: Step | None) -> StepLink | None:
        if step is None:
            return None
        query = params.copy()
        if step.after is not None:
            query["after"] = step.after.encode()
        url = reverse("backoffice:inquiry", kwargs={"school_slug": school.slug, "reference": step.reference})
        return StepLink(url=url + back_suffix(back_query(query.urlencode())), reference=step.reference)

    return link(previous), link(following)
