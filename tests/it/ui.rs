//! The window, driven headless through its labelled widgets (egui_kittest, no GPU, no display).

use super::import::{example, fixture};
use capmatrix::app::CapmatrixApp;
use capmatrix::core::Core;
use capmatrix::model::Level;
use capmatrix::transfer::{ImportOptions, import_file};
use capmatrix::ui::Prefs;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

fn sample_core() -> Core {
    let mut core = Core::open_in_memory().unwrap();
    import_file(&mut core, &example(), &ImportOptions::default()).unwrap();
    core
}

fn harness(core: Core) -> Harness<'static, CapmatrixApp> {
    let app = CapmatrixApp::new(core, Prefs::default());
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        // A dialog sizing itself to a long preview takes a few frames to settle.
        .with_max_steps(8)
        .build_ui_state(|ui, app: &mut CapmatrixApp| app.show(ui), app);
    h.run();
    h
}

/// Selects the first row's Testing cell and gives the grid the keyboard (by clicking the
/// member's name), ready for arrow keys.
fn select_first_row_in_testing(h: &mut Harness<'static, CapmatrixApp>) {
    let first = h.state().visible_rows()[0];
    let snap = h.state().core().snapshot();
    let skill = snap.framework.skill_named("Testing").unwrap();
    let name = snap.member(first).unwrap().name.clone();
    h.state_mut().state_mut().selected = Some((first, skill));
    h.run();
    h.get_by_label(&name).click();
    h.run();
}

fn level_in_store(h: &Harness<'_, CapmatrixApp>, member: &str, skill: &str) -> Option<Level> {
    let snap = h.state().core().read_back().unwrap();
    let team = snap.team_named("Data Engineering").unwrap();
    let m = snap.member_named(team.id, member).unwrap();
    m.ratings
        .get(&snap.framework.skill_named(skill).unwrap())
        .map(|r| r.level)
}

#[test]
fn the_first_run_screen_loads_the_sample_team() {
    let mut h = harness(Core::open_in_memory().unwrap());
    h.get_by_label("Load the sample team").click();
    h.run();
    assert_eq!(h.state().core().snapshot().member_count(), 10);
    h.get_by_label("Priya Shah, Testing: Working");
    h.get_by_label("Sort by Data modelling");
    // The gaps panel: skill gaps and people below their role level.
    h.get_by_label("Gaps (3)");
    h.get_by_label("People below their role level (10)").click();
    h.run();
    h.get_by_label("Callum Reid: 10 skills (10 not rated)");
}

#[test]
fn add_a_member_through_the_dialog() {
    let mut h = harness(sample_core());
    h.get_by_label("Add member...").click();
    h.run();
    let name = h.get_by_label("Name:");
    name.focus();
    name.type_text("Nadia Rahman");
    h.run();
    h.get_by_label("Add").click();
    h.run();
    let snap = h.state().core().read_back().unwrap();
    let team = snap.team_named("Data Engineering").unwrap();
    let nadia = snap
        .member_named(team.id, "Nadia Rahman")
        .expect("added to the store");
    assert_eq!(
        snap.framework.role_level(nadia.role_level.unwrap()).name,
        "Data engineer"
    );
    h.get_by_label("Nadia Rahman, Testing: not rated, needs Working");
}

#[test]
fn rate_by_keyboard_and_by_clicking_then_undo_and_redo() {
    let mut h = harness(sample_core());
    // Keyboard: select a cell, type 4.
    h.get_by_label("Laura Chen, Testing: Working").click();
    h.run();
    h.key_press(egui::Key::Num4);
    h.run();
    h.get_by_label("Laura Chen, Testing: Expert");
    assert_eq!(
        level_in_store(&h, "Laura Chen", "Testing"),
        Some(Level::Expert)
    );
    // Arrow right moves to the next skill column... and A sets Awareness there.
    h.key_press(egui::Key::ArrowLeft);
    h.run();
    h.key_press(egui::Key::A);
    h.run();
    h.get_by_label("Laura Chen, Technical understanding: Awareness, needs Working");
    // Delete clears.
    h.key_press(egui::Key::Delete);
    h.run();
    h.get_by_label("Laura Chen, Technical understanding: not rated, needs Working");
    assert_eq!(
        level_in_store(&h, "Laura Chen", "Technical understanding"),
        None
    );

    // Clicking: Enter opens the level editor; click a level.
    h.get_by_label("Rhys Evans, Data innovation: not rated, needs Awareness")
        .click();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("P Practitioner").click();
    h.run();
    h.get_by_label("Rhys Evans, Data innovation: Practitioner");
    assert_eq!(
        level_in_store(&h, "Rhys Evans", "Data innovation"),
        Some(Level::Practitioner)
    );

    // Undo (button) and redo (Ctrl+Shift+Z) through the core.
    h.get_by_label("Undo").click();
    h.run();
    h.get_by_label("Rhys Evans, Data innovation: not rated, needs Awareness");
    assert_eq!(level_in_store(&h, "Rhys Evans", "Data innovation"), None);
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    h.run();
    h.get_by_label("Rhys Evans, Data innovation: Practitioner");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    h.get_by_label("Rhys Evans, Data innovation: not rated, needs Awareness");
    h.get_by_label("Redo").click();
    h.run();
    assert_eq!(
        level_in_store(&h, "Rhys Evans", "Data innovation"),
        Some(Level::Practitioner)
    );
}

#[test]
fn filter_members_by_name() {
    let mut h = harness(sample_core());
    let search = h.get_by_label("Search:");
    search.focus();
    search.type_text("lau");
    h.run();
    assert!(h.query_by_label("Laura Chen").is_some());
    assert!(h.query_by_label("Priya Shah").is_none());
    assert_eq!(h.state().visible_rows().len(), 1);
}

#[test]
fn sort_by_a_skill() {
    let mut h = harness(sample_core());
    h.get_by_label("Sort by Testing").click();
    h.run();
    let levels = |h: &Harness<'_, CapmatrixApp>| -> Vec<Option<Level>> {
        let snap = h.state().core().snapshot();
        let testing = snap.framework.skill_named("Testing").unwrap();
        h.state()
            .visible_rows()
            .iter()
            .map(|&m| {
                snap.member(m)
                    .unwrap()
                    .ratings
                    .get(&testing)
                    .map(|r| r.level)
            })
            .collect()
    };
    let first = levels(&h);
    assert!(
        first.windows(2).all(|w| w[0] >= w[1]),
        "highest first: {first:?}"
    );
    assert_eq!(first[0], Some(Level::Practitioner));
    h.get_by_label("Sort by Testing").click();
    h.run();
    let second = levels(&h);
    assert!(
        second.windows(2).all(|w| w[0] <= w[1]),
        "then lowest first: {second:?}"
    );
}

#[test]
fn the_detail_panel_edits_a_note_and_the_interest_flag() {
    let mut h = harness(sample_core());
    h.get_by_label("Tom Fletcher, Data modelling: Practitioner")
        .click();
    h.run();
    // The panel shows the skill, its descriptors, with the member's and the role's levels.
    assert!(
        h.query_by_label_contains("Data modelling involves")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("their level, role needs")
            .is_some()
    );
    let note = h.get_by_label("Note (evidence):");
    note.focus();
    note.type_text("Designed the reference data model");
    h.run();
    h.get_by_label("Save note").click();
    h.run();
    h.get_by_label("Interested in developing this skill")
        .scroll_to_me();
    h.run();
    h.get_by_label("Interested in developing this skill")
        .click();
    h.run();
    let snap = h.state().core().read_back().unwrap();
    let team = snap.team_named("Data Engineering").unwrap();
    let tom = snap.member_named(team.id, "Tom Fletcher").unwrap();
    let r = &tom.ratings[&snap.framework.skill_named("Data modelling").unwrap()];
    assert_eq!(r.note, "Designed the reference data model");
    assert!(r.interested);
    assert_eq!(r.level, Level::Practitioner);
    // History lists the changes.
    assert_eq!(
        h.query_all_by_label_contains("Practitioner — Designed the reference data model")
            .count(),
        2
    );
}

#[test]
fn the_import_preview_lists_problems_and_keeps_import_disabled() {
    let mut h = harness(sample_core());
    let before = h.state().core().counts().unwrap();
    h.get_by_label("Import...").click();
    h.run();
    let file = h.get_by_label("File:");
    file.focus();
    file.type_text(fixture("bad-level.csv").to_str().unwrap());
    h.run();
    h.get_by_label("Preview").click();
    h.run();
    h.get_by_label_contains("line 7, column \"Testing\": \"Expertt\" is not a level");
    assert!(h.get_by_label("Import").accesskit_node().is_disabled());
    h.get_by_label("Cancel").click();
    h.run();
    assert_eq!(h.state().core().counts().unwrap(), before);

    // A good file previews its summary and imports.
    h.get_by_label("Import...").click();
    h.run();
    let file = h.get_by_label("File:");
    file.focus();
    file.type_text(fixture("utf8-lf.csv").to_str().unwrap());
    h.run();
    h.get_by_label("Preview").click();
    h.run();
    h.get_by_label("   members added: 2");
    assert!(!h.get_by_label("Import").accesskit_node().is_disabled());
    h.get_by_label("Import").click();
    h.run();
    assert_eq!(h.state().core().snapshot().member_count(), 12);
}

#[test]
fn the_whole_eframe_app_builds_and_shows_the_team() {
    let core = sample_core();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(|cc| CapmatrixApp::from_creation_context(cc, core));
    h.run();
    h.get_by_label("Priya Shah");
    h.get_by_label("About").click();
    h.run();
    assert!(
        h.query_by_label_contains("Open Government Licence v3.0")
            .is_some()
    );
}

