//! Repeats in the reports (issue 18): the places complained of more than once in a
//! period (重复点位) and the phones that filed more than once (重复来电), from the
//! tickets received in it.
//!
//! - **A place** is one matter type at one spot: reports with a position join the
//!   first earlier report of the same matter type within the repeat radius
//!   (`GRIDLINE_REPEAT_RADIUS_METERS`, as the similar-reports list uses); reports
//!   without one join those of the same matter type, grid and address (spaces and
//!   case ignored).
//! - **A caller** is a phone number, digits only, a leading 86 of a 13-digit number
//!   dropped; shown masked.

use std::collections::{BTreeSet, HashMap};

use gridline_core::api::stats::{RepeatCaller, RepeatPlace};
use gridline_core::geo::Point;
use gridline_core::privacy::mask_phone;

use crate::catalogue::cache::Snapshot;
use crate::stats::store::ReceivedRow;

/// At most this many of each are listed.
pub const LISTED: usize = 20;

struct Place<'a> {
    first: &'a ReceivedRow,
    at: Option<Point>,
    rows: Vec<&'a ReceivedRow>,
}

fn address_key(row: &ReceivedRow) -> Option<(String, Option<String>, String)> {
    let address: String = row
        .address
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    (!address.is_empty()).then(|| (row.matter_code.clone(), row.region_code.clone(), address))
}

/// The places with more than one report among `rows` (oldest first), most first.
pub fn places(snapshot: &Snapshot, rows: &[ReceivedRow], radius_m: f64) -> Vec<RepeatPlace> {
    let mut found: Vec<Place> = Vec::new();
    let mut by_address: HashMap<(String, Option<String>, String), usize> = HashMap::new();
    for row in rows {
        let index = match (row.lon, row.lat) {
            (Some(lon), Some(lat)) => {
                let here = Point::new(lon, lat);
                found.iter().position(|p| {
                    p.first.matter_code == row.matter_code
                        && p.at.is_some_and(|at| at.distance_m(here) <= radius_m)
                })
            }
            _ => address_key(row).and_then(|key| by_address.get(&key).copied()),
        };
        match index {
            Some(i) => found[i].rows.push(row),
            None => {
                let at = row.lon.zip(row.lat).map(|(lon, lat)| Point::new(lon, lat));
                if at.is_none() {
                    let Some(key) = address_key(row) else {
                        continue;
                    };
                    by_address.insert(key, found.len());
                }
                found.push(Place {
                    first: row,
                    at,
                    rows: vec![row],
                });
            }
        }
    }
    // Most reports first; then the place reported first (`found` is in that order).
    let mut found: Vec<Place> = found.into_iter().filter(|p| p.rows.len() > 1).collect();
    found.sort_by_key(|p| std::cmp::Reverse(p.rows.len()));
    found.truncate(LISTED);
    found
        .into_iter()
        .map(|p| {
            let matter = snapshot.matters.get(&p.first.matter_code);
            RepeatPlace {
                matter_code: p.first.matter_code.clone(),
                matter_zh: matter.map(|m| m.name_zh.clone()).unwrap_or_default(),
                matter_en: matter.map(|m| m.name_en.clone()).unwrap_or_default(),
                region_code: p.first.region_code.clone(),
                address: p
                    .rows
                    .iter()
                    .map(|r| r.address.trim())
                    .find(|a| !a.is_empty())
                    .unwrap_or_default()
                    .to_owned(),
                tickets: p.rows.len() as u64,
                codes: p.rows.iter().map(|r| r.tracking_code.clone()).collect(),
            }
        })
        .collect()
}

fn phone_key(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let digits = match digits.strip_prefix("86") {
        Some(rest) if digits.len() == 13 => rest.to_owned(),
        _ => digits,
    };
    (digits.len() >= 5).then_some(digits)
}

/// The phones with more than one ticket among `rows` (oldest first), most first.
pub fn callers(rows: &[ReceivedRow]) -> Vec<RepeatCaller> {
    // In the order each phone first filed.
    let mut by_phone: Vec<(String, Vec<&ReceivedRow>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in rows {
        if let Some(key) = row.contact_phone.as_deref().and_then(phone_key) {
            let i = *index.entry(key.clone()).or_insert_with(|| {
                by_phone.push((key, Vec::new()));
                by_phone.len() - 1
            });
            by_phone[i].1.push(row);
        }
    }
    by_phone.retain(|(_, rows)| rows.len() > 1);
    // Most tickets first; then the phone that filed first.
    by_phone.sort_by_key(|(_, rows)| std::cmp::Reverse(rows.len()));
    by_phone.truncate(LISTED);
    by_phone
        .into_iter()
        .map(|(phone, rows)| RepeatCaller {
            phone: mask_phone(&phone),
            tickets: rows.len() as u64,
            codes: rows.iter().map(|r| r.tracking_code.clone()).collect(),
            matters: rows
                .iter()
                .map(|r| r.matter_code.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        code: &str,
        matter: &str,
        at: Option<(f64, f64)>,
        address: &str,
        phone: &str,
    ) -> ReceivedRow {
        ReceivedRow {
            tracking_code: code.into(),
            matter_code: matter.into(),
            region_code: Some("G1".into()),
            lon: at.map(|a| a.0),
            lat: at.map(|a| a.1),
            address: address.into(),
            contact_phone: (!phone.is_empty()).then(|| phone.into()),
            resolved: false,
            lead_unit_code: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn snapshot() -> Snapshot {
        Snapshot {
            revision: 0,
            locator: gridline_core::geo::GridLocator::new(Vec::new()),
            shapes: HashMap::new(),
            routing: gridline_core::routing::RoutingTable::for_reference(&[], &[], &[]).unwrap(),
            regions: HashMap::new(),
            units: HashMap::new(),
            matters: HashMap::new(),
            calendar: gridline_core::calendar::WorkCalendar::default(),
            deadline_rules: gridline_core::deadline::DeadlineRules::default(),
        }
    }

    #[test]
    fn places_gather_one_matter_near_or_at_one_address() {
        // 0.001° of latitude is about 111 m.
        let rows = [
            row("A1", "0201", Some((120.41, 36.069)), "青松路12号", ""),
            row("A2", "0201", Some((120.41, 36.070)), "", ""),
            row("A3", "0201", Some((120.41, 36.075)), "", ""),
            row("A4", "0202", Some((120.41, 36.069)), "", ""),
            row("A5", "0201", Some((120.41, 36.0691)), "", ""),
            row("B1", "0402", None, "翠竹小区 3号楼", ""),
            row("B2", "0402", None, "翠竹小区3号楼", ""),
            row("B3", "0402", None, "", ""),
            row("B4", "0402", None, "", ""),
        ];
        let listed = places(&snapshot(), &rows, 200.0);
        let codes: Vec<Vec<String>> = listed.iter().map(|p| p.codes.clone()).collect();
        assert_eq!(codes, [vec!["A1", "A2", "A5"], vec!["B1", "B2"]]);
        assert_eq!(listed[0].address, "青松路12号");
        assert_eq!(listed[0].tickets, 3);
    }

    #[test]
    fn callers_are_one_phone_however_written_and_masked() {
        let rows = [
            row("C1", "0201", None, "", "13812345678"),
            row("C2", "0402", None, "", "+86 138-1234-5678"),
            row("C3", "0201", None, "", "138 1234 5678"),
            row("C4", "0201", None, "", "13900000000"),
        ];
        let listed = callers(&rows);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].phone, "138********");
        assert_eq!(listed[0].codes, ["C1", "C2", "C3"]);
        assert_eq!(listed[0].matters, ["0201", "0402"]);
    }
}
