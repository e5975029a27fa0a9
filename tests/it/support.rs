//! Shared helpers: run the binary, find the corpus and the external checkers.
#![allow(dead_code)] // helpers used by tests landing with later steps

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The writ binary built for these tests.
pub fn writ() -> Command {
    Command::new(env!("CARGO_BIN_EXE_writ"))
}

/// Runs writ with a data dir and arguments; returns the output.
pub fn run(data_dir: &Path, args: &[&str]) -> Output {
    let mut c = writ();
    c.arg("--data-dir").arg(data_dir).args(args);
    c.env_remove("WRIT__DATABASE__URL");
    c.output().expect("run writ")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn required() -> bool {
    std::env::var("WRIT_REQUIRE_CORPUS").is_ok_and(|v| v == "1")
}

/// The public corpus, or None (with a printed notice) when absent and not required.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var("WRIT_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("../shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else if required() {
        panic!(
            "WRIT_REQUIRE_CORPUS=1 but the corpus is not at {}",
            dir.display()
        );
    } else {
        eprintln!("NOTICE: corpus not found at {}; skipping", dir.display());
        None
    }
}

/// True when an external tool is on PATH; prints a notice (or panics when required) if not.
pub fn have_tool(name: &str) -> bool {
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if required() {
            panic!("WRIT_REQUIRE_CORPUS=1 but {name} is not installed");
        }
        eprintln!("NOTICE: {name} not installed; skipping its checks");
    }
    ok
}
