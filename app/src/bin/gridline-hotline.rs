//! The hotline console's entry point (built by Trunk from app/hotline/index.html).

fn main() {
    gridline_app::start_hotline();
}
