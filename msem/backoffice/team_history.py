"""A Team change as the settings' history of changes shows it: who, and her role before and after."""

from __future__ import annotations

from dataclasses import dataclass

from msem.accounts.models import Role
from msem.audit.models import AuditRecord

MEMBER_ACTIONS = (
    AuditRecord.Action.MEMBER_INVITED,
    AuditRecord.Action.MEMBER_ROLE_CHANGED,
    AuditRecord.Action.MEMBER_REMOVED,
)


@dataclass(frozen=True)
class MemberChange:
    name: str
    email: str
    role_before: str
    role_after: str
    account_created: bool
    dossiers_unassigned: list[str]


def _role_label(value: object) -> str:
    return str(Role(value).label) if value in Role.values else ""


def member_change(record: AuditRecord) -> MemberChange | None:
    if record.action not in MEMBER_ACTIONS:
        return None
    member = record.after if record.action == AuditRecord.Action.MEMBER_INVITED else record.before
    return MemberChange(
        name=str(member.get("name") or ""),
        email=str(member.get("email") or ""),
        role_before=_role_label(record.before.get("role")),
        role_after=_role_label(record.after.get("role")),
        account_created=bool(record.after.get("account_created")),
        dossiers_unassigned=[str(reference) for reference in record.after.get("dossiers_unassigned", [])],
    )
