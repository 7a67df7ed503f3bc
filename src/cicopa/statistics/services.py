"""Every write on statistical returns: entry, the workflow (draft -> submitted -> validated, or returned with
the secretariat's comments), versions, and which lines the published totals count."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cicopa.core import audit, formats, subdivisions
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import Country, MembershipType, Sector
from cicopa.core.reference import currency_codes
from cicopa.core.validators import control_character_message, text_problem
from cicopa.registry.models import Organisation, OrganisationKind
from cicopa.registry.services import subdivision_problem
from cicopa.statistics import aggregation, permissions
from cicopa.statistics.models import (
    COUNT_MEASURES,
    FIRST_YEAR,
    MEASURE_NAMES,
    MEASURES,
    PARTS,
    CountryYearTotal,
    DesignatedReporter,
    PublishedEstimate,
    ReturnLine,
    ReturnStatus,
    ReturnVersion,
    StatisticalReturn,
    estimated_mask,
    estimated_names,
)

CHANGE_WARNING = 0.5  # a figure that moves by more than half from last year needs an explanation
LINE_FIELDS = ("subdivision", *MEASURE_NAMES, "currency", "source", "estimated_mask", "explanation")


def _measure_label(measure: str) -> str:
    return capfirst(str(dict(MEASURES).get(measure, measure)))


def _n(value: Any) -> str:
    """A figure in a message, written the reader's way (1,200 · 1 200 · 1.200), a turnover with its cents."""
    return formats.format_number(value, digits=2, trim=True)


Problems = dict[str, list[ValidationError]]  # by "line N"; each problem's code names the field it is about


def _problem(errors: Problems, where: str, field: str, message: str) -> None:
    """Note a problem of a line. The field travels as the error's code so that a form can show the message
    beside that field (message_dict, which the API and imports read, is unchanged)."""
    errors.setdefault(where, []).append(ValidationError(message, code=field))


def _check_reporter(actor: Any, reporter: Organisation) -> None:
    if not permissions.can_report_for(actor, reporter):
        raise PermissionDenied(_("You may only enter the returns of your own organisation."))


def _year_range() -> tuple[int, int]:
    return FIRST_YEAR, timezone.localdate().year


@transaction.atomic
def return_create(*, actor: Any, reporter: Organisation, year: int) -> StatisticalReturn:
    _check_reporter(actor, reporter)
    low, high = _year_range()
    if not low <= year <= high:
        raise ValidationError(
            {"year": _("The year must be between %(low)s and %(high)s.") % {"low": low, "high": high}}
        )
    if reporter.kind not in (OrganisationKind.MEMBER_ORGANISATION, OrganisationKind.COOPERATIVE):
        raise ValidationError({"reporter": _("Returns come from member organisations and co-operatives.")})
    if reporter.country_id is None:
        raise ValidationError({"reporter": _("The reporting organisation needs a country first.")})
    if StatisticalReturn.objects.filter(reporter=reporter, year=year).exists():
        raise ValidationError(
            {"year": _("%(org)s already has a return for %(year)s.") % {"org": reporter, "year": year}}
        )
    ret = StatisticalReturn.objects.create(reporter=reporter, year=year)
    audit.record(actor=actor, action="statistics.return.create", obj=ret, changes={"year": [None, year]})
    _version(actor, ret, "create")
    return ret


@dataclass(frozen=True)
class Warning:
    line: int
    field: str
    message: str


# Far above any real figure (there are 8 billion people), and low enough that the totals of millions of
# lines still fit the 64-bit integers they are summed in; turnover as its column holds it (20 digits, 2 after
# the point).
MAX_COUNT = 10**12 - 1
MAX_TURNOVER = Decimal(10**18 - 1)


