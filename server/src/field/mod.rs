//! Grid workers' field records: syncing patrols and findings from devices, each
//! record once per revision, within the worker's grids; findings reported upward
//! become tickets (once), verification visits go on the ticket they checked (once).

pub mod routes;
pub mod store;

use gridline_core::api::auth::StaffProfile;
use gridline_core::api::field::{
    BATCH_MAX, Finding, Outcome, SyncRecord, SyncRequest, SyncResponse, SyncResult, SyncStatus,
    valid_id,
};
use gridline_core::api::reference::RegionLevel;
use gridline_core::api::ticket::{Channel, CreateTicketRequest};
use gridline_core::{ErrorCode, FieldIssue};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::auth::store::StaffStore;
use crate::catalogue::cache::Snapshot;
use crate::error::{AppError, AppResult};
use crate::field::store::{FieldRevision, FieldSaved};
use crate::media::Uploader;
use crate::store::Store;
use crate::tickets::store::{NewEvent, TicketFilter, TicketRecord};

/// The grids `staff` patrols: those granted, and every grid under a granted street or
/// community.
pub async fn worker_grids(
    store: &dyn StaffStore,
    snapshot: &Snapshot,
    staff: &StaffProfile,
) -> AppResult<Vec<String>> {
    let granted = store.staff_grids(staff.id).await?;
    let mut grids: Vec<String> = snapshot
        .regions
        .values()
        .filter(|r| r.level == RegionLevel::Grid)
        .filter(|r| {
            snapshot
                .lineage(&r.code)
                .iter()
                .any(|ancestor| granted.contains(&ancestor.code))
        })
        .map(|r| r.code.clone())
        .collect();
    grids.sort();
    Ok(grids)
}

/// The most tickets a worker's device caches for verification visits.
pub const WORKER_TICKETS_MAX: usize = 500;

/// Open tickets in the worker's grids (the app caches them for verification visits),
/// nearest deadline first, at most [`WORKER_TICKETS_MAX`]; `true` when there are more.
pub async fn worker_tickets(
    store: &dyn Store,
    snapshot: &Snapshot,
    staff: &StaffProfile,
) -> AppResult<(Vec<TicketRecord>, bool)> {
    let grids = worker_grids(store, snapshot, staff).await?;
    let mut tickets = store
        .list_tickets(
            &TicketFilter::NotClosedInGrids(grids),
            None,
            crate::tickets::store::Page::first(WORKER_TICKETS_MAX + 1),
        )
        .await?;
    let more = tickets.len() > WORKER_TICKETS_MAX;
    tickets.truncate(WORKER_TICKETS_MAX);
    Ok((tickets, more))
}

