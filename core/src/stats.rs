//! The evaluation figures (评): response, on-time, resolution and satisfaction rates,
//! return requests and reopenings, with the formulas published in docs/evaluation.md
//! and the consoles' help text.
//!
//! **A ticket counts in the period of its handling deadline.** For a period
//! `[from, to)` and the time `now` the figures are read at, the tickets counted are
//! those dispatched to a unit whose handling deadline falls in the period. Of those:
//!
//! - **Response rate** = responded in time / (responded + response deadline passed
//!   without a response). *Responded in time*: accepted (接单) no later than the
//!   response deadline. A ticket still inside its response time is not counted yet.
//! - **On-time rate** = resolved on time / (resolved + open past the deadline).
//!   *Resolved on time*: answered (办结) no later than the handling deadline. An open
//!   ticket past its deadline counts against the rate; an open ticket still inside its
//!   time is not counted yet.
//! - **Resolution rate** = resolved / (resolved + open past the deadline): answered at
//!   all, late or not.
//! - **Satisfaction rate** = (satisfied + basically satisfied) / rated.
//! - **Reopenings**: how many times the counted tickets were reopened.
//!
//! **Return requests (退单) count for the unit that asked, in the period they were
//! decided**, apart from the tickets above: a unit that handed a ticket back is
//! answerable for it, not the unit that took it over. Approved and rejected requests
//! are two numbers; a request not yet decided is in neither.
//!
//! A rate whose denominator is zero is `None` (shown as "—"), never 0 % or 100 %.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ticket::Satisfaction;

/// What the figures need of one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFacts {
    pub response_due: Option<OffsetDateTime>,
    pub responded_at: Option<OffsetDateTime>,
    pub handling_due: Option<OffsetDateTime>,
    pub resolved_at: Option<OffsetDateTime>,
    pub satisfaction: Option<Satisfaction>,
    pub reopen_count: u32,
}

/// The counts behind the rates, added up over any set of tickets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RateCounts {
    /// Tickets with their handling deadline in the period.
    pub tickets: u64,
    pub responded_in_time: u64,
    pub responded_late: u64,
    /// Response deadline passed, not responded.
    pub not_responded: u64,
    pub resolved_on_time: u64,
    pub resolved_late: u64,
    /// Handling deadline passed, not resolved.
    pub open_overdue: u64,
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub dissatisfied: u64,
    pub reopens: u64,
    /// Return requests of this group's units approved in the period (by decision
    /// time; not a count of the tickets above).
    pub returns_approved: u64,
    /// Return requests of this group's units rejected in the period.
    pub returns_rejected: u64,
}

/// The four rates (0.0 to 1.0), `None` where nothing counts yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rates {
    pub response: Option<f64>,
    pub on_time: Option<f64>,
    pub resolution: Option<f64>,
    pub satisfaction: Option<f64>,
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl RateCounts {
    /// The counts of one decided return request: approved or rejected.
    pub fn of_return(approved: bool) -> RateCounts {
        RateCounts {
            returns_approved: u64::from(approved),
            returns_rejected: u64::from(!approved),
            ..RateCounts::default()
        }
    }

    /// The counts of one ticket read at `now` (the caller has checked that its
    /// handling deadline is in the period).
    pub fn of(t: &TicketFacts, now: OffsetDateTime) -> RateCounts {
        let mut c = RateCounts {
            tickets: 1,
            reopens: u64::from(t.reopen_count),
            ..RateCounts::default()
        };
        match (t.responded_at, t.response_due) {
            (Some(at), Some(due)) if at <= due => c.responded_in_time = 1,
            (Some(_), _) => c.responded_late = 1,
            (None, Some(due)) if due <= now => c.not_responded = 1,
            (None, _) => {}
        }
        match (t.resolved_at, t.handling_due) {
            (Some(at), Some(due)) if at <= due => c.resolved_on_time = 1,
            (Some(_), _) => c.resolved_late = 1,
            (None, Some(due)) if due <= now => c.open_overdue = 1,
            (None, _) => {}
        }
        match t.satisfaction {
            Some(Satisfaction::Satisfied) => c.satisfied = 1,
            Some(Satisfaction::BasicallySatisfied) => c.basically_satisfied = 1,
            Some(Satisfaction::Dissatisfied) => c.dissatisfied = 1,
            None => {}
        }
        c
    }

    pub fn add(&mut self, other: &RateCounts) {
        self.tickets += other.tickets;
        self.responded_in_time += other.responded_in_time;
        self.responded_late += other.responded_late;
        self.not_responded += other.not_responded;
        self.resolved_on_time += other.resolved_on_time;
        self.resolved_late += other.resolved_late;
        self.open_overdue += other.open_overdue;
        self.satisfied += other.satisfied;
        self.basically_satisfied += other.basically_satisfied;
        self.dissatisfied += other.dissatisfied;
        self.reopens += other.reopens;
        self.returns_approved += other.returns_approved;
        self.returns_rejected += other.returns_rejected;
    }

    /// The rates, by the published formulas (see the module's documentation).
    pub fn rates(&self) -> Rates {
        let responded = self.responded_in_time + self.responded_late;
        let resolved = self.resolved_on_time + self.resolved_late;
        let rated = self.satisfied + self.basically_satisfied + self.dissatisfied;
        Rates {
            response: ratio(self.responded_in_time, responded + self.not_responded),
            on_time: ratio(self.resolved_on_time, resolved + self.open_overdue),
            resolution: ratio(resolved, resolved + self.open_overdue),
            satisfaction: ratio(self.satisfied + self.basically_satisfied, rated),
        }
    }
}

