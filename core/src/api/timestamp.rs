//! Timestamps on the wire: RFC 3339 in UTC to the second (`2026-11-24T01:32:01Z`).
//!
//! Written and read here by hand rather than with `time`'s format machinery, which
//! would add tens of kilobytes to the app's wasm for one fixed shape. Reading also
//! accepts a fraction (ignored) and a `+HH:MM`/`-HH:MM` offset.

use serde::{Deserialize, Deserializer, Serializer};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

pub fn format(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

pub fn parse(text: &str) -> Option<OffsetDateTime> {
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let s = text.get(range)?;
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let date = Date::from_calendar_date(
        i32::try_from(num(0..4)?).ok()?,
        Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?,
        u8::try_from(num(8..10)?).ok()?,
    )
    .ok()?;
    let time = Time::from_hms(
        u8::try_from(num(11..13)?).ok()?,
        u8::try_from(num(14..16)?).ok()?,
        u8::try_from(num(17..19)?).ok()?,
    )
    .ok()?;
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => UtcOffset::UTC,
        _ if rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':' =>
        {
            let h: i8 = rest[1..3].parse().ok()?;
            let m: i8 = rest[4..6].parse().ok()?;
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            UtcOffset::from_hms(sign * h, sign * m, 0).ok()?
        }
        _ => return None,
    };
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_offset(offset)
            .to_offset(UtcOffset::UTC),
    )
}

pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(*t))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
    let text = String::deserialize(d)?;
    parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text:?}")))
}

/// The same for `Option<OffsetDateTime>` (`null` when absent).
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_some(&format(*t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => parse(&text)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn round_trip_to_the_second() {
        let t = datetime!(2026-11-24 09:32:01.75 +8);
        assert_eq!(format(t), "2026-11-24T01:32:01Z");
        assert_eq!(
            parse("2026-11-24T01:32:01Z"),
            Some(datetime!(2026-11-24 01:32:01 UTC))
        );
    }

    #[test]
    fn reads_fractions_and_offsets() {
        assert_eq!(
            parse("2026-11-24T09:32:01.123+08:00"),
            Some(datetime!(2026-11-24 01:32:01 UTC))
        );
        assert_eq!(
            parse("2026-11-23T20:32:01-05:00"),
            Some(datetime!(2026-11-24 01:32:01 UTC))
        );
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for bad in [
            "",
            "2026-11-24",
            "2026-13-01T00:00:00Z",
            "2026-11-24T25:00:00Z",
            "2026-11-24T01:32:01",
            "2026-11-24T01:32:01.Z",
            "2026-11-24T01:32:01+0800",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
