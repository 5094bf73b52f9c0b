from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from msem.demo.services import DEMO_LOGINS, DEMO_PASSWORD, demo_school_ensure


class Command(BaseCommand):
    help = "Create the demo school (slug demo) and its two logins if they are missing."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.MSEM_DEMO:
            raise CommandError("The demo school is only created where MSEM_DEMO is on (never in production).")
        demo = demo_school_ensure()
        verb = "Created" if demo.created else "Found"
        self.stdout.write(f"{verb} the demo school “{demo.school.name}” (slug {demo.school.slug}).")
        for email, _name, role in DEMO_LOGINS:
            self.stdout.write(f"  {role:<9} login: {email}  password: {DEMO_PASSWORD}")
