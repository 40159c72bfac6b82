//! The heatmap: one row per member, one column per skill, drawing only the rows in view (so a
//! frame costs the same for 100 members as for 10,000). Header, name columns and the coverage
//! footer stay put while the cells scroll. Click, arrows, Tab, 0-4, A/W/P/E, Delete and Enter
//! edit at spreadsheet speed; every edit is a [`Command::Apply`].

use super::theme::{
    self, CELL_WIDTH, HEADER_HEIGHT, NAME_WIDTH, ROLE_WIDTH, ROW_HEIGHT, TOTAL_WIDTH,
};
use super::{Command, Frame, SortKey, UiState};
use crate::core::Action;
use crate::model::analysis::{Fit, member_fit};
use crate::model::{Level, Member, MemberId, SkillId, Snapshot};
use egui::{Align2, Color32, FontId, Id, Rect, Sense, Stroke, StrokeKind, Ui, Vec2, pos2, vec2};

const FIXED_WIDTH: f32 = NAME_WIDTH + ROLE_WIDTH + TOTAL_WIDTH;
const FOOTER_ROWS: f32 = 2.0;

/// A short column label for a skill.
pub fn short_label(name: &str) -> String {
    let known = [
        (
            "Communicating between the technical and non-technical",
            "Comms",
        ),
        ("Data analysis and synthesis", "Analysis"),
        ("Data development process", "Dev process"),
        ("Data innovation", "Innovation"),
        ("Data integration design", "Integration"),
        ("Data modelling", "Modelling"),
        ("Metadata management", "Metadata"),
        ("Problem management", "Problems"),
        ("Programming and build (data engineering)", "Build"),
        ("Technical understanding", "Tech"),
        ("Testing", "Testing"),
    ];
    if let Some((_, short)) = known.iter().find(|(n, _)| *n == name) {
        return (*short).to_string();
    }
    let mut out: String = name.chars().take(10).collect();
    if name.chars().count() > 10 {
        out.push('…');
    }
    out
}

/// Paints "not rated": a faint hatched cell with a dash, clearly unlike None's "0".
pub fn paint_not_rated(painter: &egui::Painter, rect: Rect, visuals: &egui::Visuals) {
    let line = visuals.weak_text_color().gamma_multiply(0.35);
    painter.rect_stroke(rect.shrink(1.0), 2.0, (1.0, line), StrokeKind::Inside);
    let mut x = rect.left() - rect.height();
    while x < rect.right() {
        let a = pos2(x.max(rect.left()), rect.bottom() - (x.max(rect.left()) - x));
        let end_x = (x + rect.height()).min(rect.right());
        let b = pos2(end_x, rect.bottom() - (end_x - x));
        painter.line_segment([a, b], Stroke::new(1.0, line));
        x += 8.0;
    }
    painter.text(
        rect.center(),
        Align2::CENTER_CENTER,
        "–",
        FontId::proportional(12.0),
        visuals.weak_text_color(),
    );
}

/// Paints the "below the role's requirement" mark: an orange triangle in the top-right corner.
pub fn paint_below_mark(painter: &egui::Painter, rect: Rect) {
    let s = 8.0;
    painter.add(egui::Shape::convex_polygon(
        vec![
            rect.right_top(),
            pos2(rect.right() - s, rect.top()),
            pos2(rect.right(), rect.top() + s),
        ],
        theme::BELOW,
        Stroke::NONE,
    ));
}

fn cell_label(snapshot: &Snapshot, m: &Member, skill: SkillId) -> String {
    let level = m
        .ratings
        .get(&skill)
        .map_or("not rated", |r| r.level.name());
    // What the colours and the corner mark say, in words, for screen readers.
    let gap = match member_fit(&snapshot.framework, m, skill) {
        Fit::Below { required, .. } | Fit::NotRated { required } => format!(", needs {required}"),
        _ => String::new(),
    };
    format!(
        "{}, {}: {level}{gap}",
        m.name,
        snapshot.framework.skill(skill).name
    )
}