/// Stores a batch. Each record gets its own result: a refused record does not hold up
/// the others, and the device keeps it and shows why.
pub async fn sync(
    store: &dyn Store,
    snapshot: &Snapshot,
    staff: &StaffProfile,
    request: SyncRequest,
    now: OffsetDateTime,
) -> AppResult<SyncResponse> {
    let mut problems = Vec::new();
    if !valid_id(&request.device_id) {
        problems.push(field("device_id", "8 to 64 letters, digits, - or _"));
    }
    if request.records.len() > BATCH_MAX {
        problems.push(field(
            "records",
            &format!("at most {BATCH_MAX} records a batch"),
        ));
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let grids = worker_grids(store, snapshot, staff).await?;
    let mut results = Vec::with_capacity(request.records.len());
    for record in request.records {
        let result = match sync_one(
            store,
            snapshot,
            staff,
            &grids,
            &request.device_id,
            &record,
            now,
        )
        .await
        {
            Ok(result) => result,
            Err(AppError::Client(_, message)) => rejected(&record, message),
            Err(AppError::Validation(fields)) => rejected(
                &record,
                fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Err(e) => return Err(e),
        };
        results.push(result);
    }
    Ok(SyncResponse { results })
}

fn field(name: &str, message: &str) -> gridline_core::FieldError {
    gridline_core::FieldError {
        field: name.to_owned(),
        issue: FieldIssue::Invalid,
        message: message.to_owned(),
    }
}

fn refuse(message: impl Into<String>) -> AppError {
    AppError::client(ErrorCode::ValidationFailed, message)
}

fn rejected(record: &SyncRecord, message: String) -> SyncResult {
    SyncResult {
        record_id: record.record_id().to_owned(),
        revision: record.revision(),
        status: SyncStatus::Rejected,
        current_revision: None,
        media: Vec::new(),
        ticket_code: None,
        message: Some(message),
    }
}

async fn sync_one(
    store: &dyn Store,
    snapshot: &Snapshot,
    staff: &StaffProfile,
    grids: &[String],
    device_id: &str,
    record: &SyncRecord,
    now: OffsetDateTime,
) -> AppResult<SyncResult> {
    let problems = record.problems();
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    if !grids.iter().any(|g| g == record.grid_code()) {
        return Err(refuse(format!(
            "grid {} is not one you patrol",
            record.grid_code()
        )));
    }
    let (media, verified_ticket) = match record {
        SyncRecord::Patrol(_) => (Vec::new(), None),
        SyncRecord::Finding(f) => check_finding(store, snapshot, staff, grids, f).await?,
    };
    let saved = store
        .save_field_revision(&revision_of(record, staff, device_id, &media, now)?)
        .await?;
    let FieldSaved::Saved {
        new,
        current_revision,
        ticket,
    } = saved
    else {
        return Err(refuse("this record id belongs to another account"));
    };
    let mut ticket_code = ticket.map(|(_, code)| code);
    // The newest revision decides what the finding leads to; doing it on every sync of
    // that revision (not only the first) means a crash in between is repaired by the
    // device's resend.
    if let SyncRecord::Finding(f) = record
        && f.revision == current_revision
        && ticket_code.is_none()
    {
        let found = Found {
            staff,
            device_id,
            finding: f,
            now,
        };
        ticket_code = follow_up(store, snapshot, found, verified_ticket).await?;
    }
    Ok(SyncResult {
        record_id: record.record_id().to_owned(),
        revision: record.revision(),
        status: if new {
            SyncStatus::Stored
        } else {
            SyncStatus::AlreadyStored
        },
        current_revision: Some(current_revision),
        media,
        ticket_code,
        message: None,
    })
}

/// The revision as stored: the record's JSON with who sent it, from where and when.
fn revision_of(
    record: &SyncRecord,
    staff: &StaffProfile,
    device_id: &str,
    media: &[String],
    now: OffsetDateTime,
) -> AppResult<FieldRevision> {
    let body = match record {
        SyncRecord::Patrol(p) => serde_json::to_string(p),
        SyncRecord::Finding(f) => serde_json::to_string(f),
    }
    .map_err(|e| AppError::Internal(format!("encoding a field record: {e}")))?;
    Ok(FieldRevision {
        device_id: device_id.to_owned(),
        record_id: record.record_id().to_owned(),
        revision: record.revision(),
        kind: record.kind(),
        staff_id: staff.id,
        grid_code: record.grid_code().to_owned(),
        body,
        media: media.to_vec(),
        received_at: now,
    })
}

/// A finding's references checked: its matter type exists, its media are this worker's
/// uploads, and the ticket it verifies (if any) is in the worker's grids. Returns its
/// media and that ticket.
async fn check_finding(
    store: &dyn Store,
    snapshot: &Snapshot,
    staff: &StaffProfile,
    grids: &[String],
    f: &Finding,
) -> AppResult<(Vec<String>, Option<TicketRecord>)> {
    if !snapshot.matters.contains_key(&f.matter_code) {
        return Err(refuse(format!("no such matter type {}", f.matter_code)));
    }
    // Only what this worker uploaded (a medium's id alone proves nothing).
    let found = store
        .find_media(&f.media, &[Uploader::Staff(staff.id).key()])
        .await?;
    if let Some(missing) = f
        .media
        .iter()
        .find(|id| !found.iter().any(|m| &m.id == *id))
    {
        return Err(refuse(format!(
            "medium {missing} is not uploaded yet (from this account)"
        )));
    }
    let mut verified = None;
    if let Some(code) = &f.ticket_code {
        let ticket = store
            .ticket_by_code(code)
            .await?
            .filter(|t| t.region_code.as_ref().is_some_and(|g| grids.contains(g)))
            .ok_or_else(|| refuse(format!("no ticket {code} in your grids")))?;
        verified = Some(ticket);
    }
    Ok((f.media.clone(), verified))
}

/// A finding's newest revision, as synced by one device.
struct Found<'a> {
    staff: &'a StaffProfile,
    device_id: &'a str,
    finding: &'a Finding,
    now: OffsetDateTime,
}

/// What a finding leads to: a ticket filed upward, or a verification entry on the
/// ticket it checked. Returns that ticket's code.
async fn follow_up(
    store: &dyn Store,
    snapshot: &Snapshot,
    found: Found<'_>,
    verified_ticket: Option<TicketRecord>,
) -> AppResult<Option<String>> {
    let Found {
        staff,
        device_id,
        finding: f,
        now,
    } = found;
    match f.outcome {
        Outcome::ReportUpward => {
            let ticket = report_upward(store, snapshot, staff, device_id, f, now).await?;
            store
                .link_field_ticket(device_id, &f.record_id, ticket.id)
                .await?;
            Ok(Some(ticket.tracking_code))
        }
        Outcome::Verification => {
            let Some(ticket) = verified_ticket else {
                return Ok(None);
            };
            let event = NewEvent {
                at: crate::store::shared::stored_time(now),
                kind: "verification".into(),
                staff_id: Some(staff.id),
                unit_code: None,
                public: false,
                note: f.note.trim().to_owned(),
                media: f.media.clone(),
            };
            store
                .append_field_event(device_id, &f.record_id, ticket.id, &event)
                .await?;
            Ok(Some(ticket.tracking_code))
        }
        Outcome::SolvedOnSpot => Ok(None),
    }
}

/// Files the finding as a ticket from the grid worker channel; the ticket's client id
/// comes from the record, so however often this runs there is one ticket.
async fn report_upward(
    store: &dyn Store,
    snapshot: &Snapshot,
    staff: &StaffProfile,
    device_id: &str,
    f: &Finding,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    let digest = Sha256::digest(format!("{device_id}/{}", f.record_id));
    let client_id = format!("field-{}", hex::encode(&digest[..16]));
    let description = if f.note.trim().is_empty() {
        snapshot
            .matters
            .get(&f.matter_code)
            .map(|m| m.name_zh.clone())
            .unwrap_or_else(|| f.matter_code.clone())
    } else {
        f.note.clone()
    };
    let request = CreateTicketRequest {
        client_id: Some(client_id),
        matter_code: f.matter_code.clone(),
        description,
        lon: f.lon,
        lat: f.lat,
        region_code: Some(f.grid_code.clone()),
        media: f.media.clone(),
        ..Default::default()
    };
    let filer = crate::tickets::filing::Filer {
        uploaders: vec![Uploader::Staff(staff.id)],
        ..Channel::GridWorker.into()
    };
    let (ticket, _) = crate::tickets::filing::create(store, snapshot, request, filer, now).await?;
    Ok(ticket)
}
