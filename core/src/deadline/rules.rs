//! Deadline rules (时限规则) as data: what a ticket is given to respond and to handle,
//! by its matter type and the level of the unit that leads it.
//!
//! Cities differ. One gives every matter type a tier of 1, 3, 7 or 11 working days
//! (the catalogue's `tier_days`, the default); another sets handling time by the level
//! of the unit (a community 2 working days, a street office 3, a district department
//! 4); one counts the 4-hour response in clock hours, another in working hours. A rule
//! names a matter type (and so everything below it in the catalogue), a unit kind, both
//! or neither, and sets any of: handling days, response hours and how those hours are
//! counted. For each of the three, the most specific matching rule that sets it wins:
//! a rule naming the matter type itself before one naming its category, before one
//! naming no matter type; between rules equal on the matter type, one naming the unit
//! kind first. What no rule sets is the default: the matter type's tier, 4 hours, clock
//! hours. Urgent tickets always get one clock hour to respond.
//!
//! Working hours are the office hours of the working days of the
//! [`WorkCalendar`](crate::calendar::WorkCalendar), 09:00–12:00 and 13:30–17:30 unless
//! the rules say otherwise.

use serde::{Deserialize, Serialize};
use time::Time;

use crate::api::reference::UnitKind;

/// The longest handling time a rule or a dispatcher may give, in working days.
pub const MAX_HANDLING_DAYS: u8 = 60;
/// The longest response time a rule may give, in hours.
pub const MAX_RESPONSE_HOURS: u8 = 72;
/// Hours to first contact with the complainant when no rule says otherwise.
pub const RESPONSE_HOURS: u8 = 4;
/// Hours to first contact for urgent tickets (those linked with the 110 police line,
/// say), always clock hours.
pub const URGENT_RESPONSE_HOURS: u8 = 1;

/// How response hours are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HourBasis {
    /// Every hour of the day and night (the 12345 line answers around the clock).
    #[default]
    Clock,
    /// Only office hours of working days.
    Working,
}

impl HourBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            HourBasis::Clock => "clock",
            HourBasis::Working => "working",
        }
    }

    pub fn parse(text: &str) -> Option<HourBasis> {
        match text {
            "clock" => Some(HourBasis::Clock),
            "working" => Some(HourBasis::Working),
            _ => None,
        }
    }
}

/// The spans of a working day that count as working hours, in local time: in order,
/// not overlapping, each ending after it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHours {
    spans: Vec<(Time, Time)>,
}

fn parse_time(text: &str) -> Option<Time> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
}

impl Default for OfficeHours {
    /// 09:00–12:00 and 13:30–17:30, the usual hours of a Chinese government office.
    fn default() -> Self {
        OfficeHours::parse("09:00-12:00 13:30-17:30").expect("valid default hours")
    }
}

impl OfficeHours {
    /// Reads spans like `09:00-12:00 13:30-17:30` (separated by spaces).
    pub fn parse(text: &str) -> Result<OfficeHours, String> {
        let mut spans: Vec<(Time, Time)> = Vec::new();
        for span in text.split_whitespace() {
            let bad = || format!("office hours are spans like 09:00-12:00, not {span:?}");
            let (start, end) = span.split_once('-').ok_or_else(bad)?;
            let (start, end) = (
                parse_time(start).ok_or_else(bad)?,
                parse_time(end).ok_or_else(bad)?,
            );
            if end <= start {
                return Err(format!("the span {span} ends before it starts"));
            }
            if spans.last().is_some_and(|(_, last_end)| start < *last_end) {
                return Err(format!(
                    "the span {span} overlaps or precedes the one before"
                ));
            }
            spans.push((start, end));
        }
        if spans.is_empty() {
            return Err("office hours need at least one span".into());
        }
        Ok(OfficeHours { spans })
    }

    pub fn spans(&self) -> &[(Time, Time)] {
        &self.spans
    }

