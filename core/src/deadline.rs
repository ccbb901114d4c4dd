//! Deadlines (时限): the response clock and the handling time.
//!
//! - Response (first contact with the complainant): 4 hours after dispatch unless a
//!   [deadline rule](rules) says otherwise, in clock hours or in working hours (office
//!   hours of working days); 1 clock hour for urgent tickets (those linked with the 110
//!   police line, say).
//! - Handling: a number of working days, by default the matter type's tier (1, 3, 7 or
//!   11, [`Tier`]), or what a rule gives the matter type or the lead unit's level.
//!   Counted as Chinese law counts periods (Civil Code arts. 201 and 203): the day of
//!   dispatch does not count, the period runs from the next day, and it ends at 24:00
//!   of its last day. Only working days of the [`WorkCalendar`] count. The deadline is
//!   stored as 23:59:59 local time of the last working day, so it always falls on a
//!   working day and reads naturally.
//! - Times are computed in the city's local offset (Asia/Shanghai, UTC+8, has had no
//!   daylight saving since 1991, so a fixed offset is exact) and returned in UTC.
//!
//! This lives in core so the app shows the same due times offline that the server
//! enforces.

pub mod rules;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::calendar::WorkCalendar;
pub use rules::{
    DeadlineRule, DeadlineRules, HourBasis, MAX_HANDLING_DAYS, OfficeHours, RESPONSE_HOURS, Terms,
    URGENT_RESPONSE_HOURS,
};

/// China Standard Time, the default local offset.
pub const CHINA_OFFSET: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+8 is a valid offset"),
};

/// A standard handling tier, in working days: what the catalogue gives a matter type
/// and what the consoles offer a dispatcher first (a rule or a dispatcher may give any
/// number of days up to [`MAX_HANDLING_DAYS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Tier {
    One,
    Three,
    Seven,
    Eleven,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::One, Tier::Three, Tier::Seven, Tier::Eleven];

    pub fn working_days(self) -> u8 {
        match self {
            Tier::One => 1,
            Tier::Three => 3,
            Tier::Seven => 7,
            Tier::Eleven => 11,
        }
    }

    pub fn from_working_days(days: u8) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.working_days() == days)
    }
}

impl TryFrom<u8> for Tier {
    type Error = String;
    fn try_from(days: u8) -> Result<Self, Self::Error> {
        Tier::from_working_days(days).ok_or_else(|| format!("no tier of {days} working days"))
    }
}

impl From<Tier> for u8 {
    fn from(tier: Tier) -> u8 {
        tier.working_days()
    }
}

/// The due times of one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlines {
    pub response_due: OffsetDateTime,
    pub handling_due: OffsetDateTime,
    /// Years whose official schedule was missing while counting: the handling deadline
    /// assumed plain weekends for them and may move once the schedule is imported.
    pub estimated_years: Vec<i32>,
}

/// Counting ran past any plausible deadline (a calendar with no working days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoWorkingDays;

/// How far counting may look ahead before giving up (a year and a half of days).
const MAX_DAYS_AHEAD: u32 = 550;

/// The handling deadline `days` working days after `start`, and the years counted
/// without an official schedule.
pub fn add_working_days(
    calendar: &WorkCalendar,
    offset: UtcOffset,
    start: OffsetDateTime,
    days: u8,
) -> Result<(OffsetDateTime, Vec<i32>), NoWorkingDays> {
    let mut date: Date = start.to_offset(offset).date();
    let mut counted = 0u8;
    let mut estimated_years = Vec::new();
    for _ in 0..MAX_DAYS_AHEAD {
        date = date.next_day().ok_or(NoWorkingDays)?;
        if !calendar.has_year(date.year()) && !estimated_years.contains(&date.year()) {
            estimated_years.push(date.year());
        }
        if calendar.is_working_day(date) {
            counted += 1;
            if counted >= days {
                return Ok((end_of_day(date, offset), estimated_years));
            }
        }
    }
    Err(NoWorkingDays)
}

/// 23:59:59 local time of `date`, in UTC.
pub fn end_of_day(date: Date, offset: UtcOffset) -> OffsetDateTime {
    PrimitiveDateTime::new(date, Time::from_hms(23, 59, 59).expect("a valid time"))
        .assume_offset(offset)
        .to_offset(UtcOffset::UTC)
}

