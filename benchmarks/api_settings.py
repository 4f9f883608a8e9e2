"""The production settings plus one bare JSON view, for benchmarks/api.py."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.api_urls"
