//! Running the deadlines (督办): the job that warns a unit when most of a ticket's
//! handling time has passed and escalates what is overdue (response and handling),
//! once each across restarts and processes. The deadlines themselves are set when a
//! ticket is dispatched (`tickets::dispatch_to`, from `gridline_core::deadline`).

pub mod deadlines;
