"""Markup typed into a contacts file, and stakeholder names in the audit log, are shown escaped
(the app-wide escaping test fills database text fields; the lines of a file live in JSON)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relationships.models import StakeholderImport

PAYLOAD = "<script>alert(1)</script>"


@pytest.mark.django_db
def test_markup_in_a_contacts_file_is_escaped_on_the_preview_and_after_import(client_as, city, city_page):
    client = client_as(city, "lead")
    raw = (f'name,email,district,notes\n"{PAYLOAD}",a@example.org,"{PAYLOAD}","{PAYLOAD}"\n'
           f'"{PAYLOAD}",a@example.org,,\n"{PAYLOAD}",not-an-email,x,y,z\n').encode()
    client.post(city_page("stakeholder_import"), {"file": SimpleUploadedFile("x.csv", raw)})
    batch = StakeholderImport.objects.get()
    preview = client.get(city_page("import_preview", batch.pk)).content.decode()
    assert PAYLOAD not in preview and "&lt;script&gt;" in preview
    client.post(city_page("import_preview", batch.pk), {"confirm": "1", "include": ["3"]})
    stakeholder = city.stakeholders.first()
    for url in (city_page("import_preview", batch.pk), city_page("directory"),
                city_page("stakeholder_detail", stakeholder.pk), reverse("cities:audit", args=[city.slug])):
        body = client.get(url).content.decode()
        assert PAYLOAD not in body, url
