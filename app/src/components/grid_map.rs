//! The map to point at (地图选点): a grid's outline, drawn from the shape the server
//! already has (SVG path data and its projection from `GET /api/v1/regions/{code}/map`,
//! so no tiles and no geometry code here), with the chosen point on it. A tap inside
//! the outline sets the position; the browser's own hit test says what is inside (a tap
//! on the outline's fill, not on the drawing around it). A page may hand it maps it
//! keeps (the field app keeps its grids' for offline patrols); otherwise it asks the
//! server, and without a network the grid and address fields still place the report.

use gridline_core::api::reference::RegionMapResponse;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api;
use crate::i18n::{Key, use_i18n};
use crate::position::Fix;

/// How wide a fingertip is on the screen, in CSS pixels: a tapped place is as accurate
/// as the ground that width covers.
const FINGER_PX: f64 = 40.0;

/// Metres per degree of latitude.
const METRES_PER_DEGREE: f64 = 111_320.0;

/// The land around the grid that is drawn too, as a share of its longer side: the
/// outline reads as a shape, and a tap beside it is seen to be outside.
const MARGIN: f64 = 0.08;

/// The grid `grid`'s map with `point` on it; `on_pick` gets a tapped place inside it.
#[component]
pub fn GridMap(
    /// The grid to draw (nothing while empty).
    #[prop(into)]
    grid: Signal<String>,
    /// The position to show.
    #[prop(into)]
    point: Signal<Option<Fix>>,
    on_pick: Callback<Fix>,
    /// A map kept on the device for a grid, used before asking the server.
    #[prop(optional)]
    kept: Option<Callback<String, Option<RegionMapResponse>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // A signal and a task, not a resource: the resident app has no other resource, and
    // Leptos' async machinery would cost it 8 KB gzip.
    let map = RwSignal::new(None::<RegionMapResponse>);
    Effect::new(move |_| {
        let code = grid.get();
        map.set(None);
        if code.is_empty() {
            return;
        }
        if let Some(kept) = kept.and_then(|k| k.run(code.clone())) {
            map.set(Some(kept));
            return;
        }
        // Offline, asking would only fail (and say so in the console): no map then.
        if !web_sys::window().is_some_and(|w| w.navigator().on_line()) {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(drawn) = api::region_map(&code).await
                && grid.get_untracked() == code
            {
                map.set(Some(drawn));
            }
        });
    });
    let outside = RwSignal::new(false);
    move || {
        let map = map.get()?;
        // Whole units throughout: formatting a float would cost the bundle 17 KB gzip.
        let (width, height) = (f64::from(map.width), f64::from(map.height));
        let margin = (MARGIN * width.max(height)).round();
        let (view_w, view_h) = (width + 2.0 * margin, height + 2.0 * margin);
        let view_box = format!(
            "{} {} {} {}",
            -(margin as i64),
            -(margin as i64),
            view_w as i64,
            view_h as i64
        );
        let projection = map.clone();
        let tap = move |ev: leptos::ev::MouseEvent| {
            let (Some(svg), Some(hit)) = (ev.current_target(), ev.target()) else {
                return;
            };
            let Ok(svg) = svg.dyn_into::<web_sys::Element>() else {
                return;
            };
            let inside = hit
                .dyn_ref::<web_sys::Element>()
                .is_some_and(|e| e.get_attribute("data-outline").is_some());
            outside.set(!inside);
            if !inside {
                return;
            }
            let rect = svg.get_bounding_client_rect();
            if rect.width() <= 0.0 || rect.height() <= 0.0 {
                return;
            }
            let units_per_px = view_w / rect.width();
            let x = (f64::from(ev.client_x()) - rect.left()) * units_per_px - margin;
            let y = (f64::from(ev.client_y()) - rect.top()) * view_h / rect.height() - margin;
            on_pick.run(Fix {
                lon: projection.west + x / projection.units_per_lon,
                lat: projection.north - y / projection.units_per_lat,
                accuracy: (FINGER_PX * units_per_px / projection.units_per_lat * METRES_PER_DEGREE)
                    .max(5.0),
            });
        };
        let dot = map.clone();
        let marker = move || {
            point.get().map(|p| {
                let x = (p.lon - dot.west) * dot.units_per_lon;
                let y = (dot.north - p.lat) * dot.units_per_lat;
                let r = (width.max(height) / 60.0).round() as i64;
                view! {
                    <circle class="map-point" data-testid="map-point" cx=x.round() as i64
                        cy=y.round() as i64 r=r />
                }
            })
        };
        Some(view! {
            <figure class="grid-map" data-testid="grid-map">
                <svg viewBox=view_box role="img"
                    aria-label=move || i18n.t(Key::MapHint) on:click=tap>
                    <path class="map-outline" data-outline="" d=map.outline.clone()
                        fill-rule="evenodd" />
                    {marker}
                </svg>
                <figcaption>
                    {move || i18n.t(if outside.get() { Key::MapOutside } else { Key::MapHint })}
                </figcaption>
            </figure>
        })
    }
}
