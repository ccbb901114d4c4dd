//! Live updates: one listener per process hears every change the database commits
//! (`Store::hear_changes`: PostgreSQL's `LISTEN/NOTIFY`, or the SQLite store's own
//! writes) and fans it out to the process's open event streams through one broadcast
//! channel. An open page costs no database work while nothing changes, however many are
//! open; a change costs one notification (PostgreSQL) or one query (SQLite) per process.
//!
//! Streams: a ticket's (`/api/v1/tickets/{code}/events`, for whoever follows it), a
//! staff member's queues (`/api/v1/queue/events`, the tickets of their units, or all for
//! dispatchers and supervisors), and a hotline operator's seat (`/api/v1/calls/events`,
//! the calls put through to them). Each only says *that* something changed: the page
//! reads again through the API, which checks who is asking.

pub mod routes;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;

use crate::SharedStore;

pub use crate::store::live::{Change, Heard, Ring};

/// Changes kept for a stream that falls behind; past that it hears `Missed`.
const BACKLOG: usize = 4096;
/// The wait before listening again after the listener failed.
const RETRY: Duration = Duration::from_secs(1);

/// The process's fan-out of changes.
#[derive(Clone)]
pub struct Live {
    sender: broadcast::Sender<Heard>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            sender: broadcast::Sender::new(BACKLOG),
        }
    }
}

impl Live {
    /// Hears every change from now on.
    pub fn subscribe(&self) -> Listener {
        Listener(self.sender.subscribe())
    }

    /// Open streams in this process.
    pub fn listeners(&self) -> usize {
        self.sender.receiver_count()
    }

    fn tell(&self, heard: Heard) {
        // No receiver is no error: nobody is looking.
        let _ = self.sender.send(heard);
    }

    /// Listens to the store until aborted: a failed listener is told to every stream as
    /// `Missed` and started again.
    pub async fn run_forever(self, store: SharedStore) {
        loop {
            let result = store.hear_changes(&|heard| self.tell(heard)).await;
            if let Err(e) = result {
                tracing::warn!(error = %e, "live updates: listening to the database failed; again shortly");
            }
            self.tell(Heard::Missed);
            tokio::time::sleep(RETRY).await;
        }
    }
}

/// One stream's end of the fan-out.
pub struct Listener(broadcast::Receiver<Heard>);

impl Listener {
    /// The next change, or `Missed` when this listener fell behind (or the process's
    /// listener was lost); `None` once the process stops listening.
    pub async fn next(&mut self) -> Option<Heard> {
        match self.0.recv().await {
            Ok(heard) => Some(heard),
            Err(broadcast::error::RecvError::Lagged(_)) => Some(Heard::Missed),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

/// What a stream is told of a change, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Told {
    /// This ticket changed.
    Ticket(Arc<Change>),
    /// A call was put through to this operator.
    Call(Arc<Ring>),
    /// Something may have changed: look again.
    LookAgain,
}

/// Which changes a stream is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interest {
    /// One ticket, by its tracking code.
    Ticket(String),
    /// Every ticket (dispatchers, supervisors, admins).
    All,
    /// The tickets that concern these units (lead, co-handling, or acting).
    Units(Vec<String>),
    /// The calls put through to this operator (by staff id): their console pops up.
    Seat(i64),
}

impl Interest {
    pub fn told(&self, heard: Heard) -> Option<Told> {
        match heard {
            Heard::Missed => Some(Told::LookAgain),
            Heard::Change(change) => {
                let wanted = match self {
                    Interest::Ticket(code) => change.code == *code,
                    Interest::All => true,
                    Interest::Units(units) => change.units.iter().any(|u| units.contains(u)),
                    Interest::Seat(_) => false,
                };
                wanted.then_some(Told::Ticket(change))
            }
            Heard::Call(ring) => {
                (*self == Interest::Seat(ring.operator_id)).then_some(Told::Call(ring))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(code: &str, units: &[&str]) -> Heard {
        Heard::Change(Arc::new(Change {
            event_id: 7,
            code: code.into(),
            units: units.iter().map(|u| u.to_string()).collect(),
        }))
    }

    #[test]
    fn each_stream_is_told_what_concerns_it() {
        let ticket = Interest::Ticket("GL-1".into());
        assert!(ticket.told(change("GL-1", &[])).is_some());
        assert_eq!(ticket.told(change("GL-2", &["u1"])), None);
        let unit = Interest::Units(vec!["u1".into()]);
        assert!(unit.told(change("GL-2", &["u0", "u1"])).is_some());
        assert_eq!(unit.told(change("GL-2", &["u2"])), None);
        assert!(Interest::All.told(change("GL-3", &[])).is_some());
        let seat = Interest::Seat(4);
        let ring = |operator_id| {
            Heard::Call(Arc::new(Ring {
                id: 1,
                call_id: "c-1".into(),
                operator_id,
            }))
        };
        assert!(seat.told(ring(4)).is_some());
        assert_eq!(seat.told(ring(5)), None);
        assert_eq!(seat.told(change("GL-1", &["u1"])), None);
        for interest in [&ticket, &unit, &Interest::All] {
            assert_eq!(interest.told(ring(4)), None, "calls go to their seat only");
        }
        for interest in [ticket, unit, Interest::All, seat] {
            assert_eq!(interest.told(Heard::Missed), Some(Told::LookAgain));
        }
    }

    #[tokio::test]
    async fn a_listener_that_falls_behind_hears_missed() {
        let live = Live::default();
        let mut listener = live.subscribe();
        for _ in 0..BACKLOG + 1 {
            live.tell(change("GL-1", &[]));
        }
        assert_eq!(listener.next().await, Some(Heard::Missed));
        assert!(matches!(listener.next().await, Some(Heard::Change(_))));
    }
}
