//! Tracking codes (查询码): what a resident reads aloud over the phone to follow a
//! complaint filed without an account.
//!
//! Eight characters from an alphabet without the look-alikes 0/O, 1/I/L: seven random
//! ones and a check character, so a mistyped or misheard character is caught before
//! any lookup. The check is the position-weighted sum of the seven modulo 31; as 31 is
//! prime, any one wrong character, and any swap of two neighbours among the seven,
//! changes it. Input is forgiving: lower case and spaces or dashes are
//! accepted ("k7mp-2qx9" reads as "K7MP2QX9").

use std::fmt;

/// 31 characters: A-Z without I, L, O, and 2-9.
pub const ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const LENGTH: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackingCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackingCodeError {
    /// Not 8 characters (after removing spaces and dashes).
    Length,
    /// A character outside the alphabet (0, O, 1, I, L, punctuation, …).
    Character,
    /// The check character does not match: a character was mistyped.
    Check,
}

impl fmt::Display for TrackingCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrackingCodeError::Length => "a tracking code has 8 characters",
            TrackingCodeError::Character => {
                "a tracking code uses letters and digits 2-9 only (no 0, O, 1, I or L)"
            }
            TrackingCodeError::Check => "this tracking code has a typing mistake",
        })
    }
}

impl std::error::Error for TrackingCodeError {}

fn index_of(c: u8) -> Option<usize> {
    ALPHABET.iter().position(|a| *a == c)
}

/// The check character over `digits` (indices into the alphabet): weights 1, 2, …,
/// all invertible modulo the prime 31.
fn check_index(digits: &[usize]) -> usize {
    digits
        .iter()
        .enumerate()
        .map(|(i, d)| (i + 1) * d)
        .sum::<usize>()
        % ALPHABET.len()
}

impl TrackingCode {
    /// A new random code. `random_byte` is the caller's secure random source; bytes
    /// that would bias the choice are skipped.
    pub fn generate(mut random_byte: impl FnMut() -> u8) -> TrackingCode {
        let n = ALPHABET.len();
        let limit = (256 / n * n) as u8; // 248: the largest multiple of 31 below 256
        let mut digits = Vec::with_capacity(LENGTH);
        while digits.len() < LENGTH - 1 {
            let b = random_byte();
            if b < limit {
                digits.push(usize::from(b) % n);
            }
        }
        digits.push(check_index(&digits));
        TrackingCode(digits.iter().map(|d| ALPHABET[*d] as char).collect())
    }

    /// Reads a code as a person typed it.
    pub fn parse(input: &str) -> Result<TrackingCode, TrackingCodeError> {
        let cleaned: Vec<u8> = input
            .bytes()
            .filter(|b| !matches!(b, b' ' | b'-' | b'\t'))
            .map(|b| b.to_ascii_uppercase())
            .collect();
        if !input.is_ascii() || cleaned.len() != LENGTH {
            return Err(if input.is_ascii() {
                TrackingCodeError::Length
            } else {
                TrackingCodeError::Character
            });
        }
        let digits: Vec<usize> = cleaned
            .iter()
            .map(|c| index_of(*c).ok_or(TrackingCodeError::Character))
            .collect::<Result<_, _>>()?;
        if check_index(&digits[..LENGTH - 1]) != digits[LENGTH - 1] {
            return Err(TrackingCodeError::Check);
        }
        Ok(TrackingCode(String::from_utf8(cleaned).expect("ASCII")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped for reading aloud: "K7MP 2QX9".
    pub fn spoken(&self) -> String {
        format!("{} {}", &self.0[..4], &self.0[4..])
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn from_bytes(bytes: &[u8]) -> TrackingCode {
        let mut it = bytes.iter().copied().cycle();
        TrackingCode::generate(move || it.next().unwrap())
    }

    #[test]
    fn codes_avoid_look_alikes_and_parse_back() {
        let code = from_bytes(&[0, 30, 7, 255, 248, 100, 42, 9, 13]);
        assert_eq!(code.as_str().len(), 8);
        assert!(!code.as_str().contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(TrackingCode::parse(code.as_str()).unwrap(), code);
        let messy = format!(
            " {}-{} ",
            code.as_str()[..4].to_lowercase(),
            &code.as_str()[4..]
        );
        assert_eq!(TrackingCode::parse(&messy).unwrap(), code);
        assert_eq!(code.spoken().len(), 9);
    }

    #[test]
    fn bad_input_says_what_is_wrong() {
        assert_eq!(TrackingCode::parse("ABC"), Err(TrackingCodeError::Length));
        assert_eq!(
            TrackingCode::parse("ABCDEFG0"),
            Err(TrackingCodeError::Character)
        );
        assert_eq!(
            TrackingCode::parse("网格网格网格网格"),
            Err(TrackingCodeError::Character)
        );
    }

    #[test]
    fn swapped_neighbours_are_caught() {
        let code = from_bytes(&[3, 17, 29, 8, 11, 0, 21]);
        let mut swapped: Vec<u8> = code.as_str().bytes().collect();
        swapped.swap(2, 3);
        let swapped = String::from_utf8(swapped).unwrap();
        assert_ne!(swapped, code.as_str());
        assert_eq!(TrackingCode::parse(&swapped), Err(TrackingCodeError::Check));
    }

    proptest! {
        /// Every generated code parses; changing any one character is always caught.
        #[test]
        fn any_single_typo_is_caught(bytes in prop::collection::vec(any::<u8>(), 16), pos in 0usize..8, replacement in 0usize..31) {
            let code = from_bytes(&bytes);
            prop_assert_eq!(TrackingCode::parse(code.as_str()).unwrap(), code.clone());
            let mut typo: Vec<u8> = code.as_str().bytes().collect();
            prop_assume!(typo[pos] != ALPHABET[replacement]);
            typo[pos] = ALPHABET[replacement];
            let typo = String::from_utf8(typo).unwrap();
            prop_assert_eq!(TrackingCode::parse(&typo), Err(TrackingCodeError::Check));
        }
    }
}
