//! The jurisdiction tree (district, street, community, grid) as GeoJSON: each feature a
//! region with its parent and, for grids, its polygons.

use std::collections::{HashMap, HashSet};

use gridline_core::api::reference::{Region, RegionLevel, RegionWithShape};
use gridline_core::geo::{Point, Polygon};
use serde::Deserialize;

use crate::catalogue::import::problems::{At, ImportProblem, finish, none_if_empty, problem};

#[derive(Deserialize)]
pub(crate) struct FeatureCollection {
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
        match region_of(index + 1, feature, &mut seen) {
            Ok(region) => regions.push(region),
            Err(p) => problems.push(p),
        }
    }
    let mut levels: HashMap<String, RegionLevel> =
        stored.iter().map(|r| (r.code.clone(), r.level)).collect();
    levels.extend(
        regions
            .iter()
            .map(|(_, r)| (r.region.code.clone(), r.region.level)),
    );
    for (at, r) in &regions {
        if let Err(p) = check_parent(at, &r.region, &levels) {
            problems.push(p);
        }
    }
    let mut regions: Vec<RegionWithShape> = regions.into_iter().map(|(_, r)| r).collect();
    regions.sort_by_key(|r| level_rank(r.region.level));
    finish(regions, problems)
}

/// Feature `number` as a region, with where it was read (for later problems); each
/// code once.
fn region_of(
    number: usize,
    feature: &serde_json::Value,
    seen: &mut HashSet<String>,
) -> Result<(At, RegionWithShape), ImportProblem> {
    let props: FeatureProperties = match serde_json::from_value(feature["properties"].clone()) {
        Ok(p) => p,
        Err(e) => {
            return Err(problem(
                &At::Feature(number, String::new()),
                format!("properties: {e}"),
            ));
        }
    };
    let at = At::Feature(number, props.code.clone());
    let Some(level) = RegionLevel::parse(&props.level) else {
        return Err(problem(
            &at,
            format!(
                "level must be district, street, community or grid, not {:?}",
                props.level
            ),
        ));
    };
    if !seen.insert(props.code.clone()) {
        return Err(problem(&at, "code appears twice"));
    }
    let shape = match polygons_of(&feature["geometry"]) {
        Ok(shape) => shape,
        Err(e) => {
            return Err(problem(&at, e));
        }
    };
    if level == RegionLevel::Grid && shape.is_none() {
        return Err(problem(&at, "a grid needs its polygon"));
    }
    Ok((
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
    ))
}

/// A region's parent is in the file or the database, one level up (a district has none).
fn check_parent(
    at: &At,
    region: &Region,
    levels: &HashMap<String, RegionLevel>,
) -> Result<(), ImportProblem> {
    let expected_parent = level_rank(region.level).checked_sub(1);
    match (&region.parent_code, expected_parent) {
        (None, None) => Ok(()),
        (Some(parent), Some(rank)) => match levels.get(parent) {
            Some(level) if level_rank(*level) == rank => Ok(()),
            Some(level) => Err(problem(
                at,
                format!(
                    "parent {parent} is a {}, which cannot hold a {}",
                    level.as_str(),
                    region.level.as_str()
                ),
            )),
            None => Err(problem(
                at,
                format!("parent {parent} is not in the file or the database"),
            )),
        },
        (None, Some(_)) => Err(problem(at, "only a district may have no parent")),
        (Some(_), None) => Err(problem(at, "a district has no parent")),
    }
}
