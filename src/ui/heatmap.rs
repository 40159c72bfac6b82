//! The heatmap: one row per member, one column per skill, drawing only the rows in view (so a
//! frame costs the same for 100 members as for 10,000). Header, name columns and the coverage
//! footer stay put while the cells scroll. Click, arrows, Tab, 0-4, A/W/P/E, Delete and Enter
//! edit at spreadsheet speed; every edit is a [`Command::Apply`].

use super::theme::{
    self, CELL_WIDTH, HEADER_HEIGHT, NAME_WIDTH, ROLE_WIDTH, ROW_HEIGHT, TEAM_WIDTH, TOTAL_WIDTH,
};
use super::{Command, Frame, SortKey, UiState};
use crate::core::Action;
use crate::model::analysis::{Fit, member_fit};
use crate::model::{Level, Member, MemberId, SkillId, Snapshot};
use egui::{Align2, Color32, FontId, Id, Rect, Sense, Stroke, StrokeKind, Ui, pos2, vec2};

const FOOTER_ROWS: f32 = 2.0;

/// Where each column of the grid sits: the fixed columns (Team in "All teams", Member, Role
/// level, Total) and the skill columns, which scroll sideways. The header, every row and the
/// footer lay themselves out with the same `Columns`, so they cannot drift apart.
/// The narrowest the role level column gets to make room for the skills.
const MIN_ROLE_WIDTH: f32 = 90.0;

#[derive(Debug, Clone, Copy)]
struct Columns {
    left: f32,
    team: f32,
    /// The role level column: narrower (down to [`MIN_ROLE_WIDTH`]) when that lets every skill
    /// column fit, rather than cutting the last one off.
    role: f32,
    cells_width: f32,
    h_scroll: f32,
    count: usize,
}

impl Columns {
    fn new(left: f32, width: f32, all_teams: bool, count: usize) -> Columns {
        let team = if all_teams { TEAM_WIDTH } else { 0.0 };
        let over = team + NAME_WIDTH + ROLE_WIDTH + TOTAL_WIDTH + count as f32 * CELL_WIDTH - width;
        let role = if over > 0.0 && over <= ROLE_WIDTH - MIN_ROLE_WIDTH {
            ROLE_WIDTH - over
        } else {
            ROLE_WIDTH
        };
        let fixed = team + NAME_WIDTH + role + TOTAL_WIDTH;
        Columns {
            left,
            team,
            role,
            cells_width: (width - fixed).max(CELL_WIDTH),
            h_scroll: 0.0,
            count,
        }
    }

    /// The width of the fixed columns.
    fn fixed(&self) -> f32 {
        self.team + NAME_WIDTH + self.role + TOTAL_WIDTH
    }

    /// How far the skill columns can scroll (a few points of overflow are not worth it).
    fn max_scroll(&self) -> f32 {
        let over = self.count as f32 * CELL_WIDTH - self.cells_width;
        if over > 8.0 { over } else { 0.0 }
    }

    fn span(&self, x: f32, width: f32, top: f32, height: f32) -> Rect {
        Rect::from_min_size(pos2(self.left + x, top), vec2(width, height))
    }

    fn team(&self, top: f32, height: f32) -> Option<Rect> {
        (self.team > 0.0).then(|| self.span(0.0, self.team, top, height))
    }

    fn name(&self, top: f32, height: f32) -> Rect {
        self.span(self.team, NAME_WIDTH, top, height)
    }

    fn role(&self, top: f32, height: f32) -> Rect {
        self.span(self.team + NAME_WIDTH, self.role, top, height)
    }

    fn total(&self, top: f32, height: f32) -> Rect {
        self.span(self.team + NAME_WIDTH + self.role, TOTAL_WIDTH, top, height)
    }

    /// The area the skill columns are drawn in (and clipped to).
    fn cells(&self, top: f32, height: f32) -> Rect {
        self.span(self.fixed(), self.cells_width, top, height)
    }

    /// Skill column `i`.
    fn cell(&self, i: usize, top: f32, height: f32) -> Rect {
        self.span(
            self.fixed() + i as f32 * CELL_WIDTH - self.h_scroll,
            CELL_WIDTH,
            top,
            height,
        )
    }

