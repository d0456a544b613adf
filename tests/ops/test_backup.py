"""`manage.py backup` then `manage.py restore` into a scratch database: the same rows, the same
documents, the signing material; refusals that protect a live database. SQLite always; PostgreSQL
(pg_dump / pg_restore into a scratch database) when the suite runs on it."""

import sqlite3
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from dossiers.models import Document
from dossiers.services import document_upload
from tests.conftest import PDF
from workflows import services

pytestmark = pytest.mark.django_db(transaction=True)     # pg_dump sees committed rows only
TABLES = ["auth_user", "dossiers_dossier", "dossiers_document", "dossiers_dossierevent", "dossiers_unit"]


@pytest.fixture
def stored(world, in_window, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    signing = tmp_path / "signing"
    from certificates.signing import generate_identity

    generate_identity(signing / "key.pem", signing / "cert.pem", common_name="UBND (backup test)")
    settings.CERTIFICATES_SIGNING_KEY, settings.CERTIFICATES_SIGNING_CERT = str(signing / "key.pem"), str(signing / "cert.pem")
    w = world
    dossier = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.unit, actor=w.alice)
    content = PDF + uuid.uuid4().hex.encode()
    document = document_upload(dossier=dossier, actor=w.alice, file=SimpleUploadedFile("tờ trình.pdf", content),
                               document_type=w.types["to-trinh"])
    return {"dossier": dossier, "document": document, "content": content, "signing": signing}


def counts_here():
    with connection.cursor() as cursor:
        result = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            result[table] = cursor.fetchone()[0]
        return result


def backup(capsys):
    call_command("backup")
    return Path(capsys.readouterr().out.strip())


def test_archive_holds_database_documents_and_signing_material(stored, capsys):
    archive = backup(capsys)
    assert archive.name.startswith("khenthuong-backup-") and archive.name.endswith(".tar.gz")
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    db_file = "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert {"manifest.json", db_file, f"media/{stored['document'].file.name}", "signing/key.pem",
            "signing/cert.pem"} <= names


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite round trip")
def test_round_trip_sqlite(stored, capsys, tmp_path):
    before = counts_here()
    archive = backup(capsys)
    target, media, keys = tmp_path / "restored.sqlite3", tmp_path / "restored-media", tmp_path / "restored-keys"
    call_command("restore", str(archive), "--database-url", f"sqlite:///{target}", "--media-root", str(media),
                 "--signing-dir", str(keys))
    db = sqlite3.connect(target)
    assert {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES} == before
    name = db.execute("SELECT file FROM dossiers_document WHERE id = ?", (stored["document"].pk,)).fetchone()[0]
    db.close()
    assert (media / name).read_bytes() == stored["content"]
    assert (keys / "key.pem").read_bytes() == (stored["signing"] / "key.pem").read_bytes()
    assert (keys / "key.pem").stat().st_mode & 0o777 == 0o600
    # the same again would overwrite: refused, nothing touched
    with pytest.raises(CommandError, match="exists"):
        call_command("restore", str(archive), "--database-url", f"sqlite:///{target}", "--media-root", str(tmp_path / "m2"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL round trip (make test runs it)")
def test_round_trip_postgresql_into_a_scratch_database(stored, capsys, tmp_path):
    import psycopg
    from psycopg import sql

    before = counts_here()
    archive = backup(capsys)
    s = connection.settings_dict
    scratch = f"{s['NAME']}_restore"
    admin = psycopg.connect(dbname="postgres", host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432,
                            user=s["USER"], password=s.get("PASSWORD") or None, autocommit=True)
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(scratch)))
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{scratch}"
    try:
        with pytest.raises(CommandError, match="does not exist"):
            call_command("restore", str(archive), "--database-url", url, "--media-root", str(tmp_path / "m"))
        call_command("restore", str(archive), "--database-url", url, "--create-database",
                     "--media-root", str(tmp_path / "m"))
        with psycopg.connect(dbname=scratch, host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432,
                             user=s["USER"], password=s.get("PASSWORD") or None) as restored:
            assert {t: restored.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES} == before
            name = restored.execute("SELECT file FROM dossiers_document WHERE id = %s",
                                    (stored["document"].pk,)).fetchone()[0]
        assert (tmp_path / "m" / name).read_bytes() == stored["content"]
        # a non-empty database is never overwritten without --force
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(archive), "--database-url", url, "--media-root", str(tmp_path / "m3"))
    finally:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))
        admin.close()


def test_restore_refuses_the_live_database_and_documents(stored, capsys):
    archive = backup(capsys)
    with pytest.raises(CommandError, match="already exist|not empty|exists"):
        call_command("restore", str(archive))
    assert Document.objects.filter(pk=stored["document"].pk).exists()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "x.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        tar.add(__file__, arcname="hello.py")
    with pytest.raises(CommandError, match="manifest.json"):
        call_command("restore", str(bogus), "--database-url", f"sqlite:///{tmp_path / 'r.sqlite3'}")
