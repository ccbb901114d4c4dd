//! Where a point is: grids as polygons, and finding the grid that holds a point.
//!
//! Coordinates are WGS 84 longitude/latitude in degrees, as browsers report them.
//! A grid is a polygon (outer ring and optional holes) or several. A point on the
//! border of two grids is in both; [`GridLocator::locate`] then answers the grid whose
//! code sorts first, so the answer is the same every time. Lookup first compares
//! bounding boxes, so thousands of grids cost microseconds.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub lon: f64,
    pub lat: f64,
}

impl Point {
    pub fn new(lon: f64, lat: f64) -> Point {
        Point { lon, lat }
    }

    pub fn is_valid(&self) -> bool {
        self.lon.is_finite()
            && self.lat.is_finite()
            && (-180.0..=180.0).contains(&self.lon)
            && (-90.0..=90.0).contains(&self.lat)
    }

    /// The distance to `other` in metres along the Earth's surface (haversine on a
    /// sphere of the mean radius: within 0.5 % at a city's distances).
    pub fn distance_m(&self, other: Point) -> f64 {
        const EARTH_RADIUS_M: f64 = 6_371_008.8;
        let (lat1, lat2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.lon - self.lon).to_radians();
        let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
    }

    /// The box of longitudes and latitudes holding every point within `metres` of this
    /// one: (west, south, east, north), for a first look in an index.
    pub fn bounds_within(&self, metres: f64) -> (f64, f64, f64, f64) {
        let dlat = metres / 111_194.9;
        let dlon = dlat / self.lat.to_radians().cos().abs().max(0.01);
        (
            self.lon - dlon,
            self.lat - dlat,
            self.lon + dlon,
            self.lat + dlat,
        )
    }
}

/// One polygon: an outer ring and holes; rings are closed implicitly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Polygon {
    pub outer: Vec<Point>,
    #[serde(default)]
    pub holes: Vec<Vec<Point>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct BoundingBox {
    min: Point,
    max: Point,
}

impl BoundingBox {
    fn of(points: &[Point]) -> BoundingBox {
        let mut min = Point::new(f64::INFINITY, f64::INFINITY);
        let mut max = Point::new(f64::NEG_INFINITY, f64::NEG_INFINITY);
        for p in points {
            min.lon = min.lon.min(p.lon);
            min.lat = min.lat.min(p.lat);
            max.lon = max.lon.max(p.lon);
            max.lat = max.lat.max(p.lat);
        }
        BoundingBox { min, max }
    }

    fn contains(&self, p: Point) -> bool {
        (self.min.lon..=self.max.lon).contains(&p.lon)
            && (self.min.lat..=self.max.lat).contains(&p.lat)
    }
}

/// Whether `p` lies on the segment from `a` to `b` (within a tiny tolerance).
fn on_segment(p: Point, a: Point, b: Point) -> bool {
    let cross = (b.lon - a.lon) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lon - a.lon);
    let scale = (b.lon - a.lon).abs().max((b.lat - a.lat).abs()).max(1e-12);
    cross.abs() <= 1e-12 * scale
        && p.lon >= a.lon.min(b.lon)
        && p.lon <= a.lon.max(b.lon)
        && p.lat >= a.lat.min(b.lat)
        && p.lat <= a.lat.max(b.lat)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RingSide {
    Inside,
    Border,
    Outside,
}

/// Ray casting, with points on an edge reported as `Border`.
fn ring_side(ring: &[Point], p: Point) -> RingSide {
    let n = ring.len();
    if n < 3 {
        return RingSide::Outside;
    }
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if on_segment(p, a, b) {
            return RingSide::Border;
        }
        if (a.lat > p.lat) != (b.lat > p.lat) {
            let x = (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon;
            if p.lon < x {
                inside = !inside;
            }
        }
        j = i;
    }
    if inside {
        RingSide::Inside
    } else {
        RingSide::Outside
    }
}

impl Polygon {
    /// Inside or on the border (a hole's border belongs to the polygon too).
    pub fn contains(&self, p: Point) -> bool {
        match ring_side(&self.outer, p) {
            RingSide::Outside => false,
            RingSide::Border => true,
            RingSide::Inside => self
                .holes
                .iter()
                .all(|hole| ring_side(hole, p) != RingSide::Inside),
        }
    }

    /// At least a triangle, every point a valid coordinate.
    pub fn is_valid(&self) -> bool {
        let ring_ok = |ring: &Vec<Point>| ring.len() >= 3 && ring.iter().all(Point::is_valid);
        ring_ok(&self.outer) && self.holes.iter().all(ring_ok)
    }
}

struct IndexedGrid {
    code: String,
    bbox: BoundingBox,
    polygons: Vec<Polygon>,
}

/// Finds the grid holding a point among many.
pub struct GridLocator {
    grids: Vec<IndexedGrid>,
}

impl GridLocator {
    /// `grids`: (grid code, its polygons).
    pub fn new(grids: impl IntoIterator<Item = (String, Vec<Polygon>)>) -> GridLocator {
        let mut grids: Vec<IndexedGrid> = grids
            .into_iter()
            .filter(|(_, polygons)| !polygons.is_empty())
            .map(|(code, polygons)| {
                let all: Vec<Point> = polygons
                    .iter()
                    .flat_map(|p| p.outer.iter().copied())
                    .collect();
                IndexedGrid {
                    code,
                    bbox: BoundingBox::of(&all),
                    polygons,
                }
            })
            .collect();
        // Sorted by code, so the first match is the tie-breaker on borders.
        grids.sort_by(|a, b| a.code.cmp(&b.code));
        GridLocator { grids }
    }

