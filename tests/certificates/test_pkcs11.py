"""The server signs through PKCS#11: a SoftHSM2 token initialised by the test, the key imported into it
and never on disk, the certificate issued by a test CA and read from the token."""

import base64
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from certificates import rendering, signing
from dossiers.samples import MINIMAL_PDF
from dossiers.signatures import check_pdf_signatures, load_certificate
from tests.pki import softhsm, token_server  # noqa: F401 (fixtures)

from .conftest import issue

pytestmark = pytest.mark.django_db


def test_decision_signed_with_the_token_key(world, decided, token_server, settings, tmp_path):
    settings.CERTIFICATES_SIGNING_DIR = tmp_path / "signing"   # where a demo identity would be written
    decision = issue(world, decided)
    signed = signing.sign_pdf(rendering.decision_pdf(decision), reason="Quyết định số 1234/QĐ-UBND")
    check = signing.verify_pdf(signed)
    assert check.valid, check.message
    assert "UBND tinh Lang Son (test)" in check.signer
    # the certificate in the signature is the token's, issued by the test CA (chains to the trust list)
    [report] = check_pdf_signatures(signed)
    assert report.ok, report.problems
    assert report.fingerprint == load_certificate(token_server.cert_der("server")).sha256.hex()
    assert "Test CA Khen thuong" in report.issuer
    # no PEM key was written: the demo identity was never generated
    assert not (settings.CERTIFICATES_SIGNING_DIR / "demo-key.pem").exists()


def test_pin_from_a_file(world, decided, token_server, settings, tmp_path):
    pin_file = tmp_path / "pin"
    pin_file.write_text(token_server.pin + "\n")
    settings.CERTIFICATES_PKCS11_PIN, settings.CERTIFICATES_PKCS11_PIN_FILE = None, str(pin_file)
    assert signing.verify_pdf(signing.sign_pdf(rendering.decision_pdf(issue(world, decided)), reason="x")).valid


def test_wrong_pin_refused_by_the_token(token_server, settings):
    from pkcs11.exceptions import PinIncorrect

    settings.CERTIFICATES_PKCS11_PIN = "000000"
    with pytest.raises(PinIncorrect):
        signing.sign_pdf(MINIMAL_PDF, reason="x")


def test_identity_is_the_token_certificate(token_server):
    identity = signing.identity()
    assert identity.facts.common_name == "UBND tinh Lang Son (test)"
    assert "Test CA Khen thuong" in identity.facts.issuer
    assert identity.valid_now and "PKCS#11" in identity.source and "server" in identity.source


def test_export_messages_signed_on_the_token(token_server):
    from api import exports

    content = {"Header": {"Msg_ID": "1"}, "Body": [{"TenCanBo": "Nguyễn Văn An"}]}
    signature = exports.sign(content)
    cert = x509.load_pem_x509_certificate(exports.certificate_pem())
    assert cert.public_bytes(Encoding.DER) == token_server.cert_der("server")
    cert.public_key().verify(base64.b64decode(signature["Value"]), exports.canonical(content),
                             ec.ECDSA(hashes.SHA256()))
    assert exports.verify({**content, "Signature": signature}, exports.certificate_pem())
    assert json.dumps(signature)  # plain JSON


def test_decision_page_shows_the_signing_identity(client, world, decided, token_server):
    from django.urls import reverse

    from certificates import tasks

    decision = tasks.render_decision(issue(world, decided).pk)
    client.force_login(world.chris)
    html = client.get(reverse("certificates:decision", args=[decision.pk])).content.decode()
    section = html[html.index('id="signing"'):]
    for expected in ["UBND tinh Lang Son (test)", "Test CA Khen thuong", "01/01/2015 – 01/01/2040", "PKCS#11",
                     "khenthuong-test", "Hợp lệ, còn nguyên vẹn"]:
        assert expected in section, expected
