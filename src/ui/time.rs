//! Time in the window: the bar that shows the matrix as of a date (read-only, clearly marked)
//! and compares it with another date, and the Trends window's charts (egui_plot: dates on the
//! axis as day numbers with date labels, values on hover).

use super::{Frame, UiState, theme};
use crate::model::time::{Date, months_before, parse_date, today};
use crate::model::{Level, SkillId};
use egui::RichText;
use egui_plot::{Legend, Line, LineStyle, Plot, PlotPoints};

/// Day number of a date (days since 1970-01-01), for a chart's x axis.
fn day(d: Date) -> f64 {
    jiff::civil::date(1970, 1, 1)
        .until(d)
        .map_or(0.0, |s| f64::from(s.get_days()))
}

/// The date of a chart's x value.
fn date_of(x: f64) -> Option<Date> {
    let days = x.round();
    if !(-25_000.0..=2_900_000.0).contains(&days) {
        return None;
    }
    jiff::civil::date(1970, 1, 1)
        .checked_add(jiff::Span::new().days(days as i64))
        .ok()
}

/// Parses a typed date for a field, or says what is wrong with it.
fn typed_date(text: &str, what: &str) -> Result<Date, String> {
    let Some(date) = parse_date(text) else {
        return Err(format!(
            "{what}: \"{}\" is not a date (e.g. 2026-03-31 or 31/03/2026)",
            text.trim()
        ));
    };
    if date > today() {
        return Err(format!("{what}: {date} is in the future"));
    }
    Ok(date)
}

/// A date field: a text box (Enter applies) with a hint. Returns the date applied, if any.
fn date_field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    state_error: &mut Option<String>,
) -> Option<Date> {
    let l = ui.label(label);
    let edit = ui
        .add(
            egui::TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(92.0),
        )
        .labelled_by(l.id);
    let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    if enter && !text.trim().is_empty() {
        match typed_date(text, label.trim_end_matches(':')) {
            Ok(d) => return Some(d),
            Err(e) => *state_error = Some(e),
        }
    }
    None
}

/// The time bar under the toolbar: "As of" and "Compare with", the Trends button, and while
/// the past is shown, a coloured read-only banner.
pub fn time_bar(ui: &mut egui::Ui, f: &Frame<'_>, state: &mut UiState) {
    if f.snapshot.teams().next().is_none() && f.as_of.is_none() {
        return;
    }
    let past = f.as_of.is_some();
    let fill = if past {
        theme::PAST_BANNER
    } else {
        ui.visuals().panel_fill
    };
    let mut error = None;
    egui::Panel::top("time_bar")
        .frame(egui::Frame::side_top_panel(ui.style()).fill(fill))
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                if past {
                    // Light controls on the amber banner, whatever the theme, so every word
                    // reads.
                    // This bar's own visuals (ui.set_visuals would change the whole window).
                    *ui.visuals_mut() = egui::Visuals::light();
                }
                if let Some(d) =
                    date_field(ui, "As of:", &mut state.as_of_text, "today", &mut error)
                {
                    state.as_of = (d != today()).then_some(d);
                    state.selected = None;
                }
                for (label, months) in [("3 months ago", 3), ("A year ago", 12)] {
                    if ui.button(label).clicked() {
                        let d = months_before(today(), months);
                        state.as_of = Some(d);
                        state.as_of_text = d.to_string();
                    }
                }
                if let Some(d) = f.as_of {
                    ui.label(
                        RichText::new(format!(
                            "Read-only: the matrix as it stood at the end of {d}"
                        ))
                        .strong(),
                    );
                    if ui.button("Back to today").clicked() {
                        state.as_of = None;
                        state.as_of_text.clear();
                        if state
                            .notice
                            .as_ref()
                            .is_some_and(|n| n.text.starts_with("Read-only"))
                        {
                            state.notice = None;
                        }
                    }
                }
                ui.separator();
                if let Some(d) = date_field(
                    ui,
                    "Compare with:",
                    &mut state.compare_text,
                    "a date",
                    &mut error,
                ) {
                    state.compare = Some(d);
                }
                if f.compare.is_none()
                    && ui
                        .button("With a year ago")
                        .on_hover_text(
                            "Compare with the matrix as it stood a year before the date shown",
                        )
                        .clicked()
                {
                    let d = months_before(f.today, 12);
                    state.compare = Some(d);
                    state.compare_text = d.to_string();
                }
                if let Some(c) = f.compare {
                    ui.label(format!(
                        "since {}: {} rose, {} fell",
                        c.date,
                        super::dialogs::plural(c.rose, "cell", "cells"),
                        c.fell
                    ));
                    if ui.button("Stop comparing").clicked() {
                        state.compare = None;
                        state.compare_text.clear();
                    }
                }
                ui.separator();
                if ui
                    .button("Trends...")
                    .on_hover_text("Coverage, levels and people below their role level over time")
                    .clicked()
                {
                    state.trends_open = true;
                }
            });
        });
    if let Some(e) = error {
        state.notify(e, true);
    }
}

