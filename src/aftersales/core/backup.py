"""`aftersales backup PATH` / `aftersales restore PATH`: the whole database, exactly.

SQLite: the online backup API (a consistent copy while the app keeps serving).
PostgreSQL: pg_dump / pg_restore in the custom format (the server's own tools; every
value, timestamps to the microsecond, sequences and constraints as they are).
dumpdata/loaddata is not used: it goes through JSON and rounds timestamps."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def _pg_env_and_args(alias: str) -> tuple[dict, list[str], str]:
    conf = connections[alias].settings_dict
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    args = []
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    return env, args, str(conf["NAME"])


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools are needed).")
    return found


def backup(path: str | Path, *, alias: str = "default") -> Path:
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    vendor = _vendor(alias)
    if vendor == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        target = sqlite3.connect(str(path))
        try:
            with target:
                connection.connection.backup(target)
        finally:
            target.close()
    elif vendor == "postgresql":
        env, args, name = _pg_env_and_args(alias)
        result = subprocess.run([_tool("pg_dump"), *args, "--format=custom", "--no-owner",
                                 "--no-privileges", "--file", str(path), name],
                                env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(result.stderr.strip() or "pg_dump failed")
    else:
        raise BackupError(f"No backup for the {vendor} database.")
    return path


def restore(path: str | Path, *, alias: str = "default") -> None:
    """Replace the database's contents with the backup's (everything in it is lost)."""
    path = Path(path).resolve()
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    vendor = _vendor(alias)
    connection = connections[alias]
    if vendor == "sqlite":
        source = sqlite3.connect(str(path))
        try:
            source.execute("PRAGMA schema_version").fetchone()  # fails on a non-database
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"Not an SQLite backup: {exc}") from None
        finally:
            source.close()
    elif vendor == "postgresql":
        connection.close()
        env, args, name = _pg_env_and_args(alias)
        result = subprocess.run([_tool("pg_restore"), *args, "--clean", "--if-exists",
                                 "--no-owner", "--no-privileges", "--single-transaction",
                                 "--dbname", name, str(path)],
                                env=env, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(result.stderr.strip() or "pg_restore failed")
    else:
        raise BackupError(f"No restore for the {vendor} database.")
