//! Actions through the core: validation, transactions, the in-memory snapshot kept in step
//! with the database, history, and undo/redo.

use capmatrix::core::{Action, Core};
use capmatrix::model::{Level, MemberId, SkillId, Target, TeamId};

/// The incrementally updated snapshot must equal a fresh load from the database.
fn assert_in_step(core: &Core) {
    let reloaded = core.read_back().unwrap();
    assert_eq!(*core.snapshot(), reloaded, "snapshot and database disagree");
}

pub fn team(core: &mut Core, name: &str) -> TeamId {
    core.apply(Action::CreateTeam { name: name.into() })
        .unwrap()
        .team
        .unwrap()
}

/// Adds a member; a role level name that does not exist (e.g. "none") adds them without one.
pub fn member(core: &mut Core, team: TeamId, name: &str, role_level: &str) -> MemberId {
    let rl = core.snapshot().framework.role_level_named(role_level);
    core.apply(Action::AddMember {
        team,
        name: name.into(),
        role_level: rl,
        joined_on: None,
    })
    .unwrap()
    .member
    .unwrap()
}

pub fn skill(core: &Core, name: &str) -> SkillId {
    core.snapshot().framework.skill_named(name).unwrap()
}

pub fn rate(core: &mut Core, member: MemberId, skill: SkillId, level: Level) {
    core.apply(Action::SetRating {
        member,
        skill,
        level,
        note: String::new(),
        interested: false,
        on: None,
    })
    .unwrap();
}

fn level_of(core: &Core, m: MemberId, s: SkillId) -> Option<Level> {
    core.snapshot().member(m)?.ratings.get(&s).map(|r| r.level)
}

#[test]
fn every_action_updates_snapshot_and_database_alike() {
    let mut core = Core::open_in_memory().unwrap();
    let platform = team(&mut core, "Platform");
    let products = team(&mut core, "Products");
    let ann = member(&mut core, platform, "Ann Lee", "Data engineer");
    let testing = skill(&core, "Testing");
    let steps = vec![
        Action::RenameTeam {
            team: platform,
            name: "Data Platform".into(),
        },
        Action::AddMember {
            team: platform,
            name: "Bob".into(),
            role_level: None,
            joined_on: None,
        },
        Action::RenameMember {
            member: ann,
            name: "Ann Leigh".into(),
        },
        Action::SetRoleLevel {
            member: ann,
            role_level: core
                .snapshot()
                .framework
                .role_level_named("Senior data engineer"),
        },
        Action::SetRating {
            member: ann,
            skill: testing,
            level: Level::Practitioner,
            note: "Wrote the contract tests".into(),
            interested: true,
            on: None,
        },
        Action::SetTarget {
            team: platform,
            skill: testing,
            target: Some(Target {
                level: Level::Expert,
                count: 1,
            }),
        },
        Action::MoveMember {
            member: ann,
            team: products,
        },
        Action::ClearRating {
            member: ann,
            skill: testing,
        },
        Action::RemoveTeam { team: platform },
        Action::RemoveMember { member: ann },
    ];
    for action in steps {
        let label = format!("{action:?}");
        assert!(core.apply(action).unwrap().changed, "{label}");
        assert_in_step(&core);
    }
    // Undo everything, checking after each step, back to the three first actions' state.
    let mut undone = 0;
    while core.undo_label().is_some() {
        core.undo().unwrap();
        assert_in_step(&core);
        undone += 1;
    }
    assert_eq!(undone, 13);
    assert_eq!(core.snapshot().teams().count(), 0);
    // And redo it all.
    while core.redo().unwrap() {
        assert_in_step(&core);
    }
    assert_eq!(core.snapshot().teams().count(), 1);
    assert_eq!(core.snapshot().member_count(), 0);
}