/// A number on the dashboard whose tickets can be listed (drill-down): a rate's
/// denominator, every ticket counted, or the tickets behind a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Every ticket with its handling deadline in the period.
    #[default]
    Tickets,
    /// Responded, or past the response deadline without a response.
    Response,
    /// Resolved, or open past the handling deadline (the on-time rate's denominator).
    OnTime,
    /// The same tickets as the on-time rate: resolved, or open past the deadline.
    Resolution,
    /// Rated.
    Satisfaction,
    /// Reopened at least once.
    Reopens,
    /// With a return request of the group's units approved in the period.
    ReturnsApproved,
    /// With a return request of the group's units rejected in the period.
    ReturnsRejected,
}

impl Measure {
    pub const ALL: [Measure; 8] = [
        Measure::Tickets,
        Measure::Response,
        Measure::OnTime,
        Measure::Resolution,
        Measure::Satisfaction,
        Measure::Reopens,
        Measure::ReturnsApproved,
        Measure::ReturnsRejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Tickets => "tickets",
            Measure::Response => "response",
            Measure::OnTime => "on_time",
            Measure::Resolution => "resolution",
            Measure::Satisfaction => "satisfaction",
            Measure::Reopens => "reopens",
            Measure::ReturnsApproved => "returns_approved",
            Measure::ReturnsRejected => "returns_rejected",
        }
    }

    /// Counted by return decisions (in the period they were made, for the unit that
    /// asked) rather than by the tickets whose handling deadline is in the period.
    pub fn is_return(self) -> bool {
        matches!(self, Measure::ReturnsApproved | Measure::ReturnsRejected)
    }

    /// Whether one ticket's counts (from [`RateCounts::of`]) put it behind this number.
    pub fn counts_ticket(self, c: &RateCounts) -> bool {
        self.of(c) > 0
    }

    /// How many tickets are behind this number in a sum of counts: the rate's
    /// denominator (for the two counts, the tickets with at least one; a sum cannot
    /// tell that, so it is the count itself: use it on one ticket's counts).
    pub fn of(self, c: &RateCounts) -> u64 {
        match self {
            Measure::Tickets => c.tickets,
            Measure::Response => c.responded_in_time + c.responded_late + c.not_responded,
            Measure::OnTime | Measure::Resolution => {
                c.resolved_on_time + c.resolved_late + c.open_overdue
            }
            Measure::Satisfaction => c.satisfied + c.basically_satisfied + c.dissatisfied,
            Measure::Reopens => c.reopens,
            Measure::ReturnsApproved => c.returns_approved,
            Measure::ReturnsRejected => c.returns_rejected,
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const DUE: OffsetDateTime = datetime!(2026-11-10 18:00 +08:00);
    const RESPONSE_DUE: OffsetDateTime = datetime!(2026-11-03 13:00 +08:00);
    const NOW: OffsetDateTime = datetime!(2026-11-30 12:00 +08:00);

    fn ticket() -> TicketFacts {
        TicketFacts {
            response_due: Some(RESPONSE_DUE),
            responded_at: None,
            handling_due: Some(DUE),
            resolved_at: None,
            satisfaction: None,
            reopen_count: 0,
        }
    }

    fn total(tickets: &[TicketFacts], now: OffsetDateTime) -> RateCounts {
        let mut sum = RateCounts::default();
        for t in tickets {
            sum.add(&RateCounts::of(t, now));
        }
        sum
    }

    #[test]
    fn open_overdue_counts_against_on_time_and_resolution() {
        let on_time = TicketFacts {
            responded_at: Some(RESPONSE_DUE),
            resolved_at: Some(DUE),
            satisfaction: Some(Satisfaction::Satisfied),
            ..ticket()
        };
        let late = TicketFacts {
            responded_at: Some(RESPONSE_DUE + time::Duration::minutes(1)),
            resolved_at: Some(DUE + time::Duration::seconds(1)),
            satisfaction: Some(Satisfaction::Dissatisfied),
            reopen_count: 1,
            ..ticket()
        };
        let open_overdue = ticket();
        let c = total(&[on_time, late, open_overdue], NOW);
        assert_eq!(c.tickets, 3);
        assert_eq!(
            (c.resolved_on_time, c.resolved_late, c.open_overdue),
            (1, 1, 1)
        );
        let r = c.rates();
        // 1 on time of (2 resolved + 1 open past the deadline).
        assert_eq!(r.on_time, Some(1.0 / 3.0));
        assert_eq!(r.resolution, Some(2.0 / 3.0));
        // Responded in time: 1; late: 1; the open one never: 1.
        assert_eq!(r.response, Some(1.0 / 3.0));
        assert_eq!(r.satisfaction, Some(0.5));
        assert_eq!(c.reopens, 1);
    }

    #[test]
    fn tickets_still_inside_their_time_do_not_count_yet() {
        let early = datetime!(2026-11-02 09:00 +08:00);
        let c = total(&[ticket()], early);
        assert_eq!(c.tickets, 1);
        assert_eq!(
            c.rates(),
            Rates::default(),
            "no rate before anything is due"
        );
        // Past the response deadline, inside the handling time.
        let c = total(&[ticket()], datetime!(2026-11-05 09:00 +08:00));
        assert_eq!(c.rates().response, Some(0.0));
        assert_eq!(c.rates().on_time, None);
        // Exactly at the deadline is in time, and due.
        let at_deadline = TicketFacts {
            resolved_at: Some(DUE),
            ..ticket()
        };
        assert_eq!(total(&[at_deadline], DUE).rates().on_time, Some(1.0));
        assert_eq!(total(&[ticket()], DUE).open_overdue, 1);
    }

    #[test]
    fn basically_satisfied_is_satisfied_and_unrated_is_not_counted() {
        let rated = |s| TicketFacts {
            resolved_at: Some(DUE),
            satisfaction: Some(s),
            ..ticket()
        };
        let c = total(
            &[
                rated(Satisfaction::Satisfied),
                rated(Satisfaction::BasicallySatisfied),
                rated(Satisfaction::Dissatisfied),
                rated(Satisfaction::Dissatisfied),
                TicketFacts {
                    resolved_at: Some(DUE),
                    ..ticket()
                },
            ],
            NOW,
        );
        assert_eq!(c.rates().satisfaction, Some(0.5));
    }

    #[test]
    fn adding_is_the_same_as_counting_all_at_once() {
        let a = TicketFacts {
            resolved_at: Some(DUE),
            reopen_count: 2,
            ..ticket()
        };
        let b = ticket();
        let mut left = total(std::slice::from_ref(&a), NOW);
        left.add(&total(std::slice::from_ref(&b), NOW));
        assert_eq!(left, total(&[a, b], NOW));
        assert_eq!(left.reopens, 2);
        // Return decisions add up apart from the tickets.
        left.add(&RateCounts::of_return(true));
        left.add(&RateCounts::of_return(false));
        left.add(&RateCounts::of_return(false));
        assert_eq!((left.returns_approved, left.returns_rejected), (1, 2));
        assert_eq!(left.tickets, 2);
        assert!(Measure::ReturnsRejected.is_return() && !Measure::Reopens.is_return());
    }

    #[test]
    fn a_rate_lists_the_tickets_of_its_denominator() {
        let resolved = TicketFacts {
            responded_at: Some(RESPONSE_DUE),
            resolved_at: Some(DUE),
            satisfaction: Some(Satisfaction::Satisfied),
            ..ticket()
        };
        let tickets = [resolved, ticket()];
        // Read before the response deadline: only the responded one is in the
        // response rate, and nothing is due for the on-time rate but the resolved one.
        let early = datetime!(2026-11-02 09:00 +08:00);
        let listed = |m: Measure, now| {
            tickets
                .iter()
                .filter(|t| m.counts_ticket(&RateCounts::of(t, now)))
                .count() as u64
        };
        for now in [early, NOW] {
            let sum = total(&tickets, now);
            for m in [
                Measure::Tickets,
                Measure::Response,
                Measure::OnTime,
                Measure::Resolution,
                Measure::Satisfaction,
            ] {
                assert_eq!(listed(m, now), m.of(&sum), "{m:?} at {now}");
            }
        }
        assert_eq!(listed(Measure::Response, early), 1);
        assert_eq!(listed(Measure::Response, NOW), 2);
        assert_eq!(listed(Measure::Satisfaction, NOW), 1);
    }
}
