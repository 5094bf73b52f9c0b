"""Log users out everywhere: one account (`--email`), or everyone (`--all`), e.g. after a break-in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from msem.accounts.models import User
from msem.accounts.services import user_sessions_end


class Command(BaseCommand):
    help = "End the sessions of one user (--email) or of every user (--all)."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--email", help="the user's e-mail address")
        group.add_argument("--all", action="store_true", help="every user, administrators included")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["all"]:
            ended = user_sessions_end()
        else:
            user = User.objects.filter(email=options["email"].lower()).first()
            if user is None:
                raise CommandError(f"No user has the address {options['email']}.")
            ended = user_sessions_end(user_ids=[user.pk])
        self.stdout.write("1 session ended." if ended == 1 else f"{ended} sessions ended.")
