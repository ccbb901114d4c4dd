//! Importing (and exporting) reference data: the matter catalogue (CSV), the jurisdiction tree with
//! grid shapes (GeoJSON) and the handling units with their responsibilities (CSV).
//!
//! An import is checked whole before anything is written: every problem is reported
//! with where it is (a CSV line, a GeoJSON feature), references are checked against the
//! file and what is stored already, and responsibilities are checked for conflicts the
//! way routing will use them. Then everything is written in one transaction. Rows are
//! inserted or updated by code and never deleted, since tickets refer to them. The
//! formats are those of `server/demo/`, which is also how the demo data is loaded.

use std::collections::{HashMap, HashSet};

use gridline_core::api::reference::{
    HandlingUnit, MatterType, Region, RegionLevel, RegionWithShape, UnitKind,
};
use gridline_core::calendar::WorkCalendar;
use gridline_core::deadline::Tier;
use gridline_core::geo::{Point, Polygon};
use gridline_core::routing::RoutingTable;
use serde::Deserialize;

use crate::catalogue::store::ReferenceData;
use crate::store::Store;
use crate::store::shared::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportKind {
    Catalogue,
    Grids,
    Units,
    /// The working-day calendar (CSV `date,kind,note`); replaces the years it names.
    Calendar,
}

/// Where a problem is. Problems are reported in this order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum At {
    /// The file as a whole (e.g. conflicting responsibilities).
    File,
    /// A CSV line, or the line of a JSON syntax error (1-based).
    Line(usize),
    /// A GeoJSON feature (1-based) and its code.
    Feature(usize, String),
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::File => write!(f, "file"),
            At::Line(n) => write!(f, "line {n}"),
            At::Feature(n, code) if code.is_empty() => write!(f, "feature {n}"),
            At::Feature(n, code) => write!(f, "feature {n} ({code})"),
        }
    }
}

