"""Équipe: a school's manager invites her staff, changes their role, removes those who leave.

Managers only (a secretary gets 403, as on the settings' history). Every
member id is looked up within the school: another school's id is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from msem.accounts.models import Membership, Role, User
from msem.accounts.selectors import TeamMember, team_members
from msem.accounts.team import (
    membership_invitation_resend,
    membership_invite,
    membership_remove,
    membership_role_set,
)
from msem.backoffice.access import SchoolRequest, school_view
from msem.backoffice.team_forms import InviteForm, RoleForm
from msem.dashboard.periods import PeriodKind, period_last_month, period_this_month, today_in_paris
from msem.dashboard.team_activity import ColleagueActivity, team_activity

# The months the Team page looks back at, as the dashboard names them ("Ce mois-ci", "Le mois dernier").
ACTIVITY_PERIODS = {
    PeriodKind.MONTH: (period_this_month, pgettext_lazy("team activity", "This month")),
    PeriodKind.LAST_MONTH: (period_last_month, pgettext_lazy("team activity", "Last month")),
}


def _activity(request: SchoolRequest, members: list[TeamMember]) -> dict[str, object]:
    """Each colleague's month, members first in the page's order; those who left, together on one line."""
    kind = request.GET.get("activity", PeriodKind.MONTH)
    kind = kind if kind in ACTIVITY_PERIODS else PeriodKind.MONTH
    period = ACTIVITY_PERIODS[kind][0](today_in_paris(timezone.now()))
    done = team_activity(school=request.school, period=period)
    rows = [(member.user, done.pop(member.user.pk, ColleagueActivity())) for member in members]
    former = ColleagueActivity()
    for activity in done.values():
        former.add(activity)
    return {
        "activity_kind": kind,
        "activity_choices": [(value, label) for value, (_period, label) in ACTIVITY_PERIODS.items()],
        "activity_month": period.first_day,
        "activity_rows": rows,
        "activity_former": None if former.nothing else former,
    }


def _page(request: SchoolRequest, form: InviteForm, *, status: int = 200) -> HttpResponse:
    members = team_members(school=request.school)
    context = {
        "active_menu": "team",
        "members": members,
        "form": form,
        "role_choices": Role.choices,
        **_activity(request, members),
    }
    return render(request, "backoffice/team/team.html", context, status=status)


@school_view(managers_only=True)
@require_http_methods(["GET", "POST"])
def team_view(request: SchoolRequest) -> HttpResponse:
    if request.method == "GET":
        language = get_language() if get_language() in User.Language.values else User.Language.FRENCH
        return _page(request, InviteForm(initial={"language": language}))
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = membership_invite(
                school=request.school,
                actor=request.user,
                email=form.cleaned_data["email"],
                full_name=form.full_name,
                role=form.cleaned_data["role"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            user = invitation.membership.user
            # A link to choose a password (a new account, or one another school invited and still waiting)
            # or access with the password already chosen. Said without "she" or "he": the address is all
            # the school gave, and a French participle would have to agree with someone it does not know.
            if invitation.link_sent:
                message = _("Invitation sent to %(email)s: the password is chosen from the link in that e-mail.")
            else:
                message = _(
                    "%(email)s already had a Msem account: access to this school is added to it, and an e-mail "
                    "says so. The password has not changed."
                )
            messages.success(request, message % {"email": user.email})
            return redirect("backoffice:team", school_slug=request.school.slug)
    return _page(request, form, status=400)


@school_view(managers_only=True)
@require_POST
def team_member_view(request: SchoolRequest, membership_id: int) -> HttpResponse:
    """One member's actions, by the button pressed: role, resend (the invitation), remove."""
    if not Membership.objects.for_school(request.school).filter(pk=membership_id).exists():
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "role":
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a role."))
            membership = membership_role_set(
                school=request.school, actor=request.user, membership_id=membership_id, role=form.cleaned_data["role"]
            )
            messages.success(
                request,
                _("%(name)s is now: %(role)s.") % {"name": membership.user, "role": Role(membership.role).label},
            )
            if membership.user_id == request.user.pk and not membership.is_manager:
                return redirect("backoffice:inquiries", school_slug=request.school.slug)
        elif action == "resend":
            membership_invitation_resend(school=request.school, actor=request.user, membership_id=membership_id)
            messages.success(request, _("A new invitation is on its way; the previous link no longer works."))
        elif action == "remove":
            removal = membership_remove(school=request.school, actor=request.user, membership_id=membership_id)
            message = _("%(name)s no longer has access to this school.") % {"name": removal.user}
            if removal.unassigned:
                message += " " + _("Their open dossiers are no longer assigned to anyone: %(references)s.") % {
                    "references": ", ".join(removal.unassigned)
                }
            messages.success(request, message)
            if removal.user.pk == request.user.pk:
                return redirect("backoffice:home")
        else:
            raise Http404
    except Membership.DoesNotExist as missing:
        raise Http404 from missing
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("backoffice:team", school_slug=request.school.slug)
