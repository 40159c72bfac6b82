#!/usr/bin/env python3
"""Reads the Parquet files capmatrix writes with DuckDB (an engine that is not capmatrix's, as
a data platform would) and checks counts and types against capmatrix's own CSV of the same
data. Prints what DuckDB returned; exits 1 on the first failure.
Usage: python3 tools/check_parquet_duckdb.py MATRIX.parquet LONG.csv [GAPS.parquet GAPS.csv]
  MATRIX.parquet: `capmatrix export MATRIX.parquet`
  LONG.csv:       `capmatrix export LONG.csv --format long --levels numbers` (same database)
  (or both with `--history --source both`: every entry, clears as null levels, a Source column)
  GAPS.parquet:   `capmatrix gaps --by-team --format parquet --out GAPS.parquet`
  GAPS.csv:       `capmatrix gaps --by-team --format csv > GAPS.csv`
(needs `pip install duckdb`)"""
import csv
import sys

import duckdb

LONG_TYPES = {
    "member": "VARCHAR", "team": "VARCHAR", "role_level": "VARCHAR", "skill": "VARCHAR",
    "skill_category": "VARCHAR", "level": "INTEGER", "level_name": "VARCHAR",
    "assessed_on": "DATE", "interested": "BOOLEAN", "source": "VARCHAR", "note": "VARCHAR",
}
GAP_TYPES = {
    "team": "VARCHAR", "skill": "VARCHAR", "target_level": "VARCHAR", "target_count": "INTEGER",
    "covered": "INTEGER", "shortfall": "INTEGER", "single_point_of_failure": "BOOLEAN",
    "best_level": "VARCHAR",
}


def columns(path):
    return {r[0]: r[1] for r in duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()}


def csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def check_long(pq, long_csv):
    cols = columns(pq)
    print(f"{pq}: columns {cols}")
    expected = dict(LONG_TYPES)
    if "note" not in cols:
        print("  no note column (a pseudonymised roll-up)")
        del expected["note"]
    assert cols == expected, (cols, expected)
    # A history CSV's event rows (joined, left, moved, role) are the CSV's alone.
    rows = [r for r in csv_rows(long_csv) if not r.get("Event")]
    n = duckdb.sql(f"SELECT count(*) FROM '{pq}'").fetchall()[0][0]
    print(f"  {n} rows (CSV: {len(rows)})")
    assert n == len(rows), (n, len(rows))
    levels = duckdb.sql(
        f"SELECT level, level_name, count(*) FROM '{pq}' GROUP BY ALL ORDER BY level"
    ).fetchall()
    print(f"  levels: {levels}")
    want = {}
    for r in rows:
        lv = int(r["Level"]) if r["Level"] != "" else None  # a cleared rating (history)
        want[lv] = want.get(lv, 0) + 1
    assert {lv: c for lv, _, c in levels} == want, (levels, want)
    if "Source" in rows[0]:
        sources = dict(duckdb.sql(f"SELECT source, count(*) FROM '{pq}' GROUP BY ALL").fetchall())
        print(f"  sources: {sources}")
        want = {}
        for r in rows:
            want[r["Source"]] = want.get(r["Source"], 0) + 1
        assert sources == want, (sources, want)
    span = duckdb.sql(f"SELECT min(assessed_on), max(assessed_on) FROM '{pq}'").fetchall()[0]
    print(f"  assessed_on from {span[0]} to {span[1]}")
    dates = sorted(r["Rated on"] for r in rows)
    assert (str(span[0]), str(span[1])) == (dates[0], dates[-1]), (span, dates[0], dates[-1])
    members = duckdb.sql(f"SELECT count(DISTINCT (team, member)) FROM '{pq}'").fetchall()[0][0]
    print(f"  {members} members rated")
    assert members == len({(r["Team"], r["Member"]) for r in rows})
    interested = duckdb.sql(f"SELECT count(*) FROM '{pq}' WHERE interested").fetchall()[0][0]
    assert interested == sum(r["Interested"] == "yes" for r in rows)
    print(f"  {interested} ratings with interest")


def check_gaps(pq, gaps_csv):
    cols = columns(pq)
    print(f"{pq}: columns {cols}")
    assert cols == GAP_TYPES, cols
    rows = csv_rows(gaps_csv)
    got = duckdb.sql(
        f"SELECT team, skill, covered, shortfall, single_point_of_failure FROM '{pq}'"
    ).fetchall()
    print(f"  {len(got)} rows (CSV: {len(rows)}); "
          f"{sum(1 for g in got if g[3] > 0)} short, {sum(1 for g in got if g[4])} on one person")
    assert [(g[0], g[1], g[2], g[3], g[4]) for g in got] == [
        (r["Team"], r["Skill"], int(r["Covered"]), int(r["Shortfall"]),
         r["Single point of failure"] == "yes") for r in rows
    ]


check_long(sys.argv[1], sys.argv[2])
if len(sys.argv) > 4:
    check_gaps(sys.argv[3], sys.argv[4])
print("ok")
