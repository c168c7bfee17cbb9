"""What a person needs on the first `make run`: another port, the address in emails, who sends the
emails, and how long it takes (README), and the Makefile doing what the README says."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_run_serves_on_the_port_asked_and_emails_follow_it():
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=8765"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "runserver 127.0.0.1:8765" in plan
    assert 'DJANGO_SITE_URL="${DJANGO_SITE_URL:-http://127.0.0.1:8765}"' in plan
    assert "8000" not in plan


def test_the_readme_answers_the_first_run_questions():
    readme = (ROOT / "README.md").read_text()
    run = readme.split("## Run it", 1)[1].split("## Test it", 1)[0]
    assert "make run PORT=8080" in run
    assert "DJANGO_SITE_URL" in run and "| `DJANGO_SITE_URL` |" in readme
    assert "The worker sends every email" in run and "run/worker-quick.log" in run
    assert "How long the first run takes" in run and "minutes" in run
