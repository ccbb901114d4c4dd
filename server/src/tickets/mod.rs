//! The ticket service: filing from any channel (routed at once where a unit is
//! responsible), acting on a ticket under the core state machine, and the views, with
//! personal data masked for everyone who does not handle the ticket.

pub mod routes;
pub mod store;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use gridline_core::api::auth::StaffProfile;
use gridline_core::api::media::{MAX_AUDIO, MAX_PHOTOS, MediaKind};
use gridline_core::api::station::Consent;
use gridline_core::api::ticket::{
    ActionRequest, Channel, CoUnitRequest, CreateTicketRequest, RatingRequest, TicketView,
    TierChangeRequest, TimelineEntry,
};
use gridline_core::deadline::{CHINA_OFFSET, Tier, deadlines, warning_at};
use gridline_core::geo::Point;
use gridline_core::privacy::{mask_name, mask_phone};
use gridline_core::routing::{Route, Unrouted};
use gridline_core::ticket::{Action, Actor, RatingOutcome, Status, TicketState, TransitionError};
use gridline_core::tracking::TrackingCode;
use gridline_core::{ErrorCode, FieldError, FieldIssue, Role};
use time::OffsetDateTime;

use crate::catalogue::cache::Snapshot;
use crate::error::{AppError, AppResult};
use crate::media::Uploader;
use crate::outbox::store::NewOutboxItem;
use crate::store::Store;
use crate::store::shared::StoreError;
use crate::tickets::store::{Created, NewEvent, TicketRecord, TicketVersion};

/// Share of the handling time after which the unit is warned.
pub const WARN_FRACTION: f64 = 0.75;

pub(crate) fn field_error(field: &str, message: impl Into<String>) -> AppError {
    AppError::Validation(vec![gridline_core::FieldError {
        field: field.into(),
        issue: FieldIssue::Invalid,
        message: message.into(),
    }])
}

fn event(at: OffsetDateTime, kind: &str, public: bool, note: impl Into<String>) -> NewEvent {
    NewEvent {
        at,
        kind: kind.into(),
        staff_id: None,
        unit_code: None,
        public,
        note: note.into(),
        media: Vec::new(),
    }
}

