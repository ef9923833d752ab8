"""gunicorn entry point for glance-api (glance 33 has no standalone server).

The config directory comes from OS_GLANCE_CONFIG_DIR (one per instance).
"""
import sqlite_serialize  # noqa: F401  (must come before glance opens the DB)
from glance.wsgi.api import application  # noqa: E402,F401
