//! The ticket's life: statuses, the actions that move it, and who may take each.
//!
//! ```text
//! received ─dispatch─> dispatched ─accept─> accepted ─progress─> in progress
//!                          ^  ^                 └──────resolve──────┴─> done ─rate/close─> closed
//!                          │  └──redispatch / approve return (dispatcher)       │              │
//!                          └──────────────────── reopen (supervisor, dispatcher) ┴──────────────┘
//! ```
//!
//! First receiver is responsible (首接负责): the lead unit can accept, report progress
//! and resolve, but never pass a ticket on or close it. Where it believes the matter
//! is not its duty it files a return request (退单申请); while one is pending it may
//! keep working but not resolve, and only a dispatcher decides (approve re-dispatches,
//! reject leaves the ticket with the unit). Supervision (督办) adds a notice without
//! changing the status.
//!
//! The caller works out how the person asking relates to the ticket (an [`Actor`]:
//! its lead unit's handler, a co-handler, the complainant, …) and asks
//! [`TicketState::apply`]; the server refuses what this refuses.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 受理: filed, not yet routed.
    Received,
    /// 派单: routed to a lead unit.
    Dispatched,
    /// 接单: the unit took it (the response clock stops).
    Accepted,
    /// 办理中.
    InProgress,
    /// 已办结: the unit replied; waiting for the rating or follow-up.
    Done,
    /// Rated or closed after follow-up.
    Closed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Received,
        Status::Dispatched,
        Status::Accepted,
        Status::InProgress,
        Status::Done,
        Status::Closed,
    ];

    /// The stable name, as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Dispatched => "dispatched",
            Status::Accepted => "accepted",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Handled by a unit right now (a return request can be filed).
    pub fn with_unit(self) -> bool {
        matches!(
            self,
            Status::Dispatched | Status::Accepted | Status::InProgress
        )
    }
}

/// How the one asking relates to this ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// Gridline itself: routing, deadline jobs, closing unrated tickets.
    System,
    /// The person who filed it (or their station, on their behalf).
    Complainant,
    Dispatcher,
    /// A handler of the ticket's lead unit.
    LeadUnit,
    /// A handler of a co-handling unit.
    CoUnit,
    Supervisor,
}

impl Actor {
    pub const ALL: [Actor; 6] = [
        Actor::System,
        Actor::Complainant,
        Actor::Dispatcher,
        Actor::LeadUnit,
        Actor::CoUnit,
        Actor::Supervisor,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Dispatch,
    Redispatch,
    Accept,
    Progress,
    Resolve,
    RequestReturn,
    ApproveReturn,
    RejectReturn,
    Rate,
    Close,
    Reopen,
    Supervise,
}

impl Action {
    /// The stable name, as used on the timeline.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Dispatch => "dispatch",
            Action::Redispatch => "redispatch",
            Action::Accept => "accept",
            Action::Progress => "progress",
            Action::Resolve => "resolve",
            Action::RequestReturn => "request_return",
            Action::ApproveReturn => "approve_return",
            Action::RejectReturn => "reject_return",
            Action::Rate => "rate",
            Action::Close => "close",
            Action::Reopen => "reopen",
            Action::Supervise => "supervise",
        }
    }

    pub const ALL: [Action; 12] = [
        Action::Dispatch,
        Action::Redispatch,
        Action::Accept,
        Action::Progress,
        Action::Resolve,
        Action::RequestReturn,
        Action::ApproveReturn,
        Action::RejectReturn,
        Action::Rate,
        Action::Close,
        Action::Reopen,
        Action::Supervise,
    ];

    /// Who may take this action at all.
    pub fn allowed_actors(self) -> &'static [Actor] {
        use Actor::*;
        match self {
            Action::Dispatch => &[System, Dispatcher],
            Action::Redispatch | Action::ApproveReturn | Action::RejectReturn => &[Dispatcher],
            Action::Accept | Action::Resolve | Action::RequestReturn => &[LeadUnit],
            Action::Progress => &[LeadUnit, CoUnit],
            Action::Rate => &[Complainant],
            // Supervisors close what a second dissatisfied rating put before them.
            Action::Close => &[System, Dispatcher, Supervisor],
            Action::Reopen => &[Supervisor, Dispatcher],
            Action::Supervise => &[Supervisor, System],
        }
    }
}

/// The rating of a done ticket (回访).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    BasicallySatisfied,
    Dissatisfied,
}

