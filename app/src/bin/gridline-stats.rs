//! The statistics app's entry point (built by Trunk from app/stats/index.html).

fn main() {
    gridline_app::start_stats();
}