def _number(value: Any, field: str, errors: Problems, where: str) -> Any:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(" ", "").replace(",", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        _problem(
            errors,
            where,
            field,
            _("%(field)s: %(value)s is not a number.") % {"field": _measure_label(field), "value": value},
        )
        return None
    top = MAX_TURNOVER if field == "turnover" else MAX_COUNT
    if number > top:
        _problem(
            errors,
            where,
            field,
            _("%(field)s is too large: at most %(top)s.") % {"field": _measure_label(field), "top": _n(top)},
        )
        return None
    if number < 0:
        _problem(errors, where, field, _("%(field)s cannot be negative.") % {"field": _measure_label(field)})
        return None
    if field != "turnover":
        if number != number.to_integral_value():
            _problem(errors, where, field, _("%(field)s must be a whole number.") % {"field": _measure_label(field)})
            return None
        return int(number)
    return number.quantize(Decimal("0.01"))


def check_lines(
    ret: StatisticalReturn, lines: Sequence[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], Problems, list[Warning]]:
    """Clean and check the lines of a return: (clean lines, errors by line, warnings needing an explanation)."""
    errors: Problems = {}
    warnings: list[Warning] = []
    sectors = set(Sector.objects.values_list("code", flat=True))
    types = set(MembershipType.objects.values_list("code", flat=True))
    seen: dict[tuple[str, str, str], int] = {}
    clean: list[dict[str, Any]] = []
    previous = _previous_lines(ret)
    reporter = ret.reporter
    for i, raw in enumerate(lines, start=1):
        where = f"line {i}"
        sector, mtype = str(raw.get("sector") or ""), str(raw.get("membership_type") or "")
        if sector not in sectors:
            _problem(errors, where, "sector", _("Unknown sector: %(v)s") % {"v": sector or "—"})
        if mtype not in types:
            _problem(errors, where, "membership_type", _("Unknown membership type: %(v)s") % {"v": mtype or "—"})
        subdivision = _subdivision(raw.get("subdivision"), reporter, errors, where)
        cell = (sector, mtype, subdivision)
        if cell in seen and subdivision:
            text = _("The same sector, membership type and subdivision are already on line %(n)s.") % {"n": seen[cell]}
            _problem(errors, where, "subdivision", text)
        elif cell in seen:
            text = _("The same sector and membership type are already on line %(n)s.") % {"n": seen[cell]}
            _problem(errors, where, "sector", text)
        seen.setdefault(cell, i)
        line: dict[str, Any] = {"sector_id": sector, "membership_type_id": mtype, "subdivision": subdivision}
        for field in MEASURE_NAMES:
            line[field] = _number(raw.get(field), field, errors, where)
        for part, whole in PARTS:
            if line[part] is not None and line[whole] is not None and line[part] > line[whole]:
                text = _("%(part)s (%(pv)s) cannot be more than %(whole)s (%(wv)s).") % {
                    "part": _measure_label(part),
                    "pv": _n(line[part]),
                    "whole": _measure_label(whole).lower(),
                    "wv": _n(line[whole]),
                }
                _problem(errors, where, part, text)
        currency = str(raw.get("currency") or "").upper()
        if (line["turnover"] is not None or currency) and currency not in currency_codes():
            _problem(errors, where, "currency", _("Give the turnover's currency as an ISO 4217 code, such as EUR."))
        line["currency"] = currency
        line["source"] = str(raw.get("source") or "")[:300]
        estimated = raw.get("estimated") or []
        if isinstance(estimated, str):
            estimated = [e.strip() for e in estimated.replace(";", ",").split(",") if e.strip()]
        unknown = sorted(set(estimated) - set(MEASURE_NAMES))
        if unknown:
            _problem(
                errors, where, "estimated", _("Unknown figures marked as estimates: %(v)s") % {"v": ", ".join(unknown)}
            )
        # an unknown figure cannot be an estimate: only known figures keep the flag
        line["estimated_mask"] = estimated_mask([e for e in estimated if line.get(e) is not None])
        line["explanation"] = str(raw.get("explanation") or "")[:500]
        for field, label in (("source", _("source")), ("explanation", _("explanation of large changes"))):
            if message := control_character_message(line[field]):
                _problem(errors, where, field, f"{label}: {message}")
        clean.append(line)
    _check_nesting(seen, errors)
    warnings.extend(_large_changes(clean, previous))
    return clean, errors, warnings


def _large_changes(
    clean: Sequence[Mapping[str, Any]], previous: Mapping[tuple[str, str, str], Mapping[str, Any]]
) -> list[Warning]:
    """The figures that move by more than half from last year without an explanation, like compared with like: a
    line with last year's line of the same sector, membership type and subdivision; but where the subdivisions
    of a sector and membership type are not last year's (the reporter began to give them by region, say), the
    sum of their lines with last year's sum, on the first of them."""
    now: dict[tuple[str, str], list[tuple[int, Mapping[str, Any]]]] = {}
    for i, line in enumerate(clean, start=1):
        now.setdefault((line["sector_id"], line["membership_type_id"]), []).append((i, line))
    before: dict[tuple[str, str], dict[str, Mapping[str, Any]]] = {}
    for (sector, mtype, subdivision), row in previous.items():
        before.setdefault((sector, mtype), {})[subdivision] = row
    comparisons: list[tuple[int, bool, Mapping[str, Any], list[Mapping[str, Any]]]] = []
    for key, lines in now.items():
        old_lines = before.get(key)
        if not old_lines:
            continue
        if {line["subdivision"] for _i, line in lines} == set(old_lines):
            comparisons += [(i, bool(line["explanation"]), line, [old_lines[line["subdivision"]]]) for i, line in lines]
        else:
            explained = any(line["explanation"] for _i, line in lines)
            sums = {f: _known_sum(line[f] for _i, line in lines) for f, _label in COUNT_MEASURES}
            comparisons.append((lines[0][0], explained, sums, list(old_lines.values())))
    warnings = []
    for i, explained, new_figures, old_rows in sorted(comparisons, key=lambda c: c[0]):
        for field, _label in COUNT_MEASURES:
            old, new = _known_sum(row.get(field) for row in old_rows), new_figures[field]
            if old and new is not None and abs(new - old) / old > CHANGE_WARNING and not explained:
                text = _("%(field)s changes from %(old)s to %(new)s since last year (more than 50%%): explain why.")
                warnings.append(
                    Warning(i, field, text % {"field": _measure_label(field), "old": _n(old), "new": _n(new)})
                )
    return warnings


def _known_sum(values: Iterable[Any]) -> Any:
    """The sum of the known figures; None when none is known."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _subdivision(value: Any, reporter: Organisation, errors: Problems, where: str) -> str:
    """The ISO 3166-2 code of a line's subdivision, of the reporter's country: from its code ('FR-ARA', 'fr-ara',
    or 'ARA') or its name (core.subdivisions.recognise). None given: '' (the whole country), except for a
    co-operative, whose lines are of its own subdivision."""
    text = str(value or "").strip()
    country = reporter.country
    iso = country.iso2 if country else None
    if not text:
        own = reporter.subdivision if reporter.kind == OrganisationKind.COOPERATIVE else ""
        return own if subdivisions.is_valid(own, iso) else ""
    code = text.upper()
    if subdivisions.is_valid(code, iso):
        return code
    found = subdivisions.recognise(text, iso)
    if len(found) == 1:
        return found[0]
    if found:
        choices = ", ".join(f"{c} ({subdivisions.label(c)})" for c in found)
        message = _(
            "%(v)s names more than one subdivision of %(country)s: %(choices)s; give the code of the one meant."
        ) % {"v": text, "country": country.name if country else "", "choices": choices}
    else:
        message = subdivision_problem(code, country) or ""
    _problem(errors, where, "subdivision", message)
    return code[: subdivisions.MAX_LENGTH]


def _check_nesting(seen: Mapping[tuple[str, str, str], int], errors: Problems) -> None:
    """A subdivision within another (a French department within its region) cannot be on a line of the same
    sector and membership type as the other: its figures would be counted twice."""
    for (sector, mtype, code), number in seen.items():
        found = subdivisions.get(code) if code else None
        parent = found.parent if found else ""
        while parent:
            if (other := seen.get((sector, mtype, parent))) is not None:
                text = _(
                    "%(name)s (%(code)s) is part of %(parent)s (%(parent_code)s), which line %(n)s gives for the same "
                    "sector and membership type: give one or the other, so that nothing is counted twice."
                ) % {
                    "name": subdivisions.name(code),
                    "code": code,
                    "parent": subdivisions.name(parent),
                    "parent_code": parent,
                    "n": other,
                }
                _problem(errors, f"line {number}", "subdivision", text)
                break
            found = subdivisions.get(parent)
            parent = found.parent if found else ""


def _previous_lines(ret: StatisticalReturn) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Last year's validated figures of the same reporter, by (sector, membership type, subdivision)."""
    rows = ReturnLine.objects.filter(
        statistical_return__reporter=ret.reporter_id,
        statistical_return__year=ret.year - 1,
        statistical_return__status=ReturnStatus.VALIDATED,
    ).values("sector_id", "membership_type_id", "subdivision", *MEASURE_NAMES)
    return {(r["sector_id"], r["membership_type_id"], r["subdivision"]): r for r in rows}


@transaction.atomic
def return_save_lines(
    *, actor: Any, statistical_return: StatisticalReturn, lines: Sequence[Mapping[str, Any]]
) -> list[Warning]:
    """Replace the lines of an editable return. Errors change nothing; warnings are returned (the return
    can be saved with them, but not submitted until each large change is explained)."""
    ret = StatisticalReturn.objects.select_for_update().get(pk=statistical_return.pk)
    _check_reporter(actor, ret.reporter)
    if not ret.is_editable:
        raise ValidationError({"status": _("Only a draft or a returned return can be changed.")})
    clean, errors, warnings = check_lines(ret, lines)
    if errors:
        raise ValidationError(errors)
    before = _snapshot(ret)
    ret.lines.all().delete()
    country_id = ret.reporter.country_id
    ReturnLine.objects.bulk_create(
        [ReturnLine(statistical_return=ret, year=ret.year, country_id=country_id, **line) for line in clean]
    )
    ret.save(update_fields=["updated_at"])
    after = _snapshot(ret)
    audit.record(
        actor=actor,
        action="statistics.return.lines",
        obj=ret,
        changes={"lines": [len(before["lines"]), len(after["lines"])]},
    )
    _version(actor, ret, "edit")
    return warnings


def _transition(
    actor: Any, ret: StatisticalReturn, allowed_from: Iterable[str], to: str, action: str, comment: str | None = None
) -> StatisticalReturn:
    ret = StatisticalReturn.objects.select_for_update().get(pk=ret.pk)
    if ret.status not in allowed_from:
        raise ValidationError(
            {
                "status": _("A return that is %(status)s cannot be %(action)s.")
                % {"status": ret.get_status_display().lower(), "action": action}
            }
        )
    old = ret.status
    ret.status = to
    if comment is not None:
        ret.comment = comment
    ret.save(update_fields=["status", "comment", "updated_at"])
    audit.record(
        actor=actor,
        action=f"statistics.return.{to}",
        obj=ret,
        changes={"status": [old, to], **({"comment": comment} if comment else {})},
    )
    _version(actor, ret, to)
    return ret


@transaction.atomic
def return_submit(*, actor: Any, statistical_return: StatisticalReturn) -> StatisticalReturn:
    _check_reporter(actor, statistical_return.reporter)
    lines = list(statistical_return.lines.values("sector_id", "membership_type_id", *LINE_FIELDS))
    if not lines:
        raise ValidationError({"lines": _("Enter at least one line before submitting.")})
    _clean, _errors, warnings = check_lines(
        statistical_return,
        [
            {
                **ln,
                "sector": ln["sector_id"],
                "membership_type": ln["membership_type_id"],
                "estimated": estimated_names(ln["estimated_mask"]),
            }
            for ln in lines
        ],
    )
    if warnings:
        raise ValidationError({"lines": [w.message for w in warnings]})
    return _transition(
        actor, statistical_return, (ReturnStatus.DRAFT, ReturnStatus.RETURNED), ReturnStatus.SUBMITTED, _("submitted")
    )


@transaction.atomic
def return_send_back(*, actor: Any, statistical_return: StatisticalReturn, comment: str) -> StatisticalReturn:
    if not permissions.can_review_returns(actor):
        raise PermissionDenied(_("Only the secretariat reviews returns."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change.")})
    if message := text_problem(comment.strip(), StatisticalReturn._meta.get_field("comment").max_length):
        raise ValidationError({"comment": message})
    return _transition(
        actor, statistical_return, (ReturnStatus.SUBMITTED,), ReturnStatus.RETURNED, _("returned"), comment.strip()
    )


@transaction.atomic
def return_validate(*, actor: Any, statistical_return: StatisticalReturn) -> StatisticalReturn:
    if not permissions.can_review_returns(actor):
        raise PermissionDenied(_("Only the secretariat validates returns."))
    ret = _transition(actor, statistical_return, (ReturnStatus.SUBMITTED,), ReturnStatus.VALIDATED, _("validated"))
    recount(countries=[ret.reporter.country_id or ""], years=[ret.year])
    return ret


@transaction.atomic
def designate_reporter(*, actor: Any, country: Country, organisation: Organisation) -> DesignatedReporter:
    if not permissions.can_manage_reporters(actor):
        raise PermissionDenied(_("Only the secretariat designates reporters."))
    if organisation.country_id != country.iso2:
        raise ValidationError(
            {"organisation": _("%(org)s is not in %(country)s.") % {"org": organisation, "country": country}}
        )
    designation, _created = DesignatedReporter.objects.update_or_create(
        country=country, defaults={"organisation": organisation}
    )
    audit.record(
        actor=actor,
        action="statistics.reporter.designate",
        obj=designation,
        changes={"organisation": [None, organisation.slug]},
    )
    recount(countries=[country.iso2], years=None)
    return designation


@transaction.atomic
def remove_reporter_designation(*, actor: Any, country: Country) -> None:
    """No designated reporter for `country` any more: its reporters' figures count by the general rule."""
    if not permissions.can_manage_reporters(actor):
        raise PermissionDenied(_("Only the secretariat designates reporters."))
    designation = DesignatedReporter.objects.filter(country=country).select_related("organisation").first()
    if designation is None:
        return
    audit.record(
        actor=actor,
        action="statistics.reporter.undesignate",
        obj=designation,
        changes={"organisation": [designation.organisation.slug, None]},
    )
    designation.delete()
    recount(countries=[country.iso2], years=None)


def recount(*, countries: Iterable[str], years: Iterable[int] | None) -> None:
    """Apply the rule against double counting to the validated lines of these countries (and years)."""
    qs = ReturnLine.objects.filter(country__in=list(countries))
    if years is not None:
        qs = qs.filter(year__in=list(years))
    rows = list(
        qs.values(
            "id",
            "statistical_return__status",
            "statistical_return__reporter__slug",
            "statistical_return__reporter__kind",
            "year",
            "country_id",
            "sector_id",
            "membership_type_id",
            "cooperatives",
        )
    )
    validated = [r for r in rows if r["statistical_return__status"] == ReturnStatus.VALIDATED]
    designated = dict(DesignatedReporter.objects.values_list("country_id", "organisation__slug"))
    lines = [
        aggregation.Line(
            id=r["id"],
            reporter=r["statistical_return__reporter__slug"],
            reporter_level="national"
            if r["statistical_return__reporter__kind"] != OrganisationKind.COOPERATIVE
            else "cooperative",
            year=r["year"],
            country=r["country_id"],
            sector=r["sector_id"],
            membership_type=r["membership_type_id"],
            values={"cooperatives": r["cooperatives"]},
        )
        for r in validated
    ]
    counted = aggregation.counted_lines(lines, designated)
    for start in range(0, len(rows), 5000):
        chunk = [r["id"] for r in rows[start : start + 5000]]
        ReturnLine.objects.filter(id__in=[i for i in chunk if i in counted]).update(counted=True)
        ReturnLine.objects.filter(id__in=[i for i in chunk if i not in counted]).update(counted=False)
    _refresh_totals({(r["country_id"], r["year"]) for r in rows})


def _refresh_totals(cells: set[tuple[str, int]]) -> None:
    """Re-sum the counted lines of these (country, year) cells into CountryYearTotal."""
    by_country: dict[str, set[int]] = {}
    for country, year in cells:
        by_country.setdefault(country, set()).add(year)
    for country, years in by_country.items():
        CountryYearTotal.objects.filter(country_id=country, year__in=years).delete()
        sums: dict[int, dict[str, Any]] = {}
        lines = ReturnLine.objects.filter(country_id=country, year__in=years, counted=True).values(
            "year", "estimated_mask", *MEASURE_NAMES
        )
        for line in lines.iterator(chunk_size=5000):
            total = sums.setdefault(line["year"], {"estimated_mask": 0})
            total["estimated_mask"] |= line["estimated_mask"]
            for measure in MEASURE_NAMES:
                if line[measure] is not None:
                    total[measure] = total.get(measure, 0) + line[measure]
        CountryYearTotal.objects.bulk_create(
            [CountryYearTotal(country_id=country, year=year, **total) for year, total in sums.items()], batch_size=2000
        )


def _snapshot(ret: StatisticalReturn) -> dict[str, Any]:
    lines = []
    for line in ret.lines.values("sector_id", "membership_type_id", *LINE_FIELDS):
        row = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in line.items()}
        row["estimated"] = estimated_names(int(row.pop("estimated_mask")))
        lines.append(row)
    return {"status": ret.status, "comment": ret.comment, "lines": lines}


def _version(actor: Any, ret: StatisticalReturn, action: str) -> ReturnVersion:
    number = (ret.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return ReturnVersion.objects.create(
        statistical_return=ret,
        number=number,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        status=ret.status,
        comment=ret.comment,
        snapshot=_snapshot(ret),
    )


@transaction.atomic
def published_estimate_save(
    *, actor: Any, estimate: PublishedEstimate, changed: Iterable[str] = ()
) -> PublishedEstimate:
    """Record or correct a published figure (kept apart from the sums of returns)."""
    if not permissions.can_manage_estimates(actor):
        raise PermissionDenied(_("Only the secretariat records published estimates."))
    created = estimate.pk is None
    estimate.full_clean()
    estimate.save()
    audit.record(
        actor=actor,
        action="statistics.estimate.create" if created else "statistics.estimate.update",
        obj=estimate,
        changes={f: [None, str(getattr(estimate, f))] for f in changed},
    )
    return estimate


@transaction.atomic
def published_estimate_delete(*, actor: Any, estimate: PublishedEstimate) -> None:
    if not permissions.can_manage_estimates(actor):
        raise PermissionDenied(_("Only the secretariat removes published estimates."))
    audit.record(actor=actor, action="statistics.estimate.delete", obj=estimate)
    estimate.delete()
