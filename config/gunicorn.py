"""gunicorn's settings: `gunicorn -c config/gunicorn.py config.wsgi -b 127.0.0.1:8000 -w 4 --timeout 30`.

Its own lines (started, a worker booted, a worker killed after --timeout) are written as the
application's are: one JSON object per line with the time in UTC when LOG_FORMAT is json (the
default with DEBUG off), the developer's plain line otherwise. Without this file they come in
gunicorn's own format and the machine's local time, which a log collector cannot read with the rest.

Only the logging is set here; everything else stays on the command line (docs/deployment.md).
The level is gunicorn's `--log-level` (info by default): no level is set below, so it stands.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# gunicorn loads this file by path: the project's modules are imported from its root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config.settings import LOG_FORMAT, LOGGING

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": LOGGING["formatters"],
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "stream": "ext://sys.stderr"},
    },
    # gunicorn's access log stays off: the application's msem.request lines are the access log,
    # without the tokens that the paths of quote and payment links carry.
    "loggers": {"gunicorn.error": {"handlers": ["error_console"], "propagate": False}},
    "root": {"level": os.environ.get("LOG_LEVEL", "INFO"), "handlers": ["error_console"]},
}
