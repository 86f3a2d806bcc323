"""Every dashboard table as CSV (semicolons, Dutch notation, for Dutch spreadsheet software) or XLSX (openpyxl:
real numbers and dates with Dutch display formats)."""

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from .formats import nl_cell, nl_date
from .selectors import Dashboard, Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period_line(dashboard: Dashboard) -> list[str]:
    return [f"{nl_date(dashboard.period.start)} – {nl_date(dashboard.period.end)}"]


def table_csv(dashboard: Dashboard, table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([table.caption, *_period_line(dashboard)])
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([nl_cell(value, percent=i in table.percent_columns) for i, value in enumerate(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def table_xlsx(dashboard: Dashboard, table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = table.key[:31]
    sheet.append([table.caption])
    sheet["A1"].font = Font(bold=True)
    sheet.append(["Periode", dashboard.period.start, dashboard.period.end])
    for cell in sheet[2][1:]:
        cell.number_format = "dd-mm-yyyy"
    sheet.append(table.columns)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([value for value in row])
        for i, cell in enumerate(sheet[sheet.max_row]):
            value = row[i]
            if isinstance(value, date):
                cell.number_format = "dd-mm-yyyy"
            elif isinstance(value, float) or i in table.percent_columns:
                cell.number_format = "#,##0.0"
            elif isinstance(value, int):
                cell.number_format = "#,##0"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
