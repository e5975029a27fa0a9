//! Shared helpers: run the binary, find the corpus and the external checkers.

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

/// Runs writ with a data dir, a database URL and arguments.
pub fn run_db(data_dir: &Path, url: &str, args: &[&str]) -> Output {
    let mut c = writ();
    c.arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(url)
        .args(args);
    c.output().expect("run writ")
}

/// Asserts success, printing stdout and stderr otherwise.
pub fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "writ failed ({:?})\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(o)
}

/// Every proposal file under an outbox.
pub fn proposal_files(outbox: &Path) -> Vec<PathBuf> {
    let mut v = vec![];
    for pkg in std::fs::read_dir(outbox).expect("outbox").flatten() {
        let dir = pkg.path().join("proposals");
        if let Ok(rd) = std::fs::read_dir(&dir) {
            for f in rd.flatten() {
                if f.path().extension().is_some_and(|e| e == "xml") {
                    v.push(f.path());
                }
            }
        }
    }
    v.sort();
    v
}

/// `xmllint --nonet --schema` verdict for a file.
pub fn xmllint_valid(xsd: &Path, file: &Path) -> Result<(), String> {
    let o = Command::new("xmllint")
        .args(["--nonet", "--noout", "--schema"])
        .arg(xsd)
        .arg(file)
        .output()
        .expect("run xmllint");
    if o.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).into_owned())
    }
}

/// `xmlsec1 --verify` verdict for a file signed by writ.
pub fn xmlsec1_verify(ca: &Path, file: &Path) -> Result<(), String> {
    let o = Command::new("xmlsec1")
        .arg("--verify")
        .arg("--trusted-pem")
        .arg(ca)
        .args([
            "--id-attr:Id",
            "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
        ])
        .arg(file)
        .output()
        .expect("run xmlsec1");
    if o.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).into_owned())
    }
}

/// Output of an import that rejected something: exit status 1 (not 2, an error), stdout back.
pub fn partly(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(1),
        "an import with rejections exits 1\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    stdout(o)
}
