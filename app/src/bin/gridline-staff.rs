//! The staff app's entry point (built by Trunk from app/staff/index.html).

fn main() {
    gridline_app::start_staff();
}
