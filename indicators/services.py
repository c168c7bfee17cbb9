"""Everything that writes in the outcomes section: Census uploads, the city's geography, local
indicators (from a CSV of counts or typed in). Typed functions with keyword-only arguments."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from cities.audit import audit_record
from cities.models import AuditAction, City, User

from . import acs
from .catalogue import BY_KEY, CATALOGUE, CELLS_NEEDED, TABLE_TITLES
from .models import (
    CensusFile,
    CensusValue,
    IndicatorCommitment,
    IndicatorSettings,
    LocalFigure,
    LocalIndicator,
    LocalRace,
    LocalSex,
    PublishedIndicator,
)

MAX_UPLOAD = acs.MAX_BYTES


@dataclass
class CensusUpload:
    file: CensusFile
    report: dict
    replaced: bool


def census_file_upload(
    *,
    city: City,
    raw: bytes,
    filename: str,
    vintage: int | None = None,
    by: User | None = None,
    ip_address: str | None = None,
) -> CensusUpload:
    """Read an ACS table by race and keep it whole (file, values, report) or keep nothing.

    Raises ValidationError with a message saying what the file is when it is not a table by race,
    or when its vintage cannot be told. A later upload of the same table, race and vintage replaces
    the values of the geographies it holds (an earlier file left with none is deleted)."""
    try:
        table = acs.read_table(raw, filename=filename)
    except acs.NotACensusTable as refused:
        raise ValidationError(str(refused)) from refused
    year = vintage or table.vintage
    if year is None:
        raise ValidationError(
            "The file does not say which year its estimates are for: give the vintage (the last year "
            "of the 5-year estimates, such as 2024)."
        )
    if not 2005 <= year <= 2100:
        raise ValidationError(f"{year} is not a year of ACS estimates.")
    report = table.report()
    report["vintage"] = year
    report["title"] = TABLE_TITLES.get(table.table, "")
    needed = CELLS_NEEDED.get(table.table)
    if needed is None:
        report["used"] = "No indicator of the catalogue uses this table yet: its values are kept."
    else:
        missing = [c for c in needed if c not in table.cell_numbers]
        if missing:
            raise ValidationError(
                f"This {table.table_id} file lacks cells the indicators need "
                f"({', '.join(f'_{c:03d}' for c in missing[:6])}): download the whole table."
            )
        report["used"] = "Used by the indicators of the catalogue."
    name = Path(filename or "census").name[:200]
    with transaction.atomic():
        # The same table, race and vintage for the same geographies: the new file replaces them.
        same = CensusValue.objects.for_city(city).filter(table=table.table, race=table.race, vintage=year)
        replaced = same.filter(geo_id__in=[g.geo_id for g in table.geographies]).delete()[0] > 0
        for emptied in (
            CensusFile.objects.for_city(city)
            .filter(table=table.table, race=table.race, vintage=year)
            .exclude(values__isnull=False)
        ):
            old_file = emptied.file
            emptied.delete()
            transaction.on_commit(lambda f=old_file: f.delete(save=False))
        record = CensusFile(
            city=city,
            original_filename=name,
            sha256=hashlib.sha256(raw).hexdigest(),
            size=len(raw),
            table=table.table,
            race=table.race,
            form=table.form,
            vintage=year,
            report=report,
            uploaded_by=by,
        )
        record.file.save(name, ContentFile(raw), save=False)
        try:
            record.save()
            CensusValue.objects.bulk_create(
                [
                    CensusValue(
                        file=record,
                        table=table.table,
                        race=table.race,
                        vintage=year,
                        geo_id=geo.geo_id,
                        geo_name=geo.name[:200],
                        level=geo.level,
                        cell=number,
                        estimate=cell.estimate,
                        moe=cell.moe,
                        note=cell.note[:200],
                    )
                    for geo in table.geographies
                    for number, cell in geo.cells.items()
                ],
                batch_size=2000,
            )
        except BaseException:
            record.file.delete(save=False)
            raise
        audit_record(
            action=AuditAction.CREATE,
            object_type="census_file",
            object_id=record.pk,
            city=city,
            actor=by,
            ip_address=ip_address,
            summary=f"Uploaded Census table {table.table_id} ({year}), {name}",
        )
        settings_row = IndicatorSettings.objects.filter(city=city).first()
        if settings_row is None or not settings_row.geo_id:
            first = _preferred_geography(table)
            IndicatorSettings.objects.update_or_create(
                city=city, defaults={"geo_id": first.geo_id, "geo_name": first.name[:200]}
            )
    return CensusUpload(file=record, report=report, replaced=replaced)


def _preferred_geography(table: acs.Table) -> acs.Geography:
    """The city's own geography by default: a place before a county before anything else."""
    order = {"place": 0, "county subdivision": 1, "county": 2}
    return min(table.geographies, key=lambda g: (order.get(g.level, 9), g.name))