/// One problem, and where.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImportProblem {
    pub at: At,
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// All problems, in file order, or the value.
fn finish<T>(value: T, mut problems: Vec<ImportProblem>) -> Result<T, Vec<ImportProblem>> {
    if problems.is_empty() {
        Ok(value)
    } else {
        problems.sort();
        Err(problems)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file has {} problem(s); nothing was imported:\n{}", .0.len(), list(.0))]
    Invalid(Vec<ImportProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn list(problems: &[ImportProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn problem(at: &At, message: impl Into<String>) -> ImportProblem {
    ImportProblem {
        at: at.clone(),
        message: message.into(),
    }
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportSummary {
    pub matter_types: usize,
    pub regions: usize,
    pub units: usize,
}

fn split_list(text: &str) -> Vec<String> {
    text.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn none_if_empty(text: String) -> Option<String> {
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Reads CSV records of `T`, each with its 1-based line (the header is line 1), and
/// the problems of the records that could not be read.
type CsvRows<T> = (Vec<(usize, T)>, Vec<ImportProblem>);

fn read_csv<T: serde::de::DeserializeOwned>(text: &str) -> Result<CsvRows<T>, Vec<ImportProblem>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            vec![problem(
                &At::Line(1),
                format!("cannot read the header: {e}"),
            )]
        })?
        .clone();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line()) as usize;
                problems.push(problem(&At::Line(line), e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line()) as usize;
        match record.deserialize::<T>(Some(&headers)) {
            Ok(row) => rows.push((line, row)),
            Err(e) => problems.push(problem(&At::Line(line), csv_message(&e))),
        }
    }
    Ok((rows, problems))
}

/// The useful part of a CSV error (the position is reported separately).
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => match err.field() {
            Some(field) => format!("column {}: {}", field + 1, err.kind()),
            None => err.kind().to_string(),
        },
        _ => e.to_string(),
    }
}

#[derive(Deserialize)]
struct CatalogueRow {
    code: String,
    parent_code: String,
    name_zh: String,
    name_en: String,
    tier_days: u8,
    urgent: bool,
    unit_kind: String,
    keywords: String,
    /// Optional column: on the grid workers' list (default false).
    #[serde(default)]
    patrol: bool,
}

/// Orders nodes so that every parent comes before its children (by depth), keeping the
/// file's order otherwise; `None` depth means a missing parent or a cycle.
fn depth_of(code: &str, parents: &HashMap<String, Option<String>>) -> Option<usize> {
    let mut depth = 0;
    let mut current = code;
    while let Some(Some(parent)) = parents.get(current) {
        depth += 1;
        if depth > 16 {
            return None;
        }
        current = parent;
    }
    parents.contains_key(current).then_some(depth)
}

pub fn parse_catalogue(
    text: &str,
    stored: &[MatterType],
) -> Result<Vec<MatterType>, Vec<ImportProblem>> {
    let (rows, mut problems) = read_csv::<CatalogueRow>(text)?;
    let mut seen = HashSet::new();
    let mut matters = Vec::new();
    for (line, row) in rows {
        let at = At::Line(line);
        if row.code.is_empty() || row.name_zh.is_empty() || row.name_en.is_empty() {
            problems.push(problem(&at, "code, name_zh and name_en are required"));
            continue;
        }
        if !seen.insert(row.code.clone()) {
            problems.push(problem(&at, format!("code {} appears twice", row.code)));
            continue;
        }
        if Tier::from_working_days(row.tier_days).is_none() {
            problems.push(problem(
                &at,
                format!("tier_days must be 1, 3, 7 or 11, not {}", row.tier_days),
            ));
            continue;
        }
        let unit_kind = match none_if_empty(row.unit_kind) {
            None => None,
            Some(kind) => match UnitKind::parse(&kind) {
                Some(kind) => Some(kind),
                None => {
                    problems.push(problem(&at, format!("unknown unit_kind {kind:?}")));
                    continue;
                }
            },
        };
        matters.push((
            line,
            MatterType {
                code: row.code,
                parent_code: none_if_empty(row.parent_code),
                name_zh: row.name_zh,
                name_en: row.name_en,
                tier_days: row.tier_days,
                urgent: row.urgent,
                keywords: split_list(&row.keywords),
                unit_kind,
                patrol: row.patrol,
            },
        ));
    }
    let mut parents: HashMap<String, Option<String>> = stored
        .iter()
        .map(|m| (m.code.clone(), m.parent_code.clone()))
        .collect();
    parents.extend(
        matters
            .iter()
            .map(|(_, m)| (m.code.clone(), m.parent_code.clone())),
    );
    let mut ordered = Vec::new();
    for (line, m) in matters {
        match depth_of(&m.code, &parents) {
            Some(depth) => ordered.push((depth, m)),
            None => problems.push(problem(
                &At::Line(line),
                format!(
                    "parent {} of {} is not in the catalogue (or loops)",
                    m.parent_code.unwrap_or_default(),
                    m.code
                ),
            )),
        }
    }
    ordered.sort_by_key(|(depth, _)| *depth);
    finish(ordered.into_iter().map(|(_, m)| m).collect(), problems)
}

#[derive(Deserialize)]
struct FeatureCollection {
    features: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct FeatureProperties {
    code: String,
    parent_code: Option<String>,
    level: String,
    name_zh: String,
    name_en: String,
}

/// GeoJSON `Polygon` or `MultiPolygon` coordinates into polygons.
fn polygons_of(geometry: &serde_json::Value) -> Result<Option<Vec<Polygon>>, String> {
    if geometry.is_null() {
        return Ok(None);
    }
    type Ring = Vec<[f64; 2]>;
    let kind = geometry["type"].as_str().unwrap_or_default();
    let coordinates = geometry["coordinates"].clone();
    let rings_to_polygon = |rings: Vec<Ring>| -> Result<Polygon, String> {
        let mut rings = rings.into_iter().map(|ring| {
            let mut points: Vec<Point> = ring
                .into_iter()
                .map(|[lon, lat]| Point::new(lon, lat))
                .collect();
            if points.len() > 1 && points.first() == points.last() {
                points.pop();
            }
            points
        });
        let outer = rings.next().ok_or("a polygon without rings")?;
        let polygon = Polygon {
            outer,
            holes: rings.collect(),
        };
        if polygon.is_valid() {
            Ok(polygon)
        } else {
            Err("a ring needs at least 3 points with longitude in [-180, 180] and latitude in [-90, 90]".into())
        }
    };
    let polygons = match kind {
        "Polygon" => vec![rings_to_polygon(
            serde_json::from_value(coordinates).map_err(|e| e.to_string())?,
        )?],
        "MultiPolygon" => serde_json::from_value::<Vec<Vec<Ring>>>(coordinates)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(rings_to_polygon)
            .collect::<Result<_, _>>()?,
        other => {
            return Err(format!(
                "geometry must be Polygon or MultiPolygon, not {other:?}"
            ));
        }
    };
    Ok(Some(polygons))
}

fn level_rank(level: RegionLevel) -> usize {
    match level {
        RegionLevel::District => 0,
        RegionLevel::Street => 1,
        RegionLevel::Community => 2,
        RegionLevel::Grid => 3,
    }
}

pub fn parse_grids(
    text: &str,
    stored: &[Region],
) -> Result<Vec<RegionWithShape>, Vec<ImportProblem>> {
    let collection: FeatureCollection = serde_json::from_str(text).map_err(|e| {
        vec![problem(
            &At::Line(e.line()),
            format!("not a GeoJSON FeatureCollection: {e}"),
        )]
    })?;
    let mut problems = Vec::new();
    let mut regions = Vec::new();
    let mut seen = HashSet::new();
    for (index, feature) in collection.features.iter().enumerate() {
        let number = index + 1;
        let props: FeatureProperties = match serde_json::from_value(feature["properties"].clone()) {
            Ok(p) => p,
            Err(e) => {
                problems.push(problem(
                    &At::Feature(number, String::new()),
                    format!("properties: {e}"),
                ));
                continue;
            }
        };
        let at = At::Feature(number, props.code.clone());
        let Some(level) = RegionLevel::parse(&props.level) else {
            problems.push(problem(
                &at,
                format!(
                    "level must be district, street, community or grid, not {:?}",
                    props.level
                ),
            ));
            continue;
        };
        if !seen.insert(props.code.clone()) {
            problems.push(problem(&at, "code appears twice"));
            continue;
        }
        let shape = match polygons_of(&feature["geometry"]) {
            Ok(shape) => shape,
            Err(e) => {
                problems.push(problem(&at, e));
                continue;
            }
        };
        if level == RegionLevel::Grid && shape.is_none() {
            problems.push(problem(&at, "a grid needs its polygon"));
            continue;
        }
        regions.push((
            at,
            RegionWithShape {
                region: Region {
                    code: props.code,
                    parent_code: props.parent_code.and_then(none_if_empty),
                    level,
                    name_zh: props.name_zh,
                    name_en: props.name_en,
                },
                shape,
            },
        ));
    }
    let mut levels: HashMap<String, RegionLevel> =
        stored.iter().map(|r| (r.code.clone(), r.level)).collect();
    levels.extend(
        regions
            .iter()
            .map(|(_, r)| (r.region.code.clone(), r.region.level)),
    );
    for (at, r) in &regions {
        let expected_parent = level_rank(r.region.level).checked_sub(1);
        match (&r.region.parent_code, expected_parent) {
            (None, None) => {}
            (Some(parent), Some(rank)) => match levels.get(parent) {
                Some(level) if level_rank(*level) == rank => {}
                Some(level) => problems.push(problem(
                    at,
                    format!(
                        "parent {parent} is a {}, which cannot hold a {}",
                        level.as_str(),
                        r.region.level.as_str()
                    ),
                )),
                None => problems.push(problem(
                    at,
                    format!("parent {parent} is not in the file or the database"),
                )),
            },
            (None, Some(_)) => problems.push(problem(at, "only a district may have no parent")),
            (Some(_), None) => problems.push(problem(at, "a district has no parent")),
        }
    }
    let mut regions: Vec<RegionWithShape> = regions.into_iter().map(|(_, r)| r).collect();
    regions.sort_by_key(|r| level_rank(r.region.level));
    finish(regions, problems)
}

#[derive(Deserialize)]
struct UnitRow {
    code: String,
    name_zh: String,
    name_en: String,
    kind: String,
    region_code: String,
    matters: String,
    areas: String,
}

pub fn parse_units(
    text: &str,
    matters: &[MatterType],
    regions: &[Region],
    stored_units: &[HandlingUnit],
) -> Result<Vec<HandlingUnit>, Vec<ImportProblem>> {
    let (rows, mut problems) = read_csv::<UnitRow>(text)?;
    let matter_codes: HashSet<&str> = matters.iter().map(|m| m.code.as_str()).collect();
    let region_codes: HashSet<&str> = regions.iter().map(|r| r.code.as_str()).collect();
    let mut units = Vec::new();
    let mut seen = HashSet::new();
    for (line, row) in rows {
        let at = At::Line(line);
        let before = problems.len();
        if row.code.is_empty() || row.name_zh.is_empty() || row.name_en.is_empty() {
            problems.push(problem(&at, "code, name_zh and name_en are required"));
        }
        if !seen.insert(row.code.clone()) {
            problems.push(problem(&at, format!("code {} appears twice", row.code)));
        }
        let kind = UnitKind::parse(&row.kind);
        if kind.is_none() {
            problems.push(problem(&at, format!("unknown kind {:?}", row.kind)));
        }
        if !region_codes.contains(row.region_code.as_str()) {
            problems.push(problem(&at, format!("unknown region {}", row.region_code)));
        }
        let unit_matters = split_list(&row.matters);
        let areas = split_list(&row.areas);
        for m in unit_matters
            .iter()
            .filter(|m| !matter_codes.contains(m.as_str()))
        {
            problems.push(problem(&at, format!("unknown matter type {m}")));
        }
        for a in areas.iter().filter(|a| !region_codes.contains(a.as_str())) {
            problems.push(problem(&at, format!("unknown region {a} in areas")));
        }
        if problems.len() == before {
            units.push((
                at,
                HandlingUnit {
                    code: row.code,
                    name_zh: row.name_zh,
                    name_en: row.name_en,
                    kind: kind.expect("checked above"),
                    region_code: row.region_code,
                    matters: unit_matters,
                    areas,
                },
            ));
        }
    }
    if !problems.is_empty() {
        return finish(Vec::new(), problems);
    }
    // Conflicts, judged as routing will: the file's units replace their stored selves.
    let new_codes: HashSet<&str> = units.iter().map(|(_, u)| u.code.as_str()).collect();
    let all_units = stored_units
        .iter()
        .filter(|u| !new_codes.contains(u.code.as_str()))
        .chain(units.iter().map(|(_, u)| u));
    if let Err(errors) = RoutingTable::for_reference(matters, regions, all_units) {
        return Err(errors
            .iter()
            .map(|e| problem(&At::File, e.to_string()))
            .collect());
    }
    Ok(units.into_iter().map(|(_, u)| u).collect())
}

pub fn parse_calendar(text: &str) -> Result<WorkCalendar, Vec<ImportProblem>> {
    WorkCalendar::parse_csv(text).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| problem(&At::Line(e.line), e.message))
            .collect()
    })
}