impl Satisfaction {
    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::BasicallySatisfied => "basically_satisfied",
            Satisfaction::Dissatisfied => "dissatisfied",
        }
    }

    pub fn parse(s: &str) -> Option<Satisfaction> {
        [
            Satisfaction::Satisfied,
            Satisfaction::BasicallySatisfied,
            Satisfaction::Dissatisfied,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// What a complainant's rating does to a done ticket (回访).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingOutcome {
    /// Satisfied or basically satisfied: closed.
    Close,
    /// Dissatisfied, the first time: back to its unit to handle again.
    Reopen,
    /// Dissatisfied with a ticket reopened before: a supervisor decides whether it is
    /// handled again or closed (不满意复核).
    ToSupervisor,
}

impl RatingOutcome {
    /// Dissatisfied reopens a ticket once; after any reopening it goes to a supervisor.
    pub fn of(satisfaction: Satisfaction, reopen_count: u32) -> RatingOutcome {
        match satisfaction {
            Satisfaction::Satisfied | Satisfaction::BasicallySatisfied => RatingOutcome::Close,
            Satisfaction::Dissatisfied if reopen_count == 0 => RatingOutcome::Reopen,
            Satisfaction::Dissatisfied => RatingOutcome::ToSupervisor,
        }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionError {
    /// This actor may never take this action.
    NotAllowed { actor: Actor, action: Action },
    /// Not in this status.
    WrongStatus { action: Action, status: Status },
    /// A return request is pending: resolve it first (or it blocks a second one).
    ReturnPending { action: Action },
    /// Approve or reject with no return request pending.
    NoReturnPending { action: Action },
}

impl TransitionError {
    /// A permission problem (the actor), not a state problem (the ticket).
    pub fn is_permission(&self) -> bool {
        matches!(self, TransitionError::NotAllowed { .. })
    }
}

impl std::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransitionError::NotAllowed {
                actor: Actor::LeadUnit,
                action: Action::Redispatch | Action::Close,
            } => write!(
                f,
                "the unit that received a ticket is responsible for it: it may not pass it on or \
                 close it; file a return request (退单申请) instead"
            ),
            TransitionError::NotAllowed { actor, action } => {
                write!(f, "{actor:?} may not {action:?} a ticket")
            }
            TransitionError::WrongStatus { action, status } => {
                write!(f, "cannot {action:?} a ticket that is {status:?}")
            }
            TransitionError::ReturnPending { action } => write!(
                f,
                "cannot {action:?} while a return request is pending; a dispatcher decides it first"
            ),
            TransitionError::NoReturnPending { action } => {
                write!(f, "cannot {action:?}: no return request is pending")
            }
        }
    }
}

impl std::error::Error for TransitionError {}

/// What the state machine needs to know of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketState {
    pub status: Status,
    pub return_pending: bool,
}

impl TicketState {
    pub const NEW: TicketState = TicketState {
        status: Status::Received,
        return_pending: false,
    };

    /// The state after `actor` takes `action`, or why not.
    pub fn apply(self, actor: Actor, action: Action) -> Result<TicketState, TransitionError> {
        use Status::*;
        if !action.allowed_actors().contains(&actor) {
            return Err(TransitionError::NotAllowed { actor, action });
        }
        let wrong = || TransitionError::WrongStatus {
            action,
            status: self.status,
        };
        let to = |status| TicketState {
            status,
            return_pending: false,
        };
        match action {
            Action::Dispatch if self.status == Received => Ok(to(Dispatched)),
            Action::Redispatch | Action::ApproveReturn if !self.status.with_unit() => Err(wrong()),
            Action::Redispatch if self.return_pending => {
                Err(TransitionError::ReturnPending { action })
            }
            Action::Redispatch => Ok(to(Dispatched)),
            Action::ApproveReturn | Action::RejectReturn if !self.return_pending => {
                Err(TransitionError::NoReturnPending { action })
            }
            Action::ApproveReturn => Ok(to(Dispatched)),
            Action::RejectReturn => Ok(TicketState {
                return_pending: false,
                ..self
            }),
            Action::Accept if self.status == Dispatched => Ok(TicketState {
                status: Accepted,
                ..self
            }),
            Action::Progress if matches!(self.status, Accepted | InProgress) => Ok(TicketState {
                status: InProgress,
                ..self
            }),
            Action::Resolve if matches!(self.status, Accepted | InProgress) => {
                if self.return_pending {
                    Err(TransitionError::ReturnPending { action })
                } else {
                    Ok(to(Done))
                }
            }
            Action::RequestReturn if self.status.with_unit() => {
                if self.return_pending {
                    Err(TransitionError::ReturnPending { action })
                } else {
                    Ok(TicketState {
                        return_pending: true,
                        ..self
                    })
                }
            }
            Action::Rate | Action::Close if self.status == Done => Ok(to(Closed)),
            Action::Reopen if matches!(self.status, Done | Closed) => Ok(to(Dispatched)),
            Action::Supervise if self.status != Closed => Ok(self),
            _ => Err(wrong()),
        }
    }

