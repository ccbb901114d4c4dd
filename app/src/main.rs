//! The app's entry point (built by Trunk).

fn main() {
    gridline_app::start();
}
