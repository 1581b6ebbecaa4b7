"""The project's settings plus `bench.search_support`, whose only model (`BenchText`) is the
table Wagtail's search backend indexes in bench/search.py. Used by that benchmark only."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.search_support"]
