"""The printable report as a real PDF, for each real police file: the city's name, page numbers,
the headline findings (the Owensboro one recomputed with pandas and scipy) and the methods."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.builders import OWENSBORO, POLICE_FILES, county_benchmark, imported_dataset
from tests.disparities.test_findings import expected_black_sentence, findings_of
from tests.disparities.test_report_recomputed import frame

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


@pytest.mark.parametrize("name", sorted(POLICE_FILES))
def test_the_pdf_report_of_each_real_file(name, city, client_as):
    county_benchmark(city, fips="21059")
    dataset = imported_dataset(city, file=name)
    assert dataset.status == "imported", dataset.failure_reason
    client = client_as(city, "viewer")
    response = client.get(reverse("disparities:report_pdf", args=[city.slug, dataset.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pages, text = pdf_text(response.content)
    assert pages >= 2
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert f"{city.name}, {city.state}" in text
    assert "Methods" in text and "Caveats" in text
    # The findings the dashboard opens with are the PDF's headline figures.
    dashboard = client.get(reverse("disparities:dashboard", args=[city.slug, dataset.pk])).content.decode()
    for _kind, sentence in findings_of(dashboard):
        assert " ".join(sentence.split()) in text, sentence
    if name == OWENSBORO:
        doc = client.get(reverse("disparities:report_json", args=[city.slug, dataset.pk])).json()
        assert expected_black_sentence(frame(OWENSBORO), doc) in text
    assert not re.search(r"\{\{|\{%", text)
