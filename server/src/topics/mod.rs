//! The monthly topic (每月一题, issue 18): a supervisor picks one problem class for the
//! month from the data, names a lead unit and the units working with it, and the topic
//! gathers every ticket of the class (the matter type with everything below it, in the
//! region with every grid below it), past and new, with the measures taken; it is
//! closed when the class is solved and looked back on three months later.
//!
//! - Suggestions: matter types per street, counted over the last 90 days: the most
//!   repeated (reported again at the same place, `stats::repeats`) and unresolved, and
//!   the most risen against the 90 days before.
//! - `store.rs`, `sql.rs`: topics, their units and measures, and the class's tickets.
//! - `routes.rs`: `/api/v1/topics`.

pub mod routes;
pub mod store;

use std::collections::{BTreeMap, BTreeSet};

use gridline_core::api::reference::RegionLevel;
use gridline_core::api::topic::{Topic, TopicLookBack, TopicMeasure, TopicSuggestion, TopicTicket};
use time::{Duration, OffsetDateTime};

use crate::catalogue::cache::Snapshot;
use crate::stats::store::ReceivedRow;
use crate::topics::store::{ClassTicket, TopicRecord};

/// How far back suggestions look, and the look back after closing.
pub const WINDOW: Duration = Duration::days(90);
/// At most this many tickets are listed on a topic.
const LISTED: usize = 200;

/// `code` and every matter type below it.
pub fn matter_subtree(snapshot: &Snapshot, code: &str) -> Vec<String> {
    let mut codes: Vec<String> = snapshot
        .matters
        .keys()
        .filter(|m| {
            let mut current = Some(m.as_str());
            let mut depth = 0;
            while let Some(c) = current {
                if c == code {
                    return true;
                }
                depth += 1;
                if depth > 16 {
                    return false;
                }
                current = snapshot
                    .matters
                    .get(c)
                    .and_then(|x| x.parent_code.as_deref());
            }
            false
        })
        .cloned()
        .collect();
    codes.sort();
    codes
}

/// Counts per (matter type, street) of tickets received in the last window (`now`) and
/// the one before (`before`), with `radius_m` for what counts as the same place.
pub fn suggestions(
    snapshot: &Snapshot,
    now: &[ReceivedRow],
    before: &[ReceivedRow],
    radius_m: f64,
) -> (Vec<TopicSuggestion>, Vec<TopicSuggestion>) {
    type Key = (String, Option<String>);
    let key = |r: &ReceivedRow| -> Key {
        (
            r.matter_code.clone(),
            snapshot.ancestor(r.region_code.as_deref(), RegionLevel::Street),
        )
    };
    let repeated: BTreeSet<String> = crate::stats::repeats::places(snapshot, now, radius_m)
        .into_iter()
        .flat_map(|p| p.codes)
        .collect();
    let mut counts: BTreeMap<Key, [u64; 4]> = BTreeMap::new();
    for r in now {
        let c = counts.entry(key(r)).or_default();
        c[0] += 1;
        c[2] += u64::from(!r.resolved);
        c[3] += u64::from(repeated.contains(&r.tracking_code));
    }
    for r in before {
        counts.entry(key(r)).or_default()[1] += 1;
    }
    let all: Vec<TopicSuggestion> = counts
        .into_iter()
        .map(|((matter, street), c)| {
            let m = snapshot.matters.get(&matter);
            let s = street.as_ref().and_then(|s| snapshot.regions.get(s));
            TopicSuggestion {
                matter_zh: m.map(|m| m.name_zh.clone()).unwrap_or_default(),
                matter_en: m.map(|m| m.name_en.clone()).unwrap_or_default(),
                matter_code: matter,
                region_zh: s.map_or_else(|| "未知网格".into(), |s| s.name_zh.clone()),
                region_en: s.map_or_else(|| "No grid".into(), |s| s.name_en.clone()),
                region_code: street,
                received: c[0],
                received_before: c[1],
                unresolved: c[2],
                repeated: c[3],
            }
        })
        .collect();
    let mut most: Vec<TopicSuggestion> = all
        .iter()
        .filter(|s| s.repeated + s.unresolved > 0)
        .cloned()
        .collect();
    most.sort_by_key(|s| std::cmp::Reverse((s.repeated + s.unresolved, s.received)));
    most.truncate(10);
    let mut rising: Vec<TopicSuggestion> = all
        .into_iter()
        .filter(|s| s.received > s.received_before)
        .collect();
    rising.sort_by_key(|s| std::cmp::Reverse((s.received - s.received_before, s.received)));
    rising.truncate(5);
    (most, rising)
}

/// The topic with its figures, from its class's tickets and its measures.
pub fn view(
    snapshot: &Snapshot,
    record: TopicRecord,
    tickets: &[ClassTicket],
    measures: Vec<TopicMeasure>,
    now: OffsetDateTime,
) -> Topic {
    let communities: BTreeSet<String> = tickets
        .iter()
        .filter_map(|t| snapshot.ancestor(t.region_code.as_deref(), RegionLevel::Community))
        .collect();
    let resolved = tickets.iter().filter(|t| t.resolved).count() as u64;
    let look_back = record.closed_at.map(|closed| {
        let within = |from: OffsetDateTime, to: OffsetDateTime| {
            tickets
                .iter()
                .filter(|t| t.created_at >= from && t.created_at < to)
                .count() as u64
        };
        TopicLookBack {
            before: within(record.opened_at - WINDOW, record.opened_at),
            after: within(closed, closed + WINDOW),
            complete: now >= closed + WINDOW,
        }
    });
    Topic {
        id: record.id,
        month: record.month,
        title: record.title,
        matter_code: record.matter_code,
        region_code: record.region_code,
        lead_unit_code: record.lead_unit_code,
        unit_codes: record.unit_codes,
        opened_at: record.opened_at,
        closed_at: record.closed_at,
        close_note: record.close_note,
        tickets: tickets.len() as u64,
        resolved,
        open: tickets.len() as u64 - resolved,
        communities: communities.len() as u64,
        households: measures
            .iter()
            .filter_map(|m| m.households)
            .map(u64::from)
            .sum(),
        measures,
        look_back,
        ticket_list: tickets
            .iter()
            .take(LISTED)
            .map(|t| TopicTicket {
                tracking_code: t.tracking_code.clone(),
                matter_code: t.matter_code.clone(),
                region_code: t.region_code.clone(),
                status: t.status,
                created_at: t.created_at,
            })
            .collect(),
    }
}
