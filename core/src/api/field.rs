//! Grid workers' field records (网格巡查): patrols and findings, written on the device
//! first and synced in batches. Every record has an id made on the device and a
//! revision; the server keeps every revision and resolves by (device id, record id,
//! revision), so a batch sent twice, or an older revision arriving late, never doubles
//! or overwrites anything.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::error::{FieldError, FieldIssue, Validator};
use super::media::validate_media_ids;

/// Records one sync batch may carry.
pub const BATCH_MAX: usize = 100;
/// Positions one patrol may carry.
pub const TRACK_MAX: usize = 5000;
pub const NOTE_MAX: usize = 4000;

/// Device and record ids: 8 to 64 of `A-Z a-z 0-9 - _` (a UUID fits).
pub fn valid_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A position sampled while the app was open on patrol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackPoint {
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    pub lon: f64,
    pub lat: f64,
    /// Metres, as the browser reports it.
    #[serde(default)]
    pub accuracy_m: Option<f64>,
}

/// A walk through one grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Patrol {
    pub record_id: String,
    pub revision: u32,
    pub grid_code: String,
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub started_at: OffsetDateTime,
    #[serde(default, with = "super::timestamp::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub ended_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub track: Vec<TrackPoint>,
}

/// What became of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 就地解决: handled there and then; logged for the record.
    SolvedOnSpot,
    /// 上报: becomes a ticket, routed like a resident's, with the worker as source.
    ReportUpward,
    /// 回访 / 回头看: a visit to check a ticket's fix; goes on that ticket's timeline.
    Verification,
}

/// Something the worker found (or checked) on patrol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub record_id: String,
    pub revision: u32,
    /// The patrol it was found on, when there was one.
    #[serde(default)]
    pub patrol_id: Option<String>,
    pub grid_code: String,
    pub matter_code: String,
    pub note: String,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub accuracy_m: Option<f64>,
    #[serde(with = "super::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub observed_at: OffsetDateTime,
    pub outcome: Outcome,
    /// The ticket a verification visit checked.
    #[serde(default)]
    pub ticket_code: Option<String>,
    /// Photos and the voice note, uploaded first (`POST /api/v1/media`).
    #[serde(default)]
    pub media: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SyncRecord {
    Patrol(Patrol),
    Finding(Finding),
}

impl SyncRecord {
    pub fn record_id(&self) -> &str {
        match self {
            SyncRecord::Patrol(p) => &p.record_id,
            SyncRecord::Finding(f) => &f.record_id,
        }
    }

    pub fn revision(&self) -> u32 {
        match self {
            SyncRecord::Patrol(p) => p.revision,
            SyncRecord::Finding(f) => f.revision,
        }
    }

    pub fn grid_code(&self) -> &str {
        match self {
            SyncRecord::Patrol(p) => &p.grid_code,
            SyncRecord::Finding(f) => &f.grid_code,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            SyncRecord::Patrol(_) => "patrol",
            SyncRecord::Finding(_) => "finding",
        }
    }

