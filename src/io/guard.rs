//! The formula guard (OWASP CSV injection): a text cell that a spreadsheet would run as a
//! formula gets a leading `'` on export, and import removes exactly that guard, so export ->
//! import -> export is lossless.

const TRIGGERS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\n'];

/// Whether a cell needs the guard: it starts with a formula trigger, or it starts with `'`
/// followed by something that needs the guard (so that unguarding stays exact).
fn needs_guard(text: &str) -> bool {
    match text.chars().next() {
        Some(c) if TRIGGERS.contains(&c) => true,
        Some('\'') => needs_guard(&text[1..]),
        _ => false,
    }
}

/// The text as exported.
///
/// ```
/// use capmatrix::io::{guard, unguard};
/// assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(guard("Ann"), "Ann");
/// assert_eq!(unguard(&guard("'=1")), "'=1");
/// ```
pub fn guard(text: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(text) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// The text as imported: removes exactly the guard [`guard`] adds.
pub fn unguard(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_and_unguard_are_inverse() {
        for s in [
            "=1+2", "+44 20", "-", "@SUM", "\tx", "\rx", "\nx", "'=x", "''@", "'", "'plain",
            "plain", "", "a=b",
        ] {
            assert_eq!(unguard(&guard(s)), s, "{s:?}");
        }
        assert_eq!(guard("-3"), "'-3");
        assert_eq!(guard("'plain"), "'plain");
        assert_eq!(unguard("'plain"), "'plain");
        assert_eq!(unguard("'=1"), "=1");
    }
}