fn paint_cell(
    ui: &Ui,
    painter: &egui::Painter,
    rect: Rect,
    snapshot: &Snapshot,
    m: &Member,
    skill: SkillId,
    gap_mode: bool,
) {
    let fw = &snapshot.framework;
    let fit = member_fit(fw, m, skill);
    let rating = m.ratings.get(&skill);
    let inner = rect.shrink(1.0);
    let required = matches!(fit, Fit::NotRequired)
        .then_some(false)
        .unwrap_or(true);
    if gap_mode {
        let (text, fill, color) = match fit {
            Fit::NotRequired => match rating {
                Some(r) => (
                    r.level.letter().to_string(),
                    theme::level_fill(r.level).gamma_multiply(0.35),
                    ui.visuals().text_color(),
                ),
                None => {
                    paint_not_rated(painter, inner, ui.visuals());
                    return;
                }
            },
            Fit::NotRated { .. } => ("?".to_string(), theme::gap_fill(-1), theme::gap_text(-1)),
            Fit::Below { by, .. } => (
                format!("-{by}"),
                theme::gap_fill(-(by as i8)),
                theme::gap_text(-(by as i8)),
            ),
            Fit::Meets { .. } => ("=".to_string(), theme::gap_fill(0), theme::gap_text(0)),
            Fit::Exceeds { by, .. } => (
                format!("+{by}"),
                theme::gap_fill(by as i8),
                theme::gap_text(by as i8),
            ),
        };
        painter.rect_filled(inner, 2.0, fill);
        painter.text(
            inner.center(),
            Align2::CENTER_CENTER,
            text,
            FontId::proportional(13.0),
            color,
        );
        return;
    }
    match rating {
        Some(r) => {
            let mut fill = theme::level_fill(r.level);
            let mut text = theme::level_text(r.level);
            if !required {
                // Skills the member's role does not require: shaded, not hidden.
                fill = fill.gamma_multiply(0.35);
                text = ui.visuals().text_color();
            }
            painter.rect_filled(inner, 2.0, fill);
            painter.text(
                inner.center(),
                Align2::CENTER_CENTER,
                r.level.letter(),
                FontId::proportional(13.0),
                text,
            );
            if r.interested {
                painter.circle_filled(
                    pos2(inner.left() + 5.0, inner.top() + 5.0),
                    2.5,
                    theme::SINGLE,
                );
            }
        }
        None => {
            if required {
                paint_not_rated(painter, inner, ui.visuals());
            } else {
                painter.rect_filled(inner, 2.0, ui.visuals().faint_bg_color);
            }
        }
    }
    if matches!(fit, Fit::Below { .. } | Fit::NotRated { .. }) {
        paint_below_mark(painter, inner);
    }
}

fn cell_tooltip(ui: &mut Ui, snapshot: &Snapshot, m: &Member, skill: SkillId) {
    let fw = &snapshot.framework;
    let s = fw.skill(skill);
    ui.strong(format!("{} — {}", m.name, s.name));
    let rating = m.ratings.get(&skill);
    ui.label(rating.map_or("Not rated".to_string(), |r| {
        format!("{} ({})", r.level.name(), r.rated_at.date())
    }));
    match member_fit(fw, m, skill) {
        Fit::NotRequired => ui.weak("Not required by their role level"),
        Fit::NotRated { required } | Fit::Below { required, .. } => {
            ui.colored_label(theme::BELOW, format!("needs {required}"))
        }
        Fit::Meets { required } => ui.label(format!("meets {required}")),
        Fit::Exceeds { required, .. } => ui.label(format!("above {required}")),
    };
    if let Some(r) = rating {
        if r.interested {
            ui.label("Interested in developing this skill");
        }
        if !r.note.is_empty() {
            ui.weak(&r.note);
        }
    }
}