/// Checks `text` as `kind` against what is stored, then writes it in one transaction.
pub async fn import(
    store: &dyn Store,
    kind: ImportKind,
    text: &str,
) -> Result<ImportSummary, ImportError> {
    let mut data = ReferenceData::default();
    match kind {
        ImportKind::Catalogue => {
            let stored = store.list_matter_types().await?;
            data.matter_types = parse_catalogue(text, &stored).map_err(ImportError::Invalid)?;
        }
        ImportKind::Grids => {
            let stored = store.list_regions().await?;
            data.regions = parse_grids(text, &stored).map_err(ImportError::Invalid)?;
        }
        ImportKind::Units => {
            let matters = store.list_matter_types().await?;
            let regions = store.list_regions().await?;
            let units = store.list_units().await?;
            data.units =
                parse_units(text, &matters, &regions, &units).map_err(ImportError::Invalid)?;
        }
        ImportKind::Calendar => {
            let calendar = parse_calendar(text).map_err(ImportError::Invalid)?;
            store.save_calendar_years(&calendar).await?;
            return Ok(ImportSummary::default());
        }
    }
    store.upsert_reference_data(&data).await?;
    Ok(ImportSummary {
        matter_types: data.matter_types.len(),
        regions: data.regions.len(),
        units: data.units.len(),
    })
}

