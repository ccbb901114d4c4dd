//! Small reusable views.

pub mod clip;
pub mod error_notice;
pub mod grid_map;
pub mod kind;
pub mod recorder;
pub mod shell;
pub mod ticket;
pub mod voice;
