//! Colours and sizes, in one place. The heatmap uses a colour-blind-safe sequential palette
//! (ColorBrewer "Blues", light to dark) and every cell also shows its level as text, so nothing
//! depends on colour alone. Gaps use orange, a hue the common colour-vision deficiencies still
//! tell apart from blue.

use crate::model::Level;
use crate::palette;
use egui::Color32;

/// Height of a heatmap row.
pub const ROW_HEIGHT: f32 = 24.0;
/// Width of the team column ("All teams").
pub const TEAM_WIDTH: f32 = 130.0;
/// Width of the member-name column.
pub const NAME_WIDTH: f32 = 160.0;
/// Width of the role-level column.
pub const ROLE_WIDTH: f32 = 140.0;
/// Width of the total column.
pub const TOTAL_WIDTH: f32 = 44.0;
/// Width of a skill column.
pub const CELL_WIDTH: f32 = 66.0;
/// Height of the column headers: skill names run upwards in full, wrapped over up to four
/// lines, so any of the framework's skills is legible in a narrow column.
pub const HEADER_HEIGHT: f32 = 132.0;

/// Background of a rated cell, by level (Blues, 5 classes). In the dark theme "None" is a
/// dark slate rather than the palette's near-white, so the least skill is not the brightest
/// cell on a dark background.
pub fn level_fill(level: Level, dark: bool) -> Color32 {
    match level {
        Level::None if dark => Color32::from_rgb(0x3a, 0x44, 0x50),
        _ => rgb(palette::level_fill(level)),
    }
}

/// Text on a rated cell: dark on the light classes, white on the dark ones.
pub fn level_text(level: Level, dark: bool) -> Color32 {
    if level >= Level::Practitioner || (dark && level == Level::None) {
        Color32::WHITE
    } else {
        rgb(palette::INK)
    }
}

/// A shared colour as egui's.
pub fn rgb(c: palette::Rgb) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

/// Marks a cell below what the member's role level requires (with a corner triangle).
pub const BELOW: Color32 = Color32::from_rgb(palette::SHORT.0, palette::SHORT.1, palette::SHORT.2);
/// Coverage: target met.
pub const COVERED: Color32 =
    Color32::from_rgb(palette::COVERED.0, palette::COVERED.1, palette::COVERED.2);
/// Coverage: short of the target.
pub const SHORT: Color32 = Color32::from_rgb(palette::SHORT.0, palette::SHORT.1, palette::SHORT.2);
/// Coverage: resting on one person.
pub const SINGLE: Color32 =
    Color32::from_rgb(palette::SINGLE.0, palette::SINGLE.1, palette::SINGLE.2);
/// A coverage cell's fill, text colour and mark: one person covering it (yellow, " !") before
/// short of the target (orange), then met (blue, `met` as its mark).
pub fn coverage_style(
    single_point_of_failure: bool,
    shortfall: u32,
    met: &'static str,
) -> (Color32, Color32, &'static str) {
    if single_point_of_failure {
        (SINGLE, Color32::BLACK, " !")
    } else if shortfall > 0 {
        (SHORT, Color32::WHITE, "")
    } else {
        (COVERED, Color32::WHITE, met)
    }
}

/// A coverage in words: "Testing: 1 of 2 at Working or above; short by 1; single point of
/// failure" (tooltips and screen readers).
pub fn coverage_words(
    what: &str,
    covered: u32,
    target: crate::model::Target,
    shortfall: u32,
    single_point_of_failure: bool,
) -> String {
    format!(
        "{what}: {covered} of {} at {} or above{}{}",
        target.count,
        target.level,
        if shortfall > 0 {
            format!("; short by {shortfall}")
        } else {
            String::new()
        },
        if single_point_of_failure {
            "; single point of failure"
        } else {
            ""
        }
    )
}

