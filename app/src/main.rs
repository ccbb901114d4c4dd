//! The resident app's entry point (built by Trunk from app/index.html).

fn main() {
    gridline_app::start_resident();
}
