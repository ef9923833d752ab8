"""gunicorn entry point for keystone.

keystone parses sys.argv with oslo.config and would die on gunicorn's own
arguments, so hide them. The config comes from OS_KEYSTONE_CONFIG_DIR.
"""
import sys

sys.argv = sys.argv[:1]
import sqlite_serialize  # noqa: E402,F401
from keystone.wsgi.api import application  # noqa: E402,F401
