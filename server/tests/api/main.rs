//! API tests: each test starts the real server on port 0 with its own database, once on
//! SQLite and once on PostgreSQL (see `helpers::both_backends!`). One test binary,
//! so it links once.

mod helpers;

mod accounts;
mod auth;
mod authz;
mod errors;
mod field;
mod forwarding;
mod health;
mod hotline;
mod kinds;
mod knowledge;
mod layout;
mod live;
mod media;
mod open311;
mod police;
mod privacy;
mod push;
mod reference;
mod repeats;
mod scale;
mod shell;
mod station;
mod stats;
mod supervision;
mod tickets;
mod track_page;
mod video;
