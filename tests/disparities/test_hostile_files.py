"""Hostile and damaged files, sent through the real upload page: each is refused in words (400) or
ends as a failed dataset with its reason, never a server error; no uploaded file is left on disk
without its dataset; and the request's peak memory stays far below what a web process may use.

The files are built here, in temporary folders (a zip holding 1 GB, an Excel file holding a 600 MB
cell, a header of 100,000 columns, damaged archives...). Peak memory is measured twice around each
request: the Python heap's peak (tracemalloc) and the process's peak resident size (VmHWM, reset
through /proc/self/clear_refs before the request), whose growth is what the request cost.
"""

from __future__ import annotations

import gc
import io
import os
import struct
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disparities.models import Dataset, DatasetPreview, ImportProblem, Status
from tests.conftest import wait_for

MB = 1024 * 1024
# A web process (gunicorn worker) starts at about 100 MB: a request may add at most this much.
REQUEST_BUDGET = 200 * MB
GOOD = b"date,time,race,sex,age\n2017-04-01,07:00,W,M,34\n2017-04-02,13:30,B,F,22\n2017-04-03,18:05,H,F,45\n"
MEMORY_LOG = Path(os.environ.get("HOSTILE_MEMORY_LOG", "")) if os.environ.get("HOSTILE_MEMORY_LOG") else None


# -- measuring ------------------------------------------------------------------------------------


def _status_kb(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) * 1024
    return 0


class PeakMemory:
    """The peak resident size the block adds to the process (VmHWM, reset through clear_refs before
    it runs); where the kernel does not allow the reset, the peak of the Python heap (tracemalloc)."""

    def __enter__(self) -> PeakMemory:
        gc.collect()
        self.rss_before = _status_kb("VmRSS")
        try:
            Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current size
            self.measure = "resident"
        except OSError:
            self.measure = "heap"
            tracemalloc.start()
            tracemalloc.reset_peak()
        return self

    def __exit__(self, *exc) -> None:
        if self.measure == "heap":
            _, self.growth = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        else:
            self.growth = max(_status_kb("VmHWM") - self.rss_before, 0)
        self.peak = _status_kb("VmHWM")

    def check(self, what: str) -> None:
        line = (
            f"{what}: peak {self.measure} memory added by the request {self.growth / MB:.1f} MB "
            f"(process at {self.rss_before / MB:.0f} MB before it)"
        )
        if MEMORY_LOG is not None:
            with MEMORY_LOG.open("a") as log:
                log.write(line + "\n")
        assert self.growth < REQUEST_BUDGET, line


def files_left(media_root) -> list[str]:
    """Files under MEDIA_ROOT that no dataset (nor benchmark) holds: what a failed upload left behind."""
    root = Path(media_root)
    if not root.exists():
        return []
    held = {name for name in Dataset.objects.values_list("file", flat=True) if name}
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and str(path.relative_to(root)) not in held
    )


def upload(client, city, name: str, data: bytes, **extra):
    return client.post(
        reverse("disparities:upload", args=[city.slug]),
        {"kind": "stop", "name": "Hostile", "file": SimpleUploadedFile(name, data), **extra},
    )


def refused(client, city, settings, name: str, data: bytes, words: str, **extra) -> str:
    """Upload through the page; assert a 400 that says `words`, nothing stored, nothing on disk, and
    the request's memory within budget. Returns the page's text."""
    before = Dataset.objects.count()
    with PeakMemory() as peak:
        response = upload(client, city, name, data, **extra)
    peak.check(name)
    body = response.content.decode()
    assert response.status_code == 400, (response.status_code, body[:500])
    assert words in body, body[body.find("usa-error-message") - 200 :][:1500]
    assert Dataset.objects.count() == before
    assert files_left(settings.MEDIA_ROOT) == []
    return body


# -- building the files -----------------------------------------------------------------------------


