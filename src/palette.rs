//! The colours every view of the matrix shares (the window's light theme, the workbook, the
//! picture), as plain RGB so that the formats need no UI library: ColorBrewer "Blues" for
//! levels, orange for what falls short. `ui::theme` builds the window's colours from these.

use crate::model::Level;

/// A colour as red, green, blue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, as SVG writes it.
    pub fn css(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// `0xRRGGBB`, as a workbook's formats take it.
    pub fn hex(self) -> u32 {
        (u32::from(self.0) << 16) | (u32::from(self.1) << 8) | u32::from(self.2)
    }
}

/// Background of a rated cell on a light background (Blues, 5 classes; "None" a shade darker
/// than Blues' first class, so it shows on white).
pub fn level_fill(level: Level) -> Rgb {
    match level {
        Level::None => Rgb(0xdc, 0xe4, 0xf2),
        Level::Awareness => Rgb(0xbd, 0xd7, 0xe7),
        Level::Working => Rgb(0x6b, 0xae, 0xd6),
        Level::Practitioner => Rgb(0x31, 0x82, 0xbd),
        Level::Expert => Rgb(0x08, 0x51, 0x9c),
    }
}

/// Text on a rated cell: dark on the light classes, white on the dark ones.
pub fn level_text(level: Level) -> Rgb {
    if level >= Level::Practitioner {
        WHITE
    } else {
        INK
    }
}

/// Dark text.
pub const INK: Rgb = Rgb(0x10, 0x20, 0x30);
/// White.
pub const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
/// Secondary text and rules.
pub const MUTED: Rgb = Rgb(0x5a, 0x64, 0x70);
/// Below what the role requires; short of a target.
pub const SHORT: Rgb = Rgb(0xd9, 0x5f, 0x02);
/// A light tint of [`SHORT`] for filled cells.
pub const SHORT_TINT: Rgb = Rgb(0xfd, 0xd9, 0xb5);
/// Target met.
pub const COVERED: Rgb = Rgb(0x31, 0x82, 0xbd);
/// Resting on one person.
pub const SINGLE: Rgb = Rgb(0xfe, 0xc4, 0x4f);
/// Every other row's band in a picture.
pub const STRIPE: Rgb = Rgb(0xf4, 0xf6, 0xf9);
/// The outline of an empty cell in a picture.
pub const EMPTY_EDGE: Rgb = Rgb(0xe2, 0xe6, 0xec);
/// Cell borders in a workbook.
pub const GRID: Rgb = Rgb(0xc8, 0xd0, 0xdc);
/// A person's own rating (self-assessment) beside the lead's: purple, as the window's "Self
/// vs lead" outline for theirs above the lead's.
pub const SELF_MARK: Rgb = Rgb(0x7b, 0x1f, 0xa2);
/// Header fills.
pub const HEADER: Rgb = Rgb(0xe8, 0xee, 0xf6);
