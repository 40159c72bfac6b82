//! Every number true: what capmatrix reports, recomputed independently from its own
//! exports (issue "Every number true, every file back as it went out").

use super::{Tmp, capmatrix, stderr, stdout};
use capmatrix::core::{Action, Core};
use capmatrix::model::Level;
use std::collections::BTreeMap;
use std::path::Path;

fn ok(out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    stdout(out)
}

/// CSV text as rows of cells (header first), through the csv crate.
fn rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// A 200-member, 20-team demo with six months of history.
fn organisation(tmp: &Tmp) -> std::path::PathBuf {
    let db = tmp.db();
    ok(&capmatrix(
        &db,
        &[
            "demo",
            "--members",
            "200",
            "--teams",
            "20",
            "--history-months",
            "6",
        ],
    ));
    db
}

/// Per skill, recomputed from every team's own gap rows (`gaps --by-team --all`): teams with
/// a target, teams short, people missing, teams resting on one person.
fn across_teams_from_by_team(db: &Path) -> BTreeMap<String, (usize, usize, u32, usize)> {
    let by_team = rows(&ok(&capmatrix(
        db,
        &["gaps", "--by-team", "--all", "--format", "csv"],
    )));
    let h = &by_team[0];
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (skill, short, single) = (
        col("Skill"),
        col("Shortfall"),
        col("Single point of failure"),
    );
    let mut out: BTreeMap<String, (usize, usize, u32, usize)> = BTreeMap::new();
    for r in &by_team[1..] {
        let e = out.entry(r[skill].clone()).or_default();
        let shortfall: u32 = r[short].parse().unwrap();
        e.0 += 1;
        e.1 += usize::from(shortfall > 0);
        e.2 += shortfall;
        e.3 += usize::from(r[single] == "yes");
    }
    out
}