fn csv_text(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).expect("writing to memory");
    for row in rows {
        writer.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

/// The stored reference data of `kind`, in the format `import` reads.
pub async fn export(store: &dyn Store, kind: ImportKind) -> Result<String, StoreError> {
    Ok(match kind {
        ImportKind::Calendar => store.load_calendar().await?.to_csv(),
        ImportKind::Catalogue => csv_text(
            &[
                "code",
                "parent_code",
                "name_zh",
                "name_en",
                "tier_days",
                "urgent",
                "unit_kind",
                "keywords",
                "patrol",
            ],
            store.list_matter_types().await?.into_iter().map(|m| {
                vec![
                    m.code,
                    m.parent_code.unwrap_or_default(),
                    m.name_zh,
                    m.name_en,
                    m.tier_days.to_string(),
                    m.urgent.to_string(),
                    m.unit_kind
                        .map(|k| k.as_str().to_owned())
                        .unwrap_or_default(),
                    m.keywords.join("|"),
                    m.patrol.to_string(),
                ]
            }),
        ),
        ImportKind::Units => csv_text(
            &[
                "code",
                "name_zh",
                "name_en",
                "kind",
                "region_code",
                "matters",
                "areas",
            ],
            store.list_units().await?.into_iter().map(|u| {
                vec![
                    u.code,
                    u.name_zh,
                    u.name_en,
                    u.kind.as_str().to_owned(),
                    u.region_code,
                    u.matters.join("|"),
                    u.areas.join("|"),
                ]
            }),
        ),
        ImportKind::Grids => {
            let shapes: HashMap<String, Vec<Polygon>> =
                store.list_shapes().await?.into_iter().collect();
            let features: Vec<serde_json::Value> = store
                .list_regions()
                .await?
                .into_iter()
                .map(|r| {
                    let geometry = shapes.get(&r.code).map(|polygons| {
                        let ring = |points: &[Point]| {
                            let mut ring: Vec<[f64; 2]> =
                                points.iter().map(|p| [p.lon, p.lat]).collect();
                            ring.extend(ring.first().copied());
                            ring
                        };
                        let coordinates: Vec<Vec<Vec<[f64; 2]>>> = polygons
                            .iter()
                            .map(|p| {
                                std::iter::once(ring(&p.outer))
                                    .chain(p.holes.iter().map(|h| ring(h)))
                                    .collect()
                            })
                            .collect();
                        serde_json::json!({"type": "MultiPolygon", "coordinates": coordinates})
                    });
                    serde_json::json!({
                        "type": "Feature",
                        "properties": {
                            "code": r.code, "parent_code": r.parent_code, "level": r.level.as_str(),
                            "name_zh": r.name_zh, "name_en": r.name_en,
                        },
                        "geometry": geometry,
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&serde_json::json!({
                "type": "FeatureCollection", "features": features,
            }))
            .expect("JSON values serialize");
            text.push('\n');
            text
        }
    })
}