    /// The complainant rates a done ticket; the outcome says where it goes.
    pub fn rate(self, outcome: RatingOutcome) -> Result<TicketState, TransitionError> {
        let closed = self.apply(Actor::Complainant, Action::Rate)?;
        Ok(match outcome {
            RatingOutcome::Close => closed,
            RatingOutcome::Reopen => TicketState {
                status: Status::Dispatched,
                ..self
            },
            RatingOutcome::ToSupervisor => self,
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn run(steps: &[(Actor, Action)]) -> Result<TicketState, TransitionError> {
        steps
            .iter()
            .try_fold(TicketState::NEW, |state, (actor, action)| {
                state.apply(*actor, *action)
            })
    }

    #[test]
    fn the_whole_way_with_a_rejected_return_request() {
        use Action::*;
        use Actor::*;
        let state = run(&[
            (System, Dispatch),
            (LeadUnit, Accept),
            (LeadUnit, RequestReturn),
            (LeadUnit, Progress),
            (Dispatcher, RejectReturn),
            (CoUnit, Progress),
            (Supervisor, Supervise),
            (LeadUnit, Resolve),
            (Complainant, Rate),
        ])
        .unwrap();
        assert_eq!(
            state,
            TicketState {
                status: Status::Closed,
                return_pending: false
            }
        );
    }

    #[test]
    fn an_approved_return_goes_back_to_dispatch() {
        use Action::*;
        use Actor::*;
        let state = run(&[
            (Dispatcher, Dispatch),
            (LeadUnit, RequestReturn),
            (Dispatcher, ApproveReturn),
        ])
        .unwrap();
        assert_eq!(
            state,
            TicketState {
                status: Status::Dispatched,
                return_pending: false
            }
        );
    }

    #[test]
    fn a_unit_cannot_pass_on_or_close() {
        let dispatched = TicketState::NEW
            .apply(Actor::System, Action::Dispatch)
            .unwrap();
        for action in [
            Action::Redispatch,
            Action::Close,
            Action::Dispatch,
            Action::ApproveReturn,
        ] {
            let err = dispatched.apply(Actor::LeadUnit, action).unwrap_err();
            assert!(err.is_permission(), "{action:?}");
        }
        let err = dispatched
            .apply(Actor::LeadUnit, Action::Redispatch)
            .unwrap_err();
        assert!(err.to_string().contains("退单申请"), "{err}");
    }

    #[test]
    fn no_resolving_past_a_pending_return_request() {
        use Action::*;
        use Actor::*;
        let err = run(&[
            (System, Dispatch),
            (LeadUnit, Accept),
            (LeadUnit, RequestReturn),
            (LeadUnit, Resolve),
        ])
        .unwrap_err();
        assert_eq!(err, TransitionError::ReturnPending { action: Resolve });
        let err = run(&[
            (System, Dispatch),
            (LeadUnit, RequestReturn),
            (LeadUnit, RequestReturn),
        ])
        .unwrap_err();
        assert_eq!(
            err,
            TransitionError::ReturnPending {
                action: RequestReturn
            }
        );
    }

    #[test]
    fn a_dissatisfied_complainant_can_be_heard_again() {
        use Action::*;
        use Actor::*;
        let state = run(&[
            (System, Dispatch),
            (LeadUnit, Accept),
            (LeadUnit, Resolve),
            (Complainant, Rate),
            (Supervisor, Reopen),
        ])
        .unwrap();
        assert_eq!(state.status, Status::Dispatched);
    }

    #[test]
    fn dissatisfied_reopens_once_then_goes_to_a_supervisor() {
        use RatingOutcome::*;
        use Satisfaction::*;
        assert_eq!(RatingOutcome::of(Satisfied, 0), Close);
        assert_eq!(RatingOutcome::of(BasicallySatisfied, 3), Close);
        assert_eq!(RatingOutcome::of(Dissatisfied, 0), Reopen);
        assert_eq!(RatingOutcome::of(Dissatisfied, 1), ToSupervisor);
        let done = run(&[
            (Actor::System, Action::Dispatch),
            (Actor::LeadUnit, Action::Resolve),
        ])
        .unwrap_err();
        assert!(matches!(done, TransitionError::WrongStatus { .. }));
        let done = run(&[
            (Actor::System, Action::Dispatch),
            (Actor::LeadUnit, Action::Accept),
            (Actor::LeadUnit, Action::Resolve),
        ])
        .unwrap();
        assert_eq!(done.rate(Close).unwrap().status, Status::Closed);
        assert_eq!(done.rate(Reopen).unwrap().status, Status::Dispatched);
        assert_eq!(done.rate(ToSupervisor).unwrap(), done);
        // The supervisor then reopens or closes it.
        assert!(done.apply(Actor::Supervisor, Action::Close).is_ok());
        assert!(done.apply(Actor::Supervisor, Action::Reopen).is_ok());
        // Only a done ticket is rated.
        let dispatched = TicketState::NEW
            .apply(Actor::System, Action::Dispatch)
            .unwrap();
        assert!(dispatched.rate(Close).is_err());
        for value in [Satisfied, BasicallySatisfied, Dissatisfied] {
            assert_eq!(Satisfaction::parse(value.as_str()), Some(value));
        }
    }

    fn any_step() -> impl Strategy<Value = (Actor, Action)> {
        (
            prop::sample::select(Actor::ALL.to_vec()),
            prop::sample::select(Action::ALL.to_vec()),
        )
    }

    proptest! {
        /// Over any sequence of attempts, refused or not, the rules hold at every step.
        #[test]
        fn rules_hold_over_any_sequence(steps in prop::collection::vec(any_step(), 0..40)) {
            let mut state = TicketState::NEW;
            for (actor, action) in steps {
                match state.apply(actor, action) {
                    Ok(next) => {
                        prop_assert!(action.allowed_actors().contains(&actor));
                        // Nothing ever goes back to "received".
                        prop_assert!(next.status != Status::Received || state.status == Status::Received);
                        // Units never move a ticket off themselves or close it.
                        if matches!(actor, Actor::LeadUnit | Actor::CoUnit) {
                            prop_assert!(matches!(next.status, Status::Accepted | Status::InProgress | Status::Done | Status::Dispatched));
                            prop_assert!(next.status != Status::Dispatched || state.status == Status::Dispatched);
                        }
                        // Closed only from done, by a rating or a close.
                        if next.status == Status::Closed {
                            prop_assert_eq!(state.status, Status::Done);
                            prop_assert!(matches!(action, Action::Rate | Action::Close));
                        }
                        // Only a unit's request sets a pending return; only a dispatcher clears it.
                        if next.return_pending && !state.return_pending {
                            prop_assert_eq!(action, Action::RequestReturn);
                        }
                        if state.return_pending && !next.return_pending {
                            prop_assert_eq!(actor, Actor::Dispatcher);
                        }
                        // A pending return never survives leaving the unit.
                        prop_assert!(!next.return_pending || next.status.with_unit());
                        state = next;
                    }
                    Err(err) => {
                        // A refusal says why, truthfully.
                        let permitted = action.allowed_actors().contains(&actor);
                        prop_assert_eq!(err.is_permission(), !permitted);
                    }
                }
            }
        }

        /// From any reachable state, a dispatcher and a supervisor can always bring the
        /// ticket to a close: nothing gets stuck.
        #[test]
        fn every_ticket_can_still_be_closed(steps in prop::collection::vec(any_step(), 0..40)) {
            let mut state = TicketState::NEW;
            for (actor, action) in steps {
                if let Ok(next) = state.apply(actor, action) {
                    state = next;
                }
            }
            // The one next step that moves a ticket toward closing.
            for _ in 0..6 {
                let (actor, action) = match (state.status, state.return_pending) {
                    (Status::Closed, _) => break,
                    (Status::Received, _) => (Actor::System, Action::Dispatch),
                    (_, true) => (Actor::Dispatcher, Action::RejectReturn),
                    (Status::Dispatched, false) => (Actor::LeadUnit, Action::Accept),
                    (Status::Accepted | Status::InProgress, false) => (Actor::LeadUnit, Action::Resolve),
                    (Status::Done, false) => (Actor::System, Action::Close),
                };
                state = state.apply(actor, action).unwrap();
            }
            prop_assert_eq!(state.status, Status::Closed);
        }
    }
}
