//! The field app's entry point (built by Trunk from app/field/index.html).

fn main() {
    gridline_app::start_field();
}