/// The heatmap with its header, rows and coverage footer.
pub fn heatmap_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState, out: &mut Vec<Command>) {
    let view = f.view;
    let snapshot = f.snapshot;
    let grid_id = Id::unique("heatmap_grid");
    keyboard(ui, f, state, out, grid_id);

    let width = ui.available_width();
    let cells_width = (width - FIXED_WIDTH).max(CELL_WIDTH);
    let content = view.skills.len() as f32 * CELL_WIDTH;
    // A few points of overflow (scroll bar, rounding) are not worth a scroll bar.
    let max_scroll = if content - cells_width > 8.0 {
        content - cells_width
    } else {
        0.0
    };
    state.h_scroll = state.h_scroll.clamp(0.0, max_scroll);

    // Header.
    let (header, _) = ui.allocate_exact_size(vec2(width, HEADER_HEIGHT), Sense::hover());
    header_ui(ui, f, state, header, cells_width);

    // Rows, only those in view.
    let footer_height = FOOTER_ROWS * ROW_HEIGHT + if max_scroll > 0.0 { 24.0 } else { 0.0 } + 8.0;
    let body_height = (ui.available_height() - footer_height).max(ROW_HEIGHT);
    if view.rows.is_empty() {
        ui.allocate_ui(vec2(width, body_height), |ui| {
            ui.add_space(12.0);
            ui.weak(if state.search.trim().is_empty() {
                "No members in this team yet: use Add member... or Import..."
            } else {
                "No member matches the search."
            });
        });
    } else {
        let body_rect = Rect::from_min_size(ui.cursor().min, vec2(width, body_height));
        let grid = ui.interact(body_rect, grid_id, Sense::click());
        grid.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Grid, true, "Skills matrix"));
        if grid.hovered() {
            let dx = ui.input(|i| i.smooth_scroll_delta.x);
            state.h_scroll = (state.h_scroll - dx).clamp(0.0, max_scroll);
        }
        let mut scroll = egui::ScrollArea::vertical()
            .id_salt("heatmap_rows")
            .auto_shrink([false, false])
            .max_height(body_height);
        if let Some(row) = state_scroll_target(ui, state, view) {
            scroll = scroll.vertical_scroll_offset(row);
        }
        scroll.show_rows(ui, ROW_HEIGHT, view.rows.len(), |ui, range| {
            for i in range {
                if let Some(m) = snapshot.member(view.rows[i]) {
                    row_ui(ui, f, state, m, i, width, cells_width, grid_id);
                }
            }
        });
        if grid.has_focus() {
            ui.memory_mut(|mem| {
                mem.set_focus_lock_filter(
                    grid_id,
                    egui::EventFilter {
                        tab: true,
                        horizontal_arrows: true,
                        vertical_arrows: true,
                        escape: false,
                    },
                );
            });
        }
    }

    // Footer: coverage and team best, always visible.
    footer_ui(ui, f, width, cells_width, state.h_scroll);
    if max_scroll > 0.0 {
        ui.horizontal(|ui| {
            ui.add_space(FIXED_WIDTH);
            let label = ui.weak("Scroll skills");
            ui.spacing_mut().slider_width = (cells_width - 120.0).max(60.0);
            ui.add(egui::Slider::new(&mut state.h_scroll, 0.0..=max_scroll).show_value(false))
                .labelled_by(label.id);
        });
    }
}

/// The offset to scroll the rows to so that a keyboard-selected row is in view.
fn state_scroll_target(ui: &Ui, state: &UiState, view: &super::View) -> Option<f32> {
    let (member, _) = state.selected?;
    let wanted = ui
        .ctx()
        .data_mut(|d| d.remove_temp::<bool>(Id::unique("heatmap_scroll_to_selection")))?;
    if !wanted {
        return None;
    }
    let row = view.rows.iter().position(|&m| m == member)?;
    let spacing = ui.spacing().item_spacing.y;
    let top = row as f32 * (ROW_HEIGHT + spacing);
    let offset = ui
        .ctx()
        .data(|d| d.get_temp::<(f32, f32)>(Id::unique("heatmap_viewport")));
    match offset {
        Some((from, height)) if top >= from && top + ROW_HEIGHT <= from + height => None,
        Some((from, height)) if top > from => Some(top + ROW_HEIGHT - height + spacing),
        _ => Some(top),
    }
}

