"""Serialise SQLite transactions of glance-api and keystone.

oslo.db starts SQLite transactions with a deferred "BEGIN". With several
gunicorn request threads, two transactions that both read and then write
deadlock, and SQLite fails one of them at once with "database is locked"
(HTTP 500), busy timeout or not. Starting every transaction with
BEGIN IMMEDIATE makes them queue on the busy timeout instead. That serialises
writers, which is fine at test scale.

Imported by the gunicorn wrapper modules before the app opens its database.
"""
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _busy_timeout(dbapi_con, con_record):
    if isinstance(dbapi_con, sqlite3.Connection):
        dbapi_con.execute("PRAGMA busy_timeout = 60000")


@event.listens_for(Engine, "before_cursor_execute", retval=True)
def _begin_immediate(conn, cursor, statement, parameters, context, executemany):
    if statement == "BEGIN" and conn.dialect.name == "sqlite":
        statement = "BEGIN IMMEDIATE"
    return statement, parameters
