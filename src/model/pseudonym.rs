//! Stable pseudonyms for roll-ups: HMAC-SHA256 of a member's normalised name (the key two
//! names are compared by: NFC, spaces collapsed, case ignored) under a secret key. The same
//! key gives the same pseudonym in every run and every file, so one person is recognisable
//! across roll-ups without their name; without the key a pseudonym cannot be recomputed from
//! a guessed name. Pure: the key comes from the caller.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The smallest key accepted, in bytes (the size of SHA-256's output).
pub const MIN_KEY_BYTES: usize = 32;

/// A secret key for pseudonyms.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Vec<u8>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

impl Key {
    /// A key from raw bytes; `None` when shorter than [`MIN_KEY_BYTES`].
    pub fn new(bytes: Vec<u8>) -> Option<Key> {
        (bytes.len() >= MIN_KEY_BYTES).then_some(Key(bytes))
    }

    /// A key file's text: hexadecimal digits (white space around them ignored). An error
    /// says what is wrong, without the file's name (the caller adds it).
    pub fn from_text(text: &str) -> Result<Key, String> {
        let hex = text.trim();
        if hex.is_empty() {
            return Err("the file is empty; make a key with `capmatrix keygen FILE`".into());
        }
        if !hex.len().is_multiple_of(2) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(
                "it is not a capmatrix key (hexadecimal digits); make one with `capmatrix keygen FILE`"
                    .into(),
            );
        }
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
            .collect();
        Key::new(bytes).ok_or_else(|| {
            format!(
                "the key is too short ({} bytes; at least {MIN_KEY_BYTES} are needed)",
                hex.len() / 2
            )
        })
    }

    /// The key as a key file holds it: hexadecimal and a newline.
    pub fn to_text(&self) -> String {
        let mut out: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
        out.push('\n');
        out
    }

    /// A short public fingerprint of the key (16 hexadecimal digits), recorded in an
    /// organisation database so a roll-up with another key is refused; it reveals nothing
    /// that would let anyone compute pseudonyms.
    pub fn fingerprint(&self) -> String {
        self.pseudonym("\u{0}capmatrix key fingerprint")[2..].to_string()
    }

    /// The pseudonym of a name: "P-" and 16 hexadecimal digits (64 bits of the HMAC: a
    /// collision among 100,000 people has odds of about 1 in 3.7 million).
    pub fn pseudonym(&self, name: &str) -> String {
        let key = super::name_key(name);
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            // HMAC takes a key of any length; this cannot happen.
            return String::from("P-");
        };
        mac.update(key.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut out = String::from("P-");
        for b in &digest[..8] {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Key {
        Key::new(vec![byte; 32]).unwrap()
    }

    #[test]
    fn the_same_person_gets_the_same_pseudonym_and_others_do_not() {
        let k = key(7);
        let p = k.pseudonym("Siobhán O'Neill");
        assert_eq!(p.len(), 18);
        assert!(p.starts_with("P-"));
        // Case, spacing and composed/decomposed accents do not matter...
        assert_eq!(k.pseudonym("  siobha\u{301}n   o'neill "), p);
        // ...a different person or a different key does.
        assert_ne!(k.pseudonym("Siobhan O'Neill"), p);
        assert_ne!(key(8).pseudonym("Siobhán O'Neill"), p);
    }

    #[test]
    fn key_text_round_trips_and_bad_keys_are_refused() {
        let k = key(0xab);
        assert_eq!(Key::from_text(&k.to_text()).unwrap(), k);
        assert!(Key::from_text("").unwrap_err().contains("empty"));
        assert!(Key::from_text("xyz").unwrap_err().contains("hexadecimal"));
        assert!(Key::from_text("abcd").unwrap_err().contains("too short"));
    }
}