    /// What is wrong with the record by itself (the server checks the rest: scope,
    /// catalogue, media, tickets).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut v = Validator::new();
        if !valid_id(self.record_id()) {
            v.add(
                "record_id",
                FieldIssue::Invalid,
                "8 to 64 letters, digits, - or _",
            );
        }
        if self.revision() == 0 {
            v.add("revision", FieldIssue::Invalid, "revisions count from 1");
        }
        v.text("grid_code", self.grid_code(), 1, 32);
        match self {
            SyncRecord::Patrol(p) => {
                if p.track.len() > TRACK_MAX {
                    v.add(
                        "track",
                        FieldIssue::TooLong,
                        format!("at most {TRACK_MAX} positions"),
                    );
                }
                if p.ended_at.is_some_and(|end| end < p.started_at) {
                    v.add(
                        "ended_at",
                        FieldIssue::Invalid,
                        "a patrol ends after it starts",
                    );
                }
                for (i, point) in p.track.iter().enumerate() {
                    if !valid_position(point.lon, point.lat) {
                        v.add(
                            &format!("track[{i}]"),
                            FieldIssue::Invalid,
                            "not a position",
                        );
                    }
                }
            }
            SyncRecord::Finding(f) => {
                v.text("matter_code", &f.matter_code, 1, 32);
                v.text("note", &f.note, 0, NOTE_MAX);
                match (f.lon, f.lat) {
                    (None, None) => {}
                    (Some(lon), Some(lat)) if valid_position(lon, lat) => {}
                    _ => v.add(
                        "lon",
                        FieldIssue::Invalid,
                        "lon and lat: a position, or neither",
                    ),
                }
                if let Some(id) = &f.patrol_id
                    && !valid_id(id)
                {
                    v.add("patrol_id", FieldIssue::Invalid, "not a record id");
                }
                let needs_ticket = f.outcome == Outcome::Verification;
                if needs_ticket != f.ticket_code.is_some() {
                    v.add(
                        "ticket_code",
                        FieldIssue::Invalid,
                        "a verification names its ticket; other findings do not",
                    );
                }
                validate_media_ids(&mut v, "media", &f.media);
            }
        }
        v.finish().err().unwrap_or_default()
    }
}

fn valid_position(lon: f64, lat: f64) -> bool {
    lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
}

/// `POST /api/v1/field/sync`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// Made by the app once per browser profile.
    pub device_id: String,
    pub records: Vec<SyncRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    /// This revision is stored now.
    Stored,
    /// This revision was stored before (a resend): nothing changed.
    AlreadyStored,
    /// Refused; see `message`. The device keeps the record and shows why.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResult {
    pub record_id: String,
    pub revision: u32,
    pub status: SyncStatus,
    /// The newest revision the server has of this record (a late, older revision is
    /// kept in the history but does not replace it).
    pub current_revision: Option<u32>,
    /// The media the server holds for this revision: the device checks these hashes
    /// against its own before it deletes anything.
    #[serde(default)]
    pub media: Vec<String>,
    /// The ticket a `report_upward` finding became.
    #[serde(default)]
    pub ticket_code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncResponse {
    pub results: Vec<SyncResult>,
}

/// A field record as the server holds it: its newest revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredRecord {
    pub device_id: String,
    pub record: SyncRecord,
    /// The media of that revision, as stored (their SHA-256).
    pub media: Vec<String>,
    /// The ticket it became (reported upward) or checked (verification).
    pub ticket_code: Option<String>,
}

/// `GET /api/v1/field/records`: the signed-in worker's records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordsResponse {
    pub records: Vec<StoredRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding() -> Finding {
        Finding {
            record_id: "finding-0001".into(),
            revision: 1,
            patrol_id: None,
            grid_code: "G0101".into(),
            matter_code: "0201".into(),
            note: "路灯不亮".into(),
            lon: Some(120.41),
            lat: Some(36.07),
            accuracy_m: Some(8.0),
            observed_at: OffsetDateTime::UNIX_EPOCH,
            outcome: Outcome::ReportUpward,
            ticket_code: None,
            media: Vec::new(),
        }
    }

    #[test]
    fn records_are_checked_by_themselves() {
        assert!(SyncRecord::Finding(finding()).problems().is_empty());
        let bad = Finding {
            record_id: "x".into(),
            revision: 0,
            lat: None,
            outcome: Outcome::Verification,
            ..finding()
        };
        let fields: Vec<String> = SyncRecord::Finding(bad)
            .problems()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["record_id", "revision", "lon", "ticket_code"]);
    }

    #[test]
    fn records_travel_tagged_by_type() {
        let json = serde_json::to_value(SyncRecord::Finding(finding())).unwrap();
        assert_eq!(json["type"], "finding");
        assert_eq!(json["outcome"], "report_upward");
        let back: SyncRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, SyncRecord::Finding(finding()));
    }
}
