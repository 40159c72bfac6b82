#!/usr/bin/env python3
"""Reads a workbook capmatrix exported with openpyxl (a reader that is not capmatrix's) and
checks what a planner relies on: the five sheets, the Matrix sheet's frozen panes, its level
dropdown and colour rules over every level cell, text (never formula) name cells, notes, and
real date cells on the Ratings sheet. Prints what it found; exits 1 on the first failure.
Usage: python3 tools/check_workbook_openpyxl.py FILE.xlsx   (needs `pip install openpyxl`)"""
import sys
import openpyxl

path = sys.argv[1]
wb = openpyxl.load_workbook(path)
assert wb.sheetnames == ["Matrix", "Gaps", "Below role", "Ratings", "Framework", "About"], wb.sheetnames
m = wb["Matrix"]
header = [c.value for c in m[1]]
assert header[:3] == ["Member", "Team", "Role level"], header
skills = len(header) - 3
levels = f"D2:{openpyxl.utils.get_column_letter(3 + skills)}{m.max_row}"
print(f"Matrix: {m.max_row - 1} members x {skills} skills, frozen at {m.freeze_panes}")
assert m.freeze_panes == "D2"
dv = m.data_validations.dataValidation
assert len(dv) == 1 and dv[0].type == "list" and str(dv[0].sqref) == levels, (dv, levels)
print(f"  dropdown {dv[0].formula1} over {dv[0].sqref}")
rules = [(str(r.sqref), x.operator, x.formula[0]) for r in m.conditional_formatting for x in r.rules]
assert len(rules) == 5 and all(r[0] == levels and r[1] == "equal" for r in rules), rules
print(f"  colour rules: {', '.join(r[2] for r in rules)}")
for row in m.iter_rows(min_row=2, max_col=3):
    for c in row:
        assert c.data_type == "s", (c.coordinate, c.data_type, c.value)
print("  names, teams and role levels are text cells")
notes = [c for row in m.iter_rows() for c in row if c.comment]
print(f"  {sum(1 for c in notes if c.row == 1)} skill notes, {sum(1 for c in notes if c.row > 1)} 'needs' notes")
r = wb["Ratings"]
dates = [r.cell(row=i, column=6) for i in range(2, r.max_row + 1)]
assert all(c.is_date for c in dates), [c.value for c in dates if not c.is_date][:3]
print(f"Ratings: {len(dates)} rows, every Rated on a date cell ({dates[0].number_format})")
print(f"Gaps: header {[c.value for c in wb['Gaps'][1]]}")
about = [c.value for row in wb["About"].iter_rows() for c in row if c.value]
assert any("Open Government Licence" in str(v) for v in about)
print("About: the Open Government Licence credit is there")
