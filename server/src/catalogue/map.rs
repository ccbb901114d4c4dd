//! Regions drawn as SVG, north up, so an app draws grids without any geometry code of
//! its own: the statistics app's heat view, and the map a resident or grid worker taps
//! to set a position (`GET /api/v1/regions/{code}/map`).
//!
//! Longitude is scaled by the cosine of the middle latitude (shapes keep their
//! proportions), and the whole drawing is 1000 units across its longer side. The
//! [`Projection`] goes both ways, so a tap on the drawing is a longitude and latitude.

use std::collections::BTreeMap;

use gridline_core::geo::{Point, Polygon};

/// From degrees to the drawing's units and back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    pub west: f64,
    pub north: f64,
    /// Drawing units per degree of longitude and of latitude.
    pub units_per_lon: f64,
    pub units_per_lat: f64,
    pub width: f64,
    pub height: f64,
}

impl Projection {
    /// The projection that fits these points into 1000 units; `None` without points.
    pub fn fitting<'a>(points: impl Iterator<Item = &'a Point>) -> Option<Projection> {
        let (mut west, mut east, mut south, mut north) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in points {
            west = west.min(p.lon);
            east = east.max(p.lon);
            south = south.min(p.lat);
            north = north.max(p.lat);
        }
        if west > east {
            return None;
        }
        let squeeze = ((south + north) / 2.0).to_radians().cos();
        let width = ((east - west) * squeeze).max(f64::EPSILON);
        let height = (north - south).max(f64::EPSILON);
        let scale = 1000.0 / width.max(height);
        Some(Projection {
            west,
            north,
            units_per_lon: squeeze * scale,
            units_per_lat: scale,
            width: width * scale,
            height: height * scale,
        })
    }

    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.west) * self.units_per_lon,
            (self.north - lat) * self.units_per_lat,
        )
    }

    /// `0 0 W H`, whole units.
    pub fn view_box(&self) -> String {
        format!("0 0 {:.0} {:.0}", self.width.ceil(), self.height.ceil())
    }

    /// The SVG path data of polygons (outer rings and holes).
    pub fn path(&self, polygons: &[Polygon]) -> String {
        let ring = |points: &[Point]| {
            let mut d = String::new();
            for (i, p) in points.iter().enumerate() {
                let (x, y) = self.project(p.lon, p.lat);
                d.push_str(&format!("{}{x:.1} {y:.1} ", if i == 0 { "M" } else { "L" }));
            }
            d.push('Z');
            d
        };
        polygons
            .iter()
            .flat_map(|p| std::iter::once(&p.outer).chain(p.holes.iter()))
            .map(|r| ring(r))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The outlines of several regions in one drawing: its view box and each one's path.
pub(crate) fn svg_paths<'a>(
    shapes: impl IntoIterator<Item = (&'a str, &'a [Polygon])>,
) -> (String, BTreeMap<&'a str, String>) {
    let shapes: Vec<(&str, &[Polygon])> = shapes.into_iter().collect();
    let points = shapes
        .iter()
        .flat_map(|(_, polygons)| polygons.iter())
        .flat_map(|p| p.outer.iter());
    let Some(projection) = Projection::fitting(points) else {
        return ("0 0 1000 1000".into(), BTreeMap::new());
    };
    let paths = shapes
        .iter()
        .map(|(code, polygons)| (*code, projection.path(polygons)))
        .collect();
    (projection.view_box(), paths)
}
