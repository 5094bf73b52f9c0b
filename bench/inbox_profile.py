"""Where the inbox's and the dossier page's Python time goes, on a database seeded by inbox_bench.py.

    .venv/bin/python bench/inbox_bench.py --dossiers 20000 --other-schools 1 --backends sqlite --keep
    .venv/bin/python bench/inbox_profile.py DIR [--count 200] [--profile inbox|dossier] [--lines 40]

DIR is the SQLite directory that --keep printed. Requests go through the
whole Django stack in-process (the test client, production settings), as in
the bench. Prints the CPU time per request of the login page, the inbox
(unfiltered, all filters) and a dossier page; with --profile, the costliest
functions of one of them (cProfile, cumulative and own time).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _configure(var_dir: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="bench-only-not-a-secret",  # noqa: S106 (a throwaway database)
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        LOG_LEVEL="WARNING",
        MSEM_VAR_DIR=var_dir,
    )
    os.environ.pop("DATABASE_URL", None)


def _cpu_ms(request: Callable[[], object], count: int) -> float:
    for _ in range(10):
        request()
    started = time.process_time()
    for _ in range(count):
        request()
    return (time.process_time() - started) / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("var_dir", help="the SQLite directory kept by inbox_bench.py --keep")
    parser.add_argument("--count", type=int, default=200, help="requests of each page")
    parser.add_argument("--profile", choices=["inbox", "filtered", "dossier"], help="profile this page")
    parser.add_argument("--lines", type=int, default=40, help="functions printed by --profile")
    parser.add_argument("--dump", default="", help="also write the profile to this file (pstats)")
    parser.add_argument("--language", default="fr", choices=["fr", "en"])
    args = parser.parse_args()
    _configure(args.var_dir)
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from msem.accounts.models import User
    from msem.inquiries.models import Inquiry
    from msem.schools.models import School

    school = School.objects.get(slug="bench-large")
    secretary = User.objects.get(email="secretaire1@bench.test")
    reference = (
        Inquiry.objects.for_school(school)
        .filter(first_answer_at__isnull=False)
        .order_by("-id")
        .values_list("reference", flat=True)
        .first()
    )
    client = Client()
    client.force_login(secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = args.language
    base = f"/backoffice/{school.slug}/inquiries/"
    pages = {
        "login": ("/backoffice/login/", Client()),
        "inbox": (f"{base}?f=1", client),
        "filtered": (f"{base}?f=1&status=new&status=won&language=fr&assignee=none&archived=all&sort=oldest", client),
        "dossier": (f"{base}{reference}/", client),
    }
    for name, (url, who) in pages.items():
        assert who.get(url).status_code == 200, name
        print(f"{name:10} {_cpu_ms(lambda url=url, who=who: who.get(url), args.count):6.2f} ms CPU per request")
    if args.profile:
        url, who = pages[args.profile]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.count):
            who.get(url)
        profiler.disable()
        if args.dump:
            profiler.dump_stats(args.dump)
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(args.lines)
        stats.sort_stats("tottime").print_stats(args.lines)


if __name__ == "__main__":
    main()
