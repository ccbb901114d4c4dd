//! Reading rows into domain types, once for both backends. Each backend's row type gets
//! the same small typed getters (`RowExt`); the mapping functions are written against
//! those, so only the SQL differs between `sqlite.rs` and `postgres.rs`.

use gridline_core::api::auth::StaffProfile;
use gridline_core::api::media::MediaKind;
use gridline_core::api::reference::{HandlingUnit, MatterType, Region, UnitKind};
use gridline_core::api::station::Consent;
use gridline_core::api::ticket::{Channel, RequestKind, TimelineEntry};
use gridline_core::deadline::{MAX_CHECKPOINTS, MAX_HANDLING_DAYS};
use gridline_core::geo::Polygon;
use gridline_core::ticket::{Satisfaction, Status, TicketState};
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use crate::auth::store::{StaffRecord, roles_from_text};
use crate::catalogue::store::{ResponsibilityRow, level_from_text};
use crate::media::store::MediaRecord;
use crate::station::store::{StationDevice, StationRecord};
use crate::store::shared::{StoreError, StoreResult};
use crate::tickets::store::TicketRecord;

pub(crate) trait RowExt {
    fn text(&self, column: &str) -> StoreResult<String>;
    fn opt_text(&self, column: &str) -> StoreResult<Option<String>>;
    fn int32(&self, column: &str) -> StoreResult<i32>;
    fn int64(&self, column: &str) -> StoreResult<i64>;
    fn opt_int64(&self, column: &str) -> StoreResult<Option<i64>>;
    fn flag(&self, column: &str) -> StoreResult<bool>;
    fn opt_f64(&self, column: &str) -> StoreResult<Option<f64>>;
    fn time(&self, column: &str) -> StoreResult<OffsetDateTime>;
    fn opt_time(&self, column: &str) -> StoreResult<Option<OffsetDateTime>>;
}

macro_rules! impl_row_ext {
    ($row:ty) => {
        impl RowExt for $row {
            fn text(&self, column: &str) -> StoreResult<String> {
                Ok(self.try_get(column)?)
            }
            fn opt_text(&self, column: &str) -> StoreResult<Option<String>> {
                Ok(self.try_get(column)?)
            }
            fn int32(&self, column: &str) -> StoreResult<i32> {
                Ok(self.try_get(column)?)
            }
            fn int64(&self, column: &str) -> StoreResult<i64> {
                Ok(self.try_get(column)?)
            }
            fn opt_int64(&self, column: &str) -> StoreResult<Option<i64>> {
                Ok(self.try_get(column)?)
            }
            fn flag(&self, column: &str) -> StoreResult<bool> {
                Ok(self.try_get(column)?)
            }
            fn opt_f64(&self, column: &str) -> StoreResult<Option<f64>> {
                Ok(self.try_get(column)?)
            }
            fn time(&self, column: &str) -> StoreResult<OffsetDateTime> {
                Ok(self.try_get(column)?)
            }
            fn opt_time(&self, column: &str) -> StoreResult<Option<OffsetDateTime>> {
                Ok(self.try_get(column)?)
            }
        }
    };
}

impl_row_ext!(SqliteRow);
impl_row_ext!(PgRow);

fn unit_kind(text: &str) -> StoreResult<UnitKind> {
    UnitKind::parse(text).ok_or_else(|| StoreError::Corrupt(format!("unknown unit kind {text:?}")))
}

/// A count of checkpoints, 1 to 4.
fn checkpoints(row: &impl RowExt, column: &str) -> StoreResult<u8> {
    let n = row.int32(column)?;
    match u8::try_from(n) {
        Ok(n) if (1..=MAX_CHECKPOINTS).contains(&n) => Ok(n),
        _ => Err(StoreError::Corrupt(format!("{column} {n}"))),
    }
}

/// Columns: code, parent_code, name_zh, name_en, tier_days, urgent, keywords, unit_kind,
/// patrol, complexity, police.
pub(crate) fn matter_type(row: &impl RowExt) -> StoreResult<MatterType> {
    let tier = row.int32("tier_days")?;
    let keywords = row.text("keywords")?;
    Ok(MatterType {
        keywords: keywords
            .split('|')
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect(),
        unit_kind: row
            .opt_text("unit_kind")?
            .as_deref()
            .map(unit_kind)
            .transpose()?,
        code: row.text("code")?,
        parent_code: row.opt_text("parent_code")?,
        name_zh: row.text("name_zh")?,
        name_en: row.text("name_en")?,
        tier_days: u8::try_from(tier).map_err(|_| StoreError::Corrupt(format!("tier {tier}")))?,
        urgent: row.flag("urgent")?,
        patrol: row.flag("patrol")?,
        complexity: checkpoints(row, "complexity")?,
        police: row.flag("police")?,
    })
}

