//! Staff accounts, as the admin command line manages them (`gridline user …`):
//! add (with roles, units and grids), list, disable/enable (disabling ends every
//! session at once), grant more roles, units or grids.

use gridline_core::Role;
use gridline_core::api::reference::RegionLevel;

use crate::auth;
use crate::auth::store::{NewStaff, StaffRecord, StaffStore};
use crate::store::Store;
use crate::store::shared::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("username must be 1-64 of a-z, 0-9, '.', '_' or '-'")]
    BadUsername,
    #[error("no user {0}")]
    NoSuchUser(String),
    #[error("no handling unit {0}")]
    NoSuchUnit(String),
    #[error("no grid {0}")]
    NoSuchGrid(String),
    #[error("password must have 10 to 256 characters")]
    BadPassword,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an account gets: roles, and the units (handlers) and grids (workers) it acts for.
#[derive(Debug, Clone, Default)]
pub struct Grant {
    pub roles: Vec<Role>,
    pub units: Vec<String>,
    pub grids: Vec<String>,
}

fn valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
}

async fn check_grant(store: &dyn Store, grant: &Grant) -> Result<(), UserError> {
    let units = store.list_units().await?;
    if let Some(unit) = grant
        .units
        .iter()
        .find(|u| !units.iter().any(|x| &x.code == *u))
    {
        return Err(UserError::NoSuchUnit(unit.clone()));
    }
    let regions = store.list_regions().await?;
    let is_grid = |code: &String| {
        regions
            .iter()
            .any(|r| &r.code == code && r.level == RegionLevel::Grid)
    };
    if let Some(grid) = grant.grids.iter().find(|g| !is_grid(g)) {
        return Err(UserError::NoSuchGrid(grid.clone()));
    }
    Ok(())
}

async fn find(store: &dyn Store, username: &str) -> Result<StaffRecord, UserError> {
    store
        .find_staff_by_username(username)
        .await?
        .ok_or_else(|| UserError::NoSuchUser(username.to_owned()))
}

/// Creates an account. Without a password one is generated; returns the password.
pub async fn add(
    store: &dyn Store,
    username: &str,
    display_name: &str,
    password: Option<String>,
    grant: &Grant,
) -> Result<String, UserError> {
    if !valid_username(username) {
        return Err(UserError::BadUsername);
    }
    let password = password.unwrap_or_else(auth::generate_password);
    if !(10..=256).contains(&password.chars().count()) {
        return Err(UserError::BadPassword);
    }
    check_grant(store, grant).await?;
    let hash = auth::hash_password(&password).map_err(|_| UserError::BadPassword)?;
    let id = store
        .create_staff(&NewStaff {
            username: username.to_owned(),
            display_name: display_name.to_owned(),
            password_hash: hash,
            roles: grant.roles.clone(),
        })
        .await?;
    apply_memberships(store, id, grant).await?;
    Ok(password)
}

async fn apply_memberships(store: &dyn Store, id: i64, grant: &Grant) -> Result<(), UserError> {
    for unit in &grant.units {
        store.add_staff_unit(id, unit).await?;
    }
    for grid in &grant.grids {
        store.add_staff_grid(id, grid).await?;
    }
    Ok(())
}

/// Adds roles, units and grids to an account (keeping what it has).
pub async fn grant(store: &dyn Store, username: &str, grant: &Grant) -> Result<(), UserError> {
    let record = find(store, username).await?;
    check_grant(store, grant).await?;
    let mut roles = record.profile.roles.clone();
    for role in &grant.roles {
        if !roles.contains(role) {
            roles.push(*role);
        }
    }
    roles.sort();
    store.set_staff_roles(record.profile.id, &roles).await?;
    apply_memberships(store, record.profile.id, grant).await
}

pub async fn set_disabled(
    store: &dyn Store,
    username: &str,
    disabled: bool,
) -> Result<(), UserError> {
    let record = find(store, username).await?;
    store
        .set_staff_disabled(record.profile.id, disabled)
        .await?;
    Ok(())
}

/// One line per account: username, name, roles, units, grids, and whether disabled.
pub async fn list(store: &dyn StaffStore) -> Result<String, UserError> {
    let mut out = String::new();
    for record in store.list_staff().await? {
        let p = &record.profile;
        let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
        out.push_str(&format!(
            "{:<16} {:<16} roles={} units={} grids={}{}\n",
            p.username,
            p.display_name,
            roles.join(","),
            store.staff_units(p.id).await?.join(","),
            store.staff_grids(p.id).await?.join(","),
            if record.disabled { " DISABLED" } else { "" },
        ));
    }
    Ok(out)
}
