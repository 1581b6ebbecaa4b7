"""Support for bench/search.py: a settings module that adds this app, and the one model
through which Wagtail's own search backend indexes the benchmark's texts."""