fn header_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState, rect: Rect, cells_width: f32) {
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals().clone();
    painter.rect_filled(rect, 0.0, visuals.faint_bg_color);
    let mut sort_button = |ui: &mut Ui, r: Rect, key: SortKey, title: &str, label: String| {
        let id = Id::unique(("sort", title));
        let resp = ui.interact(r, id, Sense::click());
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
        let active = state.prefs.sort == key;
        let color = if resp.hovered() {
            visuals.strong_text_color()
        } else {
            visuals.text_color()
        };
        let galley = ui.painter().layout(
            title.to_string(),
            FontId::proportional(12.0),
            color,
            r.width() - 4.0,
        );
        let pos = pos2(r.left() + 4.0, r.bottom() - galley.size().y - 4.0);
        let text_rect = Rect::from_min_size(pos, galley.size());
        painter.galley(pos, galley, color);
        if active {
            // A painted triangle: the default fonts have no arrow glyphs.
            let c = pos2(
                (text_rect.right() + 8.0).min(r.right() - 5.0),
                text_rect.center().y,
            );
            let (h, w) = (4.0, 4.5);
            let points = if state.prefs.descending {
                vec![
                    pos2(c.x - w, c.y - h),
                    pos2(c.x + w, c.y - h),
                    pos2(c.x, c.y + h),
                ]
            } else {
                vec![
                    pos2(c.x - w, c.y + h),
                    pos2(c.x + w, c.y + h),
                    pos2(c.x, c.y - h),
                ]
            };
            painter.add(egui::Shape::convex_polygon(
                points,
                theme::SELECTED,
                Stroke::NONE,
            ));
        }
        if resp.clicked() {
            if active {
                state.prefs.descending = !state.prefs.descending;
            } else {
                state.prefs.sort = key;
                // Levels and totals read best highest first; names and roles A to Z.
                state.prefs.descending = matches!(key, SortKey::Skill(_) | SortKey::Total);
            }
        }
        resp
    };
    let left = rect.left();
    sort_button(
        ui,
        Rect::from_min_size(rect.min, vec2(NAME_WIDTH, rect.height())),
        SortKey::Name,
        "Member",
        "Sort by name".into(),
    );
    sort_button(
        ui,
        Rect::from_min_size(
            pos2(left + NAME_WIDTH, rect.top()),
            vec2(ROLE_WIDTH, rect.height()),
        ),
        SortKey::Role,
        "Role level",
        "Sort by role level".into(),
    );
    sort_button(
        ui,
        Rect::from_min_size(
            pos2(left + NAME_WIDTH + ROLE_WIDTH, rect.top()),
            vec2(TOTAL_WIDTH, rect.height()),
        ),
        SortKey::Total,
        "Total",
        "Sort by total".into(),
    )
    .on_hover_text("Sum of the member's levels");
    let cells_left = left + FIXED_WIDTH;
    let clip = Rect::from_min_max(
        pos2(cells_left, rect.top()),
        pos2(cells_left + cells_width, rect.bottom()),
    );
    for (i, &skill) in f.view.skills.iter().enumerate() {
        let x = cells_left + i as f32 * CELL_WIDTH - state.h_scroll;
        let r = Rect::from_min_size(pos2(x, rect.top()), vec2(CELL_WIDTH, rect.height()));
        if !r.intersects(clip) {
            continue;
        }
        let s = f.snapshot.framework.skill(skill);
        let mut child = ui.new_child(egui::UiBuilder::new().max_rect(r));
        child.set_clip_rect(clip.intersect(r));
        sort_button(
            &mut child,
            r.intersect(clip),
            SortKey::Skill(skill.0),
            &short_label(&s.name),
            format!("Sort by {}", s.name),
        )
        .on_hover_ui(|ui| {
            ui.set_max_width(320.0);
            ui.strong(&s.name);
            ui.label(
                s.description
                    .as_deref()
                    .unwrap_or("The framework gives no description for this skill."),
            );
            ui.weak("Click to sort by this skill");
        });
    }
    painter.line_segment(
        [rect.left_bottom(), rect.right_bottom()],
        visuals.widgets.noninteractive.bg_stroke,
    );
}

