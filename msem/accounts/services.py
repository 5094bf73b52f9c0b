from __future__ import annotations

from msem.accounts.models import Membership, Role, User
from msem.schools.models import School


def user_language_set(*, user: User, language: str) -> User:
    if language not in User.Language.values:
        raise ValueError(f"unsupported language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def membership_grant(*, school: School, user: User, role: str = Role.SECRETARY) -> Membership:
    membership, _created = Membership.objects.update_or_create(school=school, user=user, defaults={"role": role})
    return membership