/// Columns: code, parent_code, level, name_zh, name_en.
pub(crate) fn region(row: &impl RowExt) -> StoreResult<Region> {
    Ok(Region {
        code: row.text("code")?,
        parent_code: row.opt_text("parent_code")?,
        level: level_from_text(&row.text("level")?)?,
        name_zh: row.text("name_zh")?,
        name_en: row.text("name_en")?,
    })
}

/// Columns: id, username, display_name, roles.
pub(crate) fn staff_profile(row: &impl RowExt) -> StoreResult<StaffProfile> {
    Ok(StaffProfile {
        id: row.int64("id")?,
        username: row.text("username")?,
        display_name: row.text("display_name")?,
        roles: roles_from_text(&row.text("roles")?)?,
    })
}

/// Columns: those of `staff_profile`, plus password_hash and disabled.
pub(crate) fn staff_record(row: &impl RowExt) -> StoreResult<StaffRecord> {
    Ok(StaffRecord {
        profile: staff_profile(row)?,
        password_hash: row.text("password_hash")?,
        disabled: row.flag("disabled")?,
    })
}

/// Columns: code, shape (JSON, not null).
pub(crate) fn shape(row: &impl RowExt) -> StoreResult<(String, Vec<Polygon>)> {
    let code = row.text("code")?;
    let polygons = serde_json::from_str(&row.text("shape")?)
        .map_err(|e| StoreError::Corrupt(format!("shape of {code}: {e}")))?;
    Ok((code, polygons))
}

/// Columns: code, name_zh, name_en, kind, region_code (responsibilities attached later).
pub(crate) fn unit(row: &impl RowExt) -> StoreResult<HandlingUnit> {
    Ok(HandlingUnit {
        code: row.text("code")?,
        name_zh: row.text("name_zh")?,
        name_en: row.text("name_en")?,
        kind: unit_kind(&row.text("kind")?)?,
        region_code: row.text("region_code")?,
        matters: Vec::new(),
        areas: Vec::new(),
    })
}

/// Columns: unit_code, matter_code, region_code.
pub(crate) fn responsibility(row: &impl RowExt) -> StoreResult<ResponsibilityRow> {
    Ok(ResponsibilityRow {
        unit_code: row.text("unit_code")?,
        matter_code: row.text("matter_code")?,
        region_code: row.text("region_code")?,
    })
}

fn corrupt<T>(what: &str, value: impl std::fmt::Debug) -> StoreResult<T> {
    Err(StoreError::Corrupt(format!("unknown {what} {value:?}")))
}

