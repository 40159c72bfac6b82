#!/usr/bin/env python3
"""Makes tests/fixtures/packs: an assessment pack filled by another program.

A sample-team database, `capmatrix pack`, Tom Fletcher's pack filled with openpyxl (two
skills: Expert with "Yes" and evidence, Working with "No"), then saved again by LibreOffice
as XLSX and as ODS. The test gives its database the id this run prints.

Run from the project root after `cargo build --release`; needs openpyxl and soffice.
"""
import pathlib
import shutil
import sqlite3
import subprocess
import tempfile

import openpyxl

root = pathlib.Path(__file__).resolve().parent.parent
exe = root / "target/release/capmatrix"
out = root / "tests/fixtures/packs"
with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    db = tmp / "lo.db"
    subprocess.run([exe, "--db", db, "import", root / "data/examples/data-engineering-team.csv"], check=True)
    subprocess.run([exe, "--db", db, "pack", "--team", "Data Engineering", "--out", tmp / "packs"], check=True)
    wb = openpyxl.load_workbook(tmp / "packs/Tom Fletcher self-assessment.xlsx")
    ws = wb["Assessment"]
    row, col = next((c.row, c.column) for r in ws.iter_rows(max_row=12) for c in r if c.value == "Your level")
    ws.cell(row + 1, col, "Expert"); ws.cell(row + 1, col + 1, "Yes"); ws.cell(row + 1, col + 2, "openpyxl evidence")
    ws.cell(row + 2, col, "Working"); ws.cell(row + 2, col + 1, "No")
    filled = tmp / "tom-filled-openpyxl-lo.xlsx"
    wb.save(filled)
    for kind in ["xlsx", "ods"]:
        subprocess.run(["soffice", "--headless", "--convert-to", kind, "--outdir", tmp / kind, filled], check=True)
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp / kind / f"tom-filled-openpyxl-lo.{kind}", out)
    print(sqlite3.connect(db).execute("SELECT value FROM framework_info WHERE key = 'database_id'").fetchone()[0])