#[test]
fn remove_a_member_with_confirmation_and_undo_it() {
    let mut h = harness(sample_core());
    h.get_by_label("Callum Reid, Data innovation: not rated, needs Awareness")
        .click();
    h.run();
    // The member's section is at the foot of the side panel: scroll to it, as a person would.
    h.get_by_label("Mark as left...").scroll_to_me();
    h.run();
    h.get_by_label("Mark as left...").click();
    h.run();
    assert!(
        h.query_by_label_contains(
            "Callum Reid leaves Data Engineering today. Their ratings and history are kept"
        )
        .is_some()
    );
    h.get_by_label("Mark as left").click();
    h.run();
    assert!(h.query_by_label("Callum Reid").is_none());
    assert_eq!(h.state().core().counts().unwrap().members, 9);
    assert_eq!(h.state().core().counts().unwrap().former, 1);
    assert_eq!(
        h.state().state().notice.clone().unwrap().text,
        "Callum Reid (Data Engineering) left: kept under Show former members (Undo brings them back)"
    );
    h.get_by_label("Undo").click();
    h.run();
    h.get_by_label("Callum Reid, Data innovation: not rated, needs Awareness");
    assert_eq!(h.state().core().counts().unwrap().members, 10);
}

#[test]
fn teams_are_created_from_the_menu_and_targets_change_coverage() {
    let mut h = harness(sample_core());
    h.get_by_label("Team").click();
    h.run();
    h.get_by_label("Team targets...").click();
    h.run();
    // Testing: default target Working x 2; set 9 people.
    let count = h.get_by_role_and_label(egui::accesskit::Role::SpinButton, "Testing");
    count.set_value_accesskit(9.0);
    h.run();
    let snap = h.state().core().read_back().unwrap();
    let team = snap.team_named("Data Engineering").unwrap().id;
    let testing = snap.framework.skill_named("Testing").unwrap();
    assert_eq!(
        snap.explicit_target(team, testing).map(|t| t.count),
        Some(9)
    );
    h.get_by_label("Close").click();
    h.run();
    h.get_by_label_contains("Testing: 8 of 9 at Working or above; short by 1");

    h.get_by_label("Team").click();
    h.run();
    h.get_by_label("New team...").click();
    h.run();
    let name = h.get_by_label("Team name:");
    name.focus();
    name.type_text("Platform");
    h.run();
    h.get_by_label("Create").click();
    h.run();
    assert!(h.state().core().snapshot().team_named("Platform").is_some());
    assert!(
        h.query_by_label_contains("No members in this team yet")
            .is_some()
    );
}

#[test]
fn export_through_the_dialog_confirms_overwriting_and_reports_the_path() {
    let tmp = super::Tmp::new();
    let target = tmp.path("team.csv");
    std::fs::write(&target, "keep me").unwrap();
    let mut h = harness(sample_core());
    h.get_by_label("Export...").click();
    h.run();
    h.get_by_label("Long (one row per rating)").click();
    let file = h.get_by_label("File:");
    file.focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("File:").type_text(target.to_str().unwrap());
    h.run();
    // The file exists: Export waits for the overwrite confirmation.
    assert!(h.get_by_label("Export").accesskit_node().is_disabled());
    h.get_by_label("Replace the existing file").click();
    h.run();
    h.get_by_label("Export").click();
    h.run();
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(
        written
            .starts_with("\u{feff}Member,Team,Role level,Skill,Level,Rated on,Interested,Note\r\n")
    );
    assert_eq!(written.lines().count(), 99);
    let notice = h.state().state().notice.clone().unwrap();
    assert!(!notice.error);
    assert!(
        notice.text.contains(target.to_str().unwrap()),
        "{}",
        notice.text
    );
}

#[test]
fn the_app_icon_in_assets_decodes() {
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")).unwrap();
    assert_eq!((icon.width, icon.height), (256, 256));
    assert_eq!(icon.rgba.len(), 256 * 256 * 4);
}

#[test]
fn a_note_typed_but_not_saved_is_kept_when_moving_to_another_cell() {
    let mut h = harness(sample_core());
    h.get_by_label("Tom Fletcher, Data modelling: Practitioner")
        .click();
    h.run();
    let note = h.get_by_label("Note (evidence):");
    note.focus();
    note.type_text("Led the modelling guild");
    h.run();
    // No "Save note": the lead moves straight on to another cell.
    h.get_by_label("Priya Shah, Testing: Working").click();
    h.run();
    let snap = h.state().core().read_back().unwrap();
    let team = snap.team_named("Data Engineering").unwrap();
    let tom = snap.member_named(team.id, "Tom Fletcher").unwrap();
    assert_eq!(
        tom.ratings[&snap.framework.skill_named("Data modelling").unwrap()].note,
        "Led the modelling guild"
    );
}

#[test]
fn export_suggests_a_file_named_after_the_team_in_the_documents_folder_and_reports_the_full_path() {
    let tmp = super::Tmp::new();
    let mut h = harness(sample_core());
    h.state_mut().state_mut().documents_dir = tmp.dir.path().to_path_buf();
    h.get_by_label("Export...").click();
    h.run();
    let Some(capmatrix::ui::Dialog::Export(d)) = &h.state().state().dialog else {
        panic!("no export dialog")
    };
    let suggested = std::path::PathBuf::from(&d.path);
    assert_eq!(
        suggested,
        tmp.dir.path().join("Data Engineering skills.csv")
    );
    // No replace question for a new file, and Export is ready.
    assert!(h.query_by_label("Replace the existing file").is_none());
    h.get_by_label("Export").click();
    h.run();
    assert!(suggested.exists());
    let notice = h.state().state().notice.clone().unwrap();
    assert!(
        notice
            .text
            .ends_with(&format!("to {}", suggested.display())),
        "{}",
        notice.text
    );
}

/// The sample team plus a second team, "Platform", with two members.
fn two_team_core() -> Core {
    let mut core = sample_core();
    capmatrix::transfer::import_bytes(
        &mut core,
        "Member,Team,Role level,Testing\nAaron Abbot,Platform,Data engineer,Working\nZed Zephyr,Platform,Data engineer,Expert\n".as_bytes(),
        std::path::Path::new("platform.csv"),
        &ImportOptions::default(),
    )
    .unwrap();
    core
}

fn names_in_view(h: &Harness<'_, CapmatrixApp>) -> Vec<String> {
    let snap = h.state().core().snapshot();
    h.state()
        .visible_rows()
        .iter()
        .map(|&m| snap.member(m).unwrap().name.clone())
        .collect()
}

#[test]
fn search_ignores_case_and_accents_and_counts_the_matches() {
    let mut h = harness(sample_core());
    let search = h.get_by_label("Search:");
    search.focus();
    let about = h.get_by_label("About").rect();
    search.type_text("siobhan");
    h.run();
    // The count shows above the names: the toolbar does not move while typing.
    assert_eq!(h.get_by_label("About").rect(), about);
    assert_eq!(names_in_view(&h), ["Siobhán Murphy"]);
    h.get_by_label("1 of 10 members");
    // The count does not push the rows up into the header.
    let header = h.get_by_label("Sort by name").rect();
    let row = h.get_by_label("Siobhán Murphy").rect();
    assert!(row.top() >= header.bottom(), "{row:?} under {header:?}");
    h.get_by_label("Search:").type_text(" MURPHY");
    h.run();
    assert_eq!(names_in_view(&h), ["Siobhán Murphy"]);
}

#[test]
fn all_teams_has_a_sortable_team_column_and_names_sort_across_teams() {
    let mut h = harness(two_team_core());
    h.state_mut().state_mut().team = None;
    h.run();
    // Member order by name (the default) goes across the two teams.
    assert_eq!(h.state().state().prefs.sort, capmatrix::ui::SortKey::Name);
    let names = names_in_view(&h);
    assert_eq!(names.first().map(String::as_str), Some("Aaron Abbot"));
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted);
    // The Team column sorts team by team.
    h.get_by_label("Sort by team").click();
    h.run();
    let snap = h.state().core().snapshot().clone();
    let teams: Vec<String> = h
        .state()
        .visible_rows()
        .iter()
        .map(|&m| {
            snap.team(snap.member(m).unwrap().team)
                .unwrap()
                .name
                .clone()
        })
        .collect();
    assert_eq!(teams.first().map(String::as_str), Some("Data Engineering"));
    assert_eq!(teams.last().map(String::as_str), Some("Platform"));
    // In one team there is no Team column.
    let platform = snap.team_named("Platform").unwrap().id;
    h.state_mut().state_mut().team = Some(platform);
    h.run();
    assert!(h.query_by_label("Sort by team").is_none());
    // The All teams footer counts teams meeting their target.
    h.state_mut().state_mut().team = None;
    h.run();
    let cell = h
        .query_all_by_label_contains("teams meet their target")
        .next()
        .unwrap()
        .accesskit_node()
        .label()
        .unwrap_or_default();
    assert!(
        cell.starts_with("Communicating between the technical and non-technical: ")
            && cell.ends_with(" of 2 teams meet their target"),
        "{cell}"
    );
    // The side panel speaks of teams too, not of everyone as one pool.
    assert!(
        h.query_by_label_contains("Skills short in some teams (")
            .is_some()
    );
    assert!(
        h.query_all_by_label_contains("1 of 2 teams short of their target")
            .next()
            .is_some()
    );
}

#[test]
fn undo_of_an_edit_in_another_team_switches_to_it_and_selects_the_cell() {
    let mut h = harness(two_team_core());
    let snap = h.state().core().snapshot().clone();
    let platform = snap.team_named("Platform").unwrap().id;
    h.state_mut().state_mut().team = Some(platform);
    h.run();
    h.get_by_label("Zed Zephyr, Testing: Expert").click();
    h.run();
    h.key_press(egui::Key::Num2);
    h.run();
    // Back to the other team, then undo.
    let de = snap.team_named("Data Engineering").unwrap().id;
    h.state_mut().state_mut().team = Some(de);
    h.state_mut().state_mut().selected = None;
    h.run();
    h.get_by_label("Undo").click();
    h.run();
    let state = h.state().state();
    assert_eq!(state.team, Some(platform));
    let zed = h
        .state()
        .core()
        .snapshot()
        .member_named(platform, "Zed Zephyr")
        .unwrap();
    let testing = h
        .state()
        .core()
        .snapshot()
        .framework
        .skill_named("Testing")
        .unwrap();
    assert_eq!(state.selected, Some((zed.id, testing)));
    assert_eq!(zed.ratings[&testing].level, Level::Expert);
    let notice = state.notice.clone().unwrap();
    assert_eq!(
        notice.text,
        "Undid set rating: Zed Zephyr, Testing (Platform)"
    );
}

