"""The optional virus scan: a fake clamd (a separate process speaking clamd's INSTREAM protocol on
a Unix socket, or on TCP) answers FOUND for the EICAR test string and OK otherwise. Infected files
are refused naming the signature; when the scanner is configured but unreachable, uploads are
refused (fail closed) with a message to try again; not configured, nothing is scanned."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dossiers.errors import InvalidInput, ServiceUnavailable
from dossiers.models import Document
from dossiers.services import document_upload
from tests.conftest import PDF
from workflows import services
from workflows.walk import add_nominees

pytestmark = pytest.mark.django_db
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

FAKE_CLAMD = r'''
import socket, struct, sys, os
address, log = sys.argv[1], sys.argv[2]
EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
if address.startswith("tcp:"):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", int(address[4:])))
else:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
server.listen(8)
print("ready", flush=True)
def exactly(conn, n):
    data = b""
    while len(data) < n:
        more = conn.recv(n - len(data))
        if not more:
            raise EOFError
        data += more
    return data
while True:
    conn, _ = server.accept()
    with conn:
        command = b""
        while not command.endswith(b"\0"):
            command += exactly(conn, 1)
        if command != b"zINSTREAM\0":
            conn.sendall(b"UNKNOWN COMMAND\0")
            continue
        data = b""
        while True:
            (length,) = struct.unpack("!L", exactly(conn, 4))
            if length == 0:
                break
            data += exactly(conn, length)
        with open(log, "a") as out:
            out.write(f"{len(data)}\n")
        conn.sendall(b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0")
'''


def _start(address: str, log: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", FAKE_CLAMD, address, str(log)], stdout=subprocess.PIPE)
    assert process.stdout.readline().strip() == b"ready"
    return process


@pytest.fixture
def clamd(tmp_path, settings):
    """A fake clamd on a Unix socket, configured as CLAMD_SOCKET."""
    path, log = tmp_path / "clamd.sock", tmp_path / "scans.log"
    process = _start(str(path), log)
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = str(path), ""
    yield log
    process.kill()
    process.wait(timeout=10)


@pytest.fixture
def dossier(world, in_window):
    d = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(d, world.alice, collectives=[world.unit])
    return d


def upload(world, dossier, name, content):
    return document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile(name, content),
                           document_type=world.types["to-trinh"])


def infected_pdf() -> bytes:
    # A valid PDF that carries the EICAR test string in a comment after its end.
    return PDF + b"%" + EICAR + b"\n"


def test_a_clean_file_is_scanned_whole_then_stored(world, dossier, clamd):
    big = PDF + b"%" + b"0" * 200_000 + b"\n"
    document = upload(world, dossier, "to-trinh.pdf", big)
    assert document.size == len(big)
    assert clamd.read_text().split() == [str(len(big))]      # every byte went through the scanner


def test_an_infected_file_is_refused_naming_the_signature(world, dossier, clamd, settings):
    with pytest.raises(InvalidInput) as err:
        upload(world, dossier, "to-trinh.pdf", infected_pdf())
    assert "phát hiện mã độc (Eicar-Test-Signature)" in str(err.value)
    assert not Document.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_the_upload_xhr_gets_json_400_for_an_infected_file(world, dossier, clamd):
    client = Client()
    client.force_login(world.alice)
    response = client.post(reverse("dossiers:upload", args=[dossier.pk]),
                           {"document_type": "to-trinh", "file": SimpleUploadedFile("to-trinh.pdf", infected_pdf())},
                           headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 400 and "mã độc" in response.json()["error"]


def test_scanner_unreachable_fails_closed(world, dossier, settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    with pytest.raises(ServiceUnavailable) as err:
        upload(world, dossier, "to-trinh.pdf", PDF)
    assert "máy quét virus không phản hồi" in str(err.value)
    client = Client()
    client.force_login(world.alice)
    response = client.post(reverse("dossiers:upload", args=[dossier.pk]),
                           {"document_type": "to-trinh", "file": SimpleUploadedFile("to-trinh.pdf", PDF)},
                           headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 503 and "thử lại sau" in response.json()["error"]
    assert not Document.objects.exists()


def test_scanner_killed_between_uploads_fails_closed(world, dossier, tmp_path, settings):
    path, log = tmp_path / "clamd.sock", tmp_path / "scans.log"
    process = _start(str(path), log)
    settings.CLAMD_SOCKET = str(path)
    try:
        upload(world, dossier, "v1.pdf", PDF)
    finally:
        process.kill()
        process.wait(timeout=10)
    with pytest.raises(ServiceUnavailable):
        upload(world, dossier, "v2.pdf", PDF)
    assert Document.objects.count() == 1


def _free_port() -> int:
    for port in range(8130, 8140):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.fail("no free port in 8130-8139")


def test_scanner_over_tcp(world, dossier, tmp_path, settings):
    port, log = _free_port(), tmp_path / "scans.log"
    process = _start(f"tcp:{port}", log)
    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "127.0.0.1", port
    try:
        upload(world, dossier, "to-trinh.pdf", PDF)
        with pytest.raises(InvalidInput):
            upload(world, dossier, "to-trinh.pdf", infected_pdf())
    finally:
        process.kill()
        process.wait(timeout=10)
    assert len(log.read_text().split()) == 2


def test_not_configured_means_not_scanned(world, dossier, settings):
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = "", ""
    assert upload(world, dossier, "to-trinh.pdf", infected_pdf()).pk
