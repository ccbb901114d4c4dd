//! Masking personal data (phones, names) for every view that does not need it in full:
//! only the complainant and the staff handling a ticket see it unmasked.

/// `13812345678` -> `138****5678`; short numbers keep only their last two digits.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    if n >= 8 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}{}{tail}", "*".repeat(n - 7))
    } else {
        let keep = n.min(2);
        format!(
            "{}{}",
            "*".repeat(n - keep),
            chars[n - keep..].iter().collect::<String>()
        )
    }
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
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("138 1234 5678"), "138****5678");
        assert_eq!(mask_phone("053288886666"), "053*****6666");
        assert_eq!(mask_phone("12345"), "***45");
        assert_eq!(mask_phone("1"), "1");
        assert_eq!(mask_phone(""), "");
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
