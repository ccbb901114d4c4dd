//! The 12345 hotline (热线): the telephone system announces each call put through to an
//! operator's seat (`POST /api/v1/calls`, signed like the webhooks and checked by
//! `outbox::webhook::check_signed`, safe to replay),
//! the operator's console pops up with it over the seat's live stream
//! (`/api/v1/calls/events`, in `crate::live`), and shows the caller's earlier tickets
//! found by their number. What the operator then does goes through the other features:
//! an enquiry answered from the knowledge base (`crate::knowledge`), or a ticket filed
//! with the call's id (channel `hotline`, the tracking code texted to the caller).

pub mod routes;
pub mod store;
