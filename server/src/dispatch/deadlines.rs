//! The deadline job (督办): warns a unit when most of the handling time has passed,
//! marks tickets whose response or handling time ran out, and escalates overdue ones
//! to supervision, each on the ticket's timeline; and asks a resident who agreed to be
//! texted for a rating when a done ticket is still unrated a day later.
//!
//! Nothing is kept in memory: the due times are stored with the ticket, each notice is
//! recorded once by a conditional update (so a restart, or several servers on one
//! database, never skip or double one), and the clock is passed in, so tests drive it
//! without sleeping.

use std::time::Duration;

use gridline_core::deadline::checkpoint_at;
use time::OffsetDateTime;

use crate::store::Store;
use crate::store::shared::StoreResult;
use crate::tickets::store::{NewEvent, Notice};

/// How many notices one run recorded, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub warnings: usize,
    pub response_overdue: usize,
    pub overdue: usize,
    pub rating_requests: usize,
    /// Supervision checkpoints passed, and of those the ones that found no progress.
    pub checkpoints: usize,
    pub stalled: usize,
}

fn events(notice: Notice, now: OffsetDateTime) -> Vec<NewEvent> {
    let internal = |kind: &str, note: &str| NewEvent {
        at: now,
        kind: kind.into(),
        staff_id: None,
        unit_code: None,
        public: false,
        note: note.into(),
        media: Vec::new(),
    };
    match notice {
        Notice::Warning => vec![internal(
            notice.kind(),
            "most of the handling time has passed",
        )],
        Notice::ResponseOverdue => vec![internal(
            notice.kind(),
            "not accepted within the response time",
        )],
        // Overdue: marked, and put under supervision (督办).
        Notice::Overdue => vec![
            internal(notice.kind(), "the handling deadline has passed"),
            internal("supervise", "超期督办: escalated to supervisors"),
        ],
        Notice::RatingRequest => vec![internal(
            notice.kind(),
            "not rated a day after the answer: asked by text message",
        )],
    }
}

/// Records every notice due at `now`, each with the push notifications to the staff
/// whose queue it concerns (in the same transaction).
pub async fn run_once(store: &dyn Store, now: OffsetDateTime) -> StoreResult<RunSummary> {
    let mut summary = RunSummary::default();
    let mut matters: Option<crate::push::Matters> = None;
    for notice in Notice::ALL {
        for id in store.due_notices(notice, now).await? {
            let Some(ticket) = store.ticket_by_id(id).await? else {
                continue;
            };
            let matters = match &mut matters {
                Some(m) => &*m,
                None => matters.insert(
                    store
                        .list_matter_types()
                        .await?
                        .into_iter()
                        .map(|m| (m.code.clone(), m))
                        .collect(),
                ),
            };
            let events = events(notice, now);
            let mut outbox = crate::push::news::items_for(store, matters, &ticket, &events).await?;
            if notice == Notice::RatingRequest {
                outbox.push(crate::outbox::sms::Message::RatingRequest.sms());
            }
            if store.record_notice(id, notice, &events, &outbox).await? {
                tracing::info!(ticket_id = id, notice = notice.kind(), "deadline notice");
                match notice {
                    Notice::Warning => summary.warnings += 1,
                    Notice::ResponseOverdue => summary.response_overdue += 1,
                    Notice::Overdue => summary.overdue += 1,
                    Notice::RatingRequest => summary.rating_requests += 1,
                }
            }
        }
    }
    run_checkpoints(store, now, &mut summary).await?;
    Ok(summary)
}

/// Passes every supervision checkpoint (督办节点) due at `now`: a unit that made no
/// progress since the previous checkpoint (or the dispatch) is reminded and the ticket
/// goes on the supervisors' board until the unit acts; each checkpoint once.
async fn run_checkpoints(
    store: &dyn Store,
    now: OffsetDateTime,
    summary: &mut RunSummary,
) -> StoreResult<()> {
    let mut matters: Option<crate::push::Matters> = None;
    for id in store.due_checkpoints(now).await? {
        let Some(ticket) = store.ticket_by_id(id).await? else {
            continue;
        };
        let (Some(dispatched_at), Some(due), Some(check_at)) = (
            ticket.dispatched_at,
            ticket.handling_due,
            ticket.next_check_at,
        ) else {
            continue;
        };
        let (k, n) = (ticket.checks_done + 1, ticket.complexity);
        let progressed = store.progressed_since_check(id, dispatched_at).await?;
        let next = (k < n).then(|| checkpoint_at(dispatched_at, due, k + 1, n));
        let (kind, note, stalled_at) = if progressed {
            ("checkpoint", format!("督办节点 {k}/{n}：有进展"), None)
        } else {
            (
                "checkpoint_stalled",
                format!("督办节点 {k}/{n}：上一节点以来无进展，已提醒承办单位"),
                Some(ticket.stalled_at.unwrap_or(check_at)),
            )
        };
        let events = vec![NewEvent {
            at: check_at.min(now),
            kind: kind.into(),
            staff_id: None,
            unit_code: None,
            public: false,
            note,
            media: Vec::new(),
        }];
        let matters = match &mut matters {
            Some(m) => &*m,
            None => matters.insert(
                store
                    .list_matter_types()
                    .await?
                    .into_iter()
                    .map(|m| (m.code.clone(), m))
                    .collect(),
            ),
        };
        let outbox = crate::push::news::items_for(store, matters, &ticket, &events).await?;
        if store
            .record_checkpoint(&ticket, next, stalled_at, &events, &outbox)
            .await?
        {
            tracing::info!(
                ticket_id = id,
                checkpoint = k,
                of = n,
                progressed,
                "checkpoint"
            );
            summary.checkpoints += 1;
            summary.stalled += usize::from(!progressed);
        }
    }
    Ok(())
}

/// Runs the job every `every` until the task is dropped.
pub async fn run_forever(store: crate::SharedStore, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(err) = run_once(store.as_ref(), OffsetDateTime::now_utc()).await {
            tracing::warn!(error = %err, "deadline job failed; trying again next round");
        }
    }
}
