//! The demo data set loaded on first start with `gridline serve --demo`: a matter
//! catalogue of 100 types, one district with 4 streets, 12 communities and 60 grids,
//! 20 handling units, 30 standard answers, 704 past tickets of a previous system (files
//! in `server/demo/`), and one staff account per role. Passwords are generated at load
//! time, printed once and kept in `data/demo-logins.txt` (readable by the owner only);
//! never committed.

use std::io::Write;
use std::path::Path;

use gridline_core::Role;

use crate::auth;
use crate::auth::store::NewStaff;
use crate::catalogue::import::{self, ImportKind, problems::ImportError};
use crate::station::store::NewStation;
use crate::store::Store;

/// (username, display name, role)
const STAFF: &[(&str, &str, Role)] = &[
    ("admin", "系统管理员", Role::Admin),
    ("dispatcher", "派单员 王芳", Role::Dispatcher),
    ("handler", "承办人 李强", Role::UnitHandler),
    ("supervisor", "督办员 张敏", Role::Supervisor),
    ("worker", "网格员 刘洋", Role::GridWorker),
    ("station", "驿站 青松社区", Role::Station),
    ("operator", "话务员 陈静", Role::HotlineOperator),
];

/// The unit the demo `handler` account handles for.
pub const DEMO_HANDLER_UNIT: &str = "U-CM";
/// The community whose grids the demo `worker` account patrols (青松社区).
pub const DEMO_WORKER_AREA: &str = "D01-S01-C01";

/// The demo community station (青松社区便民服务驿站): tablets enroll to it with
/// `gridline station enroll QS-01`.
pub const DEMO_STATION: &str = "QS-01";

/// The demo files, in the import formats (see `import`).
pub const CATALOGUE_CSV: &str = include_str!("../../demo/catalogue.csv");
pub const GRIDS_GEOJSON: &str = include_str!("../../demo/grids.geojson");
pub const UNITS_CSV: &str = include_str!("../../demo/units.csv");
pub const KNOWLEDGE_CSV: &str = include_str!("../../demo/knowledge.csv");
/// A previous system's tickets (往年工单, written by `scripts/demo-history.py`): their
/// descriptions teach the matter-type suggestion, as a city's own history does.
pub const HISTORY_CSV: &str = include_str!("../../demo/history.csv");

/// Loads the demo catalogue, grids, units and knowledge base through the importers.
pub async fn load_reference_data(store: &dyn Store) -> Result<(), ImportError> {
    import::import(store, ImportKind::Catalogue, CATALOGUE_CSV).await?;
    import::import(store, ImportKind::Grids, GRIDS_GEOJSON).await?;
    import::import(store, ImportKind::Units, UNITS_CSV).await?;
    crate::knowledge::import_csv(store, KNOWLEDGE_CSV).await?;
    Ok(())
}

/// A demo login as printed: (username, password, role).
pub type DemoLogin = (String, String, Role);

/// Loads the demo set when the database is empty; returns the new logins, or `None`
/// when there was data already (nothing is changed then).
pub async fn seed_if_empty(store: &dyn Store) -> Result<Option<Vec<DemoLogin>>, ImportError> {
    if !store.is_empty().await? {
        return Ok(None);
    }
    load_reference_data(store).await?;
    crate::advance::import_history(store, HISTORY_CSV).await?;
    store
        .upsert_station(&NewStation {
            code: DEMO_STATION.into(),
            name_zh: "青松社区便民服务驿站".into(),
            name_en: "Qingsong Community Service Station".into(),
            community_code: DEMO_WORKER_AREA.into(),
        })
        .await?;
    let mut logins = Vec::new();
    for &(username, display_name, role) in STAFF {
        let password = auth::generate_password();
        let to_hash = password.clone();
        let password_hash = tokio::task::spawn_blocking(move || auth::hash_password(&to_hash))
            .await
            .expect("hashing does not panic")
            .expect("argon2 hashes any password");
        let id = store
            .create_staff(&NewStaff {
                username: username.into(),
                display_name: display_name.into(),
                password_hash,
                roles: vec![role],
            })
            .await?;
        if role == Role::UnitHandler {
            // The demo handler works for the City Management Bureau (street lights).
            store.add_staff_unit(id, DEMO_HANDLER_UNIT).await?;
        }
        if role == Role::GridWorker {
            store.add_staff_grid(id, DEMO_WORKER_AREA).await?;
        }
        logins.push((username.to_owned(), password, role));
    }
    Ok(Some(logins))
}

pub fn logins_text(logins: &[DemoLogin]) -> String {
    logins
        .iter()
        .map(|(user, password, role)| format!("  {user:<12} {password}   ({})\n", role.as_str()))
        .collect()
}

/// Writes a file only its owner can read.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}