    /// The skill columns at least partly in view.
    fn visible(&self) -> std::ops::Range<usize> {
        let first = (self.h_scroll / CELL_WIDTH).floor() as usize;
        let last = ((self.h_scroll + self.cells_width) / CELL_WIDTH).ceil() as usize;
        first.min(self.count)..last.min(self.count)
    }
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

/// "Self vs lead": the lead's level on the left half, the person's own on the right, each
/// coloured and lettered (a hatched half where one is missing).
pub fn paint_split(
    painter: &egui::Painter,
    rect: Rect,
    lead: Option<Level>,
    own: Option<Level>,
    dark: bool,
) {
    let mid = rect.center().x;
    let halves = [
        (Rect::from_min_max(rect.min, pos2(mid, rect.max.y)), lead),
        (Rect::from_min_max(pos2(mid, rect.min.y), rect.max), own),
    ];
    for (half, level) in halves {
        match level {
            Some(l) => {
                painter.rect_filled(half, 2.0, theme::level_fill(l, dark));
                painter.text(
                    half.center(),
                    Align2::CENTER_CENTER,
                    l.letter(),
                    FontId::proportional(12.0),
                    theme::level_text(l, dark),
                );
            }
            None => {
                painter.rect_stroke(
                    half.shrink(1.0),
                    2.0,
                    (1.0, Color32::from_gray(120)),
                    StrokeKind::Inside,
                );
                painter.text(
                    half.center(),
                    Align2::CENTER_CENTER,
                    "–",
                    FontId::proportional(11.0),
                    Color32::from_gray(120),
                );
            }
        }
    }
    painter.line_segment(
        [pos2(mid, rect.top()), pos2(mid, rect.bottom())],
        Stroke::new(1.0, Color32::WHITE),
    );
}

/// Outlines a cell whose own rating and the lead's differ by two levels or more: purple when
/// theirs is higher, teal when lower.
pub fn paint_disagreement(painter: &egui::Painter, rect: Rect, by: i8) {
    if by.abs() < 2 {
        return;
    }
    let color = if by > 0 {
        theme::SELF_ABOVE
    } else {
        theme::SELF_BELOW
    };
    painter.rect_stroke(rect, 2.0, Stroke::new(3.0, color), StrokeKind::Inside);
}

/// Paints "due for review": a grey triangle in the bottom-left corner.
pub fn paint_stale_mark(painter: &egui::Painter, rect: Rect) {
    let s = 8.0;
    painter.add(egui::Shape::convex_polygon(
        vec![
            rect.left_bottom(),
            pos2(rect.left(), rect.bottom() - s),
            pos2(rect.left() + s, rect.bottom()),
        ],
        theme::STALE,
        Stroke::new(1.0, Color32::WHITE),
    ));
}

/// Paints a change since the compared date: a small triangle in the bottom-right corner,
/// pointing up (rose) or down (fell), on a white disc so it reads on every level's colour.
pub fn paint_change_mark(painter: &egui::Painter, rect: Rect, rose: bool) {
    let c = pos2(rect.right() - 7.0, rect.bottom() - 7.0);
    painter.circle_filled(c, 5.5, Color32::WHITE);
    let (h, w) = (3.5, 4.0);
    let points = if rose {
        vec![
            pos2(c.x - w, c.y + h),
            pos2(c.x + w, c.y + h),
            pos2(c.x, c.y - h),
        ]
    } else {
        vec![
            pos2(c.x - w, c.y - h),
            pos2(c.x + w, c.y - h),
            pos2(c.x, c.y + h),
        ]
    };
    let color = if rose { theme::ROSE } else { theme::FELL };
    painter.add(egui::Shape::convex_polygon(points, color, Stroke::NONE));
}

/// What a cell's marks of time say: due for review, and the change since the compared date.
fn time_marks(f: &Frame<'_>, m: &Member, skill: SkillId) -> (bool, Option<(bool, String)>) {
    let rating = m.ratings.get(&skill);
    let months = f
        .snapshot
        .team(m.team)
        .map_or(crate::model::DEFAULT_REVIEW_MONTHS, |t| t.review_months);
    let stale =
        rating.is_some_and(|r| crate::model::history::is_stale(r.assessed_on, f.today, months));
    let change = f.compare.and_then(|c| {
        let then = c.level(m.id, skill);
        let now = rating.map(|r| r.level);
        let was = then.map_or("not rated".to_string(), |l| l.name().to_string());
        // Not rated and None are the same capability: no arrow between them.
        let level = |l: Option<Level>| l.map_or(0, Level::number);
        match level(now).cmp(&level(then)) {
            std::cmp::Ordering::Greater => {
                Some((true, format!("rose from {was} since {}", c.date)))
            }
            std::cmp::Ordering::Less => Some((false, format!("fell from {was} since {}", c.date))),
            std::cmp::Ordering::Equal => None,
        }
    });
    (stale, change)
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

/// Whether a member's cell is drawn in full: a skill their role level requires, or one their
/// team tracks with a target (a custom skill the team counts is not "not required"). Other
/// skills are drawn faded.
pub fn drawn_in_full(snapshot: &Snapshot, m: &Member, skill: SkillId) -> bool {
    !matches!(member_fit(&snapshot.framework, m, skill), Fit::NotRequired)
        || snapshot.explicit_target(m.team, skill).is_some()
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
    let required = drawn_in_full(snapshot, m, skill);
    if gap_mode {
        let (text, fill, color) = match fit {
            Fit::NotRequired => match rating {
                Some(r) => (
                    r.level.letter().to_string(),
                    theme::level_fill(r.level, ui.visuals().dark_mode).gamma_multiply(0.35),
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
            let mut fill = theme::level_fill(r.level, ui.visuals().dark_mode);
            let mut text = theme::level_text(r.level, ui.visuals().dark_mode);
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
                // The interest dot, with a dark ring so it shows on every level's colour.
                let c = pos2(inner.left() + 6.0, inner.top() + 6.0);
                painter.circle(
                    c,
                    3.5,
                    theme::SINGLE,
                    Stroke::new(1.0, Color32::from_gray(40)),
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
        format!("{}, assessed on {}", r.level.name(), r.assessed_on)
    }));
    match member_fit(fw, m, skill) {
        Fit::NotRequired => match snapshot.explicit_target(m.team, skill) {
            Some(t) => ui.label(format!(
                "Not required by their role level; the team tracks it (target {} x {})",
                t.count, t.level
            )),
            None => ui.weak("Not required by their role level"),
        },
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

/// The id of the matrix, the widget that has the keyboard while a person rates cells.
pub fn grid_id() -> Id {
    Id::unique("heatmap_grid")
}

/// The heatmap with its header, rows and coverage footer.
pub fn heatmap_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState, out: &mut Vec<Command>) {
    let view = f.view;
    let snapshot = f.snapshot;
    let grid_id = grid_id();
    keyboard(ui, f, state, out, grid_id);

    let width = ui.available_width();
    let mut cols = Columns::new(
        ui.cursor().left(),
        width,
        state.team.is_none(),
        view.skills.len(),
    );
    let max_scroll = cols.max_scroll();
    state.h_scroll = state.h_scroll.clamp(0.0, max_scroll);
    cols.h_scroll = state.h_scroll;

    // Header.
    let (header, _) = ui.allocate_exact_size(vec2(width, HEADER_HEIGHT), Sense::hover());
    header_ui(ui, f, state, header, &cols);

    // Rows, only those in view.
    let footer_height = FOOTER_ROWS * ROW_HEIGHT + if max_scroll > 0.0 { 24.0 } else { 0.0 } + 8.0;
    let body_height = (ui.available_height() - footer_height).max(ROW_HEIGHT);
    if view.rows.is_empty() {
        ui.allocate_ui(vec2(width, body_height), |ui| {
            ui.add_space(12.0);
            ui.weak(if !state.search.trim().is_empty() {
                "No member matches the search."
            } else if state.team.is_some() {
                "No members in this team yet: use Add member... or Import..."
            } else {
                "No members yet: use Add member... or Import..."
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
        let to_top = std::mem::take(&mut state.scroll_to_top);
        let to_selection = std::mem::take(&mut state.scroll_to_selection);
        if to_selection
            && let Some(c) = state
                .selected
                .and_then(|(_, s)| view.skills.iter().position(|&k| k == s))
        {
            state.h_scroll =
                scroll_to_column(state.h_scroll, c, cols.cells_width).clamp(0.0, max_scroll);
        }
        if let Some(row) = to_selection
            .then(|| row_scroll_target(ui, state, view))
            .flatten()
        {
            scroll = scroll.vertical_scroll_offset(row);
        } else if to_top {
            scroll = scroll.vertical_scroll_offset(0.0);
        }
        let shown = scroll.show_rows(ui, ROW_HEIGHT, view.rows.len(), |ui, range| {
            for i in range {
                if let Some(m) = snapshot.member(view.rows[i]) {
                    row_ui(ui, f, state, m, i, &cols, grid_id, out);
                }
            }
        });
        state.rows_viewport = Some((shown.state.clamped_offset().y, shown.inner_rect.height()));
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
    footer_ui(ui, f, state.team.is_none(), &cols);
    if max_scroll > 0.0 {
        ui.horizontal(|ui| {
            ui.add_space(cols.fixed());
            let label = ui.weak("Scroll skills");
            ui.spacing_mut().slider_width = (cols.cells_width - 120.0).max(60.0);
            ui.add(egui::Slider::new(&mut state.h_scroll, 0.0..=max_scroll).show_value(false))
                .labelled_by(label.id);
        });
    }
}

/// The sideways scroll that brings skill column `c` into view, moving as little as possible.
fn scroll_to_column(h_scroll: f32, c: usize, cells_width: f32) -> f32 {
    let x = c as f32 * CELL_WIDTH;
    if x < h_scroll {
        x
    } else if x + CELL_WIDTH > h_scroll + cells_width {
        x + CELL_WIDTH - cells_width
    } else {
        h_scroll
    }
}

/// The offset to scroll the rows to so that the selected row is in view (none when it is).
fn row_scroll_target(ui: &Ui, state: &UiState, view: &super::View) -> Option<f32> {
    let (member, _) = state.selected?;
    let row = view.rows.iter().position(|&m| m == member)?;
    let spacing = ui.spacing().item_spacing.y;
    let top = row as f32 * (ROW_HEIGHT + spacing);
    match state.rows_viewport {
        Some((from, height)) if top >= from && top + ROW_HEIGHT <= from + height => None,
        Some((from, height)) if top > from => Some(top + ROW_HEIGHT - height + spacing),
        _ => Some(top),
    }
}

/// A painted sort triangle (the default fonts have no arrow glyphs).
pub(super) fn paint_sort_arrow(painter: &egui::Painter, c: egui::Pos2, descending: bool) {
    let (h, w) = (4.0, 4.5);
    let points = if descending {
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

/// A header that sorts by `key` when clicked (again: the other way round).
fn sort_header(
    ui: &mut Ui,
    state: &mut UiState,
    r: Rect,
    key: SortKey,
    label: &str,
) -> egui::Response {
    let resp = ui.interact(r, Id::unique(("sort", label)), Sense::click());
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, label));
    if resp.clicked() {
        if state.prefs.sort == key {
            state.prefs.descending = !state.prefs.descending;
        } else {
            state.prefs.sort = key;
            // Levels and totals read best highest first; names and roles A to Z.
            state.prefs.descending = matches!(key, SortKey::Skill(_) | SortKey::Total);
        }
    }
    resp
}

fn header_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState, rect: Rect, cols: &Columns) {
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals().clone();
    painter.rect_filled(rect, 0.0, visuals.faint_bg_color);
    // While searching: how many match, in the empty corner above the names.
    if !state.search.trim().is_empty() {
        let corner = cols.span(0.0, cols.fixed(), rect.top() + 6.0, 20.0);
        // A child ui: the label must not move the parent's cursor (the rows start below
        // the whole header).
        ui.new_child(egui::UiBuilder::new().max_rect(corner))
            .add(egui::Label::new(
                egui::RichText::new(format!(
                    "{} of {}",
                    f.view.rows.len(),
                    super::dialogs::plural(f.view.in_scope, "member", "members")
                ))
                .strong(),
            ));
    }
    let (top, height) = (rect.top(), rect.height());
    let text_color = |hovered: bool| {
        if hovered {
            visuals.strong_text_color()
        } else {
            visuals.text_color()
        }
    };
    // The fixed columns: titles along the bottom, as in a spreadsheet.
    let mut fixed: Vec<(Rect, SortKey, &str, &str)> = Vec::new();
    if let Some(r) = cols.team(top, height) {
        fixed.push((r, SortKey::Team, "Team", "Sort by team"));
    }
    fixed.push((
        cols.name(top, height),
        SortKey::Name,
        "Member",
        "Sort by name",
    ));
    fixed.push((
        cols.role(top, height),
        SortKey::Role,
        "Role level",
        "Sort by role level",
    ));
    fixed.push((
        cols.total(top, height),
        SortKey::Total,
        "Total",
        "Sort by total",
    ));
    for (r, key, title, label) in fixed {
        let resp = sort_header(ui, state, r, key, label);
        let galley = painter.layout(
            title.to_string(),
            FontId::proportional(12.0),
            text_color(resp.hovered()),
            r.width() - 4.0,
        );
        let pos = pos2(r.left() + 4.0, r.bottom() - galley.size().y - 4.0);
        let end = pos2(pos.x + galley.size().x, pos.y + galley.size().y / 2.0);
        painter.galley(pos, galley, visuals.text_color());
        if state.prefs.sort == key {
            paint_sort_arrow(
                &painter,
                pos2((end.x + 8.0).min(r.right() - 5.0), end.y),
                state.prefs.descending,
            );
        }
        if key == SortKey::Total {
            resp.on_hover_text("Sum of the member's levels");
        }
    }
    skill_headers_ui(ui, f, state, rect, cols);
    painter.line_segment(
        [rect.left_bottom(), rect.right_bottom()],
        visuals.widgets.noninteractive.bg_stroke,
    );
}

/// A skill's header text, laid out to run upwards: wrapped at the header's height, so its
/// lines stack across the column's width. A very long name gets a slightly smaller font so
/// that it still fits its column whole.
fn skill_header_galley(
    painter: &egui::Painter,
    name: &str,
    color: Color32,
) -> std::sync::Arc<egui::Galley> {
    let layout = |size: f32| {
        painter.layout(
            name.to_string(),
            FontId::proportional(size),
            color,
            HEADER_HEIGHT - 22.0,
        )
    };
    for size in [11.5, 10.5, 9.5] {
        let galley = layout(size);
        if galley.size().y <= CELL_WIDTH - 4.0 {
            return galley;
        }
    }
    layout(8.5)
}

/// The skill columns' headers: each name in full, upwards, wrapped; click to sort.
fn skill_headers_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState, rect: Rect, cols: &Columns) {
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals().clone();
    let (top, height) = (rect.top(), rect.height());
    let text_color = |hovered: bool| {
        if hovered {
            visuals.strong_text_color()
        } else {
            visuals.text_color()
        }
    };
    // Skill columns: the full name runs upwards, wrapped, so no name is cut or broken into
    // letters whatever the framework's skill.
    let clip = cols.cells(top, height);
    let cell_painter = painter.with_clip_rect(clip);
    for i in cols.visible() {
        let skill = f.view.skills[i];
        let r = cols.cell(i, top, height);
        let s = f.snapshot.framework.skill(skill);
        let key = SortKey::Skill(skill.0);
        let mut child = ui.new_child(egui::UiBuilder::new().max_rect(r));
        child.set_clip_rect(clip.intersect(r));
        let resp = sort_header(
            &mut child,
            state,
            r.intersect(clip),
            key,
            &format!("Sort by {}", s.name),
        );
        let galley = skill_header_galley(&painter, &s.name, text_color(resp.hovered()));
        let h = galley.size().y.min(r.width() - 4.0);
        let pos = pos2(r.center().x - h / 2.0, r.bottom() - 5.0);
        cell_painter.add(
            egui::epaint::TextShape::new(pos, galley, visuals.text_color())
                .with_angle(-std::f32::consts::FRAC_PI_2),
        );
        if state.prefs.sort == key {
            paint_sort_arrow(
                &cell_painter,
                pos2(r.center().x, r.top() + 8.0),
                state.prefs.descending,
            );
        }
        resp.on_hover_ui(|ui| {
            ui.set_max_width(320.0);
            ui.strong(&s.name);
            ui.label(
                s.description
                    .as_deref()
                    .unwrap_or("The framework gives no description for this skill."),
            );
            ui.weak("Click to sort by this skill");
        });
        cell_painter.line_segment(
            [r.right_top(), r.right_bottom()],
            visuals.widgets.noninteractive.bg_stroke,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn row_ui(
    ui: &mut Ui,
    f: &Frame<'_>,
    state: &mut UiState,
    m: &Member,
    index: usize,
    cols: &Columns,
    grid_id: Id,
    out: &mut Vec<Command>,
) {
    let width = cols.fixed() + cols.cells_width;
    let (rect, _) = ui.allocate_exact_size(vec2(width, ROW_HEIGHT), Sense::hover());
    let (top, height) = (rect.top(), rect.height());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    if index % 2 == 1 {
        painter.rect_filled(rect, 0.0, visuals.faint_bg_color);
    }
    let row_selected = state.selected.is_some_and(|(sm, _)| sm == m.id);
    if row_selected {
        painter.rect_filled(
            cols.span(0.0, cols.fixed(), top, height),
            0.0,
            visuals.selection.bg_fill.gamma_multiply(0.4),
        );
    }
    row_fixed_ui(ui, f, state, m, cols, rect, grid_id);
    row_cells_ui(ui, f, state, m, cols, rect, grid_id, out);
}

/// A row's fixed columns: team (in "All teams"), name (with the member's menu), role level,
/// total.
fn row_fixed_ui(
    ui: &mut Ui,
    f: &Frame<'_>,
    state: &mut UiState,
    m: &Member,
    cols: &Columns,
    rect: Rect,
    grid_id: Id,
) {
    let snapshot = f.snapshot;
    let (top, height) = (rect.top(), rect.height());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals().clone();
    let text_color = visuals.text_color();
    let font = FontId::proportional(13.5);
    // Text too long for its column ends in "…" (never cut mid-letter): the full text is in
    // the name's tooltip.
    let left_text = |r: Rect, text: &str, font: FontId, color: Color32| {
        let mut job = egui::text::LayoutJob::simple_singleline(text.to_string(), font, color);
        job.wrap = egui::text::TextWrapping {
            max_width: r.width() - 10.0,
            max_rows: 1,
            break_anywhere: true,
            overflow_character: Some('…'),
        };
        let galley = painter.layout_job(job);
        let pos = pos2(r.left() + 6.0, r.center().y - galley.size().y / 2.0);
        painter.galley(pos, galley, color);
    };
    if let Some(r) = cols.team(top, height) {
        let team = snapshot.team(m.team).map_or("", |t| t.name.as_str());
        left_text(
            r,
            team,
            FontId::proportional(12.5),
            visuals.weak_text_color(),
        );
    }
    let name_rect = cols.name(top, height);
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
        ui.weak("Click to select; right-click for the member's actions");
    });
    left_text(name_rect, &m.name, font.clone(), text_color);
    if name_resp.clicked() || name_resp.secondary_clicked() {
        let skill = state
            .selected
            .map(|(_, s)| s)
            .or(f.view.skills.first().copied());
        if let Some(skill) = skill {
            state.selected = Some((m.id, skill));
        }
        ui.memory_mut(|mem| mem.request_focus(grid_id));
    }
    match (f.as_of, state.what_if.is_some()) {
        (Some(d), _) => name_resp.context_menu(|ui| read_only_menu(ui, d)),
        (None, true) => name_resp.context_menu(|ui| what_if_member_menu(ui, state, m)),
        (None, false) => name_resp.context_menu(|ui| member_menu_ui(ui, f, state, m)),
    };
    let role = m.role_level.map_or("—".to_string(), |rl| {
        snapshot.framework.role_level(rl).name.clone()
    });
    left_text(
        cols.role(top, height),
        &role,
        FontId::proportional(12.0),
        visuals.weak_text_color(),
    );
    let total: u32 = m
        .ratings
        .values()
        .map(|r| u32::from(r.level.number()))
        .sum();
    let total_rect = cols.total(top, height);
    painter.text(
        pos2(total_rect.right() - 8.0, total_rect.center().y),
        Align2::RIGHT_CENTER,
        total.to_string(),
        font,
        text_color,
    );
}

/// A row's skill cells, only those in view, each with its label, menu and tooltip.
#[allow(clippy::too_many_arguments)]
fn row_cells_ui(
    ui: &mut Ui,
    f: &Frame<'_>,
    state: &mut UiState,
    m: &Member,
    cols: &Columns,
    rect: Rect,
    grid_id: Id,
    out: &mut Vec<Command>,
) {
    let snapshot = f.snapshot;
    let (top, height) = (rect.top(), rect.height());
    let painter = ui.painter_at(rect);
    let clip = cols.cells(top, height);
    let cell_painter = painter.with_clip_rect(clip.intersect(painter.clip_rect()));
    for i in cols.visible() {
        let skill = f.view.skills[i];
        let r = cols.cell(i, top, height);
        let by = super::disagreement(m, skill);
        if state.self_vs_lead {
            paint_split(
                &cell_painter,
                r.shrink(1.0),
                m.ratings.get(&skill).map(|x| x.level),
                m.self_ratings.get(&skill).map(|x| x.level),
                ui.visuals().dark_mode,
            );
            paint_disagreement(&cell_painter, r.shrink(1.0), by);
        } else {
            paint_cell(
                ui,
                &cell_painter,
                r,
                snapshot,
                m,
                skill,
                state.prefs.gap_mode,
            );
        }
        let (stale, change) = time_marks(f, m, skill);
        if stale {
            paint_stale_mark(&cell_painter, r.shrink(1.0));
        }
        if let Some((rose, _)) = &change {
            paint_change_mark(&cell_painter, r.shrink(1.0), *rose);
        }
        let resp = ui.interact(
            r.intersect(clip),
            Id::unique(("cell", m.id, skill)),
            Sense::click(),
        );
        resp.widget_info(|| {
            let mut label = cell_label(snapshot, m, skill);
            if state.self_vs_lead {
                let own = m
                    .self_ratings
                    .get(&skill)
                    .map_or("not rated", |r| r.level.name());
                label.push_str(&format!(", own rating: {own}"));
                if by.abs() >= 2 {
                    label.push_str(if by > 0 {
                        ", theirs 2+ above the lead's"
                    } else {
                        ", theirs 2+ below the lead's"
                    });
                }
            }
            if stale {
                label.push_str(", due for review");
            }
            if let Some((_, what)) = &change {
                label.push_str(", ");
                label.push_str(what);
            }
            egui::WidgetInfo::labeled(egui::Role::Cell, true, label)
        });
        if state.selected == Some((m.id, skill)) {
            let focused = ui.memory(|mem| mem.has_focus(grid_id));
            paint_selection(&cell_painter, r, focused, ui.visuals());
        }
        if resp.clicked() || resp.double_clicked() || resp.secondary_clicked() {
            state.selected = Some((m.id, skill));
            ui.memory_mut(|mem| mem.request_focus(grid_id));
        }
        if resp.double_clicked() && f.editable() {
            state.editor_open = true;
        }
        match (f.as_of, state.what_if.is_some()) {
            (Some(d), _) => resp.context_menu(|ui| read_only_menu(ui, d)),
            (None, true) => resp.context_menu(|ui| what_if_member_menu(ui, state, m)),
            (None, false) => {
                resp.context_menu(|ui| cell_menu_ui(ui, snapshot, state, out, m, skill))
            }
        };
        resp.on_hover_ui(|ui| cell_tooltip(ui, snapshot, m, skill));
    }
}

/// The selection: a double outline (the text colour outside, the background inside) that
/// reads on every cell colour, in both themes, and is not the orange of "below required".
fn paint_selection(painter: &egui::Painter, r: Rect, focused: bool, visuals: &egui::Visuals) {
    let outer = if focused { 3.0 } else { 2.0 };
    painter.rect_stroke(
        r.shrink(0.5),
        2.0,
        Stroke::new(outer, visuals.strong_text_color()),
        StrokeKind::Inside,
    );
    painter.rect_stroke(
        r.shrink(0.5 + outer),
        1.0,
        Stroke::new(1.0, visuals.panel_fill),
        StrokeKind::Inside,
    );
}

/// The member's actions, on a right-click of their name.
/// The menu in place of a cell's or a member's actions while the past is shown.
fn read_only_menu(ui: &mut Ui, date: crate::model::Date) {
    ui.label(format!(
        "Read-only: the matrix as of {date}. \"Back to today\" (above) to make changes."
    ));
}

/// A member's menu while a what-if is shown: leave (or stay), or drop a hire.
fn what_if_member_menu(ui: &mut Ui, state: &mut UiState, m: &Member) {
    ui.label(egui::RichText::new(&m.name).strong());
    ui.label("What if: nothing can be changed until \"End what-if\".");
    let Some(plan) = state.what_if.as_mut() else {
        return;
    };
    if m.id.0 < 0 {
        if ui.button("Remove this hire").clicked() {
            let i = (-1 - m.id.0) as usize;
            if i < plan.plan.hires.len() {
                plan.plan.hires.remove(i);
                plan.version += 1;
            }
            ui.close();
        }
    } else if ui.button("What if they left").clicked() {
        plan.toggle_leaving(m.id);
        ui.close();
    }
}

fn member_menu_ui(ui: &mut Ui, f: &Frame<'_>, state: &mut UiState, m: &Member) {
    ui.label(egui::RichText::new(&m.name).strong());
    if ui
        .button("What if they left...")
        .on_hover_text("Shows the team without them, against today's targets; nothing is changed")
        .clicked()
    {
        state.team = Some(m.team);
        state.what_if = None;
        state.toggle_what_if();
        if let Some(plan) = state.what_if.as_mut() {
            plan.toggle_leaving(m.id);
        }
        ui.close();
    }
    if ui.button("Profile...").clicked() {
        state.profile = Some(super::profile_window_for(state, f.snapshot, m));
        ui.close();
    }
    if ui.button("Rename...").clicked() {
        state.dialog = Some(super::Dialog::RenameMember {
            member: m.id,
            name: m.name.clone(),
        });
        ui.close();
    }
    if ui.button("Role level...").clicked() {
        state.dialog = Some(super::Dialog::SetRoleLevel {
            member: m.id,
            role_level: m.role_level,
        });
        ui.close();
    }
    if f.snapshot.teams().nth(1).is_some() && ui.button("Move to team...").clicked() {
        state.dialog = Some(super::Dialog::MoveMember {
            member: m.id,
            team: m.team,
        });
        ui.close();
    }
    if ui.button("Left the team...").clicked() {
        state.dialog = Some(super::Dialog::ConfirmRemoveMember {
            member: m.id,
            on: String::new(),
        });
        ui.close();
    }
}

/// A cell's actions, on a right-click: set a level, clear it, write a note.
fn cell_menu_ui(
    ui: &mut Ui,
    snapshot: &Snapshot,
    state: &mut UiState,
    out: &mut Vec<Command>,
    m: &Member,
    skill: SkillId,
) {
    let current = m.ratings.get(&skill);
    for level in Level::ALL {
        let text = format!("{}  {}", level.letter(), level.name());
        if ui
            .add_enabled(
                current.is_none_or(|r| r.level != level),
                egui::Button::new(text),
            )
            .clicked()
        {
            out.push(Command::Apply(rating_action(
                snapshot,
                m.id,
                skill,
                Some(level),
            )));
            ui.close();
        }
    }
    if ui
        .add_enabled(current.is_some(), egui::Button::new("Clear rating"))
        .clicked()
    {
        out.push(Command::Apply(rating_action(snapshot, m.id, skill, None)));
        ui.close();
    }
    ui.separator();
    if ui.button("Note...").clicked() {
        state.selected = Some((m.id, skill));
        state.focus_note = true;
        ui.close();
    }
}

fn footer_ui(ui: &mut Ui, f: &Frame<'_>, all_teams: bool, cols: &Columns) {
    ui.add_space(4.0);
    let visuals = ui.visuals().clone();
    let width = cols.fixed() + cols.cells_width;
    let (rect, _) = ui.allocate_exact_size(vec2(width, FOOTER_ROWS * ROW_HEIGHT), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.line_segment(
        [rect.left_top(), rect.right_top()],
        visuals.widgets.noninteractive.bg_stroke,
    );
    let label = |row: f32, text: &str, hint: &str| {
        let r = cols.span(0.0, cols.fixed(), rect.top() + row * ROW_HEIGHT, ROW_HEIGHT);
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
    if all_teams {
        label(
            0.0,
            "Teams meeting the target",
            "How many teams meet their own target in the skill, out of the teams that need it",
        );
    } else {
        label(
            0.0,
            "Coverage (people at target / needed)",
            "Members at or above the team's target level, out of the number of people the target asks for",
        );
    }
    label(
        1.0,
        "Team best",
        "The highest level anyone in view is rated at",
    );
    let clip = cols.cells(rect.top(), rect.height());
    let cell_painter = painter.with_clip_rect(clip);
    for i in cols.visible() {
        let skill = f.view.skills[i];
        let top = cols.cell(i, rect.top(), ROW_HEIGHT);
        let bottom = top.translate(vec2(0.0, ROW_HEIGHT));
        let name = &f.snapshot.framework.skill(skill).name;
        if all_teams {
            team_count_cell_ui(ui, f, &cell_painter, top.intersect(clip), top, skill, name);
        } else {
            coverage_cell_ui(ui, f, &cell_painter, top.intersect(clip), top, skill, name);
        }
        let best = f
            .view
            .coverage
            .get(&skill)
            .and_then(|&i| f.view.analysis.skills[i].best);
        match best {
            Some(l) => {
                cell_painter.rect_filled(
                    bottom.shrink(1.0),
                    2.0,
                    theme::level_fill(l, visuals.dark_mode),
                );
                cell_painter.text(
                    bottom.center(),
                    Align2::CENTER_CENTER,
                    l.letter(),
                    FontId::proportional(13.0),
                    theme::level_text(l, visuals.dark_mode),
                );
            }
            None => paint_not_rated(&cell_painter, bottom.shrink(1.0), &visuals),
        }
    }
}

/// A footer cell for a skill that no role level here requires and no team targets.
fn paint_no_target(ui: &Ui, painter: &egui::Painter, r: Rect) {
    painter.text(
        r.center(),
        Align2::CENTER_CENTER,
        "—",
        FontId::proportional(12.0),
        ui.visuals().weak_text_color(),
    );
}

/// A footer cell's words: its label for screen readers and its tooltip.
fn footer_cell_info(ui: &Ui, hit: Rect, skill: SkillId, desc: String) {
    let resp = ui.interact(hit, Id::unique(("coverage", skill)), Sense::hover());
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Cell, true, &desc));
    resp.on_hover_text(desc);
}

/// One coverage cell of a team: people at the target level / people the target asks for.
fn coverage_cell_ui(
    ui: &Ui,
    f: &Frame<'_>,
    painter: &egui::Painter,
    hit: Rect,
    r: Rect,
    skill: SkillId,
    name: &str,
) {
    let Some(c) = f
        .view
        .coverage
        .get(&skill)
        .map(|&i| &f.view.analysis.skills[i])
    else {
        paint_no_target(ui, painter, r);
        return;
    };
    let (fill, text, mark) = theme::coverage_style(c.single_point_of_failure, c.shortfall, " ok");
    painter.rect_filled(r.shrink(1.0), 2.0, fill);
    // A what-if: today's figure beside the plan's, the cell outlined where it changed.
    let change = f
        .what_if
        .and_then(|o| o.changes.iter().find(|ch| ch.skill == skill))
        .filter(|ch| ch.changed());
    let today = change.map(|ch| {
        let colour = match ch.verdict() {
            crate::model::whatif::Verdict::Worse => theme::FELL,
            crate::model::whatif::Verdict::Better => theme::ROSE,
            _ => ui.visuals().strong_text_color(),
        };
        painter.rect_stroke(
            r.shrink(0.5),
            2.0,
            Stroke::new(2.5, colour),
            StrokeKind::Inside,
        );
        ch.today.as_ref().map_or_else(
            || "; new to the team under this plan".to_string(),
            |t| format!("; today {} of {}", t.covered, t.target.count),
        )
    });
    painter.text(
        r.center(),
        Align2::CENTER_CENTER,
        format!("{}/{}{mark}", c.covered, c.target.count),
        FontId::proportional(12.5),
        text,
    );
    let desc = theme::coverage_words(
        name,
        c.covered,
        c.target,
        c.shortfall,
        c.single_point_of_failure,
    ) + &today.unwrap_or_default();
    footer_cell_info(ui, hit, skill, desc);
}

/// One cell of the "All teams" footer: how many teams meet their own target in the skill.
fn team_count_cell_ui(
    ui: &Ui,
    f: &Frame<'_>,
    painter: &egui::Painter,
    hit: Rect,
    r: Rect,
    skill: SkillId,
    name: &str,
) {
    let Some(&(meeting, needing)) = f.view.teams_meeting.get(&skill) else {
        paint_no_target(ui, painter, r);
        return;
    };
    // All teams meeting: blue. Otherwise orange, darker the larger the share of teams short.
    let short = needing - meeting;
    let (fill, text) = if short == 0 {
        (theme::COVERED, Color32::WHITE)
    } else {
        let gap = match short * 10 / needing.max(1) {
            0 => -1,
            1..=4 => -2,
            _ => -3,
        };
        (theme::gap_fill(gap), theme::gap_text(gap))
    };
    painter.rect_filled(r.shrink(1.0), 2.0, fill);
    painter.text(
        r.center(),
        Align2::CENTER_CENTER,
        format!("{meeting}/{needing}"),
        FontId::proportional(12.5),
        text,
    );
    let desc = format!(
        "{name}: {meeting} of {} meet their target",
        super::dialogs::plural(needing, "team", "teams")
    );
    footer_cell_info(ui, hit, skill, desc);
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
    let mut reviewed = false;
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
        } else if i.consume_key(Modifiers::NONE, Key::R) {
            reviewed = true;
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
        state.scroll_to_selection = true;
        // Keep the selected column in view.
        let cells_width = Columns::new(
            0.0,
            ui.available_width(),
            state.team.is_none(),
            skills.len(),
        )
        .cells_width;
        state.h_scroll = scroll_to_column(state.h_scroll, c, cells_width);
    }
    if !f.editable() {
        // The past and a what-if are read-only: moving around works, changing does not.
        return;
    }
    if open_editor {
        state.editor_open = true;
    }
    let rated = f
        .snapshot
        .member(member)
        .is_some_and(|m| m.ratings.contains_key(&skill));
    if reviewed && rated {
        out.push(Command::Apply(Action::ReviewRating {
            member,
            skill,
            on: None,
        }));
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
            on: None,
        },
        None => Action::ClearRating { member, skill },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every skill of the framework, laid out as its header: whole words on each line (never
    /// a word broken into stacked letters) and lines that fit across the column.
    #[test]
    fn every_skill_name_fits_its_header_whole() {
        let framework = crate::model::Framework::ddat().unwrap();
        let ctx = egui::Context::default();
        let mut checked = 0;
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let painter = ui.painter().clone();
            for skill in &framework.skills {
                let galley = skill_header_galley(&painter, &skill.name, Color32::WHITE);
                let lines: Vec<String> = galley
                    .rows
                    .iter()
                    .map(|r| r.row.glyphs.iter().map(|g| g.chr).collect::<String>())
                    .collect();
                // Rotated, the galley's height runs across the column.
                assert!(
                    galley.size().y <= CELL_WIDTH - 4.0,
                    "{} takes {} lines: {lines:?}",
                    skill.name,
                    lines.len()
                );
                let words: Vec<&str> = skill.name.split_whitespace().collect();
                for line in &lines {
                    for word in line.split_whitespace() {
                        assert!(
                            words.contains(&word),
                            "{}: \"{word}\" is a broken word ({lines:?})",
                            skill.name
                        );
                    }
                }
                assert_eq!(
                    lines.join(" ").split_whitespace().collect::<Vec<_>>(),
                    words,
                    "the whole name is shown"
                );
                checked += 1;
            }
        });
        // No renderer here: the font atlas is never uploaded.
        output.textures_delta.clear();
        assert_eq!(checked, framework.skills.len());
    }
}
