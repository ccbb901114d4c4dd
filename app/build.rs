//! The resident app's release build is split into lazily loaded parts
//! (src/pages/resident/lazy.rs); the splitter reads the linker's relocations, which
//! only that program's link keeps. As a link argument of that one program, the other
//! programs and every dependency build as before (wasm-opt cannot optimise a module
//! that still carries relocations).

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let lazy_pages = std::env::var_os("CARGO_FEATURE_LAZY_PAGES").is_some();
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    if lazy_pages && wasm {
        println!("cargo::rustc-link-arg-bin=gridline-app=--emit-relocs");
    }
}