def census_file_delete(*, city: City, file_id: int, by: User | None = None) -> None:
    record = CensusFile.objects.for_city(city).get(pk=file_id)
    stored = record.file
    with transaction.atomic():
        record.delete()
        audit_record(
            action=AuditAction.DELETE,
            object_type="census_file",
            object_id=file_id,
            city=city,
            actor=by,
            summary=f"Deleted Census table {record.table_id} ({record.vintage})",
        )
        transaction.on_commit(lambda: stored.delete(save=False))


def geography_choose(*, city: City, geo_id: str) -> IndicatorSettings:
    value = CensusValue.objects.for_city(city).filter(geo_id=geo_id).values("geo_name").first()
    if value is None:
        raise ValidationError("No uploaded table has this geography.")
    row, _ = IndicatorSettings.objects.update_or_create(
        city=city, defaults={"geo_id": geo_id, "geo_name": value["geo_name"]}
    )
    return row


def _indicator_title(*, city: City, indicator_key: str) -> str | None:
    """The indicator's name in words, or None when the city has no such indicator."""
    if indicator_key in BY_KEY:
        return BY_KEY[indicator_key].label
    prefix, _, number = indicator_key.partition("-")
    if prefix != "local" or not number.isdigit():
        return None
    local = LocalIndicator.objects.for_city(city).filter(pk=int(number)).first()
    return None if local is None else local.title


def indicator_publish(
    *,
    city: City,
    indicator_key: str,
    publish: bool,
    by: User | None = None,
    ip_address: str | None = None,
) -> bool:
    """The lead publishes one indicator on the public outcomes page, or withdraws it (its figures
    leave the public page at once). Returns whether anything changed; audit-logged when it did."""
    title = _indicator_title(city=city, indicator_key=indicator_key)
    if title is None:
        raise ValidationError("No such indicator in this city.")
    with transaction.atomic():
        if publish:
            _row, changed = PublishedIndicator.objects.get_or_create(
                city=city, indicator_key=indicator_key, defaults={"published_by": by}
            )
        else:
            changed = (
                PublishedIndicator.objects.for_city(city).filter(indicator_key=indicator_key).delete()[0] > 0
            )
        if changed:
            audit_record(
                action=AuditAction.CHANGE,
                object_type="published_indicator",
                object_id=indicator_key,
                city=city,
                actor=by,
                ip_address=ip_address,
                summary=(f"Published “{title}” on the public outcomes page" if publish
                         else f"Withdrew “{title}” from the public outcomes page"),
            )  # fmt: skip
    return changed


def outcomes_publish(
    *, city: City, publish: bool, by: User | None = None, ip_address: str | None = None
) -> int:
    """Every indicator at once: publish all those of the catalogue and the city's local indicators,
    or withdraw them all. Each one is audit-logged as `indicator_publish` does. Returns how many
    indicators changed."""
    if publish:
        keys = [i.key for i in CATALOGUE] + [
            f"local-{pk}" for pk in LocalIndicator.objects.for_city(city).values_list("pk", flat=True)
        ]
    else:
        keys = list(PublishedIndicator.objects.for_city(city).values_list("indicator_key", flat=True))
    with transaction.atomic():
        return sum(
            indicator_publish(city=city, indicator_key=k, publish=publish, by=by, ip_address=ip_address)
            for k in keys
        )


# ----------------------------------------------------------------------------- local indicators


def local_indicator_create(*, city: City, by: User | None = None, **fields) -> LocalIndicator:
    indicator = LocalIndicator(city=city, created_by=by, **fields)
    indicator.full_clean(exclude=["city", "created_by"])
    indicator.save()
    return indicator


