//! The station app's entry point (built by Trunk from app/station/index.html).

fn main() {
    gridline_app::start_station();
}
