//! Masking personal data (phones, names) for every view that does not need it in full:
//! only the complainant and the staff handling a ticket see it unmasked.

/// `13812345678` -> `138********`: the first three digits only (the carrier or the
/// area), never any of the last four, since those prove a ticket to its complainant
/// (`tickets::proves`); whatever a screen shows of a phone can never open the ticket.
/// Numbers shorter than eight digits show nothing but their length.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    let keep = if n >= 8 { 3 } else { 0 };
    let head: String = chars[..keep].iter().collect();
    format!("{head}{}", "*".repeat(n - keep))
}

/// `张三` -> `张*`, `欧阳娜娜` -> `欧***`, `Li Lei` -> `L*****`: the first character only.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(mask_phone("13812345678"), "138********");
        assert_eq!(mask_phone("138 1234 5678"), "138********");
        assert_eq!(mask_phone("053288886666"), "053*********");
        assert_eq!(mask_phone("12345"), "*****");
        assert_eq!(mask_phone("1"), "*");
        assert_eq!(mask_phone(""), "");
        // Whatever the length, no digit of the last four is ever shown.
        for n in 0..=20 {
            let phone: String = "9876543210".chars().cycle().take(n).collect();
            let masked = mask_phone(&phone);
            assert_eq!(masked.chars().count(), n);
            let tail_from = n.saturating_sub(4);
            assert!(masked.chars().skip(tail_from).all(|c| c == '*'), "{masked}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("王"), "王*");
        assert_eq!(mask_name("  "), "");
        assert!(!mask_name("Li Lei").contains("Lei"));
    }
}
