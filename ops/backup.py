"""Backup and restore: one dated .tar.gz holding the database (pg_dump custom format, or an online
SQLite backup), every stored document (through the storage API: local folder or S3), and the signing
key and certificate, with a manifest. `manage.py backup` / `manage.py restore` (README "Deploy")."""

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection

FORMAT = 1
DB_PG = "database.pgdump"
DB_SQLITE = "database.sqlite3"


class BackupError(Exception):
    pass


# --- database -----------------------------------------------------------------------------------

def pg_env(params: dict) -> dict:
    """libpq environment for pg_dump/pg_restore/psql from a Django settings dict (no password on the
    command line, where `ps` would show it)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if params.get(key):
            env[var] = str(params[key])
    if (params.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = params["OPTIONS"]["sslmode"]
    return env


def _run(cmd: list[str], env: dict) -> None:
    try:
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(f"{cmd[0]} not found: install postgresql-client (make deps does)") from None
    if result.returncode != 0:
        raise BackupError(f"{cmd[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def dump_database(folder: Path) -> str:
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        target = folder / DB_PG
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={target}"],
             pg_env(connection.settings_dict))
        return DB_PG
    if connection.vendor == "sqlite":
        target = sqlite3.connect(folder / DB_SQLITE)
        try:
            connection.connection.backup(target)  # consistent copy while others keep writing
        finally:
            target.close()
        return DB_SQLITE
    raise BackupError(f"no backup for database vendor {connection.vendor!r}")


# --- documents ----------------------------------------------------------------------------------

def stored_files(storage, prefix: str = ""):
    """Every file name in a storage, recursively (FileSystemStorage and S3 alike)."""
    try:
        folders, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{prefix}{name}"
    for folder in folders:
        yield from stored_files(storage, f"{prefix}{folder}/")


def signing_files() -> dict[str, Path]:
    from certificates.signing import signing_paths

    key, cert = signing_paths()
    return {name: path for name, path in (("key.pem", key), ("cert.pem", cert)) if path.is_file()}


# --- archive ------------------------------------------------------------------------------------

def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = int(dt.datetime.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def create_backup(out_dir: Path, *, media: bool = True) -> tuple[Path, dict]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    final = out_dir / f"khenthuong-backup-{stamp}.tar.gz"
    manifest = {"format": FORMAT, "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "database": {"vendor": connection.vendor}, "media": [], "signing": []}
    with tempfile.TemporaryDirectory(prefix="kt-backup-") as work:
        work = Path(work)
        manifest["database"]["file"] = dump_database(work)
        partial = out_dir / f".{final.name}.partial"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / manifest["database"]["file"], arcname=manifest["database"]["file"])
            if media:
                for name in stored_files(default_storage):
                    info = tarfile.TarInfo(f"media/{name}")
                    info.size = default_storage.size(name)
                    info.mode = 0o644
                    info.mtime = int(dt.datetime.now().timestamp())
                    with default_storage.open(name, "rb") as handle:  # streamed, not read whole
                        tar.addfile(info, handle)
                    manifest["media"].append(name)
            for name, path in signing_files().items():
                _add_bytes(tar, f"signing/{name}", path.read_bytes(), 0o600)
                manifest["signing"].append(name)
            _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        partial.chmod(0o600)  # it holds the signing key
        partial.rename(final)
    return final, manifest


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except KeyError:
        raise BackupError("not a backup archive: manifest.json is missing") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def _safe_member(tar: tarfile.TarFile, name: str):
    if name.startswith("/") or ".." in Path(name).parts:
        raise BackupError(f"unsafe path in archive: {name!r}")
    return tar.extractfile(name)


def target_database(url: str | None) -> dict:
    """Settings dict of the database to restore into: --database-url, or the configured one."""
    if not url:
        return dict(connection.settings_dict)
    if url.startswith("sqlite:"):
        path = unquote(urlparse(url).path)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path[1:] if path.startswith("//") else path}
    import dj_database_url

    return dj_database_url.parse(url)


def _pg_has_tables(params: dict) -> bool | None:
    """True/False; None when the database does not exist."""
    import psycopg

    try:
        with psycopg.connect(**_psycopg_kwargs(params), connect_timeout=10) as conn:
            return conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] > 0
    except psycopg.OperationalError as exc:
        if "does not exist" in str(exc):
            return None
        raise


def _psycopg_kwargs(params: dict, dbname: str | None = None) -> dict:
    kwargs = {"dbname": dbname or params["NAME"]}
    for key, arg in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if params.get(key):
            kwargs[arg] = params[key]
    return kwargs


def _pg_create_database(params: dict) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(**_psycopg_kwargs(params, "postgres"), autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(params["NAME"])))


def restore_backup(archive: Path, *, database_url: str | None = None, media_root: Path | None = None,
                   signing_dir: Path | None = None, create_database: bool = False, force: bool = False) -> dict:
    """Restore an archive: the database into `database_url` (default: the configured database), the
    documents into `media_root` (default: the configured storage), the signing files into
    `signing_dir` (default: not written). Refuses to overwrite anything unless `force`."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    target = target_database(database_url)
    storage = FileSystemStorage(location=str(media_root)) if media_root else default_storage
    report = {"database": target["NAME"], "media": 0, "signing": []}
    with tarfile.open(archive, "r:gz") as tar:
        manifest = read_manifest(tar)
        db_file = manifest["database"]["file"]
        is_pg = target["ENGINE"].endswith("postgresql")
        if (db_file == DB_PG) != is_pg:
            raise BackupError(f"the archive holds a {manifest['database']['vendor']} database; the target is "
                              f"{'PostgreSQL' if is_pg else 'SQLite'}")
        # Check everything first: nothing is written if any target is not empty (without --force).
        existing = [name for name in manifest["media"] if storage.exists(name)]
        if existing and not force:
            raise BackupError(f"{len(existing)} documents already exist in the target storage (e.g. {existing[0]}); "
                              "restore into an empty place or use --force")
        if is_pg:
            state = _pg_has_tables(target) if not create_database else None
            if state is None and not create_database:
                raise BackupError(f"database {target['NAME']} does not exist: use --create-database")
            if state and not force:
                raise BackupError(f"database {target['NAME']} is not empty: restore into a scratch database or use --force")
        elif Path(target["NAME"]).exists() and Path(target["NAME"]).stat().st_size > 0 and not force:
            raise BackupError(f"{target['NAME']} exists: restore into a new file or use --force")
        if signing_dir and not force:
            for name in manifest["signing"]:
                if (Path(signing_dir) / name).exists():
                    raise BackupError(f"{Path(signing_dir) / name} exists: use --force")

        with tempfile.TemporaryDirectory(prefix="kt-restore-") as work:
            dump = Path(work) / db_file
            with _safe_member(tar, db_file) as src, open(dump, "wb") as dst:
                shutil.copyfileobj(src, dst)
            if is_pg:
                if create_database:
                    _pg_create_database(target)
                cmd = ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
                       f"--dbname={target['NAME']}"]
                if force:
                    cmd[1:1] = ["--clean", "--if-exists"]
                _run([*cmd, str(dump)], pg_env(target))
            else:
                Path(target["NAME"]).parent.mkdir(parents=True, exist_ok=True)
                source = sqlite3.connect(dump)
                dest = sqlite3.connect(target["NAME"])
                try:
                    source.backup(dest)
                finally:
                    source.close()
                    dest.close()
        for name in manifest["media"]:
            with _safe_member(tar, f"media/{name}") as src:
                if storage.exists(name):
                    storage.delete(name)
                saved = storage.save(name, File(src, name=name))
                if saved != name:
                    raise BackupError(f"document {name} was stored as {saved}")
            report["media"] += 1
        if signing_dir:
            signing_dir = Path(signing_dir)
            signing_dir.mkdir(parents=True, exist_ok=True)
            for name in manifest["signing"]:
                path = signing_dir / name
                with _safe_member(tar, f"signing/{name}") as src:
                    path.write_bytes(src.read())
                path.chmod(0o600)
                report["signing"].append(str(path))
    report["manifest"] = manifest
    return report
