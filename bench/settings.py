"""The production settings plus one bare view (bench/urls.py), served by the same gunicorn."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