#[test]
fn moving_a_member_to_another_team_follows_them_and_says_so() {
    let mut h = harness(two_team_core());
    h.get_by_label("Laura Chen, Testing: Working").click();
    h.run();
    let snap = h.state().core().snapshot().clone();
    let laura = snap
        .member_named(
            snap.team_named("Data Engineering").unwrap().id,
            "Laura Chen",
        )
        .unwrap()
        .id;
    let platform = snap.team_named("Platform").unwrap().id;
    // Through the member's context menu.
    h.get_by_label("Laura Chen").click_secondary();
    h.run();
    h.get_by_label("Move to team...").click();
    h.run();
    let Some(capmatrix::ui::Dialog::MoveMember { .. }) = &h.state().state().dialog else {
        panic!("no move dialog");
    };
    if let Some(capmatrix::ui::Dialog::MoveMember { team, .. }) =
        &mut h.state_mut().state_mut().dialog
    {
        *team = platform;
    }
    h.run();
    h.get_by_label("Move").click();
    h.run();
    let state = h.state().state();
    assert_eq!(state.team, Some(platform));
    assert_eq!(state.selected.map(|(m, _)| m), Some(laura));
    assert_eq!(
        state.notice.clone().unwrap().text,
        "Moved Laura Chen from Data Engineering to Platform"
    );
    assert!(names_in_view(&h).contains(&"Laura Chen".to_string()));
}

#[test]
fn a_cells_context_menu_sets_and_clears_the_level() {
    let mut h = harness(sample_core());
    h.get_by_label("Laura Chen, Testing: Working")
        .click_secondary();
    h.run();
    h.get_by_label("E  Expert").click();
    h.run();
    assert_eq!(
        level_in_store(&h, "Laura Chen", "Testing"),
        Some(Level::Expert)
    );
    h.get_by_label("Laura Chen, Testing: Expert")
        .click_secondary();
    h.run();
    h.get_by_label("Clear rating").click();
    h.run();
    assert_eq!(level_in_store(&h, "Laura Chen", "Testing"), None);
}

#[test]
fn dialogs_focus_their_first_field_enter_confirms_and_escape_closes() {
    let mut h = harness(sample_core());
    h.get_by_label("Add member...").click();
    h.run();
    assert!(h.get_by_label("Name:").is_focused());
    // Typing goes straight into the name; Enter adds.
    h.event(egui::Event::Text("Nadia Rahman".into()));
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(h.state().state().dialog.is_none());
    let snap = h.state().core().snapshot().clone();
    let team = snap.team_named("Data Engineering").unwrap().id;
    let nadia = snap.member_named(team, "Nadia Rahman").expect("added").id;
    // The new member is selected and in view.
    assert_eq!(h.state().state().selected.map(|(m, _)| m), Some(nadia));
    assert!(h.state().visible_rows().contains(&nadia));

    // Escape closes a dialog without doing anything.
    h.get_by_label("Team").click();
    h.run();
    h.get_by_label("Rename team...").click();
    h.run();
    assert!(h.get_by_label("Team name:").is_focused());
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.state().state().dialog.is_none());
    assert!(
        h.state()
            .core()
            .snapshot()
            .team_named("Data Engineering")
            .is_some()
    );

    // About closes with Escape too.
    h.get_by_label("About").click();
    h.run();
    assert!(h.state().state().about_open);
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!h.state().state().about_open);
}

#[test]
fn a_new_team_without_members_says_so_instead_of_claiming_every_skill_is_met() {
    let mut h = harness(sample_core());
    h.get_by_label("Team").click();
    h.run();
    h.get_by_label("New team...").click();
    h.run();
    h.event(egui::Event::Text("Empty Team".into()));
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(
        h.query_by_label_contains("This team has no members yet")
            .is_some()
    );
    assert!(h.query_by_label("Every skill meets its target.").is_none());
}

#[test]
fn f1_opens_the_keyboard_shortcut_sheet_and_escape_closes_it() {
    let mut h = harness(sample_core());
    h.key_press(egui::Key::F1);
    h.run();
    assert!(h.state().state().shortcuts_open);
    h.get_by_label("Ctrl+Shift+Z or Ctrl+Y");
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!h.state().state().shortcuts_open);
    h.get_by_label("Shortcuts").click();
    h.run();
    assert!(h.query_by_label("Ctrl+Z").is_some());
}

#[test]
fn at_1024_by_700_every_control_is_on_screen_and_headers_are_whole_names() {
    let app = CapmatrixApp::new(sample_core(), Prefs::default());
    let mut h = Harness::builder()
        .with_size(egui::vec2(1024.0, 700.0))
        .build_ui_state(|ui, app: &mut CapmatrixApp| app.show(ui), app);
    h.run();
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1024.0, 700.0));
    for label in [
        "Team:",
        "Team",
        "Add member...",
        "Search:",
        "Import...",
        "Export...",
        "Undo",
        "Redo",
        "Gap to role target",
        "Shortcuts",
        "About",
    ] {
        let r = h.get_by_label(label).rect();
        assert!(screen.contains_rect(r), "{label} is off screen at {r:?}");
    }
    // Every skill header is a sort button named in full.
    h.get_by_label("Sort by Communicating between the technical and non-technical");
    // The skills scroll sideways; at the far right the last ones are there, whole.
    h.state_mut().state_mut().h_scroll = 10_000.0;
    h.run();
    h.get_by_label("Sort by Programming and build (data engineering)");
    let testing = h.get_by_label("Sort by Testing").rect();
    assert!(screen.contains_rect(testing), "{testing:?}");
}

#[test]
fn the_no_file_notice_goes_once_a_path_is_typed() {
    let mut h = harness(sample_core());
    h.get_by_label("Import...").click();
    h.run();
    assert!(h.state().state().notice.is_some());
    h.event(egui::Event::Text("/tmp/team.csv".into()));
    h.run();
    assert!(h.state().state().notice.is_none());
}

#[test]
fn moving_down_by_keyboard_keeps_the_selected_cell_in_view() {
    let mut core = Core::open_in_memory().unwrap();
    capmatrix::demo::add_demo(&mut core, 200, 1, 5).unwrap();
    let mut h = harness(core);
    select_first_row_in_testing(&mut h);
    for _ in 0..120 {
        h.key_press(egui::Key::ArrowDown);
        h.run();
    }
    let (member, _) = h.state().state().selected.unwrap();
    assert_eq!(h.state().visible_rows()[120], member);
    let label = {
        let snap = h.state().core().snapshot();
        let m = snap.member(member).unwrap();
        format!("{}, Testing: ", m.name)
    };
    let rect = h
        .query_all_by_label_contains(&label)
        .next()
        .expect("the selected row is drawn")
        .rect();
    assert!(rect.top() >= 0.0 && rect.bottom() <= 900.0, "{rect:?}");
}

#[test]
fn the_export_dialog_keeps_its_buttons_in_place_when_the_replace_question_appears() {
    let tmp = super::Tmp::new();
    let existing = tmp.path("existing.csv");
    std::fs::write(&existing, "old").unwrap();
    let mut h = harness(sample_core());
    h.state_mut().state_mut().documents_dir = tmp.dir.path().to_path_buf();
    h.get_by_label("Export...").click();
    h.run();
    let before = h.get_by_label("Export").rect();
    if let Some(capmatrix::ui::Dialog::Export(d)) = &mut h.state_mut().state_mut().dialog {
        d.path = existing.display().to_string();
    }
    h.run();
    h.run();
    h.get_by_label("Replace the existing file");
    let after = h.get_by_label("Export").rect();
    assert_eq!(before.top(), after.top(), "{before:?} -> {after:?}");
}

#[test]
fn the_import_preview_lists_the_changes_one_by_one() {
    let tmp = super::Tmp::new();
    let file = tmp.path("changes.csv");
    std::fs::write(
        &file,
        "Member,Team,Testing,Email\nLaura Chen,Data Engineering,Expert,laura@example.org\n",
    )
    .unwrap();
    let mut h = harness(sample_core());
    h.get_by_label("Import...").click();
    h.run();
    h.event(egui::Event::Text(file.display().to_string()));
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("Laura Chen (Data Engineering), Testing: Working -> Expert");
    assert!(
        h.query_by_label_contains("ignored column that is not a skill")
            .is_some()
    );
}

#[test]
fn searching_or_switching_team_scrolls_back_to_the_top() {
    let mut core = Core::open_in_memory().unwrap();
    capmatrix::demo::add_demo(&mut core, 300, 2, 9).unwrap();
    let mut h = harness(core);
    // Scroll down by keyboard.
    select_first_row_in_testing(&mut h);
    for _ in 0..60 {
        h.key_press(egui::Key::ArrowDown);
        h.run();
    }
    let (offset, _) = h.state().state().rows_viewport.unwrap();
    assert!(offset > 100.0, "scrolled down: {offset}");
    // A search starts again at the top.
    let search = h.get_by_label("Search:");
    search.focus();
    search.type_text("a");
    h.run();
    h.run();
    assert_eq!(h.state().state().rows_viewport.unwrap().0, 0.0);
}

#[test]
fn the_import_preview_lists_the_first_200_changes_and_counts_the_rest() {
    let tmp = super::Tmp::new();
    let file = tmp.path("many.csv");
    let mut text = String::from("Member,Team,Testing,Data modelling\n");
    for i in 0..150 {
        text.push_str(&format!("Person {i:03},Big Team,W,P\n"));
    }
    std::fs::write(&file, text).unwrap();
    let mut h = harness(sample_core());
    h.get_by_label("Import...").click();
    h.run();
    h.event(egui::Event::Text(file.display().to_string()));
    h.key_press(egui::Key::Enter);
    h.run();
    // 150 members added and 300 ratings: 450 changes, 200 listed.
    let Some(capmatrix::ui::Dialog::Import(d)) = &h.state().state().dialog else {
        panic!("no import dialog")
    };
    let Some(Ok(report)) = d.preview.as_ref().map(|p| &p.result) else {
        panic!("no preview")
    };
    assert_eq!(report.changes.len(), 200);
    assert_eq!(report.changes_total, 450);
    let last = h.get_by_label("and 250 more changes");
    last.scroll_to_me();
}