/// Checks that every medium `ids` names is stored and was uploaded by one of
/// `uploaders`, and that there are no more photos or voice notes than one step may
/// carry; refuses the whole request otherwise (nothing is stored half). A medium
/// someone else uploaded is refused as an unknown one: the answer does not tell
/// whether a photo is on the server.
async fn stored_media(
    store: &dyn Store,
    field: &str,
    ids: &[String],
    uploaders: &[Uploader],
) -> AppResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found = store.find_media(ids, &Uploader::keys(uploaders)).await?;
    let mut errors = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if !found.iter().any(|m| &m.id == id) {
            errors.push(FieldError {
                field: format!("{field}[{i}]"),
                issue: FieldIssue::Invalid,
                message: "no such medium of yours: upload it first (POST /api/v1/media, \
                          from the device, session or tablet that files it)"
                    .into(),
            });
        }
    }
    let count = |kind: MediaKind| found.iter().filter(|m| m.kind == kind).count();
    if count(MediaKind::Image) > MAX_PHOTOS || count(MediaKind::Audio) > MAX_AUDIO {
        errors.push(FieldError {
            field: field.to_owned(),
            issue: FieldIssue::TooLong,
            message: format!("at most {MAX_PHOTOS} photos and {MAX_AUDIO} voice note"),
        });
    }
    if errors.is_empty() {
        Ok(ids.to_vec())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn new_tracking_code() -> TrackingCode {
    TrackingCode::generate(|| {
        let mut b = [0u8; 1];
        OsRng.fill_bytes(&mut b);
        b[0]
    })
}

/// Hands `ticket` to `unit` at `now`: the clocks start again.
fn dispatch_to(
    ticket: &mut TicketRecord,
    unit: &str,
    snapshot: &Snapshot,
    now: OffsetDateTime,
) -> AppResult<()> {
    let due = deadlines(
        &snapshot.calendar,
        CHINA_OFFSET,
        now,
        ticket.tier,
        ticket.urgent,
    )
    .map_err(|_| AppError::Internal("the calendar has no working days".into()))?;
    ticket.lead_unit_code = Some(unit.to_owned());
    ticket.dispatched_at = Some(now);
    ticket.response_due = Some(due.response_due);
    ticket.handling_due = Some(due.handling_due);
    ticket.warn_at = Some(warning_at(now, due.handling_due, WARN_FRACTION));
    ticket.deadline_estimated = !due.estimated_years.is_empty();
    ticket.responded_at = None;
    ticket.warned_at = None;
    ticket.response_overdue_at = None;
    ticket.overdue_at = None;
    Ok(())
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
}

impl From<Channel> for Filer {
    fn from(channel: Channel) -> Filer {
        Filer {
            channel,
            uploaders: Vec::new(),
            station: None,
            outbox: Vec::new(),
            follows: None,
        }
    }
}

/// Files a ticket. Returns it and whether it is new (false: the client id was seen).
/// A complaint that follows an open report of the same matter type is filed merged
/// into it: closed here, out of every queue and deadline, and told of that report's
/// steps (`tell_merged`).
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
    let grid = match (&request.region_code, request.lon.zip(request.lat)) {
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
    };
    let tier = Tier::from_working_days(matter.tier_days).ok_or_else(|| {
        AppError::Internal(format!(
            "matter {} has tier {}",
            matter.code, matter.tier_days
        ))
    })?;
    let now = crate::store::shared::stored_time(now);
    let clean = |s: Option<String>| s.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let mut ticket = TicketRecord {
        id: 0,
        tracking_code: String::new(),
        client_id: request.client_id.clone(),
        channel: filer.channel,
        matter_code: matter.code.clone(),
        region_code: grid.clone(),
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
        tier,
        urgent: matter.urgent,
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
    };
    let media = stored_media(store, "media", &request.media, &filer.uploaders).await?;
    let mut events = vec![NewEvent {
        media,
        ..event(now, "received", true, "")
    }];
    let follows = filer
        .follows
        .as_ref()
        .filter(|lead| lead.matter_code == ticket.matter_code);
    if let Some(lead) = follows {
        ticket.state.status = Status::Closed;
        ticket.closed_at = Some(now);
        ticket.merged_into = Some(lead.id);
        events.extend(merge_entries(now, None, lead));
    } else {
        let route = match &grid {
            Some(grid) => snapshot.routing.route(&ticket.matter_code, grid),
            None => Route::Unrouted(Unrouted::UnknownRegion),
        };
        match route {
            Route::Unit(unit) => {
                ticket.state = ticket
                    .state
                    .apply(Actor::System, Action::Dispatch)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                dispatch_to(&mut ticket, &unit, snapshot, now)?;
                events.push(NewEvent {
                    unit_code: Some(unit),
                    ..event(now, "dispatched", true, "")
                });
            }
            Route::Unrouted(reason) => {
                events.push(event(now, "queued", false, unrouted_note(reason)));
            }
        }
    }
    // Dispatch systems and staff hear of a complaint that follows another through
    // that one, not of it.
    let announced = follows.is_none();
    let targets = if announced {
        store.forward_targets().await?
    } else {
        Vec::new()
    };
    // A collision of random codes is rare (31^7); try a few.
    for _ in 0..4 {
        ticket.tracking_code = new_tracking_code().to_string();
        let mut outbox = filer.outbox.clone();
        let last = events.last().expect("a received entry at least");
        outbox.extend(crate::outbox::webhook::items_for(
            &targets,
            &ticket,
            None,
            "ticket.created",
            last,
        ));
        // Staff whose queue it enters (it has no followers yet).
        if announced {
            outbox
                .extend(crate::push::items_for(store, &snapshot.matters, &ticket, &events).await?);
        }
        match store.create_ticket(&ticket, &events, &outbox).await {
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

/// How `staff` may relate to `ticket`, most specific first.
async fn actors_of(
    store: &dyn Store,
    staff: &StaffProfile,
    ticket: &TicketRecord,
) -> AppResult<Vec<(Actor, Option<String>)>> {
    let mut actors = Vec::new();
    if staff.roles.contains(&Role::UnitHandler) {
        let units = store.staff_units(staff.id).await?;
        if let Some(lead) = &ticket.lead_unit_code
            && units.contains(lead)
        {
            actors.push((Actor::LeadUnit, Some(lead.clone())));
        }
        let co_units = store.co_units(ticket.id).await?;
        if let Some(co) = co_units.iter().find(|c| units.contains(c)) {
            actors.push((Actor::CoUnit, Some(co.clone())));
        }
    }
    if staff.roles.contains(&Role::Dispatcher) || staff.roles.contains(&Role::Admin) {
        actors.push((Actor::Dispatcher, None));
    }
    if staff.roles.contains(&Role::Supervisor) {
        actors.push((Actor::Supervisor, None));
    }
    Ok(actors)
}

/// How a staff member stands towards a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rights {
    /// They handle it (its unit, a co-unit, a dispatcher, a supervisor): they see it whole.
    pub handles: bool,
    /// What they may do to it now, as the state machine allows to any of those relations.
    pub actions: Vec<Action>,
}

/// `staff`'s rights on `ticket`, from one look at how they relate to it.
pub async fn rights(
    store: &dyn Store,
    staff: &StaffProfile,
    ticket: &TicketRecord,
) -> AppResult<Rights> {
    let actors = actors_of(store, staff, ticket).await?;
    let actions = Action::ALL
        .into_iter()
        .filter(|action| {
            actors
                .iter()
                .any(|(actor, _)| ticket.state.apply(*actor, *action).is_ok())
        })
        .collect();
    Ok(Rights {
        handles: !actors.is_empty(),
        actions,
    })
}

/// Whether `staff` handles `ticket` (and so may see its personal data in full).
pub async fn handles(
    store: &dyn Store,
    staff: &StaffProfile,
    ticket: &TicketRecord,
) -> AppResult<bool> {
    Ok(!actors_of(store, staff, ticket).await?.is_empty())
}

fn refusal(err: TransitionError) -> AppError {
    let code = if err.is_permission() {
        ErrorCode::Forbidden
    } else {
        ErrorCode::Conflict
    };
    AppError::client(code, err.to_string())
}

fn apply_effects(
    ticket: &mut TicketRecord,
    action: Action,
    unit: Option<&str>,
    snapshot: &Snapshot,
    now: OffsetDateTime,
) -> AppResult<()> {
    match action {
        Action::Dispatch | Action::Redispatch | Action::ApproveReturn => {
            let unit = unit.ok_or_else(|| field_error("unit_code", "say which unit"))?;
            if !snapshot.units.contains_key(unit) {
                return Err(field_error("unit_code", "no such unit"));
            }
            dispatch_to(ticket, unit, snapshot, now)?;
        }
        Action::Reopen => {
            let unit = ticket
                .lead_unit_code
                .clone()
                .ok_or_else(|| AppError::Internal("a done ticket without a unit".into()))?;
            reopen(ticket, &unit, snapshot, now)?;
        }
        Action::Accept => ticket.responded_at = Some(now),
        Action::Resolve => ticket.resolved_at = Some(now),
        Action::Rate | Action::Close => {
            ticket.closed_at = Some(now);
            ticket.review_pending = false;
        }
        Action::Progress | Action::RequestReturn | Action::RejectReturn | Action::Supervise => {}
    }
    Ok(())
}

/// Back to its unit to handle again, with new deadlines; the next resolution is rated
/// afresh.
fn reopen(
    ticket: &mut TicketRecord,
    unit: &str,
    snapshot: &Snapshot,
    now: OffsetDateTime,
) -> AppResult<()> {
    dispatch_to(ticket, unit, snapshot, now)?;
    ticket.resolved_at = None;
    ticket.closed_at = None;
    ticket.satisfaction = None;
    ticket.review_pending = false;
    ticket.reopen_count += 1;
    Ok(())
}

/// Whether the complainant sees this step (return requests and supervision are internal).
fn public_step(action: Action, requested_public: bool) -> bool {
    match action {
        Action::Progress => requested_public,
        Action::RequestReturn
        | Action::ApproveReturn
        | Action::RejectReturn
        | Action::Supervise => false,
        _ => true,
    }
}

/// One attempted step on a ticket: who, what, and the timeline entry it writes.
struct Step<'a> {
    actor: Actor,
    action: Action,
    event: NewEvent,
    /// The unit to dispatch to, for dispatching actions.
    target_unit: Option<&'a str>,
}

async fn transition(
    store: &dyn Store,
    snapshot: &Snapshot,
    mut ticket: TicketRecord,
    step: Step<'_>,
) -> AppResult<TicketRecord> {
    let expected = TicketVersion::of(&ticket);
    ticket.state = expected
        .state
        .apply(step.actor, step.action)
        .map_err(refusal)?;
    let previous_unit = ticket.lead_unit_code.clone();
    apply_effects(
        &mut ticket,
        step.action,
        step.target_unit,
        snapshot,
        step.event.at,
    )?;
    save(
        store,
        snapshot,
        ticket,
        &expected,
        previous_unit.as_deref(),
        &step.event,
    )
    .await
}

/// Saves a changed ticket with its timeline entry, unless someone acted meanwhile; the
/// forwarding targets that take the ticket (or took it, led by `previous_unit`) hear of
/// the change in the same transaction.
async fn save(
    store: &dyn Store,
    snapshot: &Snapshot,
    ticket: TicketRecord,
    expected: &TicketVersion,
    previous_unit: Option<&str>,
    event: &NewEvent,
) -> AppResult<TicketRecord> {
    let outbox = outbox_for(store, snapshot, &ticket, previous_unit, event).await?;
    if !store.save_ticket(&ticket, expected, event, &outbox).await? {
        return Err(changed_meanwhile());
    }
    if event.public {
        tell_merged(store, &ticket, event).await;
    }
    Ok(ticket)
}

fn changed_meanwhile() -> AppError {
    AppError::client(
        ErrorCode::Conflict,
        "the ticket changed meanwhile; reload it and try again",
    )
}

/// What a change to `ticket` sends out: to the forwarding targets that take it (or took
/// it, led by `previous_unit`), and the push notifications of its followers and staff.
async fn outbox_for(
    store: &dyn Store,
    snapshot: &Snapshot,
    ticket: &TicketRecord,
    previous_unit: Option<&str>,
    event: &NewEvent,
) -> AppResult<Vec<crate::outbox::store::NewOutboxItem>> {
    let targets = store.forward_targets().await?;
    let mut outbox =
        crate::outbox::webhook::items_for(&targets, ticket, previous_unit, "ticket.updated", event);
    outbox.extend(
        crate::push::items_for(
            store,
            &snapshot.matters,
            ticket,
            std::slice::from_ref(event),
        )
        .await?,
    );
    Ok(outbox)
}

/// The tickets merged into `lead` follow it: each public step of the lead is written on
/// their timelines too (their pages update live) and their followers are pushed it.
/// After the lead's change is saved, not in its transaction: a failure here is logged,
/// and the lead's step stands.
async fn tell_merged(store: &dyn Store, lead: &TicketRecord, event: &NewEvent) {
    let result: AppResult<()> = async {
        for id in store.merged_ids(lead.id).await? {
            let Some(merged) = store.ticket_by_id(id).await? else {
                continue;
            };
            // The lead's step as it is (its timeline says the steps after the merge
            // are the lead's).
            let step = event.clone();
            // Its residents are told with the lead's status ("已办结：…") under its own
            // code; its staff heard of the merge and follow the lead.
            let told = TicketRecord {
                state: lead.state,
                ..merged.clone()
            };
            let outbox =
                crate::push::resident_items(store, &told, std::slice::from_ref(&step)).await?;
            store.append_events(merged.id, &[step], &outbox).await?;
        }
        Ok(())
    }
    .await;
    if let Err(error) = result {
        tracing::warn!(lead = %lead.tracking_code, error = %error, "merged tickets not told of their lead's step");
    }
}

/// A ticket's timeline entries as it is merged into `lead`: the complainant is told it
/// was merged; the lead's code is for staff only (with a guessed phone suffix it would
/// open someone else's complaint).
fn merge_entries(at: OffsetDateTime, staff_id: Option<i64>, lead: &TicketRecord) -> [NewEvent; 2] {
    let merged = NewEvent {
        staff_id,
        ..event(at, "merged", true, "")
    };
    let into = NewEvent {
        kind: "merged_into".into(),
        public: false,
        note: lead.tracking_code.clone(),
        ..merged.clone()
    };
    [merged, into]
}

/// The roles that merge duplicates (those who dispatch and supervise).
pub const MERGE_ROLES: &[Role] = &[Role::Dispatcher, Role::Supervisor, Role::Admin];

/// `dup` is the same problem as `lead`: it is closed and follows the lead from now on.
pub async fn merge(
    store: &dyn Store,
    snapshot: &Snapshot,
    dup: TicketRecord,
    lead: &TicketRecord,
    staff: &StaffProfile,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    if !staff.roles.iter().any(|r| MERGE_ROLES.contains(r)) {
        return Err(AppError::client(
            ErrorCode::Forbidden,
            "only dispatchers, supervisors and admins merge tickets",
        ));
    }
    let refuse = |message: &str| Err(AppError::client(ErrorCode::Conflict, message));
    if dup.id == lead.id {
        return Err(field_error("into", "another ticket than this one"));
    }
    if dup.matter_code != lead.matter_code {
        return refuse("only reports of the same matter type are merged");
    }
    if matches!(dup.state.status, Status::Done | Status::Closed) {
        return refuse("this ticket is answered already; it is not merged");
    }
    if lead.state.status == Status::Closed {
        return refuse("the lead ticket is closed; merge into an open one");
    }
    if lead.merged_into.is_some() {
        return refuse("the lead ticket is merged into another; merge into that one");
    }
    if dup.merged_into.is_some() {
        return refuse("this ticket is merged already");
    }
    if !store.merged_ids(dup.id).await?.is_empty() {
        return refuse("other tickets follow this one; merge them the other way round");
    }
    let now = crate::store::shared::stored_time(now);
    let expected = TicketVersion::of(&dup);
    let previous_unit = dup.lead_unit_code.clone();
    let mut merged = dup;
    merged.state.status = Status::Closed;
    merged.state.return_pending = false;
    merged.closed_at = Some(now);
    merged.merged_into = Some(lead.id);
    let [event, into] = merge_entries(now, Some(staff.id), lead);
    let outbox = outbox_for(store, snapshot, &merged, previous_unit.as_deref(), &event).await?;
    if store
        .merge_ticket(&merged, &expected, lead.id, &[event, into], &outbox)
        .await?
    {
        Ok(merged)
    } else {
        Err(changed_meanwhile())
    }
}

/// A staff member acts on a ticket.
pub async fn act(
    store: &dyn Store,
    snapshot: &Snapshot,
    ticket: TicketRecord,
    staff: &StaffProfile,
    request: ActionRequest,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    request.validate().map_err(AppError::Validation)?;
    let actors = actors_of(store, staff, &ticket).await?;
    let allowed = request.action.allowed_actors();
    let Some((actor, own_unit)) = actors.iter().find(|(a, _)| allowed.contains(a)).cloned() else {
        // Report as the state machine would for the first relation, or plainly.
        return Err(match actors.first() {
            Some((actor, _)) => refusal(TransitionError::NotAllowed {
                actor: *actor,
                action: request.action,
            }),
            None => AppError::client(ErrorCode::Forbidden, "you do not handle this ticket"),
        });
    };
    act_as(
        store,
        snapshot,
        ticket,
        (actor, own_unit),
        Some(staff.id),
        request,
        now,
    )
    .await
}

/// The ticket's lead unit acts through its own dispatch system (a signed report).
pub async fn act_for_lead_unit(
    store: &dyn Store,
    snapshot: &Snapshot,
    ticket: TicketRecord,
    request: ActionRequest,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    request.validate().map_err(AppError::Validation)?;
    let unit = ticket
        .lead_unit_code
        .clone()
        .ok_or_else(|| AppError::client(ErrorCode::Conflict, "the ticket has no unit yet"))?;
    act_as(
        store,
        snapshot,
        ticket,
        (Actor::LeadUnit, Some(unit)),
        None,
        request,
        now,
    )
    .await
}

async fn act_as(
    store: &dyn Store,
    snapshot: &Snapshot,
    ticket: TicketRecord,
    (actor, own_unit): (Actor, Option<String>),
    staff_id: Option<i64>,
    request: ActionRequest,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    let now = crate::store::shared::stored_time(now);
    let target = request.unit_code.as_deref().map(str::trim);
    let event = NewEvent {
        at: now,
        kind: request.action.as_str().into(),
        staff_id,
        unit_code: own_unit.or_else(|| target.map(str::to_owned)),
        public: public_step(request.action, request.public),
        note: request.note.trim().to_owned(),
        media: stored_media(
            store,
            "media",
            &request.media,
            staff_id.map(Uploader::Staff).as_slice(),
        )
        .await?,
    };
    transition(
        store,
        snapshot,
        ticket,
        Step {
            actor,
            action: request.action,
            event,
            target_unit: target,
        },
    )
    .await
}

/// Whoever holds the tracking code rates a done ticket, once per resolution:
/// satisfied or basically satisfied closes it; dissatisfied reopens it to its unit the
/// first time and puts it before a supervisor after that (see [`RatingOutcome`]).
pub async fn rate(
    store: &dyn Store,
    snapshot: &Snapshot,
    mut ticket: TicketRecord,
    rating: RatingRequest,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    let mut v = gridline_core::api::error::Validator::new();
    v.text(
        "comment",
        &rating.comment,
        0,
        gridline_core::api::ticket::NOTE_MAX,
    );
    v.finish().map_err(AppError::Validation)?;
    if ticket.satisfaction.is_some() {
        return Err(AppError::client(
            ErrorCode::Conflict,
            "this resolution has been rated already",
        ));
    }
    let now = crate::store::shared::stored_time(now);
    let outcome = RatingOutcome::of(rating.satisfaction, ticket.reopen_count);
    let expected = TicketVersion::of(&ticket);
    ticket.state = expected.state.rate(outcome).map_err(refusal)?;
    ticket.satisfaction = Some(rating.satisfaction);
    let label = rating.satisfaction.as_str();
    let note = if rating.comment.trim().is_empty() {
        label.to_owned()
    } else {
        format!("{label}: {}", rating.comment.trim())
    };
    match outcome {
        RatingOutcome::Close => ticket.closed_at = Some(now),
        RatingOutcome::Reopen => {
            let unit = ticket
                .lead_unit_code
                .clone()
                .ok_or_else(|| AppError::Internal("a done ticket without a unit".into()))?;
            reopen(&mut ticket, &unit, snapshot, now)?;
            // The reopened ticket waits for a new rating; the dissatisfied one stays on
            // the timeline.
        }
        RatingOutcome::ToSupervisor => ticket.review_pending = true,
    }
    let kind = match outcome {
        RatingOutcome::Close => "rate",
        RatingOutcome::Reopen => "rate_reopen",
        RatingOutcome::ToSupervisor => "rate_review",
    };
    let unit = ticket.lead_unit_code.clone();
    save(
        store,
        snapshot,
        ticket,
        &expected,
        unit.as_deref(),
        &event(now, kind, true, note),
    )
    .await
}

fn require_dispatcher(staff: &StaffProfile) -> AppResult<()> {
    if staff.roles.contains(&Role::Dispatcher) || staff.roles.contains(&Role::Admin) {
        Ok(())
    } else {
        Err(AppError::client(
            ErrorCode::Forbidden,
            "only dispatchers do this",
        ))
    }
}

/// A dispatcher adds a unit to help the lead unit (协办).
pub async fn add_co_unit(
    store: &dyn Store,
    snapshot: &Snapshot,
    ticket: &TicketRecord,
    staff: &StaffProfile,
    request: CoUnitRequest,
    now: OffsetDateTime,
) -> AppResult<()> {
    require_dispatcher(staff)?;
    let unit = request.unit_code.trim();
    if !snapshot.units.contains_key(unit) {
        return Err(field_error("unit_code", "no such unit"));
    }
    if ticket.lead_unit_code.as_deref() == Some(unit) {
        return Err(field_error("unit_code", "this is the lead unit"));
    }
    if !ticket.state.status.with_unit() {
        return Err(AppError::client(
            ErrorCode::Conflict,
            "co-handling units join tickets that a unit is handling",
        ));
    }
    let event = NewEvent {
        staff_id: Some(staff.id),
        unit_code: Some(unit.to_owned()),
        ..event(
            crate::store::shared::stored_time(now),
            "co_unit_added",
            false,
            "",
        )
    };
    if !store.add_co_unit(ticket.id, unit, &event).await? {
        return Err(AppError::client(
            ErrorCode::Conflict,
            "this unit co-handles the ticket already",
        ));
    }
    Ok(())
}

/// A dispatcher changes the handling tier; the deadline is computed again from the
/// dispatch time, and notices not yet due are cleared.
pub async fn change_tier(
    store: &dyn Store,
    snapshot: &Snapshot,
    mut ticket: TicketRecord,
    staff: &StaffProfile,
    request: TierChangeRequest,
    now: OffsetDateTime,
) -> AppResult<TicketRecord> {
    require_dispatcher(staff)?;
    request.validate().map_err(AppError::Validation)?;
    let expected = TicketVersion::of(&ticket);
    let tier = Tier::from_working_days(request.tier_days).expect("validated");
    let (Some(dispatched_at), true) = (ticket.dispatched_at, ticket.state.status.with_unit())
    else {
        return Err(AppError::client(
            ErrorCode::Conflict,
            "the tier can change while a unit is handling the ticket",
        ));
    };
    let now = crate::store::shared::stored_time(now);
    let due = deadlines(
        &snapshot.calendar,
        CHINA_OFFSET,
        dispatched_at,
        tier,
        ticket.urgent,
    )
    .map_err(|_| AppError::Internal("the calendar has no working days".into()))?;
    let from = ticket.tier.working_days();
    ticket.tier = tier;
    ticket.handling_due = Some(due.handling_due);
    ticket.warn_at = Some(warning_at(dispatched_at, due.handling_due, WARN_FRACTION));
    ticket.deadline_estimated = !due.estimated_years.is_empty();
    if ticket.warn_at.is_some_and(|w| w > now) {
        ticket.warned_at = None;
    }
    if due.handling_due > now {
        ticket.overdue_at = None;
    }
    let event = NewEvent {
        staff_id: Some(staff.id),
        ..event(
            now,
            "tier_changed",
            false,
            format!(
                "{from} -> {} working days: {}",
                tier.working_days(),
                request.reason.trim()
            ),
        )
    };
    let unit = ticket.lead_unit_code.clone();
    save(store, snapshot, ticket, &expected, unit.as_deref(), &event).await
}

/// Whether a public viewer proved they may see `ticket`: the last four digits of its
/// contact phone, or the filing device's secret.
pub fn proves(
    ticket: &TicketRecord,
    phone_suffix: Option<&str>,
    device_secret: Option<&str>,
) -> bool {
    let by_phone = match (phone_suffix, &ticket.contact_phone) {
        (Some(suffix), Some(phone))
            if suffix.len() == 4 && suffix.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            digits.ends_with(suffix)
        }
        _ => false,
    };
    let by_device = match (device_secret, &ticket.device_secret_hash) {
        (Some(secret), Some(hash)) => crate::auth::device_secret_hash(secret) == *hash,
        _ => false,
    };
    by_phone || by_device
}