#[allow(clippy::too_many_arguments)]
fn row_ui(
    ui: &mut Ui,
    f: &Frame<'_>,
    state: &mut UiState,
    m: &Member,
    index: usize,
    width: f32,
    cells_width: f32,
    grid_id: Id,
) {
    let snapshot = f.snapshot;
    let (rect, _) = ui.allocate_exact_size(vec2(width, ROW_HEIGHT), Sense::hover());
    if index == 0 {
        let clip = ui.clip_rect();
        ui.ctx().data_mut(|d| {
            d.insert_temp(
                Id::unique("heatmap_viewport"),
                (clip.top() - rect.top(), clip.height()),
            );
        });
    }
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    if index % 2 == 1 {
        painter.rect_filled(rect, 0.0, visuals.faint_bg_color);
    }
    let row_selected = state.selected.is_some_and(|(sm, _)| sm == m.id);
    if row_selected {
        painter.rect_filled(
            Rect::from_min_size(rect.min, vec2(FIXED_WIDTH, rect.height())),
            0.0,
            visuals.selection.bg_fill.gamma_multiply(0.4),
        );
    }
    let text_color = visuals.text_color();
    let font = FontId::proportional(13.5);
    let name_rect = Rect::from_min_size(rect.min, vec2(NAME_WIDTH, rect.height()));
    let name_resp = ui.interact(name_rect, Id::unique(("member_name", m.id)), Sense::click());
    name_resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &m.name));
    let name_resp = name_resp.on_hover_ui(|ui| {
        ui.strong(&m.name);
        if let Some(t) = snapshot.team(m.team) {
            ui.label(format!("Team: {}", t.name));
        }
        if let Some(rl) = m.role_level {
            let fw = &snapshot.framework;
            let rl = fw.role_level(rl);
            ui.label(format!("{} ({})", rl.name, fw.role(rl.role).name));
        }
        ui.weak("Click to select; edit the member in the panel on the right");
    });
    painter
        .with_clip_rect(name_rect.shrink2(vec2(2.0, 0.0)))
        .text(
            pos2(name_rect.left() + 6.0, name_rect.center().y),
            Align2::LEFT_CENTER,
            &m.name,
            font.clone(),
            text_color,
        );
    if name_resp.clicked() {
        let skill = state
            .selected
            .map(|(_, s)| s)
            .or(f.view.skills.first().copied());
        if let Some(skill) = skill {
            state.selected = Some((m.id, skill));
        }
        ui.memory_mut(|mem| mem.request_focus(grid_id));
    }
    let role = m.role_level.map_or("—".to_string(), |rl| {
        snapshot.framework.role_level(rl).name.clone()
    });
    let role_rect = Rect::from_min_size(
        pos2(rect.left() + NAME_WIDTH, rect.top()),
        vec2(ROLE_WIDTH, rect.height()),
    );
    painter
        .with_clip_rect(role_rect.shrink2(vec2(2.0, 0.0)))
        .text(
            pos2(role_rect.left() + 4.0, role_rect.center().y),
            Align2::LEFT_CENTER,
            role,
            FontId::proportional(12.0),
            visuals.weak_text_color(),
        );
    let total: u32 = m
        .ratings
        .values()
        .map(|r| u32::from(r.level.number()))
        .sum();
    painter.text(
        pos2(
            rect.left() + NAME_WIDTH + ROLE_WIDTH + TOTAL_WIDTH - 8.0,
            rect.center().y,
        ),
        Align2::RIGHT_CENTER,
        total.to_string(),
        font,
        text_color,
    );

    let cells_left = rect.left() + FIXED_WIDTH;
    let clip = Rect::from_min_max(
        pos2(cells_left, rect.top()),
        pos2(cells_left + cells_width, rect.bottom()),
    );
    let cell_painter = painter.with_clip_rect(clip.intersect(painter.clip_rect()));
    for (i, &skill) in f.view.skills.iter().enumerate() {
        let x = cells_left + i as f32 * CELL_WIDTH - state.h_scroll;
        let r = Rect::from_min_size(pos2(x, rect.top()), vec2(CELL_WIDTH, ROW_HEIGHT));
        if !r.intersects(clip) {
            continue;
        }
        paint_cell(
            ui,
            &cell_painter,
            r,
            snapshot,
            m,
            skill,
            state.prefs.gap_mode,
        );
        let resp = ui.interact(
            r.intersect(clip),
            Id::unique(("cell", m.id, skill)),
            Sense::click(),
        );
        resp.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Cell, true, cell_label(snapshot, m, skill))
        });
        if state.selected == Some((m.id, skill)) {
            let focused = ui.memory(|mem| mem.has_focus(grid_id));
            let stroke = Stroke::new(if focused { 2.5 } else { 1.5 }, theme::SELECTED);
            cell_painter.rect_stroke(r.shrink(1.0), 2.0, stroke, StrokeKind::Inside);
        }
        if resp.clicked() || resp.double_clicked() {
            state.selected = Some((m.id, skill));
            ui.memory_mut(|mem| mem.request_focus(grid_id));
        }
        if resp.double_clicked() {
            state.editor_open = true;
        }
        resp.on_hover_ui(|ui| cell_tooltip(ui, snapshot, m, skill));
    }
}