#[test]
fn the_member_menu_renames_sets_the_role_and_removes() {
    let mut h = harness(sample_core());
    h.get_by_label("Laura Chen").click_secondary();
    h.run();
    h.get_by_label("Rename...").click();
    h.run();
    // The name field has the keyboard, with the name selected for typing over.
    assert!(h.get_by_label("New name:").is_focused());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.event(egui::Event::Text("Laura Chen-Okoro".into()));
    h.key_press(egui::Key::Enter);
    h.run();
    let snap = h.state().core().read_back().unwrap();
    let team = snap.team_named("Data Engineering").unwrap().id;
    let laura = snap
        .member_named(team, "Laura Chen-Okoro")
        .expect("renamed");
    let role_before = laura.role_level;

    h.get_by_label("Laura Chen-Okoro").click_secondary();
    h.run();
    h.get_by_label("Role level...").click();
    h.run();
    let senior = snap.framework.role_level_named("Senior data engineer");
    if let Some(capmatrix::ui::Dialog::SetRoleLevel { role_level, .. }) =
        &mut h.state_mut().state_mut().dialog
    {
        *role_level = senior;
    }
    h.run();
    h.get_by_label("Set").click();
    h.run();
    let snap = h.state().core().read_back().unwrap();
    assert_ne!(role_before, senior);
    assert_eq!(
        snap.member_named(team, "Laura Chen-Okoro")
            .unwrap()
            .role_level,
        senior
    );

    h.get_by_label("Laura Chen-Okoro").click_secondary();
    h.run();
    h.get_by_label("Left the team...").click();
    h.run();
    h.get_by_label("Mark as left").click();
    h.run();
    let back = h.state().core().read_back().unwrap();
    assert!(back.member_named(team, "Laura Chen-Okoro").is_none());
    assert!(back.former_named(team, "Laura Chen-Okoro").is_some());
    // And redo after undo says what it did, naming the member.
    h.get_by_label("Undo").click();
    h.run();
    h.get_by_label("Redo").click();
    h.run();
    assert_eq!(
        h.state().state().notice.clone().unwrap().text,
        "Redid member leaving: Laura Chen-Okoro (Data Engineering)"
    );
}

#[test]
fn the_cell_menu_note_goes_to_the_note_field() {
    let mut h = harness(sample_core());
    h.get_by_label("Laura Chen, Testing: Working")
        .click_secondary();
    h.run();
    h.get_by_label("Note...").click();
    h.run();
    h.run();
    assert!(h.get_by_label("Note (evidence):").is_focused());
    h.event(egui::Event::Text("Ran the test guild".into()));
    h.run();
    // Leaving the field saves it.
    h.get_by_label("Laura Chen, Data modelling: Working")
        .click();
    h.run();
    let snap = h.state().core().read_back().unwrap();
    let team = snap.team_named("Data Engineering").unwrap().id;
    let laura = snap.member_named(team, "Laura Chen").unwrap();
    let testing = snap.framework.skill_named("Testing").unwrap();
    assert_eq!(laura.ratings[&testing].note, "Ran the test guild");
}

#[test]
fn a_team_without_role_levels_says_it_has_no_targets_yet() {
    let mut core = Core::open_in_memory().unwrap();
    capmatrix::transfer::import_bytes(
        &mut core,
        b"Member,Team,Testing\nAnn,No Roles,W\n",
        std::path::Path::new("t.csv"),
        &ImportOptions::default(),
    )
    .unwrap();
    let h = harness(core);
    assert!(h.query_by_label_contains("No targets yet").is_some());
    assert!(h.query_by_label("Every skill meets its target.").is_none());
}

#[test]
fn undo_and_the_shortcut_sheet_work_by_keyboard_while_rating() {
    let mut h = harness(sample_core());
    h.get_by_label("Laura Chen, Testing: Working").click();
    h.run();
    h.key_press(egui::Key::Num4);
    h.run();
    assert_eq!(
        level_in_store(&h, "Laura Chen", "Testing"),
        Some(Level::Expert)
    );
    // The matrix has the keyboard: Ctrl+Z still undoes, Ctrl+Shift+Z redoes, F1 helps.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(
        level_in_store(&h, "Laura Chen", "Testing"),
        Some(Level::Working)
    );
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    h.run();
    assert_eq!(
        level_in_store(&h, "Laura Chen", "Testing"),
        Some(Level::Expert)
    );
    h.key_press(egui::Key::F1);
    h.run();
    assert!(h.state().state().shortcuts_open);
    // Typing in the search box is typing, not a shortcut.
    h.key_press(egui::Key::Escape);
    h.run();
    let search = h.get_by_label("Search:");
    search.focus();
    h.run();
    h.key_press(egui::Key::F1);
    h.run();
    assert!(!h.state().state().shortcuts_open);
}

#[test]
fn export_to_a_folder_that_does_not_exist_says_so_in_the_dialog() {
    let tmp = super::Tmp::new();
    let mut h = harness(sample_core());
    h.get_by_label("Export...").click();
    h.run();
    if let Some(capmatrix::ui::Dialog::Export(d)) = &mut h.state_mut().state_mut().dialog {
        d.path = tmp.path("no/such/folder/team.csv").display().to_string();
    }
    h.run();
    h.run();
    h.get_by_label("That folder does not exist: choose another.");
    assert!(h.get_by_label("Export").accesskit_node().is_disabled());
}

#[test]
fn with_many_teams_the_team_picker_finds_one_by_typing() {
    let mut core = Core::open_in_memory().unwrap();
    capmatrix::demo::add_demo(&mut core, 400, 40, 3).unwrap();
    let wanted = core.snapshot().teams().nth(17).unwrap().clone();
    let mut h = harness(core);
    // The combo box is the second thing labelled "Team:" (after the label itself).
    h.query_all_by_label("Team:").last().unwrap().click();
    h.run();
    // The find field has the keyboard: typing narrows the list.
    h.event(egui::Event::Text(wanted.name.to_lowercase()));
    h.run();
    h.get_by_label(&wanted.name).click();
    h.run();
    assert_eq!(h.state().state().team, Some(wanted.id));
    assert!(h.state().state().team_filter.is_empty());
}

#[test]
fn save_picture_writes_the_teams_heatmap_and_the_export_type_follows_the_choice() {
    let tmp = super::Tmp::new();
    let mut h = harness(sample_core());
    h.state_mut().state_mut().documents_dir = tmp.dir.path().to_path_buf();
    h.get_by_label("Save picture...").click();
    h.run();
    let Some(capmatrix::ui::Dialog::Export(d)) = &h.state().state().dialog else {
        panic!("no export dialog")
    };
    let png = std::path::PathBuf::from(&d.path);
    assert_eq!(png, tmp.dir.path().join("Data Engineering heatmap.png"));
    h.get_by_label("Export").click();
    h.run();
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    let notice = h.state().state().notice.clone().unwrap();
    assert!(
        notice
            .text
            .starts_with("Exported a picture of 10 members to "),
        "{}",
        notice.text
    );
    // Export..., then the Excel workbook type: the path's extension follows.
    h.get_by_label("Export...").click();
    h.run();
    h.get_by_label("Excel workbook").click();
    h.run();
    let Some(capmatrix::ui::Dialog::Export(d)) = &h.state().state().dialog else {
        panic!("no export dialog")
    };
    let xlsx = std::path::PathBuf::from(&d.path);
    assert_eq!(xlsx, tmp.dir.path().join("Data Engineering skills.xlsx"));
    assert!(
        h.query_by_label("Long (one row per rating)").is_none(),
        "CSV's layout choice is not offered for a workbook"
    );
    // A history choice left over from CSV does not stop a workbook export.
    if let Some(capmatrix::ui::Dialog::Export(d)) = &mut h.state_mut().state_mut().dialog {
        d.long = true;
        d.history = true;
    }
    h.get_by_label("Export").click();
    h.run();
    let mut back = Core::open_in_memory().unwrap();
    let report = import_file(&mut back, &xlsx, &ImportOptions::default()).unwrap();
    assert_eq!(report.summary.members_added, 10);
}

#[test]
fn the_import_dialog_previews_a_workbooks_chosen_sheet() {
    let tmp = super::Tmp::new();
    let core = sample_core();
    let xlsx = tmp.path("team.xlsx");
    capmatrix::transfer::export_file(
        &core,
        &xlsx,
        capmatrix::io::ExportOptions {
            scope: capmatrix::model::Scope::All,
            format: capmatrix::io::ExportFormat::Wide,
            levels: capmatrix::io::LevelStyle::Names,
            source: Default::default(),
        },
        false,
    )
    .unwrap();
    let mut h = harness(Core::open_in_memory().unwrap());
    h.state_mut().state_mut().dialog =
        Some(capmatrix::ui::Dialog::Import(capmatrix::ui::ImportDialog {
            path: xlsx.display().to_string(),
            sheet: "Ratings".into(),
            ..Default::default()
        }));
    h.run();
    h.get_by_label("Preview").click();
    h.run();
    h.run();
    let Some(capmatrix::ui::Dialog::Import(d)) = &h.state().state().dialog else {
        panic!("no import dialog")
    };
    let Some(Ok(report)) = d.preview.as_ref().map(|p| &p.result) else {
        panic!("no preview: {:?}", d.preview)
    };
    assert_eq!(report.read.sheet.as_ref().unwrap().name, "Ratings");
    assert!(
        h.query_by_label_contains("XLSX sheet \"Ratings\"")
            .is_some()
    );
    // Through AccessKit, as a screen reader would: the dialog is still sizing itself to the
    // preview, so a pointer aimed at its button could miss.
    h.get_by_label("Import").click_accesskit();
    h.run();
    assert_eq!(h.state().core().snapshot().member_count(), 10);
}

#[test]
fn typing_a_file_name_keeps_the_chosen_type_and_the_keyboard() {
    let tmp = super::Tmp::new();
    let mut h = harness(sample_core());
    h.state_mut().state_mut().documents_dir = tmp.dir.path().to_path_buf();
    h.get_by_label("Save picture...").click();
    h.run();
    let folder = format!("{}/", tmp.dir.path().display());
    if let Some(capmatrix::ui::Dialog::Export(d)) = &mut h.state_mut().state_mut().dialog {
        d.path = folder.clone();
    }
    h.run();
    // On the way to "heat.png" the name has no extension: the type stays a PNG picture, the
    // field keeps the keyboard, and Export waits for a name it can write.
    h.get_by_label("File:").click();
    h.run();
    h.get_by_label("File:").type_text("heat");
    h.run();
    assert!(
        h.query_by_label_contains("the extension decides the type")
            .is_some()
    );
    h.get_by_label("File:").type_text(".png");
    h.run();
    let Some(capmatrix::ui::Dialog::Export(d)) = &h.state().state().dialog else {
        panic!("no export dialog")
    };
    assert_eq!(d.path, format!("{folder}heat.png"));
    assert_eq!(d.kind(), capmatrix::transfer::ExportType::Png);
    h.get_by_label("Export").click();
    h.run();
    assert!(tmp.dir.path().join("heat.png").exists());
    // The next export suggests the same folder.
    h.get_by_label("Export...").click();
    h.run();
    let Some(capmatrix::ui::Dialog::Export(d)) = &h.state().state().dialog else {
        panic!("no export dialog")
    };
    assert!(d.path.starts_with(&folder), "{}", d.path);
}

