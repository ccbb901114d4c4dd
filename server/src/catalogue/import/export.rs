//! Writing the reference data back out in the formats it is imported in, so a city can
//! edit it in a spreadsheet and import it again.

use std::collections::HashMap;

use gridline_core::api::reference::{HandlingUnit, MatterType, Region};
use gridline_core::geo::{Point, Polygon};

use crate::catalogue::import::ImportKind;
use crate::catalogue::store::CatalogueStore;
use crate::store::shared::StoreError;

pub(crate) fn csv_text(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).expect("writing to memory");
    for row in rows {
        writer.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

/// The stored reference data of `kind`, in the format `import` reads.
pub async fn export(store: &dyn CatalogueStore, kind: ImportKind) -> Result<String, StoreError> {
    Ok(match kind {
        ImportKind::Calendar => store.load_calendar().await?.to_csv(),
        ImportKind::Deadlines => crate::catalogue::import::deadlines::rules_csv(
            &crate::catalogue::cache::deadline_rules(store).await?,
        ),
        ImportKind::Catalogue => catalogue_csv(store.list_matter_types().await?),
        ImportKind::Units => units_csv(store.list_units().await?),
        ImportKind::Grids => grids_geojson(store.list_regions().await?, store.list_shapes().await?),
    })
}

fn catalogue_csv(matters: Vec<MatterType>) -> String {
    let header = [
        "code",
        "parent_code",
        "name_zh",
        "name_en",
        "tier_days",
        "urgent",
        "unit_kind",
        "keywords",
        "patrol",
        "complexity",
        "police",
    ];
    csv_text(
        &header,
        matters.into_iter().map(|m| {
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
                m.complexity.to_string(),
                m.police.to_string(),
            ]
        }),
    )
}

fn units_csv(units: Vec<HandlingUnit>) -> String {
    let header = [
        "code",
        "name_zh",
        "name_en",
        "kind",
        "region_code",
        "matters",
        "areas",
    ];
    csv_text(
        &header,
        units.into_iter().map(|u| {
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
    )
}

fn grids_geojson(regions: Vec<Region>, shapes: Vec<(String, Vec<Polygon>)>) -> String {
    let shapes: HashMap<String, Vec<Polygon>> = shapes.into_iter().collect();
    let features: Vec<serde_json::Value> = regions
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "type": "Feature",
                "properties": {
                    "code": r.code, "parent_code": r.parent_code, "level": r.level.as_str(),
                    "name_zh": r.name_zh, "name_en": r.name_en,
                },
                "geometry": shapes.get(&r.code).map(|polygons| multi_polygon(polygons)),
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

/// A grid's shape as a GeoJSON MultiPolygon (rings closed, as the format wants).
fn multi_polygon(polygons: &[Polygon]) -> serde_json::Value {
    let ring = |points: &[Point]| {
        let mut ring: Vec<[f64; 2]> = points.iter().map(|p| [p.lon, p.lat]).collect();
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
}