fn footer_ui(ui: &mut Ui, f: &Frame<'_>, width: f32, cells_width: f32, h_scroll: f32) {
    ui.add_space(4.0);
    let visuals = ui.visuals().clone();
    let (rect, _) = ui.allocate_exact_size(vec2(width, FOOTER_ROWS * ROW_HEIGHT), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.line_segment(
        [rect.left_top(), rect.right_top()],
        visuals.widgets.noninteractive.bg_stroke,
    );
    let label = |row: f32, text: &str, hint: &str| {
        let r = Rect::from_min_size(
            pos2(rect.left(), rect.top() + row * ROW_HEIGHT),
            vec2(FIXED_WIDTH, ROW_HEIGHT),
        );
        painter.text(
            pos2(r.left() + 6.0, r.center().y),
            Align2::LEFT_CENTER,
            text,
            FontId::proportional(13.0),
            visuals.strong_text_color(),
        );
        ui.interact(r, Id::unique(("footer", text)), Sense::hover())
            .on_hover_text(hint);
    };
    label(
        0.0,
        "Coverage (covered / target)",
        "Members at or above the team's target level, out of the number of people the target asks for",
    );
    label(
        1.0,
        "Team best",
        "The highest level anyone in view is rated at",
    );
    let cells_left = rect.left() + FIXED_WIDTH;
    let clip = Rect::from_min_max(
        pos2(cells_left, rect.top()),
        pos2(cells_left + cells_width, rect.bottom()),
    );
    let cell_painter = painter.with_clip_rect(clip);
    for (i, &skill) in f.view.skills.iter().enumerate() {
        let x = cells_left + i as f32 * CELL_WIDTH - h_scroll;
        let top = Rect::from_min_size(pos2(x, rect.top()), vec2(CELL_WIDTH, ROW_HEIGHT));
        if !top.intersects(clip) {
            continue;
        }
        let bottom = top.translate(vec2(0.0, ROW_HEIGHT));
        let coverage = f
            .view
            .coverage
            .get(&skill)
            .map(|&i| &f.view.analysis.skills[i]);
        match coverage {
            Some(c) => {
                let (fill, text, mark) = if c.single_point_of_failure {
                    (theme::SINGLE, Color32::BLACK, " !")
                } else if c.shortfall > 0 {
                    (theme::SHORT, Color32::WHITE, "")
                } else {
                    (theme::COVERED, Color32::WHITE, " ok")
                };
                cell_painter.rect_filled(top.shrink(1.0), 2.0, fill);
                cell_painter.text(
                    top.center(),
                    Align2::CENTER_CENTER,
                    format!("{}/{}{mark}", c.covered, c.target.count),
                    FontId::proportional(12.5),
                    text,
                );
                let resp = ui.interact(
                    top.intersect(clip),
                    Id::unique(("coverage", skill)),
                    Sense::hover(),
                );
                let name = &f.snapshot.framework.skill(skill).name;
                let desc = format!(
                    "{name}: {} of {} at {} or above{}{}",
                    c.covered,
                    c.target.count,
                    c.target.level,
                    if c.shortfall > 0 {
                        format!("; short by {}", c.shortfall)
                    } else {
                        String::new()
                    },
                    if c.single_point_of_failure {
                        "; single point of failure"
                    } else {
                        ""
                    }
                );
                resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Cell, true, &desc));
                resp.on_hover_text(desc);
                match c.best {
                    Some(l) => {
                        cell_painter.rect_filled(bottom.shrink(1.0), 2.0, theme::level_fill(l));
                        cell_painter.text(
                            bottom.center(),
                            Align2::CENTER_CENTER,
                            l.letter(),
                            FontId::proportional(13.0),
                            theme::level_text(l),
                        );
                    }
                    None => paint_not_rated(&cell_painter, bottom.shrink(1.0), &visuals),
                }
            }
            None => {
                cell_painter.text(
                    top.center(),
                    Align2::CENTER_CENTER,
                    "—",
                    FontId::proportional(12.0),
                    visuals.weak_text_color(),
                );
            }
        }
    }
}

