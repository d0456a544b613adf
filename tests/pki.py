"""A test PKI made by the tests themselves: certificate authorities, certificates, and a SoftHSM2 token
(Debian `softhsm2`) initialised in a temporary directory, holding the keys the tests sign with.

`softhsm` (session fixture, one per test process: SoftHSM reads SOFTHSM2_CONF once per process) holds:
- "server": the province's signing key, issued by the test CA (the server signs through PKCS#11);
- "chairman": the Chủ tịch's own token key, issued by the test CA;
- "expired": a key whose certificate (test CA) expired on 1 January 2021 (tests run in December 2023);
- "rogue": a key whose certificate comes from a CA that is on no trust list;
- "other": another person's key (test CA)."""

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "khenthuong-test"
USER_PIN = "246810"
SO_PIN = "13579111"
UTC = dt.timezone.utc


def _name(common_name: str, organization: str = "Khen thuong test") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@dataclass
class Authority:
    name: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @classmethod
    def create(cls, common_name: str) -> "Authority":
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(common_name))
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(dt.datetime(2010, 1, 1, tzinfo=UTC)).not_valid_after(dt.datetime(2045, 1, 1, tzinfo=UTC))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                             crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(key, hashes.SHA256()))
        return cls(common_name, key, cert)

    def issue(self, common_name: str, *, key=None, not_before=None, not_after=None,
              organization="UBND tỉnh Lạng Sơn (test)") -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        key = key or ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(_name(common_name, organization))
                .issuer_name(self.cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(not_before or dt.datetime(2015, 1, 1, tzinfo=UTC))
                .not_valid_after(not_after or dt.datetime(2040, 1, 1, tzinfo=UTC))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                               critical=False)
                .sign(self.key, hashes.SHA256()))
        return key, cert

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


@dataclass
class Token:
    """A SoftHSM2 token in `folder`, with a key and its certificate per label."""

    folder: Path
    module: str = SOFTHSM_MODULE
    label: str = TOKEN_LABEL
    pin: str = USER_PIN
    ca: Authority = None
    rogue_ca: Authority = None
    certs: dict = field(default_factory=dict)

    def cert_der(self, label: str) -> bytes:
        return der(self.certs[label])

    def signer(self, label: str):
        """A context manager giving a pyHanko PKCS#11 signer on `label` (what a signing plugin does)."""
        from contextlib import contextmanager

        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as sign_pkcs11

        @contextmanager
        def opened():
            session = sign_pkcs11.open_pkcs11_session(self.module, token_criteria=TokenCriteria(label=self.label),
                                                      user_pin=self.pin)
            try:
                yield sign_pkcs11.PKCS11Signer(session, key_label=label, use_raw_mechanism=True)
            finally:
                session.close()

        return opened()


def _softhsm(folder: Path, *args: str) -> str:
    done = subprocess.run(["softhsm2-util", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "SOFTHSM2_CONF": str(folder / "softhsm2.conf")})
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def make_token(folder: Path) -> Token:
    """Initialise a token, import each key (softhsm2-util, as an operator would) and put each
    certificate on the token beside its key (python-pkcs11), as on a real USB token."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    if not Path(SOFTHSM_MODULE).exists():
        pytest.skip("softhsm2 is not installed (Makefile APT_PACKAGES)")
    (folder / "tokens").mkdir(parents=True)
    (folder / "softhsm2.conf").write_text(f"directories.tokendir = {folder / 'tokens'}\n"
                                          "objectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(folder / "softhsm2.conf")
    _softhsm(folder, "--init-token", "--free", "--label", TOKEN_LABEL, "--pin", USER_PIN, "--so-pin", SO_PIN)
    ca, rogue = Authority.create("Test CA Khen thuong"), Authority.create("Rogue CA")
    issued = {
        "server": ca.issue("UBND tinh Lang Son (test)"),
        "chairman": ca.issue("Nguyễn Văn Chủ Tịch"),
        "expired": ca.issue("Nguyễn Văn Chủ Tịch", not_before=dt.datetime(2019, 1, 1, tzinfo=UTC),
                            not_after=dt.datetime(2021, 1, 1, tzinfo=UTC)),
        "rogue": rogue.issue("Nguyễn Văn Chủ Tịch"),
        "other": ca.issue("Trần Thị Khác"),
    }
    token = Token(folder=folder, ca=ca, rogue_ca=rogue)
    for index, (label, (key, cert)) in enumerate(issued.items(), start=1):
        key_file = folder / f"{label}.pem"
        key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        _softhsm(folder, "--import", str(key_file), "--token", TOKEN_LABEL, "--label", label,
                 "--id", f"{index:02x}", "--pin", USER_PIN)
        key_file.unlink()  # the key now lives in the token only
        token.certs[label] = cert
    lib = pkcs11.lib(SOFTHSM_MODULE)
    with lib.get_token(token_label=TOKEN_LABEL).open(rw=True, user_pin=USER_PIN) as session:
        for index, (label, cert) in enumerate(token.certs.items(), start=1):
            session.create_object({
                Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: bytes([index]),
                Attribute.SUBJECT: cert.subject.public_bytes(), Attribute.VALUE: der(cert)})
    (folder / "test-ca.pem").write_bytes(ca.pem())
    return token


_made: list[Token] = []


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory) -> Token:
    """One token per process, whichever test module imports this fixture first (SoftHSM reads its
    configuration once per process: a second token directory would never be seen)."""
    if not _made:
        _made.append(make_token(tmp_path_factory.mktemp("softhsm")))
    return _made[0]


@pytest.fixture
def token_server(settings, softhsm):
    """The server signs with the "server" key in the SoftHSM token; the test CA is on the trust list."""
    settings.CERTIFICATES_PKCS11_MODULE = softhsm.module
    settings.CERTIFICATES_PKCS11_TOKEN_LABEL = softhsm.label
    settings.CERTIFICATES_PKCS11_KEY_LABEL = "server"
    settings.CERTIFICATES_PKCS11_PIN = softhsm.pin
    settings.SIGNATURES_TRUST_FILES = [str(softhsm.folder / "test-ca.pem")]
    return softhsm


@pytest.fixture
def trust_test_ca(settings, softhsm, tmp_path):
    """Only the test CA is trusted (the real trust folder is replaced by an empty one)."""
    settings.SIGNATURES_TRUST_DIR = tmp_path / "no-trust"
    settings.SIGNATURES_TRUST_FILES = [str(softhsm.folder / "test-ca.pem")]
    return softhsm
