"""Applications of an opportunity as CSV or XLSX, for the institution's staff.

Only what the jury works with leaves: names, the applicant's answers, status and score.
Nationality and residence status are added only for staff holding
accounts.view_sensitive_data; documents are named, not included. Applications on which the
reader declared a conflict of interest are left out, as on the jury pages.
"""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.roles import VIEW_SENSITIVE_DATA
from marketplace import queries
from marketplace.models import ApplicationDocument, Question


def _rows(opportunity, sensitive, reader):
    questions = list(opportunity.questions.all())
    extra = [_("Nationality"), _("Residence status")] if sensitive else []
    header = [
        _("Rank"),
        _("Score"),
        _("Applicant"),
        _("E-mail"),
        _("On behalf of"),
        _("Status"),
        _("Submitted at"),
        *[question.label for question in questions],
        *extra,
    ]
    yield header
    ranking = queries.ranking(opportunity, viewer=reader)
    documents = {
        (application_id, question_id): name
        for application_id, question_id, name in ApplicationDocument.objects.filter(
            application__opportunity=opportunity
        ).values_list("application_id", "question_id", "original_name")
    }
    for application in ranking:
        if application.recused:
            continue
        answers = []
        for question in questions:
            if question.kind == Question.Kind.FILE:
                answers.append(documents.get((application.pk, question.pk), ""))
            else:
                value = application.answers.get(question.field_name, "")
                answers.append(_("Yes") if value is True else _("No") if value is False else value)
        submitted = (
            timezone.localtime(application.submitted_at, opportunity.zone).strftime(
                "%Y-%m-%d %H:%M"
            )
            if application.submitted_at
            else ""
        )
        yield [
            application.rank if application.score is not None else "",
            application.score if application.score is not None else "",
            application.applicant.display_name,
            application.applicant.email,
            application.business.name if application.business else "",
            application.get_status_display(),
            submitted,
            *answers,
            *(
                [
                    application.applicant.nationality,
                    application.applicant.get_residence_status_display(),
                ]
                if sensitive
                else []
            ),
        ]


def _safe_cell(value):
    # A cell starting with = + - @ is run as a formula by spreadsheets: applicants write these.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def spreadsheet_response(name, sheets, file_format):
    """sheets: [(title, rows)] as a download: CSV (the first sheet; UTF-8 with a BOM so that
    spreadsheets read the accents) or XLSX (every sheet). Cells that a spreadsheet would run
    as formulas are neutralised."""
    sheets = [
        (title, [[_safe_cell(cell) for cell in row] for row in rows]) for title, rows in sheets
    ]
    if file_format == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(sheets[0][1])
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        workbook = Workbook()
        workbook.remove(workbook.active)
        for title, rows in sheets:
            sheet = workbook.create_sheet(str(title)[:31])
            for row in rows:
                sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


def applications_response(opportunity, file_format, user):
    name = f"{slugify(opportunity.title)[:50]}-{timezone.localdate().isoformat()}"
    sensitive = user.has_perm(VIEW_SENSITIVE_DATA)
    return spreadsheet_response(
        name, [(_("Applications"), _rows(opportunity, sensitive, user))], file_format
    )