/// Moves the selection and edits the selected cell from the keyboard, when the grid has focus.
fn keyboard(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState, out: &mut Vec<Command>, grid_id: Id) {
    if state.editor_open || state.dialog.is_some() || !ui.memory(|m| m.has_focus(grid_id)) {
        return;
    }
    let Some((member, skill)) = state.selected else {
        return;
    };
    let (rows, skills) = (&f.view.rows, &f.view.skills);
    let (Some(r), Some(c)) = (
        rows.iter().position(|&m| m == member),
        skills.iter().position(|&s| s == skill),
    ) else {
        return;
    };
    use egui::{Key, Modifiers};
    let mut moved = None;
    let mut set: Option<Option<Level>> = None;
    let mut open_editor = false;
    ui.input_mut(|i| {
        let (last_r, last_c) = (rows.len() - 1, skills.len() - 1);
        if i.consume_key(Modifiers::NONE, Key::ArrowDown) {
            moved = Some(((r + 1).min(last_r), c));
        } else if i.consume_key(Modifiers::NONE, Key::ArrowUp) {
            moved = Some((r.saturating_sub(1), c));
        } else if i.consume_key(Modifiers::NONE, Key::ArrowRight) {
            moved = Some((r, (c + 1).min(last_c)));
        } else if i.consume_key(Modifiers::NONE, Key::ArrowLeft) {
            moved = Some((r, c.saturating_sub(1)));
        } else if i.consume_key(Modifiers::SHIFT, Key::Tab) {
            moved = Some(if c > 0 {
                (r, c - 1)
            } else if r > 0 {
                (r - 1, last_c)
            } else {
                (r, c)
            });
        } else if i.consume_key(Modifiers::NONE, Key::Tab) {
            moved = Some(if c < last_c {
                (r, c + 1)
            } else if r < last_r {
                (r + 1, 0)
            } else {
                (r, c)
            });
        } else if i.consume_key(Modifiers::NONE, Key::Enter) {
            open_editor = true;
        } else if i.consume_key(Modifiers::NONE, Key::Delete)
            || i.consume_key(Modifiers::NONE, Key::Backspace)
        {
            set = Some(None);
        } else {
            let keys = [
                (Key::Num0, Level::None),
                (Key::Num1, Level::Awareness),
                (Key::Num2, Level::Working),
                (Key::Num3, Level::Practitioner),
                (Key::Num4, Level::Expert),
                (Key::A, Level::Awareness),
                (Key::W, Level::Working),
                (Key::P, Level::Practitioner),
                (Key::E, Level::Expert),
            ];
            for (key, level) in keys {
                if i.consume_key(Modifiers::NONE, key) || i.consume_key(Modifiers::SHIFT, key) {
                    set = Some(Some(level));
                    break;
                }
            }
        }
    });
    if let Some((r, c)) = moved {
        state.selected = Some((rows[r], skills[c]));
        ui.ctx()
            .data_mut(|d| d.insert_temp(Id::unique("heatmap_scroll_to_selection"), true));
        // Keep the selected column in view.
        let x = c as f32 * CELL_WIDTH;
        let cells_width = (ui.available_width() - FIXED_WIDTH).max(CELL_WIDTH);
        if x < state.h_scroll {
            state.h_scroll = x;
        } else if x + CELL_WIDTH > state.h_scroll + cells_width {
            state.h_scroll = x + CELL_WIDTH - cells_width;
        }
    }
    if open_editor {
        state.editor_open = true;
    }
    if let Some(level) = set {
        out.push(Command::Apply(rating_action(
            f.snapshot, member, skill, level,
        )));
    }
}

