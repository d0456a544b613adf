"""STORAGE_BACKEND=s3 (django-storages + boto3) against a real S3-compatible server that the test
starts: moto's standalone server, a separate process listening on a local port. Nothing in the
client is mocked: the uploads go over HTTP to that server and are read back from it."""

import datetime as dt
import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dossiers.models import Document
from dossiers.services import document_upload
from tests.conftest import PDF
from tests.dossiers.test_document_serving import csp_directives
from workflows import services
from workflows.walk import add_nominees

pytestmark = pytest.mark.django_db
BUCKET = "ho-so-khen-thuong"
KEYS = {"aws_access_key_id": "kt-test", "aws_secret_access_key": "kt-test-secret"}
BASE_DIR = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    for port in range(8139, 8129, -1):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free port in 8130-8139 for the S3 server")


def _start_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the S3 server exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    process.kill()
    pytest.fail("the S3 server did not start within 60 s")


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    process = _start_server(port)
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **KEYS).create_bucket(Bucket=BUCKET)
    yield endpoint
    process.kill()
    process.wait(timeout=10)


@pytest.fixture
def s3(s3_server, settings):
    """The document storage on the S3 server, as config/settings.py builds it for STORAGE_BACKEND=s3."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": s3_server, "region_name": "us-east-1",
                    "access_key": KEYS["aws_access_key_id"], "secret_key": KEYS["aws_secret_access_key"],
                    "file_overwrite": False, "default_acl": "private", "querystring_auth": True}}}
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **KEYS)
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    return client


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.fixture
def dossier(world, in_window):
    d = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(d, world.alice, collectives=[world.unit])
    return d


def test_upload_read_back_through_the_document_view_and_delete(world, dossier, s3, settings):
    client = Client()
    client.force_login(world.alice)
    response = client.post(reverse("dossiers:upload", args=[dossier.pk]),
                           {"document_type": "to-trinh", "file": SimpleUploadedFile("Tờ trình.pdf", PDF)},
                           headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200, response.content
    document = Document.objects.get()
    assert keys(s3) == [document.file.name]
    assert s3.get_object(Bucket=BUCKET, Key=document.file.name)["Body"].read() == PDF
    assert not (Path(settings.MEDIA_ROOT) / document.file.name).exists()      # not on the local disk

    response = client.get(reverse("dossiers:document", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "sandbox" in csp_directives(response)

    document.file.storage.delete(document.file.name)
    assert keys(s3) == []
    assert client.get(reverse("dossiers:document", args=[document.pk])).status_code == 404

    # The storage endpoint stops answering: reading is a 503 page with a message, not a 500.
    settings.STORAGES = {**settings.STORAGES, "default": {
        **settings.STORAGES["default"],
        "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{_free_port()}"}}}
    response = client.get(reverse("dossiers:document", args=[document.pk]))
    assert response.status_code == 503 and "Kho lưu trữ hồ sơ đang gặp sự cố" in response.content.decode()


def test_failure_after_the_write_deletes_the_object(world, dossier, s3, monkeypatch):
    from dossiers.services import documents

    def refuse(**kwargs):
        raise RuntimeError("event log unavailable")

    monkeypatch.setattr(documents, "record_event", refuse)
    with pytest.raises(RuntimeError):
        document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile("a.pdf", PDF),
                        document_type=world.types["to-trinh"])
    assert (Document.objects.count(), keys(s3)) == (0, [])


def test_storage_orphans_on_s3(world, dossier, s3, time_machine):
    kept = document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile("a.pdf", PDF),
                           document_type=world.types["to-trinh"])
    s3.put_object(Bucket=BUCKET, Key=f"dossiers/{dossier.pk}/mo-coi", Body=b"%PDF-1.4 partial")
    # The server stamps objects with its own (real) clock: look two hours after that.
    written = s3.head_object(Bucket=BUCKET, Key=f"dossiers/{dossier.pk}/mo-coi")["LastModified"]
    time_machine.move_to(written + dt.timedelta(hours=2), tick=False)
    out = io.StringIO()
    call_command("storage_orphans", "--delete", stdout=out)
    assert f"deleted: dossiers/{dossier.pk}/mo-coi" in out.getvalue()
    assert keys(s3) == [kept.file.name]


def test_s3_server_down_refuses_the_upload_with_503(world, dossier, settings):
    """The storage endpoint refuses connections (server stopped): a clear message, no row."""
    port = _free_port()
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": f"http://127.0.0.1:{port}", "region_name": "us-east-1",
                    "access_key": "x", "secret_key": "y", "file_overwrite": False}}}
    client = Client()
    client.force_login(world.alice)
    response = client.post(reverse("dossiers:upload", args=[dossier.pk]),
                           {"document_type": "to-trinh", "file": SimpleUploadedFile("a.pdf", PDF)},
                           headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 503
    assert "kho lưu trữ hồ sơ đang gặp sự cố" in response.json()["error"]
    assert not Document.objects.exists()


def test_settings_build_the_s3_storage_from_the_environment(s3_server, s3):
    """STORAGE_BACKEND=s3 and the AWS_* variables, read by config/settings.py in a fresh process."""
    s3.put_object(Bucket=BUCKET, Key="dossiers/1/mo-coi", Body=b"x")
    env = {**os.environ, "DJANGO_DEBUG": "1", "STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": BUCKET,
           "AWS_S3_ENDPOINT_URL": s3_server, "AWS_S3_REGION_NAME": "us-east-1",
           "AWS_ACCESS_KEY_ID": KEYS["aws_access_key_id"], "AWS_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"]}
    code = ("from django.core.files.storage import default_storage as s; "
            "data = s.open('dossiers/1/mo-coi').read(); print(type(s._wrapped).__name__, data)")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "S3Storage b'x'"