/// A core with two years of generated history in one team of 12.
fn history_core() -> Core {
    let mut core = Core::open_in_memory().unwrap();
    capmatrix::demo::add_demo_with_history(&mut core, 12, 1, 3, 24).unwrap();
    core
}

#[test]
fn as_of_a_year_ago_shows_the_past_read_only_and_back_to_today_edits_again() {
    let mut h = harness(history_core());
    h.run();
    let today_rows = h.state().visible_rows().to_vec();
    h.get_by_label("A year ago").click();
    h.run();
    h.run();
    let a_year_ago = capmatrix::model::time::months_before(capmatrix::model::time::today(), 12);
    assert!(
        h.query_by_label_contains(&format!(
            "Read-only: the matrix as it stood at the end of {a_year_ago}"
        ))
        .is_some()
    );
    let past_rows = h.state().visible_rows().to_vec();
    assert_ne!(past_rows, today_rows, "the people then differ from today's");
    // Nothing offers to change the past.
    for control in ["Add member...", "Import...", "Undo"] {
        assert!(
            h.get_by_label(control).accesskit_node().is_disabled(),
            "{control}"
        );
    }
    // An edit is refused, with the reason, and changes nothing.
    let first = h.state().visible_rows()[0];
    let snap = h.state().core().snapshot().clone();
    let skill = snap.framework.skill_named("Testing").unwrap();
    h.state_mut().run(capmatrix::ui::Command::Apply(
        capmatrix::core::Action::ClearRating {
            member: first,
            skill,
        },
    ));
    assert!(
        h.state()
            .state()
            .notice
            .clone()
            .unwrap()
            .text
            .starts_with("Read-only: this is the matrix as of")
    );
    assert_eq!(*h.state().core().snapshot(), snap);
    h.get_by_label("Back to today").click();
    h.run();
    h.run();
    assert_eq!(h.state().visible_rows(), today_rows.as_slice());
    assert!(
        h.query_by_label_contains("Read-only").is_none(),
        "the banner and the refusal go"
    );
}

#[test]
fn a_date_typed_in_as_of_is_shown_and_a_wrong_one_is_explained() {
    let mut h = harness(history_core());
    h.run();
    let field = h.get_by_label("As of:");
    field.focus();
    field.type_text("31/02/2026");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(
        h.state().state().notice.clone().unwrap().text,
        "As of: \"31/02/2026\" is not a date (e.g. 2026-03-31 or 31/03/2026)"
    );
    assert!(h.state().state().as_of.is_none());
    h.state_mut().state_mut().as_of_text = "2025-06-30".into();
    h.run();
    let field = h.get_by_label("As of:");
    field.focus();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.run();
    assert_eq!(
        h.state().state().as_of,
        Some(capmatrix::model::Date::new(2025, 6, 30).unwrap())
    );
}

#[test]
fn comparing_with_a_year_ago_marks_cells_and_lists_gaps_opened_and_closed() {
    let mut h = harness(history_core());
    h.run();
    h.get_by_label("With a year ago").click();
    h.run();
    h.run();
    let since = capmatrix::model::time::months_before(capmatrix::model::time::today(), 12);
    assert!(
        h.query_by_label_contains(&format!("Since {since}"))
            .is_some()
    );
    assert!(
        h.query_by_label_contains(&format!("rose since {since}"))
            .is_some()
    );
    // Cells that changed say so to screen readers.
    assert!(
        h.query_all_by_label_contains(&format!("since {since}"))
            .count()
            > 2
    );
    h.get_by_label("Stop comparing").click();
    h.run();
    assert!(
        h.query_by_label_contains(&format!("Since {since}"))
            .is_none()
    );
}

#[test]
fn the_trends_window_charts_coverage_and_people_below_their_role() {
    let mut h = harness(history_core());
    h.run();
    h.get_by_label("Trends...").click();
    h.run();
    h.run();
    assert!(h.query_by_label_contains("month by month from").is_some());
    assert!(h.query_by_label_contains("People covering").is_some());
    assert!(
        h.query_by_label_contains("Select a cell in the matrix to chart")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("People below their role level's requirement")
            .is_some()
    );
}

#[test]
fn reviewed_restamps_the_selected_rating_from_the_panel_and_the_r_key() {
    let mut core = sample_core();
    let snap = core.snapshot().clone();
    let team = snap.team_named("Data Engineering").unwrap().id;
    let tom = snap.member_named(team, "Tom Fletcher").unwrap();
    for skill in ["Data modelling", "Testing"] {
        let skill = snap.framework.skill_named(skill).unwrap();
        let r = &tom.ratings[&skill];
        // Rated afresh with an old date (an older assessment beside a held one would be
        // history only, never the present).
        core.apply(capmatrix::core::Action::ClearRating {
            member: tom.id,
            skill,
        })
        .unwrap();
        core.apply(capmatrix::core::Action::SetRating {
            member: tom.id,
            skill,
            level: r.level,
            note: r.note.clone(),
            interested: r.interested,
            on: Some(capmatrix::model::Date::new(2024, 5, 1).unwrap()),
        })
        .unwrap();
    }
    let mut h = harness(core);
    assert!(
        h.query_by_label_contains("Tom Fletcher, Testing: Practitioner, due for review")
            .is_some()
    );
    h.get_by_label("Tom Fletcher, Data modelling: Practitioner, due for review")
        .click();
    h.run();
    h.get_by_label("Reviewed, still Practitioner").click();
    h.run();
    let assessed = |h: &Harness<'static, CapmatrixApp>| {
        let snap = h.state().core().read_back().unwrap();
        let team = snap.team_named("Data Engineering").unwrap();
        let tom = snap.member_named(team.id, "Tom Fletcher").unwrap();
        tom.ratings[&snap.framework.skill_named("Data modelling").unwrap()].assessed_on
    };
    assert_eq!(assessed(&h), capmatrix::model::time::today());
    assert_eq!(h.state().core().undo_label(), Some("mark reviewed"));
    // R on the keyboard does the same for the selected cell.
    h.get_by_label("Tom Fletcher, Testing: Practitioner, due for review")
        .click();
    h.run();
    h.key_press(egui::Key::R);
    h.run();
    let snap = h.state().core().read_back().unwrap();
    let team = snap.team_named("Data Engineering").unwrap();
    let tom = snap.member_named(team.id, "Tom Fletcher").unwrap();
    assert_eq!(
        tom.ratings[&snap.framework.skill_named("Testing").unwrap()].assessed_on,
        capmatrix::model::time::today()
    );
}

#[test]
fn former_members_can_be_brought_back_or_deleted_permanently() {
    let mut h = harness(sample_core());
    h.get_by_label("Tom Fletcher").click_secondary();
    h.run();
    h.get_by_label("Left the team...").click();
    h.run();
    h.get_by_label("Mark as left").click();
    h.run();
    h.get_by_label("Team").click();
    h.run();
    h.get_by_label("Show former members...").click();
    h.run();
    assert!(
        h.query_by_label_contains("Data Engineering, left")
            .is_some()
    );
    h.get_by_label("Bring back").click();
    h.run();
    assert_eq!(h.state().core().counts().unwrap().former, 0);
    // Delete permanently, from the member's panel, after a confirmation.
    h.get_by_label("Close").click();
    h.run();
    h.get_by_label("Tom Fletcher, Testing: Practitioner")
        .click();
    h.run();
    h.get_by_label("Delete permanently...").scroll_to_me();
    h.run();
    h.get_by_label("Delete permanently...").click();
    h.run();
    assert!(h.query_by_label_contains("This cannot be undone").is_some());
    h.get_by_label("Delete permanently").click();
    h.run();
    let counts = h.state().core().counts().unwrap();
    assert_eq!((counts.members, counts.former), (9, 0));
    let tom = h
        .state()
        .core()
        .read_back()
        .unwrap()
        .team_named("Data Engineering")
        .map(|t| t.id);
    assert!(tom.is_some());
    // Nothing of Tom is left: no member row, no history, no events.
    let history_left = h.state().core().counts().unwrap().history;
    let others: usize = h
        .state()
        .core()
        .snapshot()
        .all_members()
        .iter()
        .map(|m| h.state().core().history(m.id, None).unwrap().len())
        .sum();
    assert_eq!(history_left as usize, others);
    assert_eq!(h.state().core().undo_label(), None);
    assert_eq!(
        h.state().state().notice.clone().unwrap().text,
        "Deleted Tom Fletcher and their whole history permanently"
    );
}

#[test]
fn comparing_counts_not_rated_to_none_as_no_change_and_names_who_left() {
    let mut core = history_core();
    let snap = core.snapshot().clone();
    let members = snap.all_members();
    // Someone with a skill their role requires but never rated, rated None today.
    let fw = &snap.framework;
    let (who, skill) = members
        .iter()
        .find_map(|m| {
            let rl = m.role_level?;
            fw.role_level(rl)
                .requires
                .iter()
                .find(|r| r.level.is_some() && !m.ratings.contains_key(&r.skill))
                .map(|r| (m.id, r.skill))
        })
        .expect("a required skill never rated");
    core.apply(capmatrix::core::Action::SetRating {
        member: who,
        skill,
        level: Level::None,
        note: String::new(),
        interested: false,
        on: None,
    })
    .unwrap();
    let leaver = members.iter().find(|m| m.id != who).unwrap();
    let leaver_name = leaver.name.clone();
    core.apply(capmatrix::core::Action::RemoveMember { member: leaver.id })
        .unwrap();
    let cell = format!(
        "{}, {}: None",
        snap.member(who).unwrap().name,
        fw.skill(skill).name
    );
    let mut h = harness(core);
    h.state_mut().state_mut().compare = capmatrix::model::time::today().yesterday().ok();
    h.run();
    h.run();
    let label = h
        .query_by_label_contains(&cell)
        .map(|n| n.accesskit_node().label().unwrap_or_default().to_string())
        .expect("the cell");
    assert!(!label.contains("rose"), "{label}");
    assert!(
        h.query_by_label_contains(&format!(
            "1 person gone (left or moved away): {leaver_name}"
        ))
        .is_some()
    );
}

