//! Filing a complaint from any channel: validated, given its tracking code, routed at
//! once to the one responsible unit where the catalogue and the grid name one (else left
//! for a dispatcher), its deadlines set, and its first timeline entries and outbox items
//! written with it in one transaction.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use gridline_core::api::reference::MatterType;
use gridline_core::api::station::Consent;
use gridline_core::api::ticket::{Channel, CreateTicketRequest};
use gridline_core::deadline::URGENT_RESPONSE_HOURS;
use gridline_core::geo::Point;
use gridline_core::routing::{Route, Unrouted};
use gridline_core::ticket::{Action, Actor, Status, TicketState};
use gridline_core::tracking::TrackingCode;
use time::{Duration, OffsetDateTime};

use crate::catalogue::cache::Snapshot;
use crate::error::{AppError, AppResult};
use crate::media::Uploader;
use crate::outbox::store::{ForwardTarget, NewOutboxItem};
use crate::store::Store;
use crate::store::shared::StoreError;
use crate::tickets::store::{Created, NewEvent, TicketRecord};
use crate::tickets::{dispatch_to, event, field_error, merge_entries, stored_media};

fn new_tracking_code() -> TrackingCode {
    TrackingCode::generate(|| {
        let mut b = [0u8; 1];
        OsRng.fill_bytes(&mut b);
        b[0]
    })
}

fn unrouted_note(reason: Unrouted) -> &'static str {
    match reason {
        Unrouted::NoResponsibleUnit => "no unit is responsible: waiting for a dispatcher",
        Unrouted::UnknownMatter => "unknown matter type: waiting for a dispatcher",
        Unrouted::UnknownRegion => "no grid known: waiting for a dispatcher",
    }
}

/// Who files a ticket: the channel, for a station which one and how the resident
/// consented, what must leave the system once it is stored (in the same transaction),
/// and the open report of the same problem the complaint follows, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Filer {
    pub channel: Channel,
    /// Who may have uploaded the complaint's media.
    pub uploaders: Vec<Uploader>,
    pub station: Option<(i64, Consent)>,
    pub outbox: Vec<NewOutboxItem>,
    pub follows: Option<TicketRecord>,
    /// The police system handing it over (channel `police`): urgent, its response due
    /// an hour from now, and that system told of every change.
    pub police: Option<i64>,
}

impl From<Channel> for Filer {
    fn from(channel: Channel) -> Filer {
        Filer {
            channel,
            uploaders: Vec::new(),
            station: None,
            outbox: Vec::new(),
            follows: None,
            police: None,
        }
    }
}

/// Files a ticket. Returns it and whether it is new (false: the client id was seen).
/// A complaint that follows an open report of the same matter type is filed merged
/// into it: closed here, out of every queue and deadline, and told of that report's
/// steps (`tell_merged`). A police matter is transferred to the police system, when
/// the city has one (`crate::police`): closed here as transferred.
pub async fn create(
    store: &dyn Store,
    snapshot: &Snapshot,
    request: CreateTicketRequest,
    filer: impl Into<Filer>,
    now: OffsetDateTime,
) -> AppResult<(TicketRecord, bool)> {
    let filer = filer.into();
    request.validate().map_err(AppError::Validation)?;
    let matter = snapshot
        .matters
        .get(request.matter_code.trim())
        .ok_or_else(|| field_error("matter_code", "no such matter type"))?;
    let grid = grid_of(snapshot, &request)?;
    let now = crate::store::shared::stored_time(now);
    let media = stored_media(store, "media", &request.media, &filer.uploaders).await?;
    let mut ticket = record(request, &filer, matter, grid.clone(), now)?;
    let mut events = vec![NewEvent {
        media,
        ..event(now, "received", true, "")
    }];
    let targets = store.forward_targets().await?;
    let follows = filer
        .follows
        .as_ref()
        .filter(|lead| lead.matter_code == ticket.matter_code);
    let mut name = "ticket.created";
    if let Some(lead) = follows {
        ticket.state.status = Status::Closed;
        ticket.closed_at = Some(now);
        ticket.merged_into = Some(lead.id);
        events.extend(merge_entries(now, None, lead));
    } else if let Some(police) =
        crate::police::transfer_target(&targets, matter, filer.police.is_some())
    {
        ticket.state.status = Status::Closed;
        ticket.closed_at = Some(now);
        ticket.police_target = Some(police.id);
        events.push(event(now, "transferred", true, ""));
        name = "ticket.transferred";
    } else {
        events.push(route(snapshot, &mut ticket, grid.as_deref(), now)?);
        if filer.police.is_some() && ticket.response_due.is_none() {
            // The police hear back within the hour of the hand-over, however long it
            // waits for a dispatcher (`dispatch_to` keeps this deadline).
            ticket.response_due = Some(now + Duration::hours(URGENT_RESPONSE_HOURS.into()));
        }
    }
    // Dispatch systems and staff hear of a complaint that follows another through
    // that one, not of it.
    let announced = follows.is_none().then_some((targets.as_slice(), name));
    insert(store, snapshot, ticket, &events, &filer.outbox, announced).await
}

