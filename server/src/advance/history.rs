//! Tickets from before Gridline (往年工单): a city brings the last years' tickets from
//! the system it had, so that advance notices work from the first day instead of a year
//! after going live. They are counted, never handled: no deadlines, no queues, no
//! figures of any unit; only the advance notices read them, beside Gridline's own.
//!
//! `gridline history import FILE` reads CSV (all or nothing, every problem listed with
//! its line); a row already imported (same `source_id`) is passed over, so importing
//! the same export again adds nothing. `gridline history export` writes them back.
//!
//! ```csv
//! source_id,received_at,matter_code,region_code,unit_code,description
//! 2025-0001234,2025-11-03T09:30:00+08:00,0304,D01-S01-C01-G02,U-HT,暖气不热室温只有十五度
//! ```
//!
//! `received_at` is RFC 3339 with its offset; `region_code` (a grid or any region),
//! `unit_code` (the unit that led it) and `description` may be empty; files without
//! the `description` column (older exports) read as before. The descriptions, with the matter type each was handled as, teach
//! the matter-type suggestion (`knowledge/classify.rs`) from the first day.

use std::collections::HashSet;

use gridline_core::api::reference::{HandlingUnit, MatterType, Region};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::catalogue::import::problems::{
    At, ImportProblem, finish, none_if_empty, problem, read_csv,
};

pub const HEADER: [&str; 6] = [
    "source_id",
    "received_at",
    "matter_code",
    "region_code",
    "unit_code",
    "description",
];

/// The longest description kept, in characters (as a ticket's).
pub const DESCRIPTION_MAX: usize = gridline_core::api::ticket::DESCRIPTION_MAX;

/// The longest `source_id` kept (old systems' ids are short; this stops a wrong column).
pub const SOURCE_ID_MAX: usize = 64;

/// One ticket of the previous system, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastTicket {
    /// Its id in the system it came from.
    pub source_id: String,
    pub received_at: OffsetDateTime,
    pub matter_code: String,
    pub region_code: Option<String>,
    pub unit_code: Option<String>,
    pub description: Option<String>,
}

#[derive(Deserialize)]
struct Row {
    source_id: String,
    received_at: String,
    matter_code: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    description: String,
}

impl From<PastTicket> for crate::stats::store::ReceivedRow {
    /// As a received ticket for the advance notices: counted, with its place and unit.
    fn from(t: PastTicket) -> Self {
        crate::stats::store::ReceivedRow {
            tracking_code: String::new(),
            matter_code: t.matter_code,
            region_code: t.region_code,
            lon: None,
            lat: None,
            address: String::new(),
            contact_phone: None,
            resolved: true,
            lead_unit_code: t.unit_code,
            created_at: t.received_at,
        }
    }
}

/// Reads a history file against the stored catalogue, regions and units.
pub fn parse_history(
    text: &str,
    matters: &[MatterType],
    regions: &[Region],
    units: &[HandlingUnit],
) -> Result<Vec<PastTicket>, Vec<ImportProblem>> {
    let (rows, mut problems) = read_csv::<Row>(text)?;
    let matters: HashSet<&str> = matters.iter().map(|m| m.code.as_str()).collect();
    let regions: HashSet<&str> = regions.iter().map(|r| r.code.as_str()).collect();
    let units: HashSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let mut seen = HashSet::new();
    let mut tickets = Vec::new();
    for (line, row) in rows {
        let at = At::Line(line);
        let before = problems.len();
        let source_id = row.source_id.trim().to_owned();
        if source_id.is_empty() || source_id.len() > SOURCE_ID_MAX {
            problems.push(problem(
                &at,
                format!("source_id must be 1 to {SOURCE_ID_MAX} bytes"),
            ));
        } else if !seen.insert(source_id.clone()) {
            problems.push(problem(
                &at,
                format!("source_id {source_id:?} appears twice"),
            ));
        }
        let received_at = OffsetDateTime::parse(row.received_at.trim(), &Rfc3339);
        if received_at.is_err() {
            problems.push(problem(
                &at,
                format!(
                    "received_at {:?} is not RFC 3339 (2025-11-03T09:30:00+08:00)",
                    row.received_at
                ),
            ));
        }
        let matter_code = row.matter_code.trim().to_owned();
        if !matters.contains(matter_code.as_str()) {
            problems.push(problem(&at, format!("no matter type {matter_code:?}")));
        }
        let region_code = none_if_empty(row.region_code);
        if let Some(code) = region_code.as_deref().filter(|c| !regions.contains(c)) {
            problems.push(problem(&at, format!("no region {code:?}")));
        }
        let unit_code = none_if_empty(row.unit_code);
        if let Some(code) = unit_code.as_deref().filter(|c| !units.contains(c)) {
            problems.push(problem(&at, format!("no unit {code:?}")));
        }
        let description = none_if_empty(row.description);
        if description
            .as_ref()
            .is_some_and(|d| d.chars().count() > DESCRIPTION_MAX)
        {
            problems.push(problem(
                &at,
                format!("description longer than {DESCRIPTION_MAX} characters"),
            ));
        }
        if let (true, Ok(received_at)) = (problems.len() == before, received_at) {
            tickets.push(PastTicket {
                source_id,
                received_at,
                matter_code,
                region_code,
                unit_code,
                description,
            });
        }
    }
    finish(tickets, problems)
}

/// The stored history in the format [`parse_history`] reads.
pub fn history_csv(tickets: &[PastTicket]) -> String {
    crate::catalogue::import::export::csv_text(
        &HEADER,
        tickets.iter().map(|t| {
            vec![
                t.source_id.clone(),
                t.received_at
                    .format(&Rfc3339)
                    .expect("a stored time formats"),
                t.matter_code.clone(),
                t.region_code.clone().unwrap_or_default(),
                t.unit_code.clone().unwrap_or_default(),
                t.description.clone().unwrap_or_default(),
            ]
        }),
    )
}
