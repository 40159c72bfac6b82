#!/usr/bin/env python3
"""Clean the raw DDaT scrape (../shared/ddat) into data/ddat/framework.json.

Run from the project root: python3 tools/clean_ddat.py ../shared/ddat
This is a one-off developer tool; the program and CI only read data/ddat/framework.json.

What it fixes (see ../shared/ddat/README.md, "Known defects"):
- "MISSING", empty, "NOT IN USE" and "This skill level is currently not defined." become null
  ("not defined"), never text;
- descriptors lose their "You can:" preamble and become a list of bullet lines;
- role and role-level descriptions, repeated on every row, are stored once;
- role levels get a seniority rank (the scrape lists them alphabetically) and one level per role
  is marked as the role's lead level, the default team target.
"""
import csv
import json
import re
import sys
from collections import OrderedDict

UNDEFINED = {"", "missing", "not in use", "this skill level is currently not defined."}
LEVELS = ["Awareness", "Working", "Practitioner", "Expert"]


def clean_text(value):
    value = (value or "").replace("\r\n", "\n").strip()
    if value.lower() in UNDEFINED:
        return None
    return value


def bullets(value):
    text = clean_text(value)
    if text is None:
        return None
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if not line or re.fullmatch(r"you can:?", line, re.I):
            continue
        if line.startswith("- "):
            line = line[2:].strip()
        out.append(line)
    return out or None


# Seniority words, most junior first. Ties (and levels with no keyword) are broken by the
# mean skill level the role level requires, which the framework data carries itself.
RANK_WORDS = [
    (r"^(apprentice|trainee)\b", 0),
    (r"^junior\b", 1),
    (r"^associate\b", 1),
    (r"^senior\b", 3),
    (r"^(lead|major)\b|\blead$", 4),
    (r"^principal\b", 5),
    (r"^(head|chief)\b", 6),
]


def keyword_rank(name):
    for pattern, rank in RANK_WORDS:
        if re.search(pattern, name, re.I):
            return rank
    return 2


def main(src):
    rows = list(csv.DictReader(open(f"{src}/roles-skills-levels.csv", encoding="utf-8")))
    skills_rows = list(csv.DictReader(open(f"{src}/skills.csv", encoding="utf-8")))

    role_skill_desc = {}
    for r in rows:
        d = clean_text(r["Skill Description"])
        if d:
            role_skill_desc.setdefault(r["Skill Name"].strip(), d)

    skills = []
    for s in sorted(skills_rows, key=lambda s: s["Skill Name"].strip().lower()):
        name = s["Skill Name"].strip()
        skills.append(
            {
                "name": name,
                "description": clean_text(s["Skill Description"]) or role_skill_desc.get(name),
                "descriptors": [bullets(s[level]) for level in LEVELS],
            }
        )

    families = OrderedDict()
    for r in rows:
        fam = families.setdefault(r["Role Family"].strip(), OrderedDict())
        role_name = r["Role"].strip()
        role = fam.setdefault(
            role_name,
            {"name": role_name, "description": clean_text(r["Role Description"]), "levels": OrderedDict()},
        )
        level_name = clean_text(r["Role Level"]) or role_name
        level = role["levels"].setdefault(
            level_name,
            {
                "name": level_name,
                "description": clean_text(r["Role Level Description"]),
                "senior_civil_service": r["Role Type"].strip() == "Senior Civil Service",
                "requires": OrderedDict(),
            },
        )
        required = r["Skill Level"].strip()
        level["requires"][r["Skill Name"].strip()] = required if required in LEVELS else None

    out_families = []
    for fam_name in sorted(families):
        out_roles = []
        for role_name in sorted(families[fam_name], key=str.lower):
            role = families[fam_name][role_name]
            levels = list(role["levels"].values())

            def mean_required(level):
                vals = [LEVELS.index(v) + 1 for v in level["requires"].values() if v]
                return sum(vals) / len(vals) if vals else 0

            levels.sort(key=lambda l: (keyword_rank(l["name"]), mean_required(l), l["name"]))
            leads = [l for l in levels if re.match(r"lead\b", l["name"], re.I)]
            if leads:
                lead = leads[0]
            else:
                # No "Lead ..." level: the most senior level below principal/head/chief.
                below_head = [l for l in levels if keyword_rank(l["name"]) <= 4]
                lead = (below_head or levels)[-1]
            for rank, level in enumerate(levels):
                level["rank"] = rank
                level["lead"] = level is lead
                level["requires"] = [
                    {"skill": k, "level": v} for k, v in sorted(level["requires"].items(), key=lambda kv: kv[0].lower())
                ]
            out_roles.append({"name": role["name"], "description": role["description"], "levels": levels})
        out_families.append({"name": fam_name, "roles": out_roles})

    doc = {
        "name": "Digital and Data Profession Capability Framework",
        "version": "2025-11-26",
        "source": "UK Government Digital and Data Profession Capability Framework, "
        "https://ddat-capability-framework.service.gov.uk/ (scraped copy: joelparkerhenderson/navatrack, "
        "priv/repo/seeds/, commit a7805df, 2025-11-26)",
        "licence": "Contains public sector information licensed under the Open Government Licence v3.0.",
        # The role capmatrix centres on (defaults, examples, demo teams); code never names it.
        "central_role": "Data engineer",
        "levels": LEVELS,
        "skills": skills,
        "families": out_families,
    }
    with open("data/ddat/framework.json", "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    for fam in out_families:
        for role in fam["roles"]:
            print(f'{fam["name"]} / {role["name"]}: ' + " < ".join(
                l["name"] + ("*" if l["lead"] else "") for l in role["levels"]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/ddat")
