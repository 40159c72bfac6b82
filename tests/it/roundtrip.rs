//! Properties: for generated teams, export -> import into a fresh database -> export is
//! byte-identical, in both formats; and the imported matrix is the same matrix (members, role
//! levels, levels, and in the long format notes, interest and dates).

use capmatrix::core::{Action, Core};
use capmatrix::io::{ExportFormat, ExportOptions, LevelStyle};
use capmatrix::model::Level;
use capmatrix::model::analysis::Scope;
use capmatrix::transfer::{ImportOptions, import_bytes};
use proptest::prelude::*;

/// Awkward starts a spreadsheet or a CSV reader might trip on.
const PREFIXES: &[&str] = &[
    "", "=", "+", "-", "@", "e\u{301}", "\"", "'=", "'", "é", "日本 ", "O'", " ",
];

fn text() -> impl Strategy<Value = String> {
    (
        prop::sample::select(PREFIXES),
        "[a-zA-Z ,;\"\n\r\té'=+-]{0,10}",
    )
        .prop_map(|(p, b)| format!("{p}{b}"))
}

fn note() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (
            prop::sample::select(&["", "\t", "\n", "=", "-", "\r\n"][..]),
            text()
        )
            .prop_map(|(p, t)| format!("{p}{t}"))
    ]
}

#[derive(Debug, Clone)]
struct GenRating {
    skill: usize,
    level: u8,
    note: String,
    interested: bool,
    at: i64,
}

#[derive(Debug, Clone)]
struct GenMember {
    name: String,
    role_level: Option<usize>,
    ratings: Vec<GenRating>,
}

fn rating() -> impl Strategy<Value = GenRating> {
    (
        0usize..188,
        0u8..5,
        note(),
        any::<bool>(),
        // Days after 1970-01-01: up to 2024, never in the future.
        0i64..20_000,
    )
        .prop_map(|(skill, level, note, interested, at)| GenRating {
            skill,
            level,
            note,
            interested,
            at,
        })
}

fn member() -> impl Strategy<Value = GenMember> {
    (
        text(),
        prop::option::of(0usize..205),
        prop::collection::vec(rating(), 0..6),
    )
        .prop_map(|(name, role_level, ratings)| GenMember {
            name,
            role_level,
            ratings,
        })
}

fn teams() -> impl Strategy<Value = Vec<(String, Vec<GenMember>)>> {
    prop::collection::vec((text(), prop::collection::vec(member(), 1..5)), 1..4)
}

/// Builds the generated teams; names get a number so they are non-empty and unique.
fn build(teams: &[(String, Vec<GenMember>)]) -> Core {
    let mut core = Core::open_in_memory().unwrap();
    for (t, (team_name, members)) in teams.iter().enumerate() {
        let team = core
            .apply(Action::CreateTeam {
                name: format!("{team_name}#{t}"),
            })
            .unwrap()
            .team
            .unwrap();
        for (i, m) in members.iter().enumerate() {
            let role_level = m
                .role_level
                .map(|r| capmatrix::model::RoleLevelId(r as u32));
            let id = core
                .apply(Action::AddMember {
                    team,
                    name: format!("{}#{i}", m.name),
                    role_level,
                    joined_on: None,
                })
                .unwrap()
                .member
                .unwrap();
            for r in &m.ratings {
                core.apply(Action::SetRating {
                    member: id,
                    skill: capmatrix::model::SkillId(r.skill as u32),
                    level: Level::from_number(i64::from(r.level)).unwrap(),
                    note: r.note.clone(),
                    interested: r.interested,
                    on: Some(
                        capmatrix::model::Date::new(1970, 1, 1)
                            .unwrap()
                            .checked_add(jiff::Span::new().days(r.at))
                            .unwrap(),
                    ),
                })
                .unwrap();
            }
        }
    }
    core
}

/// One rating as a matrix holds it: level, note, interested, date.
type CellState = (Level, String, bool, String);
/// Team -> member -> (role level, skill -> rating).
type MatrixState = std::collections::BTreeMap<
    String,
    std::collections::BTreeMap<String, (Option<u32>, std::collections::BTreeMap<u32, CellState>)>,
>;

/// The matrix as a person reads it, by names; `full` keeps notes, interest and dates (the
/// long format carries them, the wide one does not).
fn matrix(core: &Core, full: bool) -> MatrixState {
    let snap = core.snapshot();
    let mut out = MatrixState::new();
    for team in snap.teams() {
        let members = out.entry(team.name.clone()).or_default();
        for m in snap.team_members(team.id) {
            let ratings = m
                .ratings
                .iter()
                .map(|(s, r)| {
                    let cell = if full {
                        (
                            r.level,
                            r.note.clone(),
                            r.interested,
                            r.assessed_on.to_string(),
                        )
                    } else {
                        (r.level, String::new(), false, String::new())
                    };
                    (s.0, cell)
                })
                .collect();
            members.insert(m.name.clone(), (m.role_level.map(|r| r.0), ratings));
        }
    }
    out
}

fn export(core: &Core, format: ExportFormat, levels: LevelStyle) -> Vec<u8> {
    capmatrix::io::export(
        core.snapshot(),
        ExportOptions {
            scope: Scope::All,
            format,
            levels,
            source: Default::default(),
        },
        None,
    )
    .unwrap()
}

proptest! {
    // 48 cases per run by default; PROPTEST_CASES=5000 for a longer hunt.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn export_import_export_is_byte_identical(teams in teams(), numbers in any::<bool>()) {
        let core = build(&teams);
        let levels = if numbers { LevelStyle::Numbers } else { LevelStyle::Names };
        for format in [ExportFormat::Wide, ExportFormat::Long] {
            let first = export(&core, format, levels);
            let mut fresh = Core::open_in_memory().unwrap();
            import_bytes(&mut fresh, &first, std::path::Path::new("generated.csv"), &ImportOptions::default())
                .map_err(|e| TestCaseError::fail(format!("{format:?}: {e}")))?;
            let second = export(&fresh, format, levels);
            let full = format == ExportFormat::Long;
            let mut original = matrix(&core, full);
            if full {
                // The long layout has one row per rating: members without any are not in it.
                for members in original.values_mut() {
                    members.retain(|_, (_, ratings)| !ratings.is_empty());
                }
                original.retain(|_, members| !members.is_empty());
            }
            prop_assert_eq!(&matrix(&fresh, full), &original, "{:?}", format);
            prop_assert_eq!(
                String::from_utf8_lossy(&first),
                String::from_utf8_lossy(&second),
                "{:?}", format
            );
        }
    }
}