/// The grid a complaint is in: the one named, or the one its position falls in.
fn grid_of(snapshot: &Snapshot, request: &CreateTicketRequest) -> AppResult<Option<String>> {
    Ok(match (&request.region_code, request.lon.zip(request.lat)) {
        (Some(code), _) => {
            let is_grid = snapshot
                .regions
                .get(code)
                .is_some_and(|r| r.level == gridline_core::api::reference::RegionLevel::Grid);
            if !is_grid {
                return Err(field_error("region_code", "no such grid"));
            }
            Some(code.clone())
        }
        (None, Some((lon, lat))) => snapshot
            .locator
            .locate(Point::new(lon, lat))
            .map(str::to_owned),
        (None, None) => None,
    })
}

/// The new ticket as it will be stored, before it is routed and given its code.
fn record(
    request: CreateTicketRequest,
    filer: &Filer,
    matter: &MatterType,
    grid: Option<String>,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    let clean = |s: Option<String>| s.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    Ok(TicketRecord {
        id: 0,
        tracking_code: String::new(),
        client_id: request.client_id.clone(),
        channel: filer.channel,
        matter_code: matter.code.clone(),
        region_code: grid,
        lon: request.lon,
        lat: request.lat,
        address: request.address.trim().to_owned(),
        description: request.description.trim().to_owned(),
        contact_name: clean(request.contact_name),
        contact_phone: clean(request.contact_phone),
        device_secret_hash: request
            .device_secret
            .as_deref()
            .map(crate::auth::device_secret_hash),
        state: TicketState::NEW,
        lead_unit_code: None,
        // The catalogue's tier until a dispatch applies the deadline rules.
        tier_days: matter.tier_days,
        sms_consent: request.sms_consent,
        call_id: request.call_id.clone(),
        kind: request.kind,
        enterprise_name: clean(request.enterprise_name.clone()),
        credit_code: request.credit_code.clone(),
        complexity: matter.complexity,
        checks_done: 0,
        next_check_at: None,
        stalled_at: None,
        // What the police hand over is urgent, whatever its matter type.
        urgent: matter.urgent || filer.police.is_some(),
        created_at: now,
        dispatched_at: None,
        response_due: None,
        warn_at: None,
        handling_due: None,
        deadline_estimated: false,
        responded_at: None,
        resolved_at: None,
        closed_at: None,
        warned_at: None,
        response_overdue_at: None,
        overdue_at: None,
        satisfaction: None,
        reopen_count: 0,
        review_pending: false,
        station_id: filer.station.map(|(id, _)| id),
        consent: filer.station.map(|(_, consent)| consent),
        merged_into: None,
        police_target: filer.police,
    })
}

/// Routes the new ticket: dispatched at once to the one unit responsible for its matter
/// type in its grid, or queued for a dispatcher with the reason. Returns the entry.
fn route(
    snapshot: &Snapshot,
    ticket: &mut TicketRecord,
    grid: Option<&str>,
    now: OffsetDateTime,
) -> AppResult<NewEvent> {
    let route = match grid {
        Some(grid) => snapshot.routing.route(&ticket.matter_code, grid),
        None => Route::Unrouted(Unrouted::UnknownRegion),
    };
    Ok(match route {
        Route::Unit(unit) => {
            ticket.state = ticket
                .state
                .apply(Actor::System, Action::Dispatch)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            dispatch_to(ticket, &unit, snapshot, now)?;
            NewEvent {
                unit_code: Some(unit),
                ..event(now, "dispatched", true, "")
            }
        }
        Route::Unrouted(reason) => event(now, "queued", false, unrouted_note(reason)),
    })
}

/// Stores the ticket with its entries and what it sends (the filer's items; when it is
/// `announced`, the webhooks so named to the forwarding targets that take it and
/// staff's push notifications) under a new tracking code. Returns the stored ticket and
/// whether it is new (not a retry of a filing).
async fn insert(
    store: &dyn Store,
    snapshot: &Snapshot,
    mut ticket: TicketRecord,
    events: &[NewEvent],
    filed_items: &[NewOutboxItem],
    announced: Option<(&[ForwardTarget], &str)>,
) -> AppResult<(TicketRecord, bool)> {
    // A collision of random codes is rare (31^7); try a few.
    for _ in 0..4 {
        ticket.tracking_code = new_tracking_code().to_string();
        let mut outbox = filed_items.to_vec();
        let last = events.last().expect("a received entry at least");
        if let Some((targets, name)) = announced {
            outbox.extend(crate::outbox::webhook::items_for(
                targets, &ticket, None, name, last,
            ));
            // Staff whose queue it enters (it has no followers yet).
            outbox.extend(
                crate::push::news::items_for(store, &snapshot.matters, &ticket, events).await?,
            );
        }
        match store.create_ticket(&ticket, events, &outbox).await {
            Ok(Created::New(t)) => return Ok((t, true)),
            Ok(Created::Existing(t)) => return Ok((t, false)),
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Internal(
        "could not find a free tracking code".into(),
    ))
}
