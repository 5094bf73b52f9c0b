"""After a SECRET_KEY rotation: the secrets sealed at rest sealed again under the new key.

The TOTP secrets and the schools' 4807 tokens (msem/platform/secret_box.py) open with the
keys of SECRET_KEY_FALLBACKS too; once this command has sealed them under SECRET_KEY, the
old key is no longer needed for them and can leave the fallbacks as far as they are concerned.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from msem.accounts.two_factor import second_factors_seal_again
from msem.schools.services import connector_tokens_seal_again


# For the operator at the console, in English like the other commands (backup_database, restore_database).
class Command(BaseCommand):
    help = "Seal the TOTP secrets and the schools' 4807 tokens again under the current SECRET_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        factors, lost_factors = second_factors_seal_again()
        tokens, lost_tokens = connector_tokens_seal_again()
        self.stdout.write(f"Sealed again under the current key: {factors} TOTP secrets, {tokens} 4807 tokens.")
        if lost_factors or lost_tokens:
            for slug in lost_tokens:
                self.stderr.write(f"The 4807 token of school {slug} opens with no key: enter it again in the admin.")
            for user_id in lost_factors:
                self.stderr.write(
                    f"The TOTP secret of user {user_id} opens with no key: she logs in with a recovery code, "
                    "or her two-step verification is reset."
                )
            raise CommandError("Some secrets open with no current key (listed above).")