#[test]
fn names_are_validated_before_anything_is_written() {
    let mut core = Core::open_in_memory().unwrap();
    let platform = team(&mut core, "Platform");
    let other = team(&mut core, "Other");
    member(&mut core, platform, "Ann", "Data engineer");
    let ann2 = member(&mut core, other, "ann", "Data engineer");
    let before = core.snapshot().clone();
    let counts = core.counts().unwrap();

    let cases = [
        (
            Action::CreateTeam {
                name: "  platform ".into(),
            },
            "a team named \"Platform\" already exists",
        ),
        (
            Action::CreateTeam { name: "   ".into() },
            "a team name cannot be empty",
        ),
        (
            Action::AddMember {
                team: platform,
                name: "ANN".into(),
                role_level: None,
                joined_on: None,
            },
            "\"Ann\" is already a member of team \"Platform\"",
        ),
        (
            Action::MoveMember {
                member: ann2,
                team: platform,
            },
            "already a member of team \"Platform\"",
        ),
        (
            Action::RenameTeam {
                team: other,
                name: "PLATFORM".into(),
            },
            "already exists",
        ),
        (
            Action::AddMember {
                team: platform,
                name: "x".repeat(201),
                role_level: None,
                joined_on: None,
            },
            "at most 200 characters",
        ),
        (
            Action::AddMember {
                team: TeamId(999),
                name: "Zed".into(),
                role_level: None,
                joined_on: None,
            },
            "team 999 does not exist",
        ),
    ];
    for (action, expected) in cases {
        let err = core.apply(action).unwrap_err().to_string();
        assert!(err.contains(expected), "{err}");
        assert_eq!(*core.snapshot(), before);
        assert_eq!(core.counts().unwrap(), counts);
    }
    assert_eq!(core.undo_label(), Some("add member"));
}

#[test]
fn ratings_keep_an_append_only_history_and_unchanged_ratings_add_none() {
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Data engineer");
    let testing = skill(&core, "Testing");
    rate(&mut core, ann, testing, Level::Working);
    // The same level, note and flag again changes nothing and records nothing.
    let outcome = core
        .apply(Action::SetRating {
            member: ann,
            skill: testing,
            level: Level::Working,
            note: String::new(),
            interested: false,
            on: None,
        })
        .unwrap();
    assert!(!outcome.changed);
    rate(&mut core, ann, testing, Level::Practitioner);
    core.apply(Action::ClearRating {
        member: ann,
        skill: testing,
    })
    .unwrap();
    assert_eq!(level_of(&core, ann, testing), None);
    core.undo().unwrap();
    assert_eq!(level_of(&core, ann, testing), Some(Level::Practitioner));

    // The undo is recorded as a retraction of the clearing: kept, marked undone, not a new
    // entry re-appending the old level.
    let history = core.history(ann, Some(testing)).unwrap();
    let levels: Vec<Option<Level>> = history.iter().map(|h| h.level).collect();
    assert_eq!(
        levels,
        [Some(Level::Working), Some(Level::Practitioner), None]
    );
    let undone: Vec<bool> = history.iter().map(|h| h.undone.is_some()).collect();
    assert_eq!(undone, [false, false, true]);
    assert!(history.windows(2).all(|w| w[0].id < w[1].id));
    // Undo restores the rating as it was, including when it was assessed.
    assert_eq!(
        core.snapshot().member(ann).unwrap().ratings[&testing].assessed_on,
        history[1].assessed_on
    );
    // A dated rating (as imports set) keeps its assessment date; it is recorded now.
    let dated = capmatrix::model::Date::new(2023, 11, 14).unwrap();
    core.apply(Action::SetRating {
        member: ann,
        skill: testing,
        level: Level::Expert,
        note: String::new(),
        interested: false,
        on: Some(dated),
    })
    .unwrap();
    let last = core.history(ann, Some(testing)).unwrap().pop().unwrap();
    assert_eq!(last.assessed_on, dated);
    assert!(last.recorded >= history[2].recorded);
    assert_eq!(last.recorded.local_date(), capmatrix::model::time::today());
}

