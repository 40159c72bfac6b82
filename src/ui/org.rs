//! The Organisation view: teams as rows, skills as columns, each cell a team's coverage of a
//! skill against its own target (covered/target, coloured short, single point of failure or
//! met, the words in the cell and its tooltip so nothing rests on colour), a summary row per
//! skill (teams short, people covering across the organisation), sortable by any column;
//! a click opens the team. Only the rows in view are drawn, so 5,000 teams cost what 20 do.

use super::{Frame, OrgSort, UiState, theme};
use crate::model::analysis::{self, Scope};
use crate::model::{SkillId, Snapshot, TeamId};
use egui::{Align2, Color32, FontId, Rect, RichText, Sense, Ui, pos2, vec2};

/// A team's coverage of one skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgCell {
    /// People at or above the target level.
    pub covered: u32,
    /// The target.
    pub target: crate::model::Target,
    /// Target count minus covered.
    pub shortfall: u32,
    /// Exactly one person covers it.
    pub single_point_of_failure: bool,
}

/// One team's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRow {
    /// The team.
    pub team: TeamId,
    /// Its name.
    pub name: String,
    /// Its current members.
    pub members: usize,
    /// By column (`None`: the team has no target in the skill).
    pub cells: Vec<Option<OrgCell>>,
    /// Skills short of target.
    pub short: usize,
    /// Skills resting on one person.
    pub single: usize,
    /// Where a rolled-up team came from: its team file and that file's time.
    pub source: Option<(String, String)>,
}

impl OrgRow {
    /// People missing across the team's targets (the sum of its shortfalls).
    pub fn missing(&self) -> u32 {
        self.cells.iter().flatten().map(|c| c.shortfall).sum()
    }
}

/// A skill across the organisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrgSummary {
    /// Teams short of their target in it.
    pub teams_short: usize,
    /// Teams with a target in it.
    pub teams_with: usize,
    /// Teams resting on one person in it.
    pub teams_single: usize,
    /// People covering it across the organisation (each at their own team's target level).
    pub people: u32,
}

/// The Organisation view's data, built from the snapshot when it changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgTable {
    /// Skill columns: every skill some team has a target in, the framework's order.
    pub skills: Vec<SkillId>,
    /// Teams with members, in the order asked for.
    pub rows: Vec<OrgRow>,
    /// Per column.
    pub summary: Vec<OrgSummary>,
    /// Teams without members (not listed).
    pub empty_teams: usize,
}

impl OrgTable {
    /// Every team's coverage, ordered by `sort`.
    pub fn build(
        snapshot: &Snapshot,
        (sort, reverse): (OrgSort, bool),
        sources: &std::collections::HashMap<TeamId, (String, String)>,
    ) -> OrgTable {
        let mut per_team = Vec::new();
        let mut used = std::collections::BTreeSet::new();
        let mut empty_teams = 0;
        for team in snapshot.teams() {
            if team.members.is_empty() {
                empty_teams += 1;
                continue;
            }
            let a = analysis::analyse(snapshot, Scope::Team(team.id));
            used.extend(a.skills.iter().map(|c| c.skill));
            per_team.push((team, a));
        }
        let skills: Vec<SkillId> = snapshot
            .framework
            .skills_in_order()
            .map(|s| s.id)
            .filter(|s| used.contains(s))
            .collect();
        let column: std::collections::HashMap<SkillId, usize> =
            skills.iter().enumerate().map(|(i, &s)| (s, i)).collect();
        let mut summary = vec![OrgSummary::default(); skills.len()];
        let mut rows: Vec<OrgRow> = per_team
            .into_iter()
            .map(|(team, a)| {
                let mut cells = vec![None; skills.len()];
                for c in &a.skills {
                    let Some(&i) = column.get(&c.skill) else {
                        continue;
                    };
                    cells[i] = Some(OrgCell {
                        covered: c.covered,
                        target: c.target,
                        shortfall: c.shortfall,
                        single_point_of_failure: c.single_point_of_failure,
                    });
                    let s = &mut summary[i];
                    s.teams_with += 1;
                    s.teams_short += usize::from(c.shortfall > 0);
                    s.teams_single += usize::from(c.single_point_of_failure);
                    s.people += c.covered;
                }
                OrgRow {
                    source: sources.get(&team.id).cloned(),
                    team: team.id,
                    name: team.name.clone(),
                    members: team.members.len(),
                    short: a.skills.iter().filter(|c| c.shortfall > 0).count(),
                    single: a
                        .skills
                        .iter()
                        .filter(|c| c.single_point_of_failure)
                        .count(),
                    cells,
                }
            })
            .collect();
        let by_name = |a: &OrgRow, b: &OrgRow| {
            crate::model::natural_key(&a.name).cmp(&crate::model::natural_key(&b.name))
        };
        match sort {
            OrgSort::Name => rows.sort_by(by_name),
            OrgSort::Members => rows.sort_by(|a, b| b.members.cmp(&a.members).then(by_name(a, b))),
            // What the column says: skills short first; people missing in all break ties,
            // then skills resting on one person.
            OrgSort::Short => rows.sort_by(|a, b| {
                (b.short, b.missing(), b.single)
                    .cmp(&(a.short, a.missing(), a.single))
                    .then(by_name(a, b))
            }),
            OrgSort::Skill(s) => {
                let i = column.get(&s).copied();
                let key = |r: &OrgRow| {
                    i.and_then(|i| r.cells[i])
                        .map_or((0, false), |c| (c.shortfall, c.single_point_of_failure))
                };
                rows.sort_by(|a, b| key(b).cmp(&key(a)).then(by_name(a, b)));
            }
        }
        if reverse {
            rows.reverse();
        }
        OrgTable {
            skills,
            rows,
            summary,
            empty_teams,
        }
    }
}

