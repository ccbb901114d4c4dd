//! The working-day calendar (工作日历): which days count for handling deadlines.
//!
//! The rule is the weekend rule (Monday to Friday work, Saturday and Sunday off) with
//! exceptions published by the State Council each November: weekdays off for public
//! holidays, and weekend days worked instead (调休). A year is *loaded* when the
//! calendar holds its exceptions; for a year that is not loaded the plain weekend rule
//! applies and callers are told so ([`WorkCalendar::has_year`]), because such a
//! deadline is an estimate until the year's schedule is imported.
//!
//! The calendar is data, not code: it reads and writes a small CSV
//! (`date,kind[,note]`, kind `off` or `work`), so an admin adds next year's schedule
//! without a release. 2026 ships as default data (`calendar/china-2026.csv`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::{Date, Weekday};

/// An exception to the weekend rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A weekday off (public holiday).
    Off,
    /// A weekend day worked (调休上班).
    Work,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Off => "off",
            DayKind::Work => "work",
        }
    }
}

/// One problem in an imported calendar, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarLineError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for CalendarLineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    exceptions: BTreeMap<Date, (DayKind, String)>,
    years: BTreeSet<i32>,
}

const CHINA_2026: &str = include_str!("calendar/china-2026.csv");

fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

impl WorkCalendar {
    /// The shipped default: the State Council's 2026 schedule.
    pub fn china_default() -> WorkCalendar {
        WorkCalendar::parse_csv(CHINA_2026).expect("the shipped calendar is valid")
    }