def _zip(members: list[tuple[str, bytes]], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _central(data: bytes) -> int:
    return data.find(b"PK\x01\x02")


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> bytes:
    """A zipped CSV of 1 GB (a few lines of real-looking stops, repeated), about 1 MB packed."""
    path = tmp_path_factory.mktemp("bomb") / "stops.zip"
    block = b"".join(
        f"2017-04-{d:02d},{h:02d}:{m:02d},W,M,{20 + d}\n".encode()
        for d in range(1, 29)
        for h in (7, 13)
        for m in (5, 35)
    )
    block *= MB // len(block)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("stops.csv", "w", force_zip64=True) as member,
    ):
        member.write(b"date,time,race,sex,age\n")
        written = 0
        while written < 1024 * MB:
            member.write(block)
            written += len(block)
    return path.read_bytes()


def _workbook(rows: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_xlsx(data: bytes, part: str, rewrite) -> bytes:
    """The workbook with one part rewritten: `rewrite(data, member)` writes the part's new bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                with archive.open(part, "w", force_zip64=True) as member:
                    rewrite(content, member)
            else:
                archive.writestr(info.filename, content)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
MARK = "MARKER"


@pytest.fixture(scope="module")
def huge_cell_xlsx() -> bytes:
    """A 617 KB-ish Excel file holding one 600 MB text cell."""
    data = _workbook([["date", "race", "sex", "narrative"], ["2017-04-01", "W", "M", MARK]])

    def rewrite(content: bytes, member) -> None:
        before, after = content.split(MARK.encode())
        member.write(before)
        chunk = b"A" * MB
        for _ in range(600):
            member.write(chunk)
        member.write(after)

    return _rewrite_xlsx(data, SHEET, rewrite)


# -- the tests -------------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(client_as, city):
    """A member who uploads. Before any measurement, the process has served the upload page and one
    refused upload (the modules, templates and URLs a first request loads are not the file's cost)."""
    client = client_as(city, "staff")
    client.get(reverse("disparities:upload", args=[city.slug]))
    upload(client, city, "warm.csv", b"one column only\n1\n")
    openpyxl.load_workbook(io.BytesIO(_workbook([["a", "b"]])), read_only=True).close()
    return client


def test_a_header_of_100000_columns_is_refused_in_words(analyst, city, settings):
    short = ",".join(["c"] * 100_000).encode() + b"\n" + b",".join([b"1"] * 100_000) + b"\n"
    refused(analyst, city, settings, "wide.csv", short, "100,000 columns")
    named = ",".join(f"column_{i}" for i in range(100_000)).encode() + b"\n" + b"1,2\n"
    refused(analyst, city, settings, "wide_names.csv", named, "columns; a police data file has at most 1,000")


def test_the_width_limit_is_a_setting(analyst, city, settings):
    settings.POLICE_FILE_MAX_COLUMNS = 3
    refused(analyst, city, settings, "five.csv", GOOD, "has 5 columns; a police data file has at most 3")


def test_a_zip_holding_1_gb_is_refused_while_decompressing(analyst, city, settings, bomb):
    assert len(bomb) < 8 * MB
    refused(analyst, city, settings, "bomb.zip", bomb, "far more than such a file holds")


def test_the_unzipped_size_limit_is_a_setting(analyst, city, settings):
    settings.POLICE_UPLOAD_MAX_UNCOMPRESSED = 1 * MB
    data = _zip([("stops.csv", GOOD + b"2017-04-04,08:00,W,M,30\n" * 100_000)])
    refused(analyst, city, settings, "big.zip", data, "larger than 1 MB once unpacked")


def test_an_excel_file_with_a_600_mb_cell_is_refused_within_memory(analyst, city, settings, huge_cell_xlsx):
    assert len(huge_cell_xlsx) < 2 * MB
    refused(analyst, city, settings, "huge.xlsx", huge_cell_xlsx, "cell longer than 32,767 characters")


def test_an_excel_file_that_unpacks_to_far_more_than_it_holds_is_refused(analyst, city, settings):
    data = _workbook([["date", "race", "sex"], ["2017-04-01", MARK, "M"]])
    row = b'<row r="3"><c r="A3" t="inlineStr"><is><t>2017-04-02</t></is></c></row>'

    def rewrite(content: bytes, member) -> None:
        before, after = content.split(b"</row>", 1)
        member.write(before + b"</row>")
        block = row * (MB // len(row))
        for _ in range(200):
            member.write(block)
        member.write(after)

    bombed = _rewrite_xlsx(data, SHEET, rewrite)
    refused(analyst, city, settings, "rows.xlsx", bombed, "far more than such a file holds")


def test_an_excel_file_with_a_dtd_is_refused(analyst, city, settings):
    data = _workbook([["date", "race", "sex"], ["2017-04-01", "W", "M"]])
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )

    def rewrite(content: bytes, member) -> None:
        member.write(laughs + content)

    refused(
        analyst, city, settings, "dtd.xlsx", _rewrite_xlsx(data, SHEET, rewrite), "document type declaration"
    )


def test_an_excel_file_with_broken_xml_is_refused(analyst, city, settings):
    data = _workbook([["date", "race", "sex"], ["2017-04-01", "W", "M"]] * 3)

    def rewrite(content: bytes, member) -> None:
        member.write(content[: len(content) // 2] + b"<row><c><<>>")

    refused(analyst, city, settings, "broken.xlsx", _rewrite_xlsx(data, SHEET, rewrite), "Excel file")


def test_damaged_zips_are_refused_in_words(analyst, city, settings):
    body = GOOD + b"2017-04-04,08:00,W,M,30\n" * 2000
    # A bad CRC: one byte of a stored member changed.
    stored = bytearray(_zip([("stops.csv", body)], method=zipfile.ZIP_STORED))
    stored[200] ^= 0x01
    refused(analyst, city, settings, "crc.zip", bytes(stored), "zip file is damaged")
    # Corrupt deflate data in the middle of the member.
    deflated = bytearray(_zip([("stops.csv", body)]))
    for i in range(60, 90):
        deflated[i] = 0xFF
    refused(analyst, city, settings, "deflate.zip", bytes(deflated), "zip file is damaged")
    # Size headers that lie: the member claims 10 bytes unpacked.
    lying = bytearray(_zip([("stops.csv", body)]))
    struct.pack_into("<I", lying, 22, 10)
    struct.pack_into("<I", lying, _central(lying) + 24, 10)
    refused(analyst, city, settings, "small.zip", bytes(lying), "zip file is damaged")
    # ... or 4 GB: refused when that is over the limit, else read for what it holds, not trusted.
    lying = bytearray(_zip([("stops.csv", body)]))
    struct.pack_into("<I", lying, _central(lying) + 24, 0xFFFFFFF0)
    settings.POLICE_UPLOAD_MAX_UNCOMPRESSED = 1024 * MB
    refused(analyst, city, settings, "large.zip", bytes(lying), "larger than 1,024 MB once unpacked")
    settings.POLICE_UPLOAD_MAX_UNCOMPRESSED = 4096 * MB
    assert upload(analyst, city, "large.zip", bytes(lying)).status_code == 302
    assert len(DatasetPreview.objects.get(dataset__city=city).rows) == 2003
    # A zip cut in half.
    whole = _zip([("stops.csv", body)])
    refused(analyst, city, settings, "cut.zip", whole[: len(whole) // 2], "zip file is damaged")


def test_a_line_longer_than_the_limit_is_refused(analyst, city, settings):
    settings.POLICE_FILE_MAX_LINE_CHARS = 1 * MB
    data = GOOD + b"2017-04-04,08:00,W,M," + b"9" * (2 * MB) + b"\n"
    refused(analyst, city, settings, "long.csv", data, "a line longer than 1,048,576 characters")


def test_invalid_utf8_in_the_middle_is_refused_with_its_offset_unless_an_encoding_is_chosen(
    analyst, city, settings
):
    data = (
        GOOD
        + b"2017-04-04,08:00,W,M,30\n" * 20_000
        + "2017-04-05,09:00,Hisp\u00e1nico,F,40\n".encode("cp1252")
    )
    offset = len(GOOD) + 24 * 20_000 + len(b"2017-04-05,09:00,Hisp")
    body = refused(analyst, city, settings, "mixed.csv", data, f"byte {offset:,} on (line 20,005)")
    assert "choose that encoding" in body
    response = upload(analyst, city, "mixed.csv", data, encoding="cp1252")
    assert response.status_code == 302
    dataset = Dataset.objects.get(city=city)
    assert dataset.file_format["encoding"] == "cp1252"
    assert files_left(settings.MEDIA_ROOT) == []


def test_an_unknown_encoding_is_a_form_error(analyst, city, settings):
    refused(analyst, city, settings, "s.csv", GOOD, "Select a valid choice", encoding="ebcdic")


def test_the_mapping_page_reads_the_rows_stored_at_upload_not_the_file(analyst, city, settings):
    response = upload(analyst, city, "stops.csv", GOOD)
    dataset = Dataset.objects.get(city=city)
    assert response.status_code == 302
    stored = DatasetPreview.objects.get(dataset=dataset)
    assert (
        stored.header == ["date", "time", "race", "sex", "age"] and len(stored.rows) == 3 and stored.complete
    )
    # The file is gone from the disk: the page is still built, from the stored rows.
    Path(dataset.file.path).unlink()
    page = analyst.get(reverse("disparities:mapping", args=[city.slug, dataset.pk]))
    assert page.status_code == 200
    assert page.context["preview"]["counts"]["subject_race"] == {"W": 1, "B": 1, "H": 1}


def test_the_rows_read_for_the_mapping_page_are_a_setting(analyst, city, settings):
    settings.POLICE_MAPPING_PREVIEW_ROWS = 2
    upload(analyst, city, "stops.csv", GOOD)
    stored = DatasetPreview.objects.get(dataset__city=city)
    assert len(stored.rows) == 2 and not stored.complete


@pytest.mark.django_db(transaction=True)
def test_nul_and_overlong_cells_are_rejected_lines_of_an_import_run_by_the_worker(
    celery_worker, client_as, city, settings
):
    """One NUL in one cell (which PostgreSQL cannot store) and one cell longer than the limit: each is
    a rejected line in the import's report, and every other row is imported, by the real worker."""
    analyst = client_as(city, "staff")
    data = (
        GOOD
        + b"2017-04-04,08:00,W\x00,M,30\n"
        + b"2017-04-05,08:00,W,M,"
        + b"7" * 40_000
        + b"\n"
        + b"2017-04-06,09:00,B,F,51\n"
    )
    with PeakMemory() as peak:
        response = upload(analyst, city, "nul.csv", data)
    peak.check("nul.csv")
    assert response.status_code == 302
    dataset = Dataset.objects.get(city=city)
    page = analyst.get(reverse("disparities:mapping", args=[city.slug, dataset.pk]))
    form = page.context["form"]
    fields = {name: form[name].value() or "" for name in form.fields}
    response = analyst.post(
        reverse("disparities:mapping", args=[city.slug, dataset.pk]), {**fields, "action": "import"}
    )
    assert response.status_code == 302
    done = wait_for(
        lambda: Dataset.objects.filter(pk=dataset.pk, status__in=["imported", "failed"]).first(), timeout=60
    )
    assert done.status == Status.IMPORTED, done.status_message
    assert (done.rows_read, done.rows_imported, done.rows_rejected) == (6, 4, 2)
    reasons = dict(ImportProblem.objects.filter(dataset=done, kind="row").values_list("line", "reason"))
    assert "NUL character" in reasons[5] and "“race”" in reasons[5]
    assert "longer than 32,767 characters" in reasons[6]
    assert files_left(settings.MEDIA_ROOT) == []


@pytest.mark.django_db(transaction=True)
def test_a_file_damaged_after_its_upload_fails_its_import_with_the_reason(
    celery_worker, client_as, city, settings
):
    """The worker meets the damage (a zip changed on disk after upload): a failed dataset with the
    reader's own message, and its file still belongs to it (Retry, Delete)."""
    analyst = client_as(city, "staff")
    body = GOOD + b"2017-04-04,08:00,W,M,30\n" * 2000
    response = upload(analyst, city, "stops.zip", _zip([("stops.csv", body)], method=zipfile.ZIP_STORED))
    assert response.status_code == 302
    dataset = Dataset.objects.get(city=city)
    path = Path(dataset.file.path)
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    path.write_bytes(bytes(damaged))
    page = analyst.get(reverse("disparities:mapping", args=[city.slug, dataset.pk]))
    form = page.context["form"]
    fields = {name: form[name].value() or "" for name in form.fields}
    analyst.post(reverse("disparities:mapping", args=[city.slug, dataset.pk]), {**fields, "action": "import"})
    done = wait_for(
        lambda: Dataset.objects.filter(pk=dataset.pk, status__in=["imported", "failed"]).first(), timeout=60
    )
    assert done.status == Status.FAILED and "zip file is damaged" in done.status_message
    assert files_left(settings.MEDIA_ROOT) == []
    assert Path(django_settings.MEDIA_ROOT, done.file.name).exists()


# -- large files: read by the worker, not in the request -------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_large_upload_is_read_by_the_worker_and_then_mapped(celery_worker, client_as, city, settings):
    settings.POLICE_UPLOAD_READ_IN_WORKER_MB = 0  # every file is "large"
    analyst = client_as(city, "staff")
    response = upload(analyst, city, "stops.csv", GOOD)
    dataset = Dataset.objects.get(city=city)
    assert response.status_code == 302 and response.url == reverse(
        "disparities:detail", args=[city.slug, dataset.pk]
    )
    done = wait_for(
        lambda: Dataset.objects.filter(pk=dataset.pk).exclude(status=Status.UPLOADED).first(), timeout=60
    )
    assert done.status == Status.MAPPING and done.file_format["header"] == [
        "date",
        "time",
        "race",
        "sex",
        "age",
    ]
    assert DatasetPreview.objects.get(dataset=done).rows[0][:3] == ["2017-04-01", "07:00", "W"]
    page = analyst.get(reverse("disparities:mapping", args=[city.slug, dataset.pk]))
    assert page.status_code == 200 and page.context["preview"]["counts"]["subject_race"] == {
        "W": 1,
        "B": 1,
        "H": 1,
    }


@pytest.mark.django_db(transaction=True)
def test_a_large_hostile_upload_fails_in_the_worker_with_its_reason_and_its_file_is_deleted(
    celery_worker, client_as, city, settings, bomb
):
    """The request only stores the file (a few MB, whatever it unpacks to); the worker refuses it: the
    dataset is failed with the reader's message, and the file is gone from the disk."""
    settings.POLICE_UPLOAD_READ_IN_WORKER_MB = 0
    analyst = client_as(city, "staff")
    with PeakMemory() as peak:
        response = upload(analyst, city, "bomb.zip", bomb)
    peak.check("bomb.zip (read by the worker)")
    assert response.status_code == 302
    dataset = Dataset.objects.get(city=city)
    status = analyst.get(reverse("disparities:detail", args=[city.slug, dataset.pk]))
    assert status.status_code == 200 and "Reading the file" in status.content.decode()
    done = wait_for(
        lambda: Dataset.objects.filter(pk=dataset.pk).exclude(status=Status.UPLOADED).first(), timeout=120
    )
    assert done.status == Status.FAILED and "far more than such a file holds" in done.status_message
    assert not done.file and files_left(settings.MEDIA_ROOT) == []
    assert not any(path.is_file() for path in Path(settings.MEDIA_ROOT).rglob("*"))
    page = analyst.get(reverse("disparities:detail", args=[city.slug, dataset.pk])).content.decode()
    assert "Nothing of the file was kept" in page and "Retry the import" not in page
    assert analyst.get(reverse("disparities:mapping", args=[city.slug, dataset.pk])).status_code == 302
