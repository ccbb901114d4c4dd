//! The demo data set loaded on first start with `gridline serve --demo`: a small
//! matter catalogue, one district with streets, communities and grids, and one staff
//! account per role. Passwords are generated at load time, printed once and kept in
//! `data/demo-logins.txt` (readable by the owner only); never committed.

use std::io::Write;
use std::path::Path;

use gridline_core::Role;
use gridline_core::api::reference::{MatterType, Region, RegionLevel};

use crate::auth;
use crate::store::{NewStaff, ReferenceData, Store, StoreResult};

/// (code, parent, zh, en, tier in working days, urgent)
type MatterRow = (
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    u8,
    bool,
);
/// (code, parent, level, zh, en)
type RegionRow = (
    &'static str,
    Option<&'static str>,
    RegionLevel,
    &'static str,
    &'static str,
);

const MATTERS: &[MatterRow] = &[
    ("01", None, "市容环境", "City appearance", 3, false),
    (
        "0101",
        Some("01"),
        "垃圾清运不及时",
        "Rubbish not collected",
        1,
        false,
    ),
    (
        "0102",
        Some("01"),
        "占道经营",
        "Street vending on the road",
        3,
        false,
    ),
    (
        "0103",
        Some("01"),
        "乱贴乱画",
        "Illegal posters and graffiti",
        7,
        false,
    ),
    ("02", None, "市政设施", "Public facilities", 3, false),
    ("0201", Some("02"), "路灯不亮", "Street light out", 3, false),
    ("0202", Some("02"), "道路破损", "Damaged road", 7, false),
    (
        "0203",
        Some("02"),
        "井盖缺失",
        "Missing manhole cover",
        1,
        true,
    ),
    ("03", None, "供水供暖", "Water and heating", 3, false),
    ("0301", Some("03"), "停水", "Water cut", 1, true),
    (
        "0302",
        Some("03"),
        "供暖不热",
        "Heating not warm enough",
        3,
        false,
    ),
    ("04", None, "物业管理", "Property management", 7, false),
    ("0401", Some("04"), "电梯故障", "Lift out of order", 1, true),
    (
        "0402",
        Some("04"),
        "楼道堆物",
        "Stairwell clutter",
        3,
        false,
    ),
    ("05", None, "噪音扰民", "Noise", 3, false),
    (
        "0501",
        Some("05"),
        "施工噪音",
        "Construction noise",
        3,
        false,
    ),
    ("0502", Some("05"), "商业噪音", "Commercial noise", 7, false),
    ("06", None, "其他", "Other", 11, false),
];

const REGIONS: &[RegionRow] = &[
    (
        "D01",
        None,
        RegionLevel::District,
        "示范区",
        "Demo District",
    ),
    (
        "D01-S01",
        Some("D01"),
        RegionLevel::Street,
        "东山街道",
        "Dongshan Street",
    ),
    (
        "D01-S02",
        Some("D01"),
        RegionLevel::Street,
        "西河街道",
        "Xihe Street",
    ),
    (
        "D01-S01-C01",
        Some("D01-S01"),
        RegionLevel::Community,
        "青松社区",
        "Qingsong Community",
    ),
    (
        "D01-S01-C02",
        Some("D01-S01"),
        RegionLevel::Community,
        "翠竹社区",
        "Cuizhu Community",
    ),
    (
        "D01-S02-C01",
        Some("D01-S02"),
        RegionLevel::Community,
        "海棠社区",
        "Haitang Community",
    ),
    (
        "D01-S02-C02",
        Some("D01-S02"),
        RegionLevel::Community,
        "银杏社区",
        "Yinxing Community",
    ),
    (
        "D01-S01-C01-G01",
        Some("D01-S01-C01"),
        RegionLevel::Grid,
        "青松第一网格",
        "Qingsong Grid 1",
    ),
    (
        "D01-S01-C01-G02",
        Some("D01-S01-C01"),
        RegionLevel::Grid,
        "青松第二网格",
        "Qingsong Grid 2",
    ),
    (
        "D01-S01-C02-G01",
        Some("D01-S01-C02"),
        RegionLevel::Grid,
        "翠竹第一网格",
        "Cuizhu Grid 1",
    ),
    (
        "D01-S01-C02-G02",
        Some("D01-S01-C02"),
        RegionLevel::Grid,
        "翠竹第二网格",
        "Cuizhu Grid 2",
    ),
    (
        "D01-S02-C01-G01",
        Some("D01-S02-C01"),
        RegionLevel::Grid,
        "海棠第一网格",
        "Haitang Grid 1",
    ),
    (
        "D01-S02-C01-G02",
        Some("D01-S02-C01"),
        RegionLevel::Grid,
        "海棠第二网格",
        "Haitang Grid 2",
    ),
    (
        "D01-S02-C02-G01",
        Some("D01-S02-C02"),
        RegionLevel::Grid,
        "银杏第一网格",
        "Yinxing Grid 1",
    ),
    (
        "D01-S02-C02-G02",
        Some("D01-S02-C02"),
        RegionLevel::Grid,
        "银杏第二网格",
        "Yinxing Grid 2",
    ),
];

/// (username, display name, role)
const STAFF: &[(&str, &str, Role)] = &[
    ("admin", "系统管理员", Role::Admin),
    ("dispatcher", "派单员 王芳", Role::Dispatcher),
    ("handler", "承办人 李强", Role::UnitHandler),
    ("supervisor", "督办员 张敏", Role::Supervisor),
    ("worker", "网格员 刘洋", Role::GridWorker),
    ("station", "驿站 青松社区", Role::Station),
];

pub fn reference_data() -> ReferenceData {
    ReferenceData {
        matter_types: MATTERS
            .iter()
            .map(|&(code, parent, zh, en, tier, urgent)| MatterType {
                code: code.into(),
                parent_code: parent.map(Into::into),
                name_zh: zh.into(),
                name_en: en.into(),
                tier_days: tier,
                urgent,
            })
            .collect(),
        regions: REGIONS
            .iter()
            .map(|&(code, parent, level, zh, en)| Region {
                code: code.into(),
                parent_code: parent.map(Into::into),
                level,
                name_zh: zh.into(),
                name_en: en.into(),
            })
            .collect(),
    }
}

/// A demo login as printed: (username, password, role).
pub type DemoLogin = (String, String, Role);

/// Loads the demo set when the database is empty; returns the new logins, or `None`
/// when there was data already (nothing is changed then).
pub async fn seed_if_empty(store: &dyn Store) -> StoreResult<Option<Vec<DemoLogin>>> {
    if !store.is_empty().await? {
        return Ok(None);
    }
    store.insert_reference_data(&reference_data()).await?;
    let mut logins = Vec::new();
    for &(username, display_name, role) in STAFF {
        let password = auth::generate_password();
        let to_hash = password.clone();
        let password_hash = tokio::task::spawn_blocking(move || auth::hash_password(&to_hash))
            .await
            .expect("hashing does not panic")
            .expect("argon2 hashes any password");
        store
            .create_staff(&NewStaff {
                username: username.into(),
                display_name: display_name.into(),
                password_hash,
                roles: vec![role],
            })
            .await?;
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