fn cell_colours(c: &OrgCell) -> (Color32, Color32, &'static str) {
    theme::coverage_style(c.single_point_of_failure, c.shortfall, "")
}

/// What a cell says in words (its tooltip and its accessible label).
fn cell_words(team: &str, skill: &str, c: &OrgCell) -> String {
    theme::coverage_words(
        &format!("{team}, {skill}"),
        c.covered,
        c.target,
        c.shortfall,
        c.single_point_of_failure,
    )
}

/// The central panel in the Organisation view.
pub fn org_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState) {
    let Some(table) = f.org else {
        return;
    };
    let fw = &f.snapshot.framework;
    ui.horizontal_wrapped(|ui| {
        ui.heading("Organisation");
        ui.label(format!(
            "{} with members{}; {} short of a target somewhere. Cells: people covering / target. Click a team to open it.",
            crate::model::plural(table.rows.len(), "team", "teams"),
            if table.empty_teams > 0 {
                format!(" ({} empty not shown)", table.empty_teams)
            } else {
                String::new()
            },
            table.rows.iter().filter(|r| r.short > 0).count()
        ));
        if ui.button("Back to the matrix").clicked() {
            state.org_view = false;
        }
    });
    ui.add_space(4.0);
    let fixed = theme::ORG_TEAM_WIDTH + theme::ORG_MEMBERS_WIDTH + theme::ORG_MEMBERS_WIDTH;
    let row_h = theme::ROW_HEIGHT;
    // The team columns stay put; the skill columns move sideways under them (a slider and
    // sideways scrolling), so a team's name is always beside its cells, as in the matrix.
    let width = ui.available_width().max(fixed + theme::ORG_CELL_WIDTH);
    let cells_width = width - fixed;
    let max_scroll = (theme::ORG_CELL_WIDTH * table.skills.len() as f32 - cells_width).max(0.0);
    let table_rect = ui.available_rect_before_wrap();
    if ui.rect_contains_pointer(table_rect) {
        let dx = ui.input(|i| i.smooth_scroll_delta.x);
        state.org_h_scroll -= dx;
    }
    state.org_h_scroll = state.org_h_scroll.clamp(0.0, max_scroll);
    let cols = Cols {
        fixed,
        cells_width,
        h_scroll: state.org_h_scroll,
        count: table.skills.len(),
    };

    // Header: sortable columns.
    let (header, _) = ui.allocate_exact_size(vec2(width, theme::ORG_HEADER_HEIGHT), Sense::hover());
    let mut sort_button = |ui: &mut Ui, r: Rect, label: &str, sort: OrgSort, hover: String| {
        let active = state.org_sort == sort;
        let text = if active {
            RichText::new(label).small().strong()
        } else {
            RichText::new(label).small()
        };
        let resp = ui
            .put(
                r.shrink2(vec2(1.0, 8.0)),
                egui::Button::new(text).wrap().frame(false),
            )
            .on_hover_text(hover);
        if active {
            super::heatmap::paint_sort_arrow(
                ui.painter(),
                pos2(r.center().x, r.bottom() - 4.0),
                !state.org_reverse,
            );
        }
        if resp.clicked() {
            // A second click on the same column turns the order round.
            state.org_reverse = active && !state.org_reverse;
            state.org_sort = sort;
        }
    };
    let h = header.height();
    let at =
        |x: f32, w: f32| Rect::from_min_size(pos2(header.left() + x, header.top()), vec2(w, h));
    sort_button(
        ui,
        at(0.0, theme::ORG_TEAM_WIDTH),
        "Team",
        OrgSort::Name,
        "Sort by name".into(),
    );
    sort_button(
        ui,
        at(theme::ORG_TEAM_WIDTH, theme::ORG_MEMBERS_WIDTH),
        "Members",
        OrgSort::Members,
        "Sort by size, largest first".into(),
    );
    sort_button(
        ui,
        at(
            theme::ORG_TEAM_WIDTH + theme::ORG_MEMBERS_WIDTH,
            theme::ORG_MEMBERS_WIDTH,
        ),
        "Skills short",
        OrgSort::Short,
        "Sort by people missing, then skills short, most first".into(),
    );
    ui.scope(|ui| {
        ui.set_clip_rect(cols.clip(header).intersect(ui.clip_rect()));
        for i in cols.visible() {
            let s = table.skills[i];
            let name = &fw.skill(s).name;
            sort_button(
                ui,
                cols.cell(header, i),
                name,
                OrgSort::Skill(s),
                format!("{name}: sort by shortfall, most first"),
            );
        }
    });

    // Summary row: the organisation per skill.
    let (sum, _) = ui.allocate_exact_size(vec2(width, row_h * 1.6), Sense::hover());
    let painter = ui.painter_at(sum);
    painter.rect_filled(sum, 0.0, ui.visuals().faint_bg_color);
    painter.text(
        pos2(sum.left() + 6.0, sum.center().y),
        Align2::LEFT_CENTER,
        "All teams: teams short of target; people covering",
        FontId::proportional(11.5),
        ui.visuals().strong_text_color(),
    );
    let cells_painter = painter.with_clip_rect(cols.clip(sum));
    for i in cols.visible() {
        let (s, summary) = (table.skills[i], &table.summary[i]);
        let r = cols.cell(sum, i);
        let colour = if summary.teams_short > 0 {
            theme::FELL
        } else {
            ui.visuals().text_color()
        };
        // Words, not "2/150": the cells below use n/m for people / target.
        cells_painter.text(
            pos2(r.center().x, r.top() + 2.0),
            Align2::CENTER_TOP,
            format!("{} short", summary.teams_short),
            FontId::proportional(12.5),
            colour,
        );
        cells_painter.text(
            pos2(r.center().x, r.bottom() - 2.0),
            Align2::CENTER_BOTTOM,
            format!("{} people", summary.people),
            FontId::proportional(10.5),
            ui.visuals().weak_text_color(),
        );
        let words = format!(
            "{}: {} of {} teams short of their target, {} resting on one person; {} people cover it across the organisation",
            fw.skill(s).name,
            summary.teams_short,
            summary.teams_with,
            summary.teams_single,
            summary.people
        );
        let resp = ui.interact(
            r.intersect(cols.clip(sum)),
            egui::Id::unique(("org_sum", s)),
            Sense::hover(),
        );
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &words));
        resp.on_hover_text(words);
    }
    let slider_h = if max_scroll > 0.0 { 28.0 } else { 0.0 };
    egui::ScrollArea::vertical()
        .id_salt("org_v")
        .auto_shrink([false, false])
        .max_height((ui.available_height() - slider_h).max(row_h))
        .show_rows(ui, row_h, table.rows.len(), |ui, range| {
            for row in &table.rows[range] {
                org_row_ui(ui, f, state, table, row, &cols, width);
            }
        });
    if max_scroll > 0.0 {
        ui.horizontal(|ui| {
            ui.add_space(fixed);
            let label = ui.weak("Scroll skills");
            ui.spacing_mut().slider_width = (cells_width - 120.0).max(60.0);
            ui.add(egui::Slider::new(&mut state.org_h_scroll, 0.0..=max_scroll).show_value(false))
                .labelled_by(label.id);
        });
    }
}