    /// Reads `date,kind[,note]` lines; `#` starts a comment; a `date,kind` header line is
    /// allowed. Every year named by a line counts as loaded. All errors are reported,
    /// each with its line number; nothing is returned unless all lines are valid.
    pub fn parse_csv(text: &str) -> Result<WorkCalendar, Vec<CalendarLineError>> {
        let mut calendar = WorkCalendar::default();
        let mut errors = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let content = raw.split('#').next().unwrap_or_default().trim();
            if content.is_empty() || (line == 1 && content.starts_with("date,")) {
                continue;
            }
            let mut fields = content.splitn(3, ',').map(str::trim);
            let (date, kind, note) = (fields.next(), fields.next(), fields.next());
            let mut fail = |message: String| errors.push(CalendarLineError { line, message });
            let Some(date) = date.and_then(parse_date) else {
                fail(format!("not a date (YYYY-MM-DD): {content:?}"));
                continue;
            };
            let kind = match kind {
                Some("off") => DayKind::Off,
                Some("work") => DayKind::Work,
                other => {
                    fail(format!(
                        "kind must be off or work, not {:?}",
                        other.unwrap_or("")
                    ));
                    continue;
                }
            };
            let weekend = matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday);
            if weekend && kind == DayKind::Off {
                fail(format!(
                    "{} is a weekend day: it is off already",
                    format_date(date)
                ));
                continue;
            }
            if !weekend && kind == DayKind::Work {
                fail(format!(
                    "{} is a weekday: it is a working day already",
                    format_date(date)
                ));
                continue;
            }
            if calendar.exceptions.contains_key(&date) {
                fail(format!("{} is listed twice", format_date(date)));
                continue;
            }
            calendar.years.insert(date.year());
            calendar
                .exceptions
                .insert(date, (kind, note.unwrap_or_default().to_owned()));
        }
        if errors.is_empty() {
            Ok(calendar)
        } else {
            Err(errors)
        }
    }

    /// The calendar as CSV, in the format `parse_csv` reads.
    pub fn to_csv(&self) -> String {
        self.csv_where(|_| true)
    }

    /// The exceptions of one year, as CSV (how the server stores each year).
    pub fn year_csv(&self, year: i32) -> String {
        self.csv_where(|date| date.year() == year)
    }

    fn csv_where(&self, keep: impl Fn(&Date) -> bool) -> String {
        let mut out = String::from("date,kind,note\n");
        for (date, (kind, note)) in self.exceptions.iter().filter(|(d, _)| keep(d)) {
            out.push_str(&format!(
                "{},{},{}\n",
                format_date(*date),
                kind.as_str(),
                note
            ));
        }
        out
    }

    /// Replaces the exceptions of every year `other` holds by `other`'s (an import of
    /// one year's schedule replaces that year and keeps the others).
    pub fn merge(&mut self, other: WorkCalendar) {
        for year in &other.years {
            self.exceptions.retain(|date, _| date.year() != *year);
            self.years.insert(*year);
        }
        self.exceptions.extend(other.exceptions);
    }

    /// Whether the year's official schedule is loaded (otherwise: weekends only).
    pub fn has_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        match self.exceptions.get(&date) {
            Some((DayKind::Off, _)) => false,
            Some((DayKind::Work, _)) => true,
            None => !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn the_2026_schedule() {
        let cal = WorkCalendar::china_default();
        assert!(cal.has_year(2026));
        assert!(!cal.has_year(2027));
        // Holidays on weekdays, make-up working days on weekends, plain days.
        for off in [
            date!(2026 - 01 - 01),
            date!(2026 - 02 - 16),
            date!(2026 - 10 - 07),
        ] {
            assert!(!cal.is_working_day(off), "{off}");
        }
        for work in [
            date!(2026 - 01 - 04),
            date!(2026 - 02 - 14),
            date!(2026 - 02 - 28),
            date!(2026 - 05 - 09),
            date!(2026 - 09 - 20),
            date!(2026 - 10 - 10),
        ] {
            assert!(cal.is_working_day(work), "{work}");
        }
        assert!(cal.is_working_day(date!(2026 - 11 - 24)));
        assert!(!cal.is_working_day(date!(2026 - 11 - 28)));
        // Count of days off in the National Day week: Oct 1-7 (7 days).
        let off = (1..=7)
            .filter(|d| {
                !cal.is_working_day(
                    Date::from_calendar_date(2026, time::Month::October, *d).unwrap(),
                )
            })
            .count();
        assert_eq!(off, 7);
    }

    #[test]
    fn csv_round_trips() {
        let cal = WorkCalendar::china_default();
        let again = WorkCalendar::parse_csv(&cal.to_csv()).unwrap();
        assert_eq!(cal, again);
        let year = WorkCalendar::parse_csv(&cal.year_csv(2026)).unwrap();
        assert_eq!(cal, year);
        assert_eq!(cal.year_csv(2027), "date,kind,note\n");
    }

    #[test]
    fn bad_lines_are_all_reported_with_numbers() {
        let text = "date,kind\n2027-02-30,off\n2027-01-01,holiday\n2027-01-02,off\n2027-01-04,work\n2027-01-01,off\n2027-01-01,off\n";
        let errors = WorkCalendar::parse_csv(text).unwrap_err();
        let lines: Vec<_> = errors.iter().map(|e| e.line).collect();
        // 2: no Feb 30; 3: bad kind; 4: a Saturday off; 5: a Monday "worked"; 7: twice.
        assert_eq!(lines, [2, 3, 4, 5, 7], "{errors:?}");
        assert!(errors[0].to_string().starts_with("line 2: "));
    }

    #[test]
    fn importing_a_year_replaces_only_that_year() {
        let mut cal = WorkCalendar::china_default();
        let next = WorkCalendar::parse_csv("2027-01-01,off,元旦\n").unwrap();
        cal.merge(next);
        assert!(cal.has_year(2026) && cal.has_year(2027));
        assert!(!cal.is_working_day(date!(2027 - 01 - 01)));
        assert!(!cal.is_working_day(date!(2026 - 10 - 01)));
        let replaced = WorkCalendar::parse_csv("2026-12-31,off,test\n").unwrap();
        cal.merge(replaced);
        assert!(
            cal.is_working_day(date!(2026 - 10 - 01)),
            "2026 was replaced whole"
        );
        assert!(!cal.is_working_day(date!(2026 - 12 - 31)));
    }
}
