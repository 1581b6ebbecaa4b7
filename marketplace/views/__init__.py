"""Thin HTML views: businesses and their owners' dashboard (businesses.py); institutions,
opportunities, applying and the jury (selection.py)."""