#[test]
fn gaps_without_a_team_counts_teams_against_their_own_targets_never_one_pool() {
    let tmp = Tmp::new();
    let db = organisation(&tmp);
    let expected = across_teams_from_by_team(&db);
    assert!(
        expected.values().any(|e| e.1 > 0),
        "the demo has teams short somewhere"
    );

    let got = rows(&ok(&capmatrix(&db, &["gaps", "--all", "--format", "csv"])));
    assert_eq!(
        got[0],
        [
            "Skill",
            "Teams with a target",
            "Teams short",
            "People missing",
            "Teams on one person",
            "People covering",
            "Short teams",
            "One-person teams"
        ]
    );
    let got: BTreeMap<String, (usize, usize, u32, usize)> = got[1..]
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                (
                    r[1].parse().unwrap(),
                    r[2].parse().unwrap(),
                    r[3].parse().unwrap(),
                    r[4].parse().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(got, expected);

    // The headline says how many teams are short; never "No gaps" while any team is.
    let text = ok(&capmatrix(&db, &["gaps"]));
    let teams_short = {
        let by_team = rows(&ok(&capmatrix(
            &db,
            &["gaps", "--by-team", "--format", "csv"],
        )));
        let teams: std::collections::BTreeSet<&str> = by_team[1..]
            .iter()
            .filter(|r| r[5] != "0")
            .map(|r| r[0].as_str())
            .collect();
        teams.len()
    };
    assert!(teams_short > 0);
    assert!(
        text.starts_with(&format!(
            "All teams: 187 members in 20 teams; {teams_short} teams short of a target."
        )) || text.contains(&format!("; {teams_short} teams short of a target.")),
        "{text}"
    );
    assert!(!text.contains("No gaps"), "{text}");
    // The worst skill (most teams short) leads, with its counts.
    let worst = expected.iter().max_by_key(|(_, e)| (e.1, e.2)).unwrap();
    assert!(
        text.contains(&format!("{} of {}", worst.1.1, worst.1.0)),
        "{text}"
    );
}

#[test]
fn trend_without_a_team_counts_teams_short_per_period_and_ends_on_todays_gaps() {
    let tmp = Tmp::new();
    let db = organisation(&tmp);
    let trend = rows(&ok(&capmatrix(&db, &["trend", "--format", "csv"])));
    assert_eq!(
        trend[0],
        [
            "Date",
            "Skill",
            "Teams with a target",
            "Teams short",
            "People missing",
            "Teams on one person"
        ]
    );
    let today = capmatrix::model::time::today().to_string();
    let last: BTreeMap<String, (usize, usize, u32, usize)> = trend[1..]
        .iter()
        .filter(|r| r[0] == today)
        .map(|r| {
            (
                r[1].clone(),
                (
                    r[2].parse().unwrap(),
                    r[3].parse().unwrap(),
                    r[4].parse().unwrap(),
                    r[5].parse().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(last, across_teams_from_by_team(&db));
    // Earlier periods are there too, each against the teams of their date.
    assert!(trend[1..].iter().any(|r| r[0] != today));
}

#[test]
fn the_all_teams_picture_counts_teams_at_their_target_not_a_pooled_figure() {
    let tmp = Tmp::new();
    let db = organisation(&tmp);
    let svg = tmp.path("all.svg");
    ok(&capmatrix(&db, &["export", svg.to_str().unwrap()]));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("Teams meeting"),
        "footer names what it counts"
    );
    assert!(!text.contains(">Coverage<"));
    // Data modelling: teams at their own target out of those with one.
    let (with, short, ..) = across_teams_from_by_team(&db)["Data modelling"];
    assert!(
        text.contains(&format!(
            "Data modelling: {} of {with} teams at their own target; {short} short",
            with - short
        )),
        "the footer's words for Data modelling"
    );
}

/// A team where one Lead data engineer is the only Expert in Data development process.
fn one_expert(db: &Path) {
    let mut core = Core::open(db).unwrap();
    let team = super::core::team(&mut core, "Platform");
    let ann = super::core::member(&mut core, team, "Ann", "Lead data engineer");
    let bob = super::core::member(&mut core, team, "Bob", "Data engineer");
    let ddp = super::core::skill(&core, "Data development process");
    core.apply(Action::SetRating {
        member: ann,
        skill: ddp,
        level: Level::Expert,
        note: String::new(),
        interested: false,
        on: Some(capmatrix::model::Date::new(2025, 6, 1).unwrap()),
    })
    .unwrap();
    super::core::rate(&mut core, bob, ddp, Level::Working);
}

#[test]
fn taking_out_the_only_expert_is_a_deeper_shortfall_and_never_also_better() {
    let tmp = Tmp::new();
    let db = tmp.db();
    one_expert(&db);
    let text = ok(&capmatrix(
        &db,
        &["gaps", "--team", "Platform", "--without", "Ann"],
    ));
    let line = text
        .lines()
        .find(|l| l.starts_with("Data development process"))
        .unwrap();
    assert!(line.contains("1/2"), "{line}");
    assert!(line.contains("0/2"), "{line}");
    assert!(line.contains("worse (1 short -> 2 short)"), "{line}");
    assert!(!line.contains("NEW SHORTFALL"), "{line}");
    assert!(!line.contains("better"), "{line}");

    let csv = rows(&ok(&capmatrix(
        &db,
        &[
            "gaps",
            "--team",
            "Platform",
            "--without",
            "Ann",
            "--format",
            "csv",
        ],
    )));
    let h = &csv[0];
    let row = csv
        .iter()
        .find(|r| r[0] == "Data development process")
        .unwrap();
    let at = |name: &str| row[h.iter().position(|c| c == name).unwrap()].as_str();
    assert_eq!(at("Verdict"), "worse");
    assert_eq!(at("New shortfall"), "no");
}

#[test]
fn a_single_point_of_failure_names_the_person_their_level_and_when_assessed() {
    let tmp = Tmp::new();
    let db = tmp.db();
    one_expert(&db);
    // Assessed 2025-06-01, over a year before today: due under the 12-month review period.
    let who = "Ann (Expert, assessed 2025-06-01, due for review)";
    let text = ok(&capmatrix(&db, &["gaps", "--team", "Platform"]));
    let line = text
        .lines()
        .find(|l| l.starts_with("Data development process"))
        .unwrap();
    assert!(line.contains(&format!("held only by {who}")), "{line}");

    let csv = rows(&ok(&capmatrix(
        &db,
        &["gaps", "--team", "Platform", "--format", "csv"],
    )));
    assert_eq!(csv[0].last().map(String::as_str), Some("Held only by"));
    let row = csv
        .iter()
        .find(|r| r[0] == "Data development process")
        .unwrap();
    assert_eq!(row.last().map(String::as_str), Some(who));

    // The workbook's Gaps sheet says the same.
    let xlsx = tmp.path("team.xlsx");
    ok(&capmatrix(
        &db,
        &["export", xlsx.to_str().unwrap(), "--team", "Platform"],
    ));
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&xlsx).unwrap();
    let gaps = wb.worksheet_range("Gaps").unwrap();
    let header: Vec<String> = gaps
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = header.iter().position(|c| c == "Held only by").unwrap();
    let row = gaps
        .rows()
        .find(|r| r[0] == "Data development process")
        .unwrap();
    assert_eq!(row[col].to_string(), who);
}

#[test]
fn counts_say_what_they_count() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let out = ok(&capmatrix(
        &db,
        &["demo", "--members", "11", "--teams", "1"],
    ));
    assert!(out.starts_with("added 1 team, 11 members and "), "{out}");

    // An 11-skill team below its role level in more pairs than it has skills: the line
    // names people, member-skill pairs and skills apart.
    let text = ok(&capmatrix(&db, &["gaps"]));
    let line = text
        .lines()
        .find(|l| l.contains("below their role level"))
        .unwrap();
    assert!(line.contains("member-skill pair"), "{line}");
    assert!(line.contains("across 11 skills"), "{line}");

    // info: a former member's ratings and own ratings are counted apart from the lead's
    // ratings of current members.
    let mut core = Core::open(&db).unwrap();
    let first = core.snapshot().all_members()[0].clone();
    let theirs = first.ratings.len();
    let skill = *first.ratings.keys().next().unwrap();
    let second = core.snapshot().all_members()[1].id;
    core.apply(Action::SetSelfRating {
        member: second,
        skill,
        level: Level::Working,
        note: String::new(),
        interested: false,
        on: None,
    })
    .unwrap();
    let total: usize = core
        .snapshot()
        .all_members()
        .iter()
        .map(|m| m.ratings.len())
        .sum();
    core.apply(Action::Leave {
        member: first.id,
        on: capmatrix::model::time::today(),
    })
    .unwrap();
    drop(core);
    let info = ok(&capmatrix(&db, &["info"]));
    let value = |key: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}: ")))
            .unwrap()
            .to_string()
    };
    assert_eq!(value("ratings"), (total - theirs).to_string());
    assert_eq!(value("former members' ratings"), theirs.to_string());
    assert_eq!(value("own ratings"), "1");
}