/// What a viewer sees: everything when they handle the ticket; otherwise personal data
/// masked and only the public timeline.
pub fn view(
    ticket: &TicketRecord,
    co_units: Vec<String>,
    timeline: Vec<TimelineEntry>,
    full: bool,
    actions: Vec<Action>,
    now: OffsetDateTime,
) -> TicketView {
    let open = ticket.state.status.with_unit();
    TicketView {
        tracking_code: ticket.tracking_code.clone(),
        status: ticket.state.status,
        return_pending: ticket.state.return_pending,
        channel: ticket.channel,
        matter_code: ticket.matter_code.clone(),
        region_code: ticket.region_code.clone(),
        address: ticket.address.clone(),
        description: ticket.description.clone(),
        lead_unit_code: ticket.lead_unit_code.clone(),
        co_unit_codes: co_units,
        tier_days: ticket.tier.working_days(),
        urgent: ticket.urgent,
        created_at: ticket.created_at,
        response_due: ticket.response_due,
        handling_due: ticket.handling_due,
        deadline_estimated: ticket.deadline_estimated,
        overdue: open && ticket.handling_due.is_some_and(|due| due <= now),
        contact_name: ticket
            .contact_name
            .as_deref()
            .map(|n| if full { n.to_owned() } else { mask_name(n) }),
        contact_phone: ticket
            .contact_phone
            .as_deref()
            .map(|p| if full { p.to_owned() } else { mask_phone(p) }),
        satisfaction: ticket.satisfaction,
        reopen_count: ticket.reopen_count,
        review_pending: ticket.review_pending,
        timeline: timeline.into_iter().filter(|e| full || e.public).collect(),
        merged: ticket.merged_into.is_some(),
        actions,
    }
}
