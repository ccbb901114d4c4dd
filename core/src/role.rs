//! Staff roles. A resident has no account; everyone else signs in with one.

use serde::{Deserialize, Serialize};

/// What a staff account may do. An account holds one or more roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 网格员: patrols grids and logs findings.
    GridWorker,
    /// 社区驿站: files on behalf of walk-in residents.
    Station,
    /// 派单员: classifies and dispatches tickets.
    Dispatcher,
    /// 承办单位: accepts, handles and replies to tickets of its unit.
    UnitHandler,
    /// 督办: watches deadlines and evaluates units.
    Supervisor,
    /// Manages accounts, reference data and configuration.
    Admin,
    /// 话务员: takes the hotline's calls, answers enquiries and files tickets from them.
    HotlineOperator,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::GridWorker,
        Role::Station,
        Role::Dispatcher,
        Role::UnitHandler,
        Role::Supervisor,
        Role::Admin,
        Role::HotlineOperator,
    ];

    /// The stable name used in the database, the CLI and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::GridWorker => "grid_worker",
            Role::Station => "station",
            Role::Dispatcher => "dispatcher",
            Role::UnitHandler => "unit_handler",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::HotlineOperator => "hotline_operator",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_parse_and_serde() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