#[test]
fn a_leaving_can_be_dated_in_the_past_and_a_wrong_date_keeps_the_dialog() {
    let mut h = harness(history_core());
    h.run();
    let member = h.state().visible_rows()[0];
    let name = h
        .state()
        .core()
        .snapshot()
        .member(member)
        .unwrap()
        .name
        .clone();
    h.get_by_label(&name).click_secondary();
    h.run();
    h.get_by_label("Left the team...").click();
    h.run();
    let field = h.get_by_label("Left on:");
    field.focus();
    field.type_text("31/02/2026");
    h.run();
    assert!(h.query_by_label_contains("is not a date").is_some());
    assert!(
        h.get_by_label("Mark as left")
            .accesskit_node()
            .is_disabled()
    );
    let when = capmatrix::model::time::today().yesterday().unwrap();
    if let Some(capmatrix::ui::Dialog::ConfirmRemoveMember { on, .. }) =
        h.state_mut().state_mut().dialog.as_mut()
    {
        *on = when.to_string();
    }
    h.run();
    assert!(
        h.query_by_label_contains(&format!("leaves Data Platform on {when}"))
            .is_some()
    );
    h.get_by_label("Mark as left").click();
    h.run();
    let snap = h.state().core().read_back().unwrap();
    assert_eq!(snap.former(member).unwrap().left_on, Some(when));
}

/// The sample team with two people's own ratings in Testing: Tom one level above the lead
/// (Expert against Practitioner), Priya two below (None against Working).
fn self_core() -> Core {
    let mut core = sample_core();
    let snap = core.snapshot().clone();
    let team = snap.team_named("Data Engineering").unwrap().id;
    let testing = snap.framework.skill_named("Testing").unwrap();
    for (name, level) in [("Tom Fletcher", Level::Expert), ("Priya Shah", Level::None)] {
        let m = snap.member_named(team, name).unwrap().id;
        core.apply(capmatrix::core::Action::SetSelfRating {
            member: m,
            skill: testing,
            level,
            note: "my own view".into(),
            interested: false,
            on: None,
        })
        .unwrap();
    }
    core
}

#[test]
fn self_vs_lead_shows_both_levels_filters_disagreements_and_accepts_theirs() {
    let mut h = harness(self_core());
    h.get_by_label("Self vs lead").click();
    h.run();
    // Tom: lead Practitioner, own Expert (1 above); Priya: lead Working, own Awareness.
    assert!(
        h.query_by_label_contains("Tom Fletcher, Testing: Practitioner, own rating: Expert")
            .is_some()
    );
    assert!(
        h.query_all_by_label_contains("own rating: not rated")
            .next()
            .is_some()
    );
    assert!(
        h.query_by_label_contains(
            "Priya Shah, Testing: Working, own rating: None, theirs 2+ below the lead's"
        )
        .is_some()
    );
    let all = h.state().visible_rows().len();
    h.get_by_label("Only disagreements").click();
    h.run();
    h.run();
    // Only Priya differs by two levels or more.
    let shown: Vec<String> = h
        .state()
        .visible_rows()
        .iter()
        .map(|&m| h.state().core().snapshot().member(m).unwrap().name.clone())
        .collect();
    assert_eq!(shown, ["Priya Shah"], "of {all}");
    assert!(h.query_by_label(&format!("1 of {all}")).is_some());
    h.get_by_label("Only disagreements").click();
    h.run();
    h.run();
    assert_eq!(h.state().visible_rows().len(), all);
    // Accepting Tom's own level makes it the lead's, in one undoable step.
    h.get_by_label("Tom Fletcher, Testing: Practitioner, own rating: Expert")
        .click();
    h.run();
    assert!(
        h.query_by_label_contains("Their own rating: Expert")
            .is_some()
    );
    h.get_by_label("Accept Expert as the lead's").click();
    h.run();
    assert_eq!(
        level_in_store(&h, "Tom Fletcher", "Testing"),
        Some(Level::Expert)
    );
    assert_eq!(
        h.state().state().notice.clone().unwrap().text,
        "Tom Fletcher's Testing is now Expert (their own level; Undo takes it back)"
    );
    h.get_by_label("Undo").click();
    h.run();
    assert_eq!(
        level_in_store(&h, "Tom Fletcher", "Testing"),
        Some(Level::Practitioner)
    );
}

#[test]
fn a_members_profile_opens_from_their_name_and_saves_as_a_picture() {
    let mut h = harness(self_core());
    h.get_by_label("Tom Fletcher").click_secondary();
    h.run();
    h.get_by_label("Profile...").click();
    h.run();
    h.run();
    assert!(
        h.query_by_label_contains("Tom Fletcher: 11 skills rated by the lead, ")
            .is_some()
    );
    assert!(
        h.query_by_label_contains(" below what their role requires, 1 rated by themselves.")
            .is_some()
    );
    let tmp = super::Tmp::new();
    let path = tmp.path("tom.svg");
    h.state_mut().state_mut().profile.as_mut().unwrap().path = path.display().to_string();
    h.run();
    h.get_by_label("Save picture").click();
    h.run();
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("Tom Fletcher: skills profile"));
    assert!(
        h.state()
            .state()
            .notice
            .clone()
            .unwrap()
            .text
            .starts_with("Saved the profile (")
    );
}

#[test]
fn assessment_packs_are_written_and_imported_from_the_window() {
    let mut h = harness(sample_core());
    let tmp = super::Tmp::new();
    h.get_by_label("Team").click();
    h.run();
    h.get_by_label("Assessment packs...").click();
    h.run();
    let dir = tmp.path("packs");
    if let Some(capmatrix::ui::Dialog::Packs { dir: d, .. }) =
        h.state_mut().state_mut().dialog.as_mut()
    {
        *d = dir.display().to_string();
    }
    h.run();
    h.get_by_label("Write packs").click();
    h.run();
    assert_eq!(
        h.state().state().notice.clone().unwrap().text,
        format!("Wrote 10 assessment packs to {}", dir.display())
    );
    let tom = dir.join("Tom Fletcher self-assessment.xlsx");
    let (row, _) = super::packs::first_skill(&tom);
    let filled = tmp.path("tom filled.xlsx");
    super::packs::fill(&tom, &filled, &[(row, "Expert", "Yes", "the evidence")]);
    if let Some(capmatrix::ui::Dialog::Packs { filled: f, .. }) =
        h.state_mut().state_mut().dialog.as_mut()
    {
        *f = filled.display().to_string();
    }
    h.run();
    h.get_by_label("Import packs").click();
    h.run();
    assert!(
        h.state()
            .state()
            .notice
            .clone()
            .unwrap()
            .text
            .starts_with("Imported 1 rating from 1 pack as their own ratings")
    );
    let snap = h.state().core().read_back().unwrap();
    let team = snap.team_named("Data Engineering").unwrap().id;
    assert_eq!(
        snap.member_named(team, "Tom Fletcher")
            .unwrap()
            .self_ratings
            .len(),
        1
    );
}

fn open_skills_menu_item(h: &mut Harness<'static, CapmatrixApp>, item: &str) {
    h.get_by_label("Skills").click();
    h.run();
    h.get_by_label(item).click();
    h.run();
}

#[test]
fn the_skills_dialog_adds_a_skill_of_your_own_that_the_team_tracks_and_rates() {
    let mut h = harness(sample_core());
    open_skills_menu_item(&mut h, "Skills...");
    let name = h.get_by_label("Name:");
    name.focus();
    name.type_text("Apache Spark");
    h.run();
    h.get_by_label("Category:").focus();
    h.get_by_label("Category:").type_text("Technology");
    h.run();
    h.get_by_label("Add skill").click();
    h.run();
    h.run();
    let fw = h.state().core().snapshot().framework.clone();
    let spark = fw.skill_named("Apache Spark").expect("added");
    assert!(fw.skill(spark).custom);
    assert_eq!(fw.skill(spark).category.as_deref(), Some("Technology"));
    // It is selected, with its text to edit, and the team on screen can track it.
    h.get_by_label("Save changes");
    assert!(h.query_by_label("Sort by Apache Spark").is_none());
    h.get_by_label("Track in Data Engineering").click();
    h.run();
    let snap = h.state().core().read_back().unwrap();
    let team = snap.team_named("Data Engineering").unwrap().id;
    assert!(snap.explicit_target(team, spark).is_some());
    h.get_by_label("Close").click();
    h.run();
    // Now it is one of the team's skills (a column, off to the right here) and a gap until
    // someone is rated in it.
    let in_view = |h: &Harness<'static, CapmatrixApp>| {
        let snap = h.state().core().snapshot();
        let team = snap.team_named("Data Engineering").unwrap().id;
        let members = snap.team_members(team);
        capmatrix::model::analysis::wide_skills(snap, &members).contains(&spark)
    };
    assert!(in_view(&h));
    h.get_by_label("Apache Spark");
    h.get_by_label_contains("0 of 2 at Practitioner or above");
    // Retired, the column goes; undo brings it back.
    open_skills_menu_item(&mut h, "Skills...");
    h.get_by_label_contains("Apache Spark   (Technology, custom)")
        .click();
    h.run();
    h.get_by_label("Retire").click();
    h.run();
    assert!(h.state().core().snapshot().framework.skill(spark).retired);
    h.get_by_label("Close").click();
    h.run();
    assert!(!in_view(&h));
    assert!(h.query_by_label("Apache Spark").is_none());
    h.get_by_label("Undo").click();
    h.run();
    assert!(in_view(&h));
    h.get_by_label("Apache Spark");
}

