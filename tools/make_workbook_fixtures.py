#!/usr/bin/env python3
"""Writes the workbook fixtures in tests/fixtures/workbooks with programs that are not
capmatrix: openpyxl (Excel-style files) and LibreOffice Calc headless (ODS, XLSX, XLS), and
msoffcrypto-tool (a password-protected workbook). Run from the project root; needs
`pip install openpyxl msoffcrypto-tool` and `soffice`. Not used in CI: the files are committed."""
import datetime, os, shutil, subprocess, tempfile, zipfile, zlib
import openpyxl
from openpyxl.styles import PatternFill, Font
from openpyxl.chart import BarChart, Reference

OUT = "tests/fixtures/workbooks"
SKILLS = ["Data modelling", "Testing", "Data innovation"]

def excel_style():
    """A lead's own template: a title, a blank row, numeric levels (some stored as floats),
    fills, a notes column capmatrix ignores, a second sheet of ratings with real dates."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Team skills"
    ws["A1"] = "Skills matrix - Platform team"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Levels: 0 None, 1 Awareness, 2 Working, 3 Practitioner, 4 Expert"
    header = ["Member", "Team", "Role level"] + SKILLS + ["Email"]
    ws.append([])
    ws.append(header)  # row 4
    rows = [
        ["Ann Lee", "Platform", "Lead data engineer", 3, 4.0, 2, "ann@example.gov.uk"],
        ["Bob Roy", "Platform", "Data engineer", 2.0, 1, None, "bob@example.gov.uk"],
        ["Cleo Ng", "Platform", "Senior data engineer", "Practitioner", "  ", "W", None],
    ]
    fills = {4: "08519C", 3: "3182BD", 2: "6BAED6", 1: "BDD7E7"}
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=5, max_row=7, min_col=4, max_col=6):
        for c in row:
            if isinstance(c.value, (int, float)) and int(c.value) in fills:
                c.fill = PatternFill("solid", fgColor=fills[int(c.value)])
    long = wb.create_sheet("Ratings")
    long.append(["Member", "Team", "Role level", "Skill", "Level", "Rated on", "Interested", "Note"])
    long.append(["Ann Lee", "Platform", "Lead data engineer", "Testing", 4, datetime.datetime(2026, 7, 25, 14, 30), True, "Led the test strategy"])
    long.append(["Bob Roy", "Platform", "Data engineer", "Data modelling", 2.0, datetime.date(2026, 3, 1), False, None])
    long["F2"].number_format = "dd/mm/yyyy hh:mm"
    long["F3"].number_format = "dd/mm/yyyy"
    wb.save(f"{OUT}/openpyxl-template.xlsx")

def bad_cells():
    """Cells that are not levels: a word, a fraction, a number out of range."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Matrix"
    ws.append(["Member", "Team", "Role level"] + SKILLS)
    ws.append(["Ann Lee", "Platform", "Lead data engineer", "Guru", 3.5, 7])
    wb.save(f"{OUT}/openpyxl-bad-cells.xlsx")

def chart_only():
    """A workbook whose only table has no header, plus a chart sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Numbers"
    for i in range(1, 6):
        ws.append([i, i * i])
    cs = wb.create_chartsheet("Chart")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=5))
    cs.add_chart(chart)
    wb.save(f"{OUT}/openpyxl-chart-no-header.xlsx")

def libreoffice():
    """The sample team through LibreOffice Calc: ODS, XLSX and XLS."""
    tmp = tempfile.mkdtemp()
    src = os.path.join(tmp, "lo-sample.csv")
    shutil.copy("data/examples/data-engineering-team.csv", src)
    for fmt in ["ods", "xlsx", "xls"]:
        subprocess.run(["soffice", "--headless", "--infilter=CSV:44,34,76", "--convert-to", fmt, "--outdir", OUT, src], check=True, capture_output=True)

def encrypted():
    """A password-protected workbook (Excel's agile encryption)."""
    import msoffcrypto.format.ooxml as ooxml
    with open(f"{OUT}/openpyxl-bad-cells.xlsx", "rb") as plain, open(f"{OUT}/password.xlsx", "wb") as out:
        f = ooxml.OOXMLFile(plain)
        f.encrypt("secret", out)

def zip_bomb():
    """An .xlsx whose one part unpacks to 1 GiB of spaces (1 MiB on disk)."""
    with zipfile.ZipFile(f"{OUT}/zip-bomb.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b" " * (1 << 20)
            for _ in range(1024):
                part.write(block)

excel_style(); bad_cells(); chart_only(); libreoffice(); encrypted(); zip_bomb()

# Also made by hand, to check capmatrix's workbook with LibreOffice (not run above):
#   capmatrix --db s.db import data/examples/data-engineering-team.csv
#   capmatrix --db s.db export capmatrix-sample.xlsx
#   soffice --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76' capmatrix-sample.xlsx
#   -> tests/fixtures/workbooks/lo-from-capmatrix-xlsx.csv (LibreOffice's reading of the Matrix sheet)
#
#   A guarded CSV through LibreOffice (names that look like formulas):
#   capmatrix --db g.db import src.csv   (=SUM(A1:A2), '=x Zoë, +44 20 7946 in team Platform)
#   capmatrix --db g.db export lo-guarded-source.csv
#   soffice --headless --infilter=CSV:44,34,76 --convert-to xlsx lo-guarded-source.csv
#   -> tests/fixtures/workbooks/lo-guarded-source.{csv,xlsx}