#[test]
fn removing_a_member_or_team_is_undone_with_ratings_history_and_targets() {
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Lead data engineer");
    let bob = member(&mut core, t, "Bob", "Data engineer");
    let testing = skill(&core, "Testing");
    let modelling = skill(&core, "Data modelling");
    rate(&mut core, ann, testing, Level::Expert);
    rate(&mut core, ann, modelling, Level::Working);
    rate(&mut core, bob, testing, Level::Awareness);
    core.apply(Action::SetTarget {
        team: t,
        skill: testing,
        target: Some(Target {
            level: Level::Working,
            count: 3,
        }),
    })
    .unwrap();
    let full = core.snapshot().clone();
    let ann_history = core.history(ann, None).unwrap();

    // Removing a member: they leave today, kept as a former member with ratings and history.
    core.apply(Action::RemoveMember { member: ann }).unwrap();
    assert!(core.snapshot().member(ann).is_none());
    let former = core.snapshot().former(ann).unwrap();
    assert_eq!(former.left_on, Some(capmatrix::model::time::today()));
    assert_eq!(former.ratings.len(), 2);
    assert_eq!(core.history(ann, None).unwrap(), ann_history);
    assert_in_step(&core);
    core.undo().unwrap();
    assert_eq!(*core.snapshot(), full);
    assert_eq!(core.history(ann, None).unwrap(), ann_history);
    let events = core.events(ann).unwrap();
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(
        events[1].undone.is_some(),
        "the leaving is kept, marked undone"
    );

    // Removing the team deletes everything; undo puts it back with the same history.
    let comparable = |h: Vec<capmatrix::model::HistoryEntry>| {
        h.into_iter()
            .map(|e| (e.skill, e.level, e.assessed_on, e.recorded, e.undone))
            .collect::<Vec<_>>()
    };
    core.apply(Action::RemoveTeam { team: t }).unwrap();
    assert_eq!(core.snapshot().member_count(), 0);
    assert_eq!(core.counts().unwrap().ratings, 0);
    core.undo().unwrap();
    assert_eq!(*core.snapshot(), full);
    assert_eq!(
        comparable(core.history(ann, None).unwrap()),
        comparable(ann_history)
    );
    assert_eq!(core.events(ann).unwrap().len(), 2);
    assert_in_step(&core);
    core.redo().unwrap();
    assert_eq!(core.snapshot().teams().count(), 0);
}

#[test]
fn delete_permanently_erases_a_person_and_their_history() {
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let ann = member(&mut core, t, "Ann", "Data engineer");
    let testing = skill(&core, "Testing");
    rate(&mut core, ann, testing, Level::Expert);
    core.apply(Action::RemoveMember { member: ann }).unwrap();
    core.apply(Action::EraseMember { member: ann }).unwrap();
    core.forget_undo();
    assert!(core.snapshot().anyone(ann).is_none());
    assert!(core.history(ann, None).unwrap().is_empty());
    assert!(core.events(ann).unwrap().is_empty());
    assert_eq!(core.counts().unwrap().history, 0);
    assert_eq!(core.undo_label(), None);
    assert_in_step(&core);
}

#[test]
fn a_new_action_clears_redo() {
    let mut core = Core::open_in_memory().unwrap();
    team(&mut core, "A");
    core.undo().unwrap();
    assert_eq!(core.redo_label(), Some("create team"));
    team(&mut core, "B");
    assert_eq!(core.redo_label(), None);
    assert!(!core.redo().unwrap());
}

#[test]
fn a_failing_batch_changes_nothing() {
    let mut core = Core::open_in_memory().unwrap();
    let t = team(&mut core, "Platform");
    let before = core.snapshot().clone();
    let counts = core.counts().unwrap();
    let err = core
        .apply_batch("import", |b| {
            let m = b
                .apply(Action::AddMember {
                    team: t,
                    name: "Ann".into(),
                    role_level: None,
                    joined_on: None,
                })?
                .member
                .unwrap();
            b.apply(Action::SetRating {
                member: m,
                skill: SkillId(0),
                level: Level::Expert,
                note: String::new(),
                interested: false,
                on: None,
            })?;
            b.apply(Action::AddMember {
                team: t,
                name: "ann".into(),
                role_level: None,
                joined_on: None,
            })?;
            Ok(())
        })
        .unwrap_err();
    assert!(err.to_string().contains("already a member"), "{err}");
    assert_eq!(*core.snapshot(), before);
    assert_eq!(core.counts().unwrap(), counts);
    assert_eq!(core.undo_label(), Some("create team"));
}