#[test]
fn the_import_preview_creates_an_unknown_column_as_a_skill_when_ticked() {
    let tmp = super::Tmp::new();
    let file = tmp.path("dbt.csv");
    std::fs::write(
        &file,
        "Member,Team,Testing,dbt\nLaura Chen,Data Engineering,Expert,Practitioner\n",
    )
    .unwrap();
    let mut h = harness(sample_core());
    h.get_by_label("Import...").click();
    h.run();
    h.event(egui::Event::Text(file.display().to_string()));
    h.key_press(egui::Key::Enter);
    h.run();
    // A column of levels that is no skill: refused in the preview, never dropped, and
    // offered to be created.
    assert!(
        h.query_by_label_contains("\"dbt\" holds levels (\"Practitioner\" on line 2)")
            .is_some()
    );
    assert!(h.get_by_label("Import").accesskit_node().is_disabled());
    h.get_by_label("Create \"dbt\"").click();
    h.run();
    h.get_by_label("New custom skill: \"dbt\".");
    assert!(h.query_by_label_contains("ignored column").is_none());
    h.get_by_label("Laura Chen (Data Engineering), dbt: Practitioner");
    // Nothing is created by the preview.
    assert!(
        h.state()
            .core()
            .snapshot()
            .framework
            .skill_named("dbt")
            .is_none()
    );
    h.get_by_label("Import").click();
    h.run();
    let snap = h.state().core().read_back().unwrap();
    let dbt = snap
        .framework
        .skill_named("dbt")
        .expect("created by the import");
    let team = snap.team_named("Data Engineering").unwrap().id;
    let laura = snap.member_named(team, "Laura Chen").unwrap();
    assert_eq!(laura.ratings[&dbt].level, Level::Practitioner);
}

#[test]
fn a_framework_update_is_previewed_applied_and_undone_in_the_window() {
    let tmp = super::Tmp::new();
    let file = tmp.path("release.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&capmatrix::model::Framework::ddat().unwrap().to_json()).unwrap();
    doc["version"] = "2026-06-01".into();
    doc["renamed"] = serde_json::json!({"Testing": "Testing and quality assurance"});
    for s in doc["skills"].as_array_mut().unwrap() {
        if s["name"] == "Testing" {
            s["name"] = "Testing and quality assurance".into();
        }
    }
    for f in doc["families"].as_array_mut().unwrap() {
        for r in f["roles"].as_array_mut().unwrap() {
            for l in r["levels"].as_array_mut().unwrap() {
                for q in l["requires"].as_array_mut().unwrap() {
                    if q["skill"] == "Testing" {
                        q["skill"] = "Testing and quality assurance".into();
                    }
                }
            }
        }
    }
    std::fs::write(&file, serde_json::to_string(&doc).unwrap()).unwrap();
    let mut h = harness(sample_core());
    open_skills_menu_item(&mut h, "Update framework...");
    h.event(egui::Event::Text(file.display().to_string()));
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("renamed: Testing -> Testing and quality assurance (9 ratings)");
    h.get_by_label_contains(
        "Updating to Digital and Data Profession Capability Framework 2026-06-01",
    );
    // The preview changes nothing.
    assert!(
        h.state()
            .core()
            .snapshot()
            .framework
            .skill_named("Testing")
            .is_some()
    );
    h.get_by_label("Apply update").click();
    h.run();
    h.get_by_label("Sort by Testing and quality assurance");
    h.get_by_label("Priya Shah, Testing and quality assurance: Working");
    assert_eq!(
        h.state().core().snapshot().framework.version.as_deref(),
        Some("2026-06-01")
    );
    h.get_by_label("Undo").click();
    h.run();
    h.get_by_label("Priya Shah, Testing: Working");
    assert_eq!(
        *h.state().core().snapshot(),
        h.state().core().read_back().unwrap()
    );
}

#[test]
fn the_organisation_view_lists_teams_against_their_targets_and_a_click_opens_one() {
    let mut h = harness(two_team_core());
    h.get_by_label("Organisation").click();
    h.run();
    assert!(h.state().state().org_view);
    // Platform: two data engineers, Testing covered by one at the target level: a single
    // point of failure, said in words.
    let snap = h.state().core().snapshot();
    let platform = snap.team_named("Platform").unwrap().id;
    let testing = snap.framework.skill_named("Testing").unwrap();
    let a = capmatrix::model::analysis::analyse(snap, capmatrix::model::Scope::Team(platform));
    let c = a.skills.iter().find(|c| c.skill == testing).unwrap();
    let words = format!(
        "Platform, Testing: {} of {} at {} or above",
        c.covered, c.target.count, c.target.level
    );
    h.get_by_label_contains(&words);
    // The summary row counts the teams short in each skill.
    let summary: Vec<_> = h
        .query_all_by_label_contains("teams short of their target")
        .collect();
    assert!(summary.len() >= 11, "a summary per skill column");
    // Sorting by a skill's shortfall, then a click on a team opens it in the matrix.
    h.get_by_label("Testing").click();
    h.run();
    assert_eq!(
        h.state().state().org_sort,
        capmatrix::ui::OrgSort::Skill(testing)
    );
    assert!(!h.state().state().org_reverse);
    // A second click turns the order round.
    h.get_by_label("Testing").click();
    h.run();
    assert!(h.state().state().org_reverse);
    h.get_by_label("Open Platform").click();
    h.run();
    assert!(!h.state().state().org_view);
    assert_eq!(h.state().state().team, Some(platform));
    let names = names_in_view(&h);
    assert_eq!(names, ["Aaron Abbot", "Zed Zephyr"]);
}

#[test]
fn what_if_someone_leaves_shows_the_plan_beside_today_and_changes_nothing() {
    let mut h = harness(sample_core());
    let snap = h.state().core().snapshot().clone();
    let team = snap.team_named("Data Engineering").unwrap().id;
    h.state_mut().state_mut().team = Some(team);
    h.run();
    // A skill two people cover today: without one of them it rests on the other.
    let a = capmatrix::model::analysis::analyse(&snap, capmatrix::model::Scope::Team(team));
    let c = a
        .skills
        .iter()
        .find(|c| c.covered == 2 && c.target.count == 2)
        .expect("the sample team has a skill covered by exactly two");
    let skill = snap.framework.skill(c.skill).name.clone();
    let leaver = snap.member(c.covered_by[0]).unwrap().name.clone();
    let before = h.state().core().read_back().unwrap();

    h.get_by_label("What if...").click();
    h.run();
    assert!(h.state().state().what_if.is_some());
    h.get_by_label(&leaver).click_secondary();
    h.run();
    h.get_by_label("What if they left").click();
    h.run();
    // The banner, the matrix without them, and the comparison with today.
    h.get_by_label("WHAT IF");
    h.get_by_label(&format!("{leaver}  x"));
    assert!(!names_in_view(&h).contains(&leaver));
    h.get_by_label_contains(&format!(
        "{skill}: 2/2 -> 1/2  NEW SHORTFALL, NEW single point of failure"
    ));
    assert!(
        h.query_all_by_label_contains("; today 2 of 2")
            .next()
            .is_some(),
        "the coverage row shows today's figure beside the plan's"
    );
    // Nothing can be changed: a level typed on a cell is not applied.
    let first = h.state().visible_rows()[0];
    let testing = snap.framework.skill_named("Testing").unwrap();
    h.state_mut().state_mut().selected = Some((first, testing));
    h.run();
    h.key_press(egui::Key::Num4);
    h.run();
    // Nor undone: Ctrl+Z would take back the import that made the team.
    assert!(h.state().core().undo_label().is_some());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    h.state_mut().run(capmatrix::ui::Command::Undo);
    h.run();
    assert!(
        h.state()
            .state()
            .notice
            .as_ref()
            .is_some_and(|n| n.text.starts_with("What if: nothing can be changed"))
    );
    // A hire at Lead data engineer, through the banner's picker.
    // The picker is the second thing labelled "Hire at:" (after the label itself).
    h.query_all_by_label("Hire at:").last().unwrap().click();
    h.run();
    h.get_by_label("Lead data engineer").click();
    h.run();
    h.get_by_label("Add hire").click();
    h.run();
    h.get_by_label("New hire 1 (Lead data engineer)  x");
    // The hire is a row of the matrix (a negative id: never a real member).
    assert!(
        h.state()
            .visible_rows()
            .contains(&capmatrix::model::MemberId(-1))
    );
    // Ending it brings back today; the database never changed.
    h.get_by_label("End what-if").click();
    h.run();
    assert!(h.state().state().what_if.is_none());
    assert!(names_in_view(&h).contains(&leaver));
    assert_eq!(h.state().core().read_back().unwrap(), before);
}

/// The view after edits, updated member by member, equals one built afresh.
fn assert_view_is_fresh(h: &Harness<'static, CapmatrixApp>) {
    let app = h.state();
    let mut fresh = capmatrix::ui::View::default();
    fresh.refresh(app.core().snapshot(), app.core().generation(), app.state());
    let v = app.view();
    assert_eq!(v.rows, fresh.rows);
    assert_eq!(v.skills, fresh.skills);
    assert_eq!(v.analysis, fresh.analysis);
    assert_eq!(v.coverage, fresh.coverage);
    assert_eq!(v.below_role, fresh.below_role);
    assert_eq!(v.teams_meeting, fresh.teams_meeting);
    assert_eq!(v.due, fresh.due);
}

#[test]
fn after_each_rating_edit_the_view_updated_in_place_equals_a_fresh_one() {
    use capmatrix::core::Action;
    let mut core = Core::open_in_memory().unwrap();
    capmatrix::demo::add_demo(&mut core, 120, 4, 5).unwrap();
    let mut h = harness(core);
    let mut rng = fastrand::Rng::with_seed(11);
    for team_view in [false, true] {
        if team_view {
            let t = h.state().core().snapshot().teams().next().unwrap().id;
            h.state_mut().state_mut().team = Some(t);
        } else {
            h.state_mut().state_mut().team = None;
        }
        h.run();
        let rebuilds = h.state().view().rebuilds;
        for step in 0..40 {
            let rows = h.state().visible_rows().to_vec();
            let skills = h.state().view().skills.clone();
            let member = rows[rng.usize(..rows.len())];
            let skill = skills[rng.usize(..skills.len())];
            let action = if step % 5 == 4 {
                Action::ClearRating { member, skill }
            } else {
                Action::SetRating {
                    member,
                    skill,
                    level: Level::ALL[rng.usize(..5)],
                    note: String::new(),
                    interested: false,
                    on: None,
                }
            };
            h.state_mut().run(capmatrix::ui::Command::Apply(action));
            h.run();
            assert_view_is_fresh(&h);
        }
        assert_eq!(
            h.state().view().rebuilds,
            rebuilds,
            "edits update the view in place"
        );
    }
}

#[test]
fn the_level_editor_takes_an_assessment_date_and_an_older_one_is_history() {
    let mut h = harness(sample_core());
    // Rhys has no Data innovation rating: a level given with a date is assessed then.
    h.get_by_label("Rhys Evans, Data innovation: not rated, needs Awareness")
        .click();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("Assessed on").click();
    h.run();
    h.get_by_label("Assessed on").type_text("2026-01-31");
    h.run();
    h.get_by_label("W Working").click();
    h.run();
    let snap = h.state().core().snapshot().clone();
    let team = snap.team_named("Data Engineering").unwrap().id;
    let skill = snap.framework.skill_named("Data innovation").unwrap();
    let rhys = snap.member_named(team, "Rhys Evans").unwrap().id;
    let r = snap.member(rhys).unwrap().ratings[&skill].clone();
    assert_eq!(r.level, Level::Working);
    assert_eq!(
        r.assessed_on,
        capmatrix::model::Date::new(2026, 1, 31).unwrap()
    );

    // An older assessment beside it: the editor says so, and it goes to history only.
    h.get_by_label("Rhys Evans, Data innovation: Working")
        .click();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("Assessed on").click();
    h.run();
    h.get_by_label("Assessed on").type_text("2025-06-30");
    h.run();
    h.get_by_label_contains("recorded in history on 2025-06-30");
    h.get_by_label("A Awareness").click();
    h.run();
    let now = h.state().core().snapshot().member(rhys).unwrap().ratings[&skill].clone();
    assert_eq!(now, r, "the current rating stays");
    let history = h.state().core().history(rhys, Some(skill)).unwrap();
    assert!(history.iter().any(|e| e.level == Some(Level::Awareness)
        && e.assessed_on == capmatrix::model::Date::new(2025, 6, 30).unwrap()));

    // A date in the future is refused in place: no level can be set with it.
    h.get_by_label("Rhys Evans, Data innovation: Working")
        .click();
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("Assessed on").click();
    h.run();
    h.get_by_label("Assessed on").type_text("2999-01-01");
    h.run();
    h.get_by_label_contains("is in the future");
    h.get_by_label("E Expert").click();
    h.run();
    let after = h.state().core().snapshot().member(rhys).unwrap().ratings[&skill].clone();
    assert_eq!(after, r);
}

#[test]
fn interest_from_a_self_assessment_shows_in_the_gap_cards_as_their_own_view() {
    let mut core = sample_core();
    let snap = core.snapshot().clone();
    let team = snap.team_named("Data Engineering").unwrap().id;
    let gap = capmatrix::model::analysis::analyse(&snap, capmatrix::model::Scope::Team(team))
        .gaps()
        .next()
        .unwrap()
        .clone();
    let who = snap
        .team_members(team)
        .into_iter()
        .find(|m| !gap.interested.contains(&m.id))
        .unwrap()
        .clone();
    core.apply(capmatrix::core::Action::SetSelfRating {
        member: who.id,
        skill: gap.skill,
        level: Level::Working,
        note: String::new(),
        interested: true,
        on: None,
    })
    .unwrap();
    let mut h = harness(core);
    h.state_mut().state_mut().team = Some(team);
    h.run();
    h.get_by_label_contains(&format!("{} (own view)", who.name));
}

#[test]
fn the_import_dialog_asks_whose_ratings_and_a_self_assessment_never_overwrites_the_leads() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("own.csv");
    std::fs::write(
        &file,
        "Member,Team,Role level,Testing\nLaura Chen,Data Engineering,Lead data engineer,Awareness\n",
    )
    .unwrap();
    let mut h = harness(sample_core());
    let before = h.state().core().snapshot().clone();
    h.get_by_label("Import...").click();
    h.run();
    h.event(egui::Event::Text(file.display().to_string()));
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("Their own (a self-assessment)").click();
    h.run();
    let Some(capmatrix::ui::Dialog::Import(d)) = &h.state().state().dialog else {
        panic!("no import dialog")
    };
    let Some(Ok(report)) = d.preview.as_ref().map(|p| &p.result) else {
        panic!("no preview")
    };
    assert_eq!(report.summary.ratings_changed, 0, "{:?}", report.summary);
    assert_eq!(report.summary.own_ratings_set, 1, "{:?}", report.summary);
    h.get_by_label("Import").click();
    h.run();
    let snap = h.state().core().snapshot();
    let team = snap.team_named("Data Engineering").unwrap().id;
    let laura = snap.member_named(team, "Laura Chen").unwrap();
    let testing = snap.framework.skill_named("Testing").unwrap();
    let was = before.member(laura.id).unwrap();
    assert_eq!(laura.ratings, was.ratings, "the lead's ratings untouched");
    assert_eq!(laura.self_ratings[&testing].level, Level::Awareness);
}