/// Sort arrows and other accents (the selection has its own outline: see the heatmap).
pub const SELECTED: Color32 = Color32::from_rgb(0x3b, 0x6e, 0xa8);
/// The time bar's background while the window shows the past (read-only): a pale amber no
/// level colour uses.
pub const PAST_BANNER: Color32 = Color32::from_rgb(0xfd, 0xe6, 0x9c);
/// The what-if banner: a pale lilac no level or gap colour uses, so a plan is never
/// mistaken for the matrix as it is.
pub const WHAT_IF_BANNER: Color32 = Color32::from_rgb(0xe4, 0xd9, 0xf5);
/// Width of the team column of the Organisation view.
pub const ORG_TEAM_WIDTH: f32 = 220.0;
/// Width of the members column of the Organisation view.
pub const ORG_MEMBERS_WIDTH: f32 = 70.0;
/// Width of a skill column of the Organisation view.
pub const ORG_CELL_WIDTH: f32 = 74.0;
/// Height of the Organisation view's header (skill names wrapped on up to four lines).
pub const ORG_HEADER_HEIGHT: f32 = 64.0;

/// A rating due for review: the corner mark's colour (dark grey, visible on every level).
pub const STALE: Color32 = Color32::from_rgb(0x55, 0x55, 0x55);
/// "Self vs lead": their own rating two or more levels above the lead's (purple).
pub const SELF_ABOVE: Color32 = Color32::from_rgb(0x7b, 0x1f, 0xa2);
/// Their own rating two or more levels below the lead's (teal).
pub const SELF_BELOW: Color32 = Color32::from_rgb(0x00, 0x79, 0x6b);
/// A cell that rose since the compared date.
pub const ROSE: Color32 = Color32::from_rgb(0x1b, 0x5e, 0x20);
/// A cell that fell since the compared date.
pub const FELL: Color32 = Color32::from_rgb(0xb3, 0x3c, 0x00);

/// Gap mode: how far a member is from their role's requirement (negative: below), as a
/// diverging orange-white-blue scale.
pub fn gap_fill(gap: i8) -> Color32 {
    match gap {
        i8::MIN..=-3 => Color32::from_rgb(0xa6, 0x36, 0x03),
        -2 => Color32::from_rgb(0xe6, 0x55, 0x0d),
        -1 => Color32::from_rgb(0xfd, 0xae, 0x6b),
        0 => Color32::from_rgb(0xf0, 0xf0, 0xf0),
        1 => Color32::from_rgb(0x9e, 0xca, 0xe1),
        _ => Color32::from_rgb(0x31, 0x82, 0xbd),
    }
}

/// Text on a gap cell.
pub fn gap_text(gap: i8) -> Color32 {
    if gap <= -2 || gap >= 2 {
        Color32::WHITE
    } else {
        Color32::from_rgb(0x10, 0x20, 0x30)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(c: Color32) -> f32 {
        0.2126 * f32::from(c.r()) + 0.7152 * f32::from(c.g()) + 0.0722 * f32::from(c.b())
    }

    #[test]
    fn none_is_not_the_brightest_cell_in_the_dark_theme() {
        let none = luminance(level_fill(Level::None, true));
        for level in [Level::Awareness, Level::Working] {
            assert!(none < luminance(level_fill(level, true)), "{level}");
        }
        // In the light theme None stays the palette's lightest class.
        assert!(
            luminance(level_fill(Level::None, false))
                > luminance(level_fill(Level::Awareness, false))
        );
        // Its text stays readable on it.
        assert!(luminance(level_text(Level::None, true)) > none + 100.0);
    }

    #[test]
    fn orange_means_only_below_what_is_required() {
        // The selection and the sort arrows have their own colour, not the "below" orange.
        assert_ne!(SELECTED, BELOW);
        assert!(
            f32::from(SELECTED.b()) > f32::from(SELECTED.r()),
            "an accent blue"
        );
        assert_eq!(
            SHORT, BELOW,
            "a team short of its target is below what is required too"
        );
    }
}