/// The instant `hours` working hours after `start`: only the office hours of working
/// days count; and the years counted without an official schedule.
pub fn add_working_hours(
    calendar: &WorkCalendar,
    office: &OfficeHours,
    offset: UtcOffset,
    start: OffsetDateTime,
    hours: u8,
) -> Result<(OffsetDateTime, Vec<i32>), NoWorkingDays> {
    let start = start.to_offset(offset);
    let begin = PrimitiveDateTime::new(start.date(), start.time());
    let mut left = Duration::hours(i64::from(hours));
    let mut date = start.date();
    let mut estimated_years = Vec::new();
    for _ in 0..MAX_DAYS_AHEAD {
        if !calendar.has_year(date.year()) && !estimated_years.contains(&date.year()) {
            estimated_years.push(date.year());
        }
        if calendar.is_working_day(date) {
            for (from, to) in office.spans() {
                let from = PrimitiveDateTime::new(date, *from).max(begin);
                let to = PrimitiveDateTime::new(date, *to);
                if to <= from {
                    continue;
                }
                if to - from >= left {
                    let due = (from + left)
                        .assume_offset(offset)
                        .to_offset(UtcOffset::UTC);
                    return Ok((due, estimated_years));
                }
                left -= to - from;
            }
        }
        date = date.next_day().ok_or(NoWorkingDays)?;
    }
    Err(NoWorkingDays)
}

/// The response and handling deadlines of a ticket dispatched at `dispatched_at` with
/// `terms`, counting working hours in `office` hours.
pub fn deadlines(
    calendar: &WorkCalendar,
    office: &OfficeHours,
    offset: UtcOffset,
    dispatched_at: OffsetDateTime,
    terms: Terms,
    urgent: bool,
) -> Result<Deadlines, NoWorkingDays> {
    let (handling_due, mut estimated_years) =
        add_working_days(calendar, offset, dispatched_at, terms.handling_days)?;
    let response_due = match (urgent, terms.response_basis) {
        (true, _) => dispatched_at + Duration::hours(i64::from(URGENT_RESPONSE_HOURS)),
        (false, HourBasis::Clock) => {
            dispatched_at + Duration::hours(i64::from(terms.response_hours))
        }
        (false, HourBasis::Working) => {
            let (due, years) = add_working_hours(
                calendar,
                office,
                offset,
                dispatched_at,
                terms.response_hours,
            )?;
            for year in years {
                if !estimated_years.contains(&year) {
                    estimated_years.push(year);
                }
            }
            due
        }
    };
    Ok(Deadlines {
        response_due: response_due.to_offset(UtcOffset::UTC),
        handling_due,
        estimated_years,
    })
}

/// The most supervision checkpoints (督办节点) a ticket gets.
pub const MAX_CHECKPOINTS: u8 = 4;

/// The `k`-th of `n` supervision checkpoints of a ticket dispatched at `start` and due
/// at `due` (1-based): the handling time cut in `n + 1` equal parts, so the last comes
/// before the deadline.
pub fn checkpoint_at(start: OffsetDateTime, due: OffsetDateTime, k: u8, n: u8) -> OffsetDateTime {
    let n = n.clamp(1, MAX_CHECKPOINTS);
    let k = k.clamp(1, n);
    start + (due - start) * (f64::from(k) / f64::from(n + 1))
}