#[test]
fn a_batch_is_one_undo_step() {
    let mut core = Core::open_in_memory().unwrap();
    capmatrix::demo::add_demo(&mut core, 30, 3, 11).unwrap();
    assert_in_step(&core);
    assert_eq!(core.snapshot().member_count(), 30);
    assert_eq!(core.undo_label(), Some("add demo data"));
    core.undo().unwrap();
    assert_eq!(core.snapshot().member_count(), 0);
    assert_eq!(core.snapshot().teams().count(), 0);
    assert_in_step(&core);
    core.redo().unwrap();
    assert_eq!(core.snapshot().member_count(), 30);
    assert_in_step(&core);
}

/// A member's name, role level and ratings, for comparing generated data.
type MemberRow = (String, Option<u32>, Vec<(u32, Level)>);

#[test]
fn demo_is_deterministic_for_a_seed_and_correlated_with_role_level() {
    let make = |seed| {
        let mut core = Core::open_in_memory().unwrap();
        capmatrix::demo::add_demo(&mut core, 300, 4, seed).unwrap();
        let snap = core.snapshot().clone();
        let rows: Vec<MemberRow> = snap
            .all_members()
            .iter()
            .map(|m| {
                (
                    m.name.clone(),
                    m.role_level.map(|r| r.0),
                    m.ratings.iter().map(|(s, r)| (s.0, r.level)).collect(),
                )
            })
            .collect();
        (rows, snap)
    };
    let (a, snap) = make(42);
    let (b, _) = make(42);
    let (c, _) = make(43);
    assert_eq!(a, b);
    assert_ne!(a, c);
    // Role levels spread across the family; heads rate higher on average than engineers.
    let fw = &snap.framework;
    let mean = |level: &str| {
        let rl = fw.role_level_named(level).unwrap();
        let levels: Vec<f64> = snap
            .all_members()
            .iter()
            .filter(|m| m.role_level == Some(rl))
            .flat_map(|m| m.ratings.values().map(|r| f64::from(r.level.number())))
            .collect();
        assert!(!levels.is_empty(), "no {level}");
        levels.iter().sum::<f64>() / levels.len() as f64
    };
    assert!(mean("Head of data engineering") > mean("Data engineer") + 0.5);
}

#[test]
fn teams_are_found_by_normalised_name_after_rename_remove_and_undo() {
    let mut core = Core::open_in_memory().unwrap();
    let id = core
        .apply(Action::CreateTeam {
            name: "  Data   Platform ".into(),
        })
        .unwrap()
        .team
        .unwrap();
    let snap = core.snapshot();
    assert_eq!(snap.team(id).unwrap().name, "Data Platform");
    assert_eq!(snap.team_named("data platform").unwrap().id, id);
    assert!(
        core.apply(Action::CreateTeam {
            name: "DATA PLATFORM".into()
        })
        .is_err()
    );
    core.apply(Action::RenameTeam {
        team: id,
        name: "Operações".into(),
    })
    .unwrap();
    assert!(core.snapshot().team_named("Data Platform").is_none());
    assert_eq!(
        core.snapshot()
            .team_named("operac\u{327}o\u{303}es")
            .unwrap()
            .id,
        id
    );
    core.apply(Action::RemoveTeam { team: id }).unwrap();
    assert!(core.snapshot().team_named("Operações").is_none());
    core.undo().unwrap();
    assert_eq!(core.snapshot().team_named("OPERAÇÕES").unwrap().id, id);
    assert_eq!(core.snapshot(), &core.read_back().unwrap());
}
