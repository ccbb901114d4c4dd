//! One module per area of the apps.

pub mod hotline;
pub mod resident;
pub mod staff;
pub mod station;
pub mod stats;
pub mod worker;