/// When to warn the unit: after `fraction` (e.g. 0.75) of the time from `start` to
/// `due` has passed.
pub fn warning_at(start: OffsetDateTime, due: OffsetDateTime, fraction: f64) -> OffsetDateTime {
    let fraction = fraction.clamp(0.0, 1.0);
    start + (due - start) * fraction
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::datetime;

    use super::*;

    fn cal() -> WorkCalendar {
        WorkCalendar::china_default()
    }

    fn due(start: OffsetDateTime, terms: Terms, urgent: bool) -> Deadlines {
        deadlines(
            &cal(),
            &OfficeHours::default(),
            CHINA_OFFSET,
            start,
            terms,
            urgent,
        )
        .unwrap()
    }

    fn handling(start: OffsetDateTime, tier: Tier) -> OffsetDateTime {
        due(start, Terms::standard(tier.working_days()), false).handling_due
    }

    fn working(hours: u8) -> Terms {
        Terms {
            response_hours: hours,
            response_basis: HourBasis::Working,
            ..Terms::standard(3)
        }
    }

    #[test]
    fn response_clock_is_four_hours_or_one_when_urgent() {
        let at = datetime!(2026-03-10 09:30 +8);
        let normal = due(at, Terms::standard(3), false);
        assert_eq!(normal.response_due, datetime!(2026-03-10 13:30 +8));
        let urgent = due(at, Terms::standard(3), true);
        assert_eq!(urgent.response_due, datetime!(2026-03-10 10:30 +8));
        assert_eq!(urgent.response_due.offset(), UtcOffset::UTC);
        // Urgent is one clock hour even where the rules count working hours.
        let urgent = due(datetime!(2026-03-14 22:00 +8), working(4), true);
        assert_eq!(urgent.response_due, datetime!(2026-03-14 23:00 +8));
    }

    #[test]
    fn working_hours_count_office_hours_of_working_days_only() {
        // Tuesday 09:30: 2.5 h to noon, 1.5 h after lunch.
        let t = due(datetime!(2026-03-10 09:30 +8), working(4), false);
        assert_eq!(t.response_due, datetime!(2026-03-10 15:00 +8));
        // Tuesday 16:00: 1.5 h that day, 2.5 h on Wednesday morning.
        let t = due(datetime!(2026-03-10 16:00 +8), working(4), false);
        assert_eq!(t.response_due, datetime!(2026-03-11 11:30 +8));
        // At lunch: counting starts at 13:30, and the afternoon is 4 hours.
        let t = due(datetime!(2026-03-10 12:10 +8), working(4), false);
        assert_eq!(t.response_due, datetime!(2026-03-10 17:30 +8));
        // Friday evening: Monday's morning and an hour after lunch; the same in clock
        // hours is Saturday 01:00.
        let t = due(datetime!(2026-03-13 21:00 +8), working(4), false);
        assert_eq!(t.response_due, datetime!(2026-03-16 14:30 +8));
        let t = due(datetime!(2026-03-13 21:00 +8), Terms::standard(3), false);
        assert_eq!(t.response_due, datetime!(2026-03-14 01:00 +8));
        // Exactly filling a span ends at its end.
        let t = due(datetime!(2026-03-10 09:00 +8), working(3), false);
        assert_eq!(t.response_due, datetime!(2026-03-10 12:00 +8));
        // Over National Day (Oct 1-7 off): half an hour on Sep 30, then Thursday Oct 8.
        let t = due(datetime!(2026-09-30 17:00 +8), working(4), false);
        assert_eq!(t.response_due, datetime!(2026-10-08 14:00 +8));
        // On the make-up Saturday Oct 10, office hours count.
        let t = due(datetime!(2026-10-09 17:00 +8), working(4), false);
        assert_eq!(t.response_due, datetime!(2026-10-10 14:00 +8));
    }

    #[test]
    fn each_tier_on_plain_weeks() {
        // Tuesday 2026-03-10: the day itself does not count.
        let at = datetime!(2026-03-10 09:30 +8);
        assert_eq!(handling(at, Tier::One), datetime!(2026-03-11 23:59:59 +8));
        assert_eq!(handling(at, Tier::Three), datetime!(2026-03-13 23:59:59 +8));
        assert_eq!(handling(at, Tier::Seven), datetime!(2026-03-19 23:59:59 +8));
        assert_eq!(
            handling(at, Tier::Eleven),
            datetime!(2026-03-25 23:59:59 +8)
        );
    }

    #[test]
    fn weekends_do_not_count() {
        // Friday afternoon: one working day is Monday.
        assert_eq!(
            handling(datetime!(2026-03-13 16:00 +8), Tier::One),
            datetime!(2026-03-16 23:59:59 +8)
        );
        // Dispatched on a Saturday: Monday is the first day.
        assert_eq!(
            handling(datetime!(2026-03-14 10:00 +8), Tier::One),
            datetime!(2026-03-16 23:59:59 +8)
        );
    }

    #[test]
    fn dispatch_at_23_59_on_the_eve_of_national_day() {
        let at = datetime!(2026-09-30 23:59 +8);
        // Oct 1-7 off; Oct 8 (Thu), Oct 9 (Fri), Oct 10 (Sat, 调休) work.
        assert_eq!(handling(at, Tier::One), datetime!(2026-10-08 23:59:59 +8));
        assert_eq!(handling(at, Tier::Three), datetime!(2026-10-10 23:59:59 +8));
        // Expressed in UTC, the same instant.
        assert_eq!(handling(at, Tier::One), datetime!(2026-10-08 15:59:59 UTC));
        // One minute later it is October 1st local time: the same deadline.
        assert_eq!(
            handling(datetime!(2026-09-30 16:00 UTC), Tier::One),
            datetime!(2026-10-08 23:59:59 +8)
        );
    }

    #[test]
    fn make_up_working_days_count() {
        // Friday Feb 13: Feb 14 (Sat) is a make-up working day.
        assert_eq!(
            handling(datetime!(2026-02-13 10:00 +8), Tier::One),
            datetime!(2026-02-14 23:59:59 +8)
        );
        // Saturday Feb 14, during work: next working day after the Spring Festival
        // (Feb 15-23 off) is Tuesday Feb 24.
        assert_eq!(
            handling(datetime!(2026-02-14 10:00 +8), Tier::One),
            datetime!(2026-02-24 23:59:59 +8)
        );
        // Sunday Sep 20 is worked: dispatch on Saturday Sep 19 counts it.
        assert_eq!(
            handling(datetime!(2026-09-19 10:00 +8), Tier::One),
            datetime!(2026-09-20 23:59:59 +8)
        );
    }

    #[test]
    fn years_without_a_schedule_fall_back_to_weekends_and_say_so() {
        let d = due(datetime!(2026-12-30 10:00 +8), Terms::standard(3), false);
        // Dec 31 (Thu, 2026), Jan 1 (Fri, 2027: no schedule, so a plain Friday), Jan 4.
        assert_eq!(d.handling_due, datetime!(2027-01-04 23:59:59 +8));
        assert_eq!(d.estimated_years, [2027]);
        let d = due(datetime!(2026-03-10 10:00 +8), Terms::standard(3), false);
        assert!(d.estimated_years.is_empty());
    }

    #[test]
    fn warning_at_three_quarters() {
        let start = datetime!(2026-03-10 08:00 UTC);
        let due = datetime!(2026-03-10 12:00 UTC);
        assert_eq!(
            warning_at(start, due, 0.75),
            datetime!(2026-03-10 11:00 UTC)
        );
    }

    #[test]
    fn tiers_serialize_as_their_days() {
        assert_eq!(serde_json::to_string(&Tier::Seven).unwrap(), "7");
        assert_eq!(serde_json::from_str::<Tier>("11").unwrap(), Tier::Eleven);
        assert!(serde_json::from_str::<Tier>("2").is_err());
    }

    fn count_working_days_between(cal: &WorkCalendar, after: Date, until: Date) -> usize {
        let mut n = 0;
        let mut d = after;
        while d < until {
            d = d.next_day().unwrap();
            if cal.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    proptest! {
        /// Any dispatch time between 2025 and 2028, any tier, clock or working hours,
        /// urgent or not.
        #[test]
        fn deadlines_are_after_the_start_on_working_days_and_count_right(
            seconds in 1_735_660_800i64..1_861_920_000i64,
            tier in prop::sample::select(Tier::ALL.to_vec()),
            working_hours in any::<bool>(),
            urgent in any::<bool>(),
        ) {
            let cal = cal();
            // Whole minutes, so the working minutes below can be counted one by one.
            let start = OffsetDateTime::from_unix_timestamp(seconds - seconds % 60).unwrap();
            let terms = if working_hours { working(4) } else { Terms::standard(3) };
            let terms = Terms { handling_days: tier.working_days(), ..terms };
            let d = due(start, terms, urgent);
            prop_assert!(d.handling_due > start);
            prop_assert!(d.response_due > start);
            if working_hours && !urgent {
                // Minute by minute, exactly 4 hours of office time on working days.
                let office = OfficeHours::default();
                let mut minutes = 0;
                let mut t = start;
                while t < d.response_due {
                    let local = t.to_offset(CHINA_OFFSET);
                    if cal.is_working_day(local.date())
                        && office.spans().iter().any(|(a, b)| local.time() >= *a && local.time() < *b)
                    {
                        minutes += 1;
                    }
                    t += Duration::minutes(1);
                }
                prop_assert_eq!(minutes, 240);
            }
            let local_due = d.handling_due.to_offset(CHINA_OFFSET);
            prop_assert!(cal.is_working_day(local_due.date()));
            prop_assert_eq!(local_due.time(), Time::from_hms(23, 59, 59).unwrap());
            let counted = count_working_days_between(&cal, start.to_offset(CHINA_OFFSET).date(), local_due.date());
            prop_assert_eq!(counted, usize::from(tier.working_days()));
        }
    }
}