/// Columns: those of `ticket_columns!` in store/shared_sql.rs.
pub(crate) fn ticket(row: &impl RowExt) -> StoreResult<TicketRecord> {
    let status = row.text("status")?;
    let channel = row.text("channel")?;
    let tier = row.int32("tier_days")?;
    Ok(TicketRecord {
        id: row.int64("id")?,
        tracking_code: row.text("tracking_code")?,
        client_id: row.opt_text("client_id")?,
        channel: match Channel::parse(&channel) {
            Some(c) => c,
            None => return corrupt("channel", channel),
        },
        matter_code: row.text("matter_code")?,
        region_code: row.opt_text("region_code")?,
        lon: row.opt_f64("lon")?,
        lat: row.opt_f64("lat")?,
        address: row.text("address")?,
        description: row.text("description")?,
        contact_name: row.opt_text("contact_name")?,
        contact_phone: row.opt_text("contact_phone")?,
        device_secret_hash: row.opt_text("device_secret_hash")?,
        state: TicketState {
            status: match Status::parse(&status) {
                Some(s) => s,
                None => return corrupt("status", status),
            },
            return_pending: row.flag("return_pending")?,
        },
        lead_unit_code: row.opt_text("lead_unit_code")?,
        tier_days: match u8::try_from(tier) {
            Ok(days) if (1..=MAX_HANDLING_DAYS).contains(&days) => days,
            _ => return corrupt("tier", tier),
        },
        urgent: row.flag("urgent")?,
        created_at: row.time("created_at")?,
        dispatched_at: row.opt_time("dispatched_at")?,
        response_due: row.opt_time("response_due")?,
        warn_at: row.opt_time("warn_at")?,
        handling_due: row.opt_time("handling_due")?,
        deadline_estimated: row.flag("deadline_estimated")?,
        responded_at: row.opt_time("responded_at")?,
        resolved_at: row.opt_time("resolved_at")?,
        closed_at: row.opt_time("closed_at")?,
        warned_at: row.opt_time("warned_at")?,
        response_overdue_at: row.opt_time("response_overdue_at")?,
        overdue_at: row.opt_time("overdue_at")?,
        satisfaction: match row.opt_text("satisfaction")? {
            None => None,
            Some(s) => match Satisfaction::parse(&s) {
                Some(s) => Some(s),
                None => return corrupt("satisfaction", s),
            },
        },
        reopen_count: match u32::try_from(row.int32("reopen_count")?) {
            Ok(n) => n,
            Err(_) => return corrupt("reopen_count", "negative"),
        },
        review_pending: row.flag("review_pending")?,
        sms_consent: row.flag("sms_consent")?,
        call_id: row.opt_text("call_id")?,
        kind: match RequestKind::parse(&row.text("kind")?) {
            Some(kind) => kind,
            None => return corrupt("kind", row.text("kind")?),
        },
        enterprise_name: row.opt_text("enterprise_name")?,
        credit_code: row.opt_text("credit_code")?,
        complexity: checkpoints(row, "complexity")?,
        checks_done: match u8::try_from(row.int32("checks_done")?) {
            Ok(n) if n <= MAX_CHECKPOINTS => n,
            _ => return corrupt("checks_done", "out of range"),
        },
        next_check_at: row.opt_time("next_check_at")?,
        stalled_at: row.opt_time("stalled_at")?,
        station_id: row.opt_int64("station_id")?,
        consent: match row.opt_text("consent")? {
            None => None,
            Some(c) => match Consent::parse(&c) {
                Some(c) => Some(c),
                None => return corrupt("consent", c),
            },
        },
        merged_into: row.opt_int64("merged_into")?,
        police_target: row.opt_int64("police_target_id")?,
    })
}

/// Columns: at, kind, unit_code, public, note.
pub(crate) fn timeline_entry(row: &impl RowExt) -> StoreResult<TimelineEntry> {
    Ok(TimelineEntry {
        at: row.time("at")?,
        kind: row.text("kind")?,
        unit_code: row.opt_text("unit_code")?,
        public: row.flag("public")?,
        note: row.text("note")?,
        media: Vec::new(),
    })
}

pub(crate) fn media(row: &impl RowExt) -> StoreResult<MediaRecord> {
    let kind = match row.text("kind")?.as_str() {
        "image" => MediaKind::Image,
        "audio" => MediaKind::Audio,
        "video" => MediaKind::Video,
        other => return Err(StoreError::Corrupt(format!("unknown media kind {other:?}"))),
    };
    Ok(MediaRecord {
        id: row.text("id")?,
        kind,
        content_type: row.text("content_type")?,
        size_bytes: row.int64("size_bytes")?,
        created_at: row.time("created_at")?,
    })
}

/// Columns: `station_columns!` in station/sql.rs.
pub(crate) fn station(row: &impl RowExt) -> StoreResult<StationRecord> {
    Ok(StationRecord {
        id: row.int64("id")?,
        code: row.text("code")?,
        name_zh: row.text("name_zh")?,
        name_en: row.text("name_en")?,
        community_code: row.text("community_code")?,
    })
}

/// Columns: `device_columns!` in station/sql.rs.
pub(crate) fn station_device(row: &impl RowExt) -> StoreResult<StationDevice> {
    Ok(StationDevice {
        id: row.int64("device_id")?,
        station: station(row)?,
        label: row.text("label")?,
        created_at: row.time("created_at")?,
        code_expires_at: row.opt_time("code_expires_at")?,
        enrolled_at: row.opt_time("enrolled_at")?,
        last_seen_at: row.opt_time("last_seen_at")?,
        revoked_at: row.opt_time("revoked_at")?,
    })
}