#[test]
fn teams_are_listed_in_natural_order_team_2_before_team_10() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let mut core = Core::open(&db).unwrap();
    for name in ["Team 10", "team 2", "Team 1"] {
        let t = super::core::team(&mut core, name);
        super::core::member(&mut core, t, &format!("Lead of {name}"), "Data engineer");
    }
    assert_eq!(
        core.snapshot()
            .teams_in_order()
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["Team 1", "team 2", "Team 10"]
    );
    drop(core);
    let csv = rows(&ok(&capmatrix(
        &db,
        &["gaps", "--by-team", "--format", "csv"],
    )));
    let mut order: Vec<&str> = csv[1..].iter().map(|r| r[0].as_str()).collect();
    order.dedup();
    assert_eq!(order, ["Team 1", "team 2", "Team 10"]);
}

/// (member, skill, level, days after 2025-01-01) assessments, at most one per member, skill
/// and day (two on one day are decided by which is recorded last, by design).
fn assessments() -> impl proptest::strategy::Strategy<Value = Vec<(usize, usize, u8, i64)>> {
    proptest::collection::btree_map((0usize..3, 0usize..3, 0i64..500), 0u8..5, 1..14).prop_map(
        |m| {
            m.into_iter()
                .map(|((member, skill, day), level)| (member, skill, level, day))
                .collect()
        },
    )
}

use proptest::strategy::Strategy as _;

