"""Production settings as a province's IT team would set them: only the documented required variables
(README "Deploy"), checked by Django's deployment check in a real `manage.py` process."""

import pytest

from .conftest import manage, production_env

PG_URL = "postgres://khenthuong:secret@db.internal:5432/khenthuong"  # never connected to by `check`


def test_check_deploy_is_clean_with_the_documented_variables(prod_tmp):
    env = production_env(prod_tmp, DATABASE_URL=PG_URL)
    del env["SQLITE_PATH"], env["MEDIA_ROOT"], env["STATIC_ROOT"], env["HUEY_SQLITE_PATH"], env["BACKUP_DIR"]
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr
    # and the values behind it, as the running process sees them
    out = manage(env, "shell", "--no-imports", "-c", "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
                 "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.X_FRAME_OPTIONS, "
                 "s.CSRF_TRUSTED_ORIGINS, s.DATABASES['default']['CONN_HEALTH_CHECKS'], "
                 "s.DATABASES['default']['CONN_MAX_AGE'], getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
                 "s.STORAGES['staticfiles']['BACKEND'])").stdout.split(" ", 7)
    assert out[:5] == ["31536000", "True", "True", "True", "DENY"]
    assert "['https://khenthuong.example.vn']" in out[5]
    assert out[6:] == ["True", "60 None config.staticfiles.StaticFilesStorage\n"]


def test_the_proxy_header_is_trusted_only_when_configured(prod_tmp):
    env = production_env(prod_tmp, DJANGO_BEHIND_PROXY="1")
    out = manage(env, "shell", "--no-imports", "-c", "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)")
    assert out.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "CERTIFICATES_SIGNING_KEY"])
def test_production_refuses_to_start_without_a_required_variable(prod_tmp, missing):
    env = production_env(prod_tmp)
    del env[missing]
    if missing == "CERTIFICATES_SIGNING_KEY":
        del env["CERTIFICATES_SIGNING_CERT"]
    result = manage(env, "check", check=False)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr
    assert not (prod_tmp / "var" / "signing").exists()


def test_a_signing_key_path_that_is_not_a_file_is_refused(prod_tmp):
    env = production_env(prod_tmp, CERTIFICATES_SIGNING_KEY=str(prod_tmp / "nope.pem"))
    result = manage(env, "check", check=False)
    assert result.returncode != 0 and "CERTIFICATES_SIGNING_KEY" in result.stderr


def test_plain_http_site_url_is_refused_in_production(prod_tmp):
    result = manage(production_env(prod_tmp, SITE_URL="http://khenthuong.example.vn"), "check", check=False)
    assert result.returncode != 0 and "https" in result.stderr


def test_the_demo_identity_is_never_generated_in_production(settings, tmp_path):
    """Belt and braces inside the process too: without a configured key, signing refuses."""
    from django.core.exceptions import ImproperlyConfigured

    from certificates.signing import sign_pdf

    settings.CERTIFICATES_SIGNING_KEY = settings.CERTIFICATES_SIGNING_CERT = None
    settings.CERTIFICATES_DEMO_IDENTITY = False
    settings.CERTIFICATES_SIGNING_DIR = tmp_path / "signing"
    with pytest.raises(ImproperlyConfigured):
        sign_pdf(b"%PDF-1.4\n%%EOF\n", reason="test")
    assert not (tmp_path / "signing").exists()


def test_seed_demo_refuses_in_production(prod_tmp):
    env = production_env(prod_tmp)
    manage(env, "migrate", "--noinput")
    result = manage(env, "seed_demo", check=False)
    assert result.returncode != 0
    assert "DJANGO_DEBUG=0" in result.stderr
    users = manage(env, "shell", "--no-imports", "-c", "from django.contrib.auth.models import User; print(User.objects.count())")
    assert users.stdout.strip() == "0"


@pytest.mark.django_db
def test_seed_demo_forced_in_production_never_uses_the_published_password(settings, capsys):
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from workflows.management.commands.seed_demo import PASSWORD

    settings.DEMO_DATA_ALLOWED = False
    call_command("seed_demo", "--force")
    out = capsys.readouterr().out
    assert PASSWORD not in out
    users = list(User.objects.all())
    assert users and not any(user.check_password(PASSWORD) for user in users)
    # each password is printed once, and is the account's password
    admin = User.objects.get(username="admin")
    line = next(line for line in out.splitlines() if line.strip().startswith("admin "))
    assert admin.check_password(line.split()[-1])


def test_dotenv_is_read_and_the_environment_wins(prod_tmp):
    env = production_env(prod_tmp, UPLOAD_MAX_MB="9")
    dotenv = prod_tmp / "site.env"
    dotenv.write_text("# production values\nUPLOAD_MAX_MB=7\nexport DEFAULT_FROM_EMAIL='thidua@langson.gov.vn'\n"
                      "REMINDER_DAYS_BEFORE = 4\n\n", encoding="utf-8")
    env["DJANGO_ENV_FILE"] = str(dotenv)
    out = manage(env, "shell", "--no-imports", "-c", "from django.conf import settings as s; "
                 "print(s.UPLOAD_MAX_BYTES // 2**20, s.DEFAULT_FROM_EMAIL, s.REMINDER_DAYS_BEFORE)")
    assert out.stdout.split() == ["9", "thidua@langson.gov.vn", "4"]


def test_dotenv_with_a_broken_line_fails_loudly(prod_tmp):
    env = production_env(prod_tmp)
    dotenv = prod_tmp / "site.env"
    dotenv.write_text("UPLOAD_MAX_MB 7\n", encoding="utf-8")
    env["DJANGO_ENV_FILE"] = str(dotenv)
    result = manage(env, "check", check=False)
    assert result.returncode != 0 and "site.env:1" in result.stderr
