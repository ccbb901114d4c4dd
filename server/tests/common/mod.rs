//! Running the `gridline` binary in the process tests (`cli.rs`, `processes.rs`).

#![allow(dead_code)] // Each test target uses its own part of this.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

pub fn gridline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gridline"))
}

/// Starts `gridline serve` on `dir`'s data and returns it with its address.
pub fn serve(dir: &std::path::Path, extra: &[(&str, &str)]) -> (std::process::Child, String) {
    let mut command = gridline();
    command
        .arg("serve")
        .env("GRIDLINE_ADDR", "127.0.0.1:0")
        .env("GRIDLINE_DATA_DIR", dir)
        .env("GRIDLINE_DIST_DIR", dir.join("dist"))
        .env_remove("GRIDLINE_DATABASE_URL")
        .env("GRIDLINE_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (key, value) in extra {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let base = loop {
        line.clear();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "server exited");
        if let Some(rest) = line.trim().strip_prefix("Gridline is running at ") {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    // Keep reading: a closed pipe would fail the server's next line of output.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    (child, base)
}

/// Runs an operator's command (`gridline ARGS`) with `env` (which must name a data
/// folder) and `stdin` typed in; what it printed and how it ended.
pub fn run(env: &[(&str, &str)], args: &[&str], stdin: Option<&str>) -> std::process::Output {
    assert!(
        env.iter().any(|(k, _)| *k == "GRIDLINE_DATA_DIR"),
        "name a data folder: the default (./data) is in the source tree"
    );
    let mut command = gridline();
    command
        .args(args)
        .env_remove("GRIDLINE_DATABASE_URL")
        .env("GRIDLINE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

/// Like [`run`], for a command that must succeed: what it printed.
pub fn admin(env: &[(&str, &str)], args: &[&str], stdin: Option<&str>) -> String {
    let out = run(env, args, stdin);
    assert!(
        out.status.success(),
        "gridline {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