/// The current matrix and the matrix as of every date that matters, after applying the
/// assessments in the given order through the core (as `rate --on`, an import or the window
/// would).
fn apply_in_order(order: &[(usize, usize, u8, i64)]) -> (Vec<String>, Vec<String>) {
    let mut core = Core::open_in_memory().unwrap();
    let team = super::core::team(&mut core, "Platform");
    let members: Vec<_> = ["Ann", "Bob", "Cy"]
        .iter()
        .map(|n| super::core::member(&mut core, team, n, "Data engineer"))
        .collect();
    let skills: Vec<_> = ["Testing", "Data modelling", "Data innovation"]
        .iter()
        .map(|s| super::core::skill(&core, s))
        .collect();
    let start = capmatrix::model::Date::new(2025, 1, 1).unwrap();
    let day = |d: i64| start.checked_add(jiff::Span::new().days(d)).unwrap();
    for &(m, s, level, d) in order {
        core.apply(Action::SetRating {
            member: members[m],
            skill: skills[s],
            level: Level::from_number(i64::from(level)).unwrap(),
            note: String::new(),
            interested: false,
            on: Some(day(d)),
        })
        .unwrap();
    }
    let matrix = |snap: &capmatrix::model::Snapshot| -> String {
        let mut out = String::new();
        for &m in &members {
            if let Some(member) = snap.member(m) {
                for (s, r) in &member.ratings {
                    out.push_str(&format!(
                        "{}:{}={}@{};",
                        member.name, s.0, r.level, r.assessed_on
                    ));
                }
            }
        }
        out
    };
    let current = vec![matrix(core.snapshot())];
    let timeline = core.timeline().unwrap();
    let mut days: Vec<i64> = order.iter().flat_map(|a| [a.3 - 1, a.3]).collect();
    days.sort_unstable();
    days.dedup();
    let as_of = days
        .into_iter()
        .map(|d| {
            let then = capmatrix::model::history::as_of(core.snapshot(), &timeline, day(d));
            format!("{}: {}", day(d), matrix(&then))
        })
        .collect();
    (current, as_of)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24),
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// The time rule: the current rating is the latest assessment, whatever the order they
    /// arrive in; an older one is history on its date.
    #[test]
    fn assessments_in_any_order_give_the_same_current_and_as_of_matrices(
        given in assessments(),
        keys in proptest::collection::vec(proptest::num::u32::ANY, 14),
    ) {
        let mut shuffled = given.clone();
        let mut i = 0;
        shuffled.sort_by_cached_key(|_| { i += 1; keys[i - 1] });
        // In date order: what any order must match.
        let mut by_date = given.clone();
        by_date.sort_by_key(|a| a.3);
        let expected = apply_in_order(&by_date);
        proptest::prop_assert_eq!(&apply_in_order(&given), &expected);
        proptest::prop_assert_eq!(&apply_in_order(&shuffled), &expected);
        // The current rating of each cell is its latest assessment.
        let latest: BTreeMap<(usize, usize), (u8, i64)> = by_date
            .iter()
            .map(|&(m, s, l, d)| ((m, s), (l, d)))
            .collect();
        let cells = expected.0[0].matches(';').count();
        proptest::prop_assert_eq!(cells, latest.len());
    }
}

#[test]
fn an_older_assessment_is_recorded_in_history_and_keeps_the_current_rating() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let mut core = Core::open(&db).unwrap();
    let team = super::core::team(&mut core, "Platform");
    super::core::member(&mut core, team, "Ann", "Data engineer");
    drop(core);
    ok(&capmatrix(&db, &["rate", "Ann", "Testing", "Practitioner"]));
    // Last year's assessment, given today: history on its date, not the present.
    let out = ok(&capmatrix(
        &db,
        &["rate", "Ann", "Testing", "Awareness", "--on", "2025-09-01"],
    ));
    assert!(
        out.contains("recorded in history as assessed on 2025-09-01"),
        "{out}"
    );
    let today = capmatrix::model::time::today();
    let now = ok(&capmatrix(&db, &["export", "-", "--format", "long"]));
    assert!(
        now.contains(&format!("Testing,Practitioner,,no,{today}")) || now.contains("Practitioner"),
        "{now}"
    );
    assert!(
        !now.contains("Awareness"),
        "the current matrix keeps Practitioner: {now}"
    );
    // As of 2025-12-31 the older assessment is the rating.
    let then = ok(&capmatrix(
        &db,
        &["export", "-", "--format", "long", "--as-of", "2025-12-31"],
    ));
    assert!(then.contains("Awareness"), "{then}");
    assert!(!then.contains("Practitioner"), "{then}");

    // The same through an import of last year's wide matrix (--assessed-on): recorded, and
    // counted as such; importing it again records nothing twice.
    let old = tmp.path("last-year.csv");
    std::fs::write(&old, "Member,Team,Testing\nAnn,Platform,Working\n").unwrap();
    let args = [
        "import",
        old.to_str().unwrap(),
        "--assessed-on",
        "2025-06-30",
    ];
    let out = ok(&capmatrix(&db, &args));
    assert!(
        out.contains("past assessments recorded in history (current ratings kept): 1"),
        "{out}"
    );
    let out = ok(&capmatrix(&db, &args));
    assert!(
        out.contains("past assessments already in history (left out): 1"),
        "{out}"
    );
    let mid = ok(&capmatrix(
        &db,
        &["export", "-", "--format", "long", "--as-of", "2025-07-31"],
    ));
    assert!(mid.contains("Working"), "{mid}");
    let history = ok(&capmatrix(
        &db,
        &["export", "-", "--format", "long", "--history"],
    ));
    assert_eq!(history.matches("Working").count(), 1, "{history}");
    let now = ok(&capmatrix(&db, &["export", "-", "--format", "long"]));
    assert!(
        now.contains("Practitioner") && !now.contains("Working"),
        "{now}"
    );
}

