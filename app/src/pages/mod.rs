//! One module per area of the app.

pub mod home;
pub mod resident;
pub mod staff;
pub mod station;
pub mod worker;