    pub fn len(&self) -> usize {
        self.grids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.grids.is_empty()
    }

    /// The code of the grid holding `p`, if any.
    pub fn locate(&self, p: Point) -> Option<&str> {
        if !p.is_valid() {
            return None;
        }
        self.grids
            .iter()
            .find(|g| g.bbox.contains(p) && g.polygons.iter().any(|poly| poly.contains(p)))
            .map(|g| g.code.as_str())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn square(x0: f64, y0: f64, size: f64) -> Polygon {
        Polygon {
            outer: vec![
                Point::new(x0, y0),
                Point::new(x0 + size, y0),
                Point::new(x0 + size, y0 + size),
                Point::new(x0, y0 + size),
            ],
            holes: vec![],
        }
    }

    #[test]
    fn inside_outside_border_and_holes() {
        let mut poly = square(120.0, 36.0, 1.0);
        assert!(poly.contains(Point::new(120.5, 36.5)));
        assert!(!poly.contains(Point::new(121.5, 36.5)));
        assert!(poly.contains(Point::new(121.0, 36.5)), "on an edge");
        assert!(poly.contains(Point::new(120.0, 36.0)), "on a corner");
        poly.holes.push(square(120.4, 36.4, 0.2).outer);
        assert!(!poly.contains(Point::new(120.5, 36.5)), "in the hole");
        assert!(poly.contains(Point::new(120.4, 36.5)), "on the hole's edge");
        assert!(poly.contains(Point::new(120.1, 36.1)));
    }

    #[test]
    fn a_point_on_a_shared_border_goes_to_the_first_code() {
        let locator = GridLocator::new([
            ("G02".to_owned(), vec![square(121.0, 36.0, 1.0)]),
            ("G01".to_owned(), vec![square(120.0, 36.0, 1.0)]),
        ]);
        assert_eq!(locator.locate(Point::new(121.0, 36.5)), Some("G01"));
        assert_eq!(locator.locate(Point::new(121.5, 36.5)), Some("G02"));
        assert_eq!(locator.locate(Point::new(120.5, 36.5)), Some("G01"));
        assert_eq!(locator.locate(Point::new(125.0, 36.5)), None);
        assert_eq!(locator.locate(Point::new(f64::NAN, 36.5)), None);
    }

    #[test]
    fn concave_shapes() {
        // An L shape: the notch is outside.
        let l = Polygon {
            outer: vec![
                Point::new(0.0, 0.0),
                Point::new(2.0, 0.0),
                Point::new(2.0, 1.0),
                Point::new(1.0, 1.0),
                Point::new(1.0, 2.0),
                Point::new(0.0, 2.0),
            ],
            holes: vec![],
        };
        assert!(l.contains(Point::new(0.5, 1.5)));
        assert!(l.contains(Point::new(1.5, 0.5)));
        assert!(!l.contains(Point::new(1.5, 1.5)));
    }

    proptest! {
        /// On a tiling of squares, every point inside the tiling is found in the square
        /// that the arithmetic says, and points outside are in none.
        #[test]
        fn tiling_finds_the_right_square(x in 119.0f64..123.0, y in 35.0f64..39.0) {
            let mut grids = Vec::new();
            for i in 0..20 {
                for j in 0..20 {
                    grids.push((format!("G{i:02}{j:02}"), vec![square(120.0 + f64::from(i) * 0.1, 36.0 + f64::from(j) * 0.1, 0.1)]));
                }
            }
            let locator = GridLocator::new(grids);
            let found = locator.locate(Point::new(x, y));
            let (fi, fj) = ((x - 120.0) / 0.1, (y - 36.0) / 0.1);
            let strictly_inside = fi > 0.0 && fi < 20.0 && fj > 0.0 && fj < 20.0
                && (fi - fi.round()).abs() > 1e-6 && (fj - fj.round()).abs() > 1e-6;
            let outside = !(0.0..=20.0).contains(&fi) || !(0.0..=20.0).contains(&fj);
            if strictly_inside {
                let expected = format!("G{:02}{:02}", fi.floor() as i32, fj.floor() as i32);
                prop_assert_eq!(found, Some(expected.as_str()));
            } else if outside {
                prop_assert_eq!(found, None);
            }
        }
    }

    #[test]
    fn distances_on_the_ground() {
        // One degree of latitude is about 111.2 km; a degree of longitude at 36° N
        // is cos(36°) of that.
        let a = Point::new(120.0, 36.0);
        let north = a.distance_m(Point::new(120.0, 37.0));
        assert!((north - 111_195.0).abs() < 10.0, "{north}");
        let east = a.distance_m(Point::new(121.0, 36.0));
        assert!((east - 89_960.0).abs() < 100.0, "{east}");
        assert_eq!(a.distance_m(a), 0.0);
        // Every point within 200 m is inside the box; one 201 m away east is not.
        let (west, south, east_edge, north_edge) = a.bounds_within(200.0);
        for bearing in 0..36 {
            let angle = f64::from(bearing) * 10f64.to_radians();
            let p = Point::new(
                a.lon + 199.0 * angle.sin() / 111_194.9 / 36f64.to_radians().cos(),
                a.lat + 199.0 * angle.cos() / 111_194.9,
            );
            assert!(a.distance_m(p) < 200.0);
            assert!(p.lon > west && p.lon < east_edge && p.lat > south && p.lat < north_edge);
        }
        let outside = Point::new(east_edge + 0.00001, a.lat);
        assert!(a.distance_m(outside) > 200.0);
    }
}