def local_figures_set(
    *, indicator: LocalIndicator, figures: list[tuple[str, str, int, int]], by: User | None = None
) -> int:
    """Replace the indicator's counts with `figures` [(race, sex, numerator, denominator)], all or none."""
    problems = []
    seen = set()
    for number, (race, sex, k, n) in enumerate(figures, start=1):
        if race not in LocalRace.values:
            problems.append(
                f"Row {number}: {race!r} is not a race of the list ({', '.join(LocalRace.values)})."
            )
        if sex not in LocalSex.values:
            problems.append(f"Row {number}: {sex!r} is not male, female or all.")
        if k < 0 or n < 0 or k > n:
            problems.append(
                f"Row {number}: {k} of {n} is not possible (the count must be between 0 and the total)."
            )
        if (race, sex) in seen:
            problems.append(f"Row {number}: {race}, {sex} is given twice.")
        seen.add((race, sex))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        LocalFigure.objects.filter(indicator=indicator).delete()
        LocalFigure.objects.bulk_create(
            [
                LocalFigure(
                    city=indicator.city, indicator=indicator, race=r, sex=s, numerator=k, denominator=n
                )
                for r, s, k, n in figures
            ]
        )
        audit_record(
            action=AuditAction.CHANGE,
            object_type="local_indicator",
            object_id=indicator.pk,
            city=indicator.city,
            actor=by,
            summary=f"Set {len(figures)} figures of “{indicator.title}”",
        )
    return len(figures)


LOCAL_COLUMNS = ("race", "sex", "numerator", "denominator")


def local_figures_from_csv(raw: bytes) -> list[tuple[str, str, int, int]]:
    """Read a CSV of counts by race and sex: columns race, sex, numerator, denominator."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text: save it as CSV (UTF-8).") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as err:
        raise ValidationError(f"The CSV is damaged: {err}.") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise ValidationError("The file is empty.")
    header = [h.strip().lower() for h in rows[0]]
    if tuple(header) != LOCAL_COLUMNS:
        raise ValidationError(
            f"The first line must be: {','.join(LOCAL_COLUMNS)} (it is: {','.join(header)[:80]})."
        )
    out, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 4:
            problems.append(f"Line {number} has {len(row)} values, not 4.")
            continue
        race, sex, k, n = (c.strip() for c in row)
        try:
            out.append((race.lower(), sex.lower(), int(k), int(n)))
        except ValueError:
            problems.append(f"Line {number}: {k!r} and {n!r} must be whole numbers.")
    if problems:
        raise ValidationError(problems)
    if not out:
        raise ValidationError("The file has a header but no figures.")
    return out


def local_indicator_delete(*, city: City, indicator_id: int, by: User | None = None) -> None:
    indicator = LocalIndicator.objects.for_city(city).get(pk=indicator_id)
    with transaction.atomic():
        indicator.delete()
        # Nothing of it is left behind: its place on the public page and its commitments' links.
        PublishedIndicator.objects.for_city(city).filter(indicator_key=f"local-{indicator_id}").delete()
        IndicatorCommitment.objects.for_city(city).filter(indicator_key=f"local-{indicator_id}").delete()
        audit_record(
            action=AuditAction.DELETE,
            object_type="local_indicator",
            object_id=indicator_id,
            city=city,
            actor=by,
            summary=f"Deleted local indicator “{indicator.title}”",
        )


# ------------------------------------------------------------------ what we are doing about this


def _known_indicator(*, city: City, indicator_key: str) -> bool:
    if indicator_key in BY_KEY:
        return True
    prefix, _, number = indicator_key.partition("-")
    return (
        prefix == "local"
        and number.isdigit()
        and LocalIndicator.objects.for_city(city).filter(pk=int(number)).exists()
    )


def indicator_commitment_link(
    *, city: City, indicator_key: str, commitment_id: int, by: User | None = None
) -> IndicatorCommitment:
    """Link one of the city's commitments to an indicator it tries to move (once)."""
    from relationships.models import Commitment

    if not _known_indicator(city=city, indicator_key=indicator_key):
        raise ValidationError("No such indicator in this city.")
    commitment = Commitment.objects.for_city(city).filter(pk=commitment_id).first()
    if commitment is None:
        raise ValidationError("Choose one of the city's commitments.")
    link, _ = IndicatorCommitment.objects.get_or_create(
        city=city, indicator_key=indicator_key, commitment=commitment, defaults={"linked_by": by}
    )
    return link


def indicator_commitment_unlink(*, city: City, indicator_key: str, commitment_id: int) -> None:
    IndicatorCommitment.objects.for_city(city).filter(
        indicator_key=indicator_key, commitment_id=commitment_id
    ).delete()