    /// The spans as [`OfficeHours::parse`] reads them.
    pub fn to_text(&self) -> String {
        self.spans
            .iter()
            .map(|(s, e)| {
                format!(
                    "{:02}:{:02}-{:02}:{:02}",
                    s.hour(),
                    s.minute(),
                    e.hour(),
                    e.minute()
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One rule: whom it applies to and what it sets (`None`: left to a less specific rule
/// or the default).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeadlineRule {
    /// A matter type, with everything below it; `None`: every matter type.
    pub matter_code: Option<String>,
    /// The kind (level) of the lead unit; `None`: any.
    pub unit_kind: Option<UnitKind>,
    pub handling_days: Option<u8>,
    pub response_hours: Option<u8>,
    pub response_basis: Option<HourBasis>,
}

/// What one ticket is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub handling_days: u8,
    pub response_hours: u8,
    pub response_basis: HourBasis,
}

impl Terms {
    /// `handling_days` and the default response: 4 clock hours.
    pub fn standard(handling_days: u8) -> Terms {
        Terms {
            handling_days,
            response_hours: RESPONSE_HOURS,
            response_basis: HourBasis::Clock,
        }
    }
}

/// The rule set and the office hours working hours are counted in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeadlineRules {
    pub rules: Vec<DeadlineRule>,
    pub office_hours: OfficeHours,
}

impl DeadlineRules {
    /// The terms of a ticket whose matter type has the codes `lineage` (itself first,
    /// then its parent, up to its category) and tier `catalogue_days`, led by a unit of
    /// `kind` (`None`: not dispatched yet).
    pub fn terms(&self, lineage: &[&str], kind: Option<UnitKind>, catalogue_days: u8) -> Terms {
        let mut matching: Vec<((usize, bool), &DeadlineRule)> = self
            .rules
            .iter()
            .filter_map(|rule| {
                let matter_rank = match &rule.matter_code {
                    None => usize::MAX,
                    Some(code) => lineage.iter().position(|c| c == code)?,
                };
                match rule.unit_kind {
                    Some(k) if Some(k) != kind => None,
                    Some(_) => Some(((matter_rank, false), rule)),
                    None => Some(((matter_rank, true), rule)),
                }
            })
            .collect();
        matching.sort_by_key(|(rank, _)| *rank);
        let first = |field: fn(&DeadlineRule) -> Option<u8>| {
            matching.iter().find_map(|(_, rule)| field(rule))
        };
        Terms {
            handling_days: first(|r| r.handling_days).unwrap_or(catalogue_days),
            response_hours: first(|r| r.response_hours).unwrap_or(RESPONSE_HOURS),
            response_basis: matching
                .iter()
                .find_map(|(_, rule)| rule.response_basis)
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(matter: Option<&str>, kind: Option<UnitKind>) -> DeadlineRule {
        DeadlineRule {
            matter_code: matter.map(str::to_owned),
            unit_kind: kind,
            ..DeadlineRule::default()
        }
    }

    /// 崂山's rules: community 2, street 3, district department 4 working days; the
    /// response in 4 working hours; street lights (0201) in 1 day at any level.
    fn laoshan() -> DeadlineRules {
        DeadlineRules {
            rules: vec![
                DeadlineRule {
                    response_hours: Some(4),
                    response_basis: Some(HourBasis::Working),
                    ..rule(None, None)
                },
                DeadlineRule {
                    handling_days: Some(2),
                    ..rule(None, Some(UnitKind::Community))
                },
                DeadlineRule {
                    handling_days: Some(3),
                    ..rule(None, Some(UnitKind::StreetOffice))
                },
                DeadlineRule {
                    handling_days: Some(4),
                    ..rule(None, Some(UnitKind::Department))
                },
                DeadlineRule {
                    handling_days: Some(1),
                    ..rule(Some("0201"), None)
                },
                DeadlineRule {
                    response_basis: Some(HourBasis::Clock),
                    ..rule(Some("02"), Some(UnitKind::Department))
                },
            ],
            office_hours: OfficeHours::default(),
        }
    }

    #[test]
    fn no_rules_give_the_catalogue_tier_and_four_clock_hours() {
        let terms = DeadlineRules::default().terms(&["0301", "03"], None, 7);
        assert_eq!(
            terms,
            Terms {
                handling_days: 7,
                response_hours: 4,
                response_basis: HourBasis::Clock
            }
        );
    }

    #[test]
    fn the_most_specific_rule_sets_each_term() {
        let rules = laoshan();
        let t = rules.terms(&["0301", "03"], Some(UnitKind::Community), 7);
        assert_eq!((t.handling_days, t.response_basis), (2, HourBasis::Working));
        let t = rules.terms(&["0301", "03"], Some(UnitKind::Department), 7);
        assert_eq!(t.handling_days, 4);
        // An enterprise has no level rule: the catalogue's tier.
        let t = rules.terms(&["0301", "03"], Some(UnitKind::Enterprise), 7);
        assert_eq!(t.handling_days, 7);
        // A matter rule beats a level rule; the category's department rule sets only
        // the basis, and the default rule the hours.
        let t = rules.terms(&["0201", "02"], Some(UnitKind::Department), 3);
        assert_eq!(
            t,
            Terms {
                handling_days: 1,
                response_hours: 4,
                response_basis: HourBasis::Clock
            }
        );
        // A rule of another matter type does not apply.
        let t = rules.terms(&["0202", "02"], Some(UnitKind::Community), 3);
        assert_eq!((t.handling_days, t.response_basis), (2, HourBasis::Working));
    }

    #[test]
    fn office_hours_read_and_write() {
        let hours = OfficeHours::parse("08:30-12:00  14:00-18:00").unwrap();
        assert_eq!(hours.to_text(), "08:30-12:00 14:00-18:00");
        assert_eq!(OfficeHours::default().to_text(), "09:00-12:00 13:30-17:30");
        for bad in [
            "",
            "9:00-12:00",
            "12:00-09:00",
            "09:00-12:00 11:00-13:00",
            "09:00",
        ] {
            assert!(OfficeHours::parse(bad).is_err(), "{bad:?}");
        }
    }
}