/// The action that sets (keeping note and interest) or clears a rating.
pub fn rating_action(
    snapshot: &Snapshot,
    member: MemberId,
    skill: SkillId,
    level: Option<Level>,
) -> Action {
    let current = snapshot.member(member).and_then(|m| m.ratings.get(&skill));
    match level {
        Some(level) => Action::SetRating {
            member,
            skill,
            level,
            note: current.map(|r| r.note.clone()).unwrap_or_default(),
            interested: current.is_some_and(|r| r.interested),
            at: None,
        },
        None => Action::ClearRating { member, skill },
    }
}

/// The small editor for the selected cell: the five levels with their descriptors.
pub fn level_editor_ui(
    ctx: &egui::Context,
    f: &Frame<'_>,
    state: &mut UiState,
    out: &mut Vec<Command>,
) {
    let Some((member, skill)) = state.selected else {
        state.editor_open = false;
        return;
    };
    let (Some(m), fw) = (f.snapshot.member(member), &f.snapshot.framework) else {
        state.editor_open = false;
        return;
    };
    let s = fw.skill(skill);
    let current = m.ratings.get(&skill).map(|r| r.level);
    let required = crate::model::analysis::required_level(fw, m, skill);
    let mut open = true;
    let mut done = false;
    egui::Window::new(format!("{} — {}", m.name, s.name))
        .id(Id::unique("level_editor"))
        .collapsible(false)
        .resizable(false)
        .default_width(420.0)
        .anchor(Align2::CENTER_CENTER, Vec2::ZERO)
        .open(&mut open)
        .show(ctx, |ui| {
            if let Some(req) = required {
                ui.label(format!("Their role level needs {req}."));
            }
            for level in Level::ALL {
                let selected = current == Some(level);
                let text = format!("{} {}", level.letter(), level.name());
                let button = egui::Button::selectable(selected, text).min_size(vec2(140.0, 24.0));
                ui.horizontal(|ui| {
                    if ui.add(button).clicked() {
                        out.push(Command::Apply(rating_action(
                            f.snapshot,
                            member,
                            skill,
                            Some(level),
                        )));
                        done = true;
                    }
                    let desc = s.descriptor(level).map(|d| d.join("; "));
                    let desc = match (level, desc) {
                        (Level::None, _) => {
                            "No knowledge or experience of the skill yet".to_string()
                        }
                        (_, Some(d)) => d,
                        (_, None) => "Not defined by the framework".to_string(),
                    };
                    ui.add(egui::Label::new(egui::RichText::new(desc).small()).wrap());
                });
            }
            ui.separator();
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(current.is_some(), egui::Button::new("Clear rating"))
                    .clicked()
                {
                    out.push(Command::Apply(Action::ClearRating { member, skill }));
                    done = true;
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    done = true;
                }
            });
        });
    if !open || done {
        state.editor_open = false;
        ctx.memory_mut(|mem| mem.request_focus(Id::unique("heatmap_grid")));
    }
}