/// Where the skill columns are: after the fixed team columns, moved sideways by the scroll.
struct Cols {
    fixed: f32,
    cells_width: f32,
    h_scroll: f32,
    count: usize,
}

impl Cols {
    /// Skill column `i` within a row or header spanning `row`.
    fn cell(&self, row: Rect, i: usize) -> Rect {
        Rect::from_min_size(
            pos2(
                row.left() + self.fixed + i as f32 * theme::ORG_CELL_WIDTH - self.h_scroll,
                row.top(),
            ),
            vec2(theme::ORG_CELL_WIDTH, row.height()),
        )
    }

    /// The part of `row` the skill columns show through.
    fn clip(&self, row: Rect) -> Rect {
        Rect::from_min_size(
            pos2(row.left() + self.fixed, row.top()),
            vec2(self.cells_width, row.height()),
        )
    }

    /// The skill columns at least partly in view.
    fn visible(&self) -> std::ops::Range<usize> {
        let first = (self.h_scroll / theme::ORG_CELL_WIDTH).floor() as usize;
        let last = ((self.h_scroll + self.cells_width) / theme::ORG_CELL_WIDTH).ceil() as usize;
        first.min(self.count)..last.min(self.count)
    }
}

fn org_row_ui(
    ui: &mut Ui,
    f: &Frame<'_>,
    state: &mut UiState,
    table: &OrgTable,
    row: &OrgRow,
    cols: &Cols,
    width: f32,
) {
    let fixed = cols.fixed;
    let fw = &f.snapshot.framework;
    let (rect, _) = ui.allocate_exact_size(vec2(width, theme::ROW_HEIGHT), Sense::hover());
    let name_rect = Rect::from_min_size(rect.min, vec2(theme::ORG_TEAM_WIDTH, rect.height()));
    let painter = ui.painter_at(rect);
    let text = ui.visuals().text_color();
    let open = format!("Open {}", row.name);
    let hover = match &row.source {
        Some((file, time)) => match file.strip_prefix("merged:\n") {
            Some(files) => format!("{open}\nMerged from {}", files.replace('\n', ", ")),
            None => format!("{open}\nRolled up from {file} (saved {time})"),
        },
        None => open.clone(),
    };
    let resp = ui.interact(
        name_rect,
        egui::Id::unique(("org_team", row.team)),
        Sense::click(),
    );
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &open));
    let galley = painter.layout_no_wrap(
        row.name.clone(),
        FontId::proportional(13.5),
        if resp.hovered() {
            ui.visuals().strong_text_color()
        } else {
            text
        },
    );
    painter.with_clip_rect(name_rect.shrink(2.0)).galley(
        pos2(
            name_rect.left() + 6.0,
            name_rect.center().y - galley.size().y / 2.0,
        ),
        galley,
        text,
    );
    if resp.hovered() {
        ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
    }
    if resp.on_hover_text(hover).clicked() {
        state.team = Some(row.team);
        state.org_view = false;
        state.selected = None;
    }
    painter.text(
        pos2(
            rect.left() + theme::ORG_TEAM_WIDTH + theme::ORG_MEMBERS_WIDTH - 8.0,
            rect.center().y,
        ),
        Align2::RIGHT_CENTER,
        row.members.to_string(),
        FontId::proportional(12.5),
        text,
    );
    painter.text(
        pos2(rect.left() + fixed - 8.0, rect.center().y),
        Align2::RIGHT_CENTER,
        row.short.to_string(),
        FontId::proportional(12.5),
        if row.short > 0 { theme::FELL } else { text },
    );
    let clip = cols.clip(rect);
    let painter = painter.with_clip_rect(clip);
    for i in cols.visible() {
        let cell = &row.cells[i];
        let r = cols.cell(rect, i);
        let Some(c) = cell else {
            painter.text(
                r.center(),
                Align2::CENTER_CENTER,
                "·",
                FontId::proportional(12.0),
                ui.visuals().weak_text_color(),
            );
            continue;
        };
        let (fill, ink, mark) = cell_colours(c);
        painter.rect_filled(r.shrink(1.0), 2.0, fill);
        painter.text(
            r.center(),
            Align2::CENTER_CENTER,
            format!("{}/{}{mark}", c.covered, c.target.count),
            FontId::proportional(12.5),
            ink,
        );
        let words = cell_words(&row.name, &fw.skill(table.skills[i]).name, c);
        let resp = ui.interact(
            r.intersect(clip),
            egui::Id::unique(("org_cell", row.team, i)),
            Sense::click(),
        );
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &words));
        if resp.clicked() {
            state.team = Some(row.team);
            state.org_view = false;
        }
        resp.on_hover_text(words);
    }
}