#[test]
fn a_history_export_imports_into_a_new_database_as_the_same_matrix_on_every_date() {
    let tmp = Tmp::new();
    let a = tmp.path("a.db");
    ok(&capmatrix(
        &a,
        &[
            "demo",
            "--members",
            "30",
            "--teams",
            "3",
            "--history-months",
            "12",
            "--seed",
            "5",
        ],
    ));
    let today = capmatrix::model::time::today();
    let months_ago = |n| capmatrix::model::time::months_before(today, n);
    let (moved, promoted, leaver_entries, from_team, to_team);
    {
        let mut core = Core::open(&a).unwrap();
        let snap = core.snapshot().clone();
        let teams: Vec<_> = snap.teams_in_order().iter().map(|t| t.id).collect();
        let members = snap.all_members();
        // Someone moves team five months ago; someone else is promoted three months ago.
        let m = members.iter().find(|m| m.team == teams[0]).unwrap();
        core.apply(Action::MoveMemberOn {
            member: m.id,
            team: teams[1],
            on: months_ago(5),
        })
        .unwrap();
        moved = m.name.clone();
        from_team = snap.team(teams[0]).unwrap().name.clone();
        to_team = snap.team(teams[1]).unwrap().name.clone();
        let p = members
            .iter()
            .find(|x| x.id != m.id && x.role_level.is_some())
            .unwrap();
        let senior = snap
            .framework
            .role_level_named("Senior data engineer")
            .unwrap();
        let lead = snap
            .framework
            .role_level_named("Lead data engineer")
            .unwrap();
        let to = if p.role_level == Some(senior) {
            lead
        } else {
            senior
        };
        core.apply(Action::SetRoleLevelOn {
            member: p.id,
            role_level: Some(to),
            on: months_ago(3),
        })
        .unwrap();
        promoted = p.name.clone();
        let timeline = core.timeline().unwrap();
        leaver_entries = snap
            .all_former()
            .iter()
            .map(|f| timeline.entries(f.id).len())
            .sum::<usize>();
    }
    assert!(leaver_entries > 0, "the demo has leavers with history");
    ok(&capmatrix(&a, &["skills", "retire", "Data innovation"]));

    let file = tmp.path("history.csv");
    ok(&capmatrix(
        &a,
        &[
            "export",
            file.to_str().unwrap(),
            "--format",
            "long",
            "--history",
        ],
    ));
    let text = std::fs::read_to_string(&file).unwrap();
    let table = rows(&text);
    assert_eq!(
        &table[0][8..],
        ["Event", "Member id"],
        "events and the person ride along"
    );
    assert!(
        table.iter().any(|r| r[3] == "Data innovation"),
        "a retired skill's entries are in the record"
    );
    // Every entry: the database's count of live lead entries (retired skills' included).
    let entries = table[1..].iter().filter(|r| r[8].is_empty()).count();
    let conn = rusqlite::Connection::open(&a).unwrap();
    let live: usize = conn
        .query_row(
            "SELECT count(*) FROM rating_entries e WHERE source = 'lead' AND retracts IS NULL
               AND NOT EXISTS (SELECT 1 FROM rating_history r WHERE r.retracts = e.id)",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as usize;
    drop(conn);
    assert_eq!(entries, live, "every live entry, leavers' too");
    // The mover's rows before the move are labelled with the team they were in then.
    let moved_on = months_ago(5).to_string();
    for r in table[1..]
        .iter()
        .filter(|r| r[0] == moved && r[8].is_empty())
    {
        let then = if r[5] < moved_on {
            &from_team
        } else {
            &to_team
        };
        assert_eq!(&r[1], then, "{r:?}");
    }
    assert!(table[1..].iter().any(|r| r[0] == moved && r[8] == "moved"));
    assert!(
        table[1..]
            .iter()
            .any(|r| r[0] == promoted && r[8] == "role")
    );

    // Into a new database with the same framework (Data innovation retired there too).
    let b = tmp.path("b.db");
    ok(&capmatrix(&b, &["skills", "retire", "Data innovation"]));
    let out = ok(&capmatrix(&b, &["import", file.to_str().unwrap()]));
    assert!(out.contains("member events recorded"), "{out}");
    let mut dates: Vec<capmatrix::model::Date> = (0..=13).map(months_ago).collect();
    for r in &table[1..] {
        if !r[8].is_empty() {
            let d: capmatrix::model::Date = r[5].parse().unwrap();
            dates.extend([d, d.yesterday().unwrap()]);
        }
    }
    dates.sort();
    dates.dedup();
    for d in dates {
        let d = d.to_string();
        let args = ["export", "-", "--format", "long", "--as-of", d.as_str()];
        assert_eq!(
            ok(&capmatrix(&b, &args)),
            ok(&capmatrix(&a, &args)),
            "as of {d}"
        );
    }
    // Imported again, nothing changes and nothing is recorded twice.
    let again = ok(&capmatrix(
        &b,
        &["import", file.to_str().unwrap(), "--dry-run"],
    ));
    assert!(
        again.contains("ratings set: 0") && again.contains("ratings changed: 0"),
        "{again}"
    );
    assert!(!again.contains("past assessments recorded"), "{again}");
}

#[test]
fn the_all_teams_workbook_measures_each_team_against_its_own_target() {
    let tmp = Tmp::new();
    let db = tmp.db();
    ok(&capmatrix(
        &db,
        &["demo", "--members", "40", "--teams", "4", "--seed", "9"],
    ));
    let xlsx = tmp.path("all.xlsx");
    ok(&capmatrix(&db, &["export", xlsx.to_str().unwrap()]));
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(&xlsx).unwrap();
    let sheet: Vec<Vec<String>> = wb
        .worksheet_range("Gaps")
        .unwrap()
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    calamine::Data::Float(f) => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let by_team = rows(&ok(&capmatrix(
        &db,
        &["gaps", "--by-team", "--all", "--format", "csv"],
    )));
    assert_eq!(sheet[0], by_team[0], "the same columns, Team first");
    assert_eq!(
        sheet[1..],
        by_team[1..],
        "each team's rows, against its own targets"
    );
}

#[test]
fn a_history_file_with_a_bad_event_or_one_id_for_two_people_is_refused_naming_the_cell() {
    let tmp = Tmp::new();
    let db = tmp.db();
    let header = "Member,Team,Role level,Skill,Level,Rated on,Interested,Note,Event,Member id\n";
    let cases = [
        (
            "Zed Ark,T,Data engineer,,,2025-01-01,,,joined,7\n\
             Quin Roe,T,Data engineer,Testing,Expert,2025-02-01,no,,,7\n",
            "line 3, column \"Member id\": 7 is \"Zed Ark\" on line 2 but \"Quin Roe\" here: one Member id is one person",
        ),
        (
            "Zed Ark,T,Data engineer,,,2025-01-01,,,promoted,7\n",
            "\"promoted\" is not an event (joined, left, moved, role",
        ),
        (
            "Zed Ark,T,Data engineer,Testing,,2025-01-01,,,joined,7\n",
            "an event row (Event \"joined\") must leave Skill empty",
        ),
        (
            "Zed Ark,T,Data engineer,,,,,,joined,7\n",
            "an event row gives the day it happened",
        ),
        (
            "Zed Ark,T,Data engineer,,,2025-01-01,,,joined,7\n\
             Zed Ark,T,Data engineer,Testing,Expert,2025-02-01,no,,,8\n",
            "line 3, column \"Member id\": 8 here, but \"Zed Ark\" of team \"T\" has Member id 7 on line 2",
        ),
        (
            "Zed Ark,T,Data engineer,,,2025-11-26,,,joined,7\n\
             Zed Ark,T,Data engineer,,,2025-01-01,,,left,7\n",
            "line 3, column \"Rated on\": 2025-01-01 is before \"Zed Ark\" joined (2025-11-26)",
        ),
    ];
    for (i, (rows, says)) in cases.iter().enumerate() {
        let file = tmp.path(&format!("bad{i}.csv"));
        std::fs::write(&file, format!("{header}{rows}")).unwrap();
        let out = capmatrix(&db, &["import", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{rows}");
        let err = stderr(&out);
        assert!(err.contains(says), "{err}");
        assert_eq!(
            err.matches("column").count(),
            1,
            "one problem, not two: {err}"
        );
    }
    let info = ok(&capmatrix(&db, &["info"]));
    assert!(info.contains("members: 0"), "nothing imported: {info}");
}
