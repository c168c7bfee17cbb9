"""The shell's security promises: strict CSP on every page, nothing loaded from another host,
error pages in the app's look, and a production configuration that passes Django's deploy check."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)


def _pages(city):
    return [
        "/",
        reverse("account_login"),
        reverse("account_reset_password"),
        reverse("library:index"),
        reverse("cities:home", args=[city.slug]),
        reverse("cities:members", args=[city.slug]),
        reverse("conversations:index", args=[city.slug]),
        reverse("relationships:index", args=[city.slug]),
        reverse("disparities:index", args=[city.slug]),
        reverse("mfa_index"),
        reverse("account_change_password"),
        "/no-such-page/",
    ]


@pytest.mark.django_db
def test_csp_on_every_page_is_strict(client_as, city):
    client = client_as(city, "lead")
    for url in _pages(city):
        response = client.get(url)
        csp = response.headers.get("Content-Security-Policy", "")
        assert csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert "default-src 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        # Every script tag carries the nonce of this response.
        nonce = re.search(r"'nonce-([^']+)'", csp)
        for tag in re.findall(r"<script\b[^>]*>", response.content.decode()):
            if 'type="application/json"' in tag:
                continue
            assert nonce and f'nonce="{nonce.group(1)}"' in tag, (url, tag)
        # No inline style attribute anywhere.
        assert " style=" not in response.content.decode(), url


def test_nothing_is_loaded_from_another_host():
    external = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)
    css_external = re.compile(r"""(?:url\(|@import)\s*["']?(?:https?:)?//""", re.I)
    offenders = []
    for folder in ("templates", "static"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".html", ".css", ".js", ".svg"} or "vendor" in path.parts:
                continue
            text = path.read_text(errors="ignore")
            if external.search(text) or css_external.search(text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
def test_404_page_has_the_apps_look(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and 'class="skip-link"' in body


def test_500_page_renders_without_a_request():
    from django.template.loader import render_to_string

    body = render_to_string("500.html")
    assert "Something went wrong" in body


def test_deploy_check_passes_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-1234567890",
        "DJANGO_ALLOWED_HOSTS": "realcities.example.org",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_development_secret_key():
    env = {**os.environ, "DJANGO_DEBUG": "false"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_seed_demo_refuses_in_production():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "y" * 60,
        "DJANGO_ALLOWED_HOSTS": "realcities.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "refuses" in result.stderr