/// Grid lines on the first of months (every 1, 3, 6 or 12 months, whichever keeps about
/// six labels), so the axis reads "Jan 2026", "Apr 2026" rather than arbitrary days.
#[allow(clippy::needless_pass_by_value)] // egui_plot's grid spacer takes its input by value
fn month_grid(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (Some(lo), Some(hi)) = (date_of(input.bounds.0), date_of(input.bounds.1)) else {
        return Vec::new();
    };
    let months = (i32::from(hi.year()) - i32::from(lo.year())) * 12 + i32::from(hi.month())
        - i32::from(lo.month());
    let stride = [1, 3, 6, 12, 24, 60]
        .into_iter()
        .find(|s| months / s <= 6)
        .unwrap_or(120);
    let mut out = Vec::new();
    let mut d = lo.first_of_month();
    while d <= hi {
        let index = i32::from(d.year()) * 12 + i32::from(d.month()) - 1;
        if index % stride == 0 && d >= lo {
            out.push(egui_plot::GridMark {
                value: day(d),
                step_size: f64::from(stride) * 30.4,
            });
        }
        match d.checked_add(jiff::Span::new().months(1)) {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    out
}

/// A step line as separate two-point segments: flat from each point to the next, then a
/// vertical jump. (Counts of people and levels change at dates; a slanted line between two
/// samples would show fractions of people or levels nobody had.)
fn step_segments(points: &[[f64; 2]]) -> Vec<[[f64; 2]; 2]> {
    let mut out = Vec::new();
    for w in points.windows(2) {
        let ([x0, y0], [x1, y1]) = (w[0], w[1]);
        out.push([[x0, y0], [x1, y0]]);
        if (y1 - y0).abs() > f64::EPSILON {
            out.push([[x1, y0], [x1, y1]]);
        }
    }
    if let [only] = points {
        out.push([*only, *only]);
    }
    out
}

/// Draws a step line (one legend entry, many segments).
fn step_line(
    p: &mut egui_plot::PlotUi<'_>,
    name: &str,
    points: &[[f64; 2]],
    color: egui::Color32,
    style: LineStyle,
) {
    for seg in step_segments(points) {
        p.line(
            Line::new(name.to_string(), PlotPoints::from(seg.to_vec()))
                .color(color)
                .width(2.0)
                .style(style),
        );
    }
}

/// The x axis of a time chart: dates.
fn date_plot(id: &str, height: f32, from: Date, to: Date) -> Plot<'static> {
    Plot::new(id.to_string())
        .include_x(day(from))
        .include_x(day(to))
        .x_grid_spacer(month_grid)
        .height(height)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .y_axis_min_width(44.0)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .include_y(0.0)
        .x_axis_formatter(|mark, _| {
            date_of(mark.value).map_or(String::new(), |d| d.strftime("%b %Y").to_string())
        })
        .label_formatter(|pos| {
            use egui_plot::HoverPosition;
            match pos {
                HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => Some(format!(
                    "{plot_name}\n{}: {}",
                    date_of(position.x).map_or(String::new(), |d| d.to_string()),
                    position.y
                )),
                HoverPosition::Elsewhere { .. } => None,
            }
        })
}

/// The Trends window: per skill, covered against the target over time; the selected
/// member's level in that skill as a step line; people below their role level over time.
pub fn trends_window(ctx: &egui::Context, f: &Frame<'_>, state: &mut UiState) {
    let mut open = state.trends_open;
    egui::Window::new("Trends")
        .open(&mut open)
        .default_size([660.0, 640.0])
        .vscroll(true)
        .show(ctx, |ui| trends_ui(ui, f, state));
    state.trends_open = open;
}

fn trends_ui(ui: &mut egui::Ui, f: &Frame<'_>, state: &mut UiState) {
    let Some(t) = f.trends else {
        ui.weak("Reading the history...");
        return;
    };
    let fw = &f.snapshot.framework;
    let (Some(first), Some(last)) = (t.dates.first(), t.dates.last()) else {
        ui.label(
            "Nothing has been assessed yet: trends appear once ratings are recorded over time.",
        );
        return;
    };
    ui.label(format!(
        "{}, month by month from {first} to {last}.",
        state
            .team
            .and_then(|id| f.snapshot.team(id))
            .map_or("All teams", |t| t.name.as_str())
    ));
    let mut skills: Vec<SkillId> = t.trend.points.iter().map(|p| p.skill).collect();
    skills.sort_by(|a, b| fw.skill(*a).name.cmp(&fw.skill(*b).name));
    skills.dedup();
    let default = f
        .view
        .analysis
        .gaps()
        .next()
        .map(|c| c.skill)
        .or_else(|| skills.first().copied());
    let skill = state
        .trend_skill
        .filter(|s| skills.contains(s))
        .or_else(|| {
            state
                .selected
                .map(|(_, s)| s)
                .filter(|s| skills.contains(s))
        })
        .or(default);
    let Some(skill) = skill else {
        ui.label("No skills to chart: give members their role levels or set targets.");
        return;
    };
    ui.horizontal(|ui| {
        let label = ui.label("Skill:");
        egui::ComboBox::from_id_salt("trend_skill")
            .selected_text(&fw.skill(skill).name)
            .width(320.0)
            .show_ui(ui, |ui| {
                for &s in &skills {
                    if ui.selectable_label(s == skill, &fw.skill(s).name).clicked() {
                        state.trend_skill = Some(s);
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
    ui.add_space(4.0);
    ui.strong(format!(
        "People covering {} against the target",
        fw.skill(skill).name
    ));
    let points: Vec<_> = t.trend.points.iter().filter(|p| p.skill == skill).collect();
    let covered: Vec<[f64; 2]> = points
        .iter()
        .map(|p| [day(p.date), f64::from(p.covered)])
        .collect();
    let target: Vec<[f64; 2]> = points
        .iter()
        .map(|p| [day(p.date), f64::from(p.target_count)])
        .collect();
    // "All teams" pools everyone: each team has its own target, so none is drawn.
    let pooled = state.team.is_none();
    if pooled {
        ui.weak("All teams as one pool; each team's own target is in its own trend.");
    }
    date_plot("trend_coverage", 150.0, *first, *last).show(ui, |p| {
        step_line(p, "Covered", &covered, theme::COVERED, LineStyle::Solid);
        if !pooled {
            step_line(
                p,
                "Target",
                &target,
                theme::SHORT,
                LineStyle::dashed_loose(),
            );
        }
    });
    ui.add_space(6.0);
    match state.selected.and_then(|(m, _)| f.snapshot.anyone(m)) {
        Some(m) => {
            ui.strong(format!("{}'s level in {}", m.name, fw.skill(skill).name));
            let steps = level_steps(f, m.id, skill, *first, *last);
            if steps.is_empty() {
                ui.weak("Not rated in this period.");
            } else {
                date_plot("trend_member", 130.0, *first, *last)
                    .include_y(f64::from(Level::Expert.number()))
                    .y_axis_formatter(|mark, _| level_name(mark.value))
                    .show(ui, |p| {
                        step_line(p, &m.name, &steps, theme::SELECTED, LineStyle::Solid);
                    });
            }
        }
        None => {
            ui.weak("Select a cell in the matrix to chart that person's level over time.");
        }
    }
    ui.add_space(6.0);
    ui.strong("People below their role level's requirement (in at least one skill)");
    let below: Vec<[f64; 2]> = t
        .trend
        .below_role
        .iter()
        .map(|(d, n)| [day(*d), *n as f64])
        .collect();
    date_plot("trend_below", 130.0, *first, *last).show(ui, |p| {
        step_line(
            p,
            "Below role level",
            &below,
            theme::SHORT,
            LineStyle::Solid,
        );
    });
}

/// A level's name for a chart's axis (whole numbers only).
fn level_name(y: f64) -> String {
    if (y - y.round()).abs() > 1e-6 {
        return String::new();
    }
    Level::from_number(y.round() as i64).map_or(String::new(), |l| l.name().to_string())
}

/// A member's level in a skill as a step line from `from` to `to`: flat until each change
/// (undone entries left out, as in the matrix as of a date).
fn level_steps(
    f: &Frame<'_>,
    member: crate::model::MemberId,
    skill: SkillId,
    from: Date,
    to: Date,
) -> Vec<[f64; 2]> {
    let Some(timeline) = f.timeline else {
        return Vec::new();
    };
    // The level at the start, then at each assessment date in the period.
    let mut changes: Vec<(Date, Option<Level>)> =
        vec![(from, timeline.level_on(member, skill, from))];
    let mut dates: Vec<Date> = timeline
        .entries(member)
        .iter()
        .filter(|(_, e)| e.skill == skill && e.undone.is_none())
        .map(|(_, e)| e.assessed_on)
        .filter(|a| *a > from && *a <= to)
        .collect();
    dates.sort();
    dates.dedup();
    changes.extend(
        dates
            .into_iter()
            .map(|a| (a, timeline.level_on(member, skill, a))),
    );
    // One point per assessment (while rated), and the last level held until `to`.
    let mut out: Vec<[f64; 2]> = changes
        .into_iter()
        .filter_map(|(date, level)| level.map(|l| [day(date), f64::from(l.number())]))
        .collect();
    if let Some(&[_, y]) = out.last() {
        out.push([day(to), y]);
    }
    out
}