#[test]
fn an_as_of_view_exports_that_dates_matrix_and_a_what_if_cannot_be_exported() {
    let tmp = super::Tmp::new();
    let mut core = sample_core();
    // Last year, Laura Chen was a Working tester; today she is rated as the sample says.
    let snap = core.snapshot().clone();
    let team = snap.team_named("Data Engineering").unwrap().id;
    let laura = snap.member_named(team, "Laura Chen").unwrap().id;
    let testing = snap.framework.skill_named("Testing").unwrap();
    let date = capmatrix::model::Date::new(2025, 6, 30).unwrap();
    core.apply(capmatrix::core::Action::SetRating {
        member: laura,
        skill: testing,
        level: Level::Awareness,
        note: String::new(),
        interested: false,
        on: Some(capmatrix::model::Date::new(2025, 1, 15).unwrap()),
    })
    .unwrap();
    let expected = {
        let file = tmp.path("cli.csv");
        capmatrix::transfer::export_file_as_of(
            &core,
            &file,
            capmatrix::io::ExportOptions {
                scope: capmatrix::model::Scope::Team(team),
                format: capmatrix::io::ExportFormat::Wide,
                levels: capmatrix::io::LevelStyle::Names,
                source: Default::default(),
            },
            false,
            Some(date),
        )
        .unwrap();
        std::fs::read(&file).unwrap()
    };
    let mut h = harness(core);
    h.state_mut().state_mut().team = Some(team);
    h.state_mut().state_mut().as_of = Some(date);
    h.run();
    h.get_by_label("Export...").click();
    h.run();
    let Some(capmatrix::ui::Dialog::Export(d)) = &h.state().state().dialog else {
        panic!("no export dialog")
    };
    assert!(
        d.path
            .ends_with("Data Engineering skills as of 2025-06-30.csv"),
        "{}",
        d.path
    );
    h.get_by_label_contains("The matrix as of 2025-06-30");
    let target = tmp.path("as-of.csv");
    let file = h.get_by_label("File:");
    file.focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label("File:").type_text(target.to_str().unwrap());
    h.run();
    h.get_by_label("Export").click();
    h.run();
    assert_eq!(std::fs::read(&target).unwrap(), expected);
    assert!(String::from_utf8(expected).unwrap().contains("Awareness"));

    // In a what-if, the plan is not data: export and pictures are disabled.
    h.state_mut().state_mut().as_of = None;
    h.state_mut().state_mut().toggle_what_if();
    h.run();
    assert!(h.get_by_label("Export...").accesskit_node().is_disabled());
    assert!(
        h.get_by_label("Save picture...")
            .accesskit_node()
            .is_disabled()
    );
}

#[test]
fn the_organisation_view_sorts_skills_short_by_skills_short_then_people_missing() {
    use capmatrix::core::Action;
    use capmatrix::model::Target;
    let mut core = Core::open_in_memory().unwrap();
    let working = |count| {
        Some(Target {
            level: Level::Working,
            count,
        })
    };
    // Wide: three skills short by one person each (3 missing). Deep: two skills short by two
    // each (4 missing). Nobody has a role level, so the targets are the teams' only skills.
    let mut add = |team: &str, targets: &[(&str, u32)]| {
        let t = super::core::team(&mut core, team);
        super::core::member(&mut core, t, &format!("{team} lead"), "none");
        for &(skill, count) in targets {
            let skill = super::core::skill(&core, skill);
            core.apply(Action::SetTarget {
                team: t,
                skill,
                target: working(count),
            })
            .unwrap();
        }
    };
    add(
        "Wide",
        &[
            ("Testing", 1),
            ("Data modelling", 1),
            ("Data innovation", 1),
        ],
    );
    add("Deep", &[("Testing", 2), ("Data modelling", 2)]);
    let table = capmatrix::ui::OrgTable::build(
        core.snapshot(),
        (capmatrix::ui::OrgSort::Short, false),
        &Default::default(),
    );
    let order: Vec<(&str, usize, u32)> = table
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.short, r.missing()))
        .collect();
    assert_eq!(order, [("Wide", 3, 3), ("Deep", 2, 4)]);
}

#[test]
fn a_skill_the_team_tracks_with_a_target_is_drawn_in_full_not_faded() {
    use capmatrix::core::Action;
    let mut core = sample_core();
    let snap = core.snapshot().clone();
    let team = snap.team_named("Data Engineering").unwrap().id;
    let tom = snap.member_named(team, "Tom Fletcher").unwrap().id;
    core.apply(Action::AddSkill {
        text: capmatrix::model::framework_edit::SkillText::named("dbt"),
    })
    .unwrap();
    let dbt = core.snapshot().framework.skill_named("dbt").unwrap();
    super::core::rate(&mut core, tom, dbt, Level::Practitioner);
    let member = core.snapshot().member(tom).unwrap().clone();
    assert!(!capmatrix::ui::drawn_in_full(core.snapshot(), &member, dbt));
    core.apply(Action::SetTarget {
        team,
        skill: dbt,
        target: Some(capmatrix::model::Target {
            level: Level::Working,
            count: 2,
        }),
    })
    .unwrap();
    assert!(capmatrix::ui::drawn_in_full(core.snapshot(), &member, dbt));
}
