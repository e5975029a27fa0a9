//! The main job as a clerk runs it: import → lint → file, the demo, and the crash test.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::*;

#[test]
fn a_bad_row_of_each_kind_is_reported_and_the_good_ones_are_filed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fx = root().join("fixtures/bad-rows");
    ok(&run(d, &["init"]));
    let out = partly(&run(
        d,
        &[
            "import",
            fx.join("batch.csv").to_str().unwrap(),
            fx.join("unknown-column.csv").to_str().unwrap(),
            fx.join("windows-1250.csv").to_str().unwrap(),
        ],
    ));
    assert!(
        out.contains("9 claim(s) imported from 9 row(s); 2 rejected"),
        "{out}"
    );
    assert!(
        out.contains("unknown-column.csv whole file: debtor_fax"),
        "{out}"
    );
    assert!(
        out.contains("windows-1250.csv whole file: (file): the file is not UTF-8"),
        "{out}"
    );

    let lint = ok(&run(d, &["lint", "--today", "2026-12-03"]));
    assert!(
        lint.contains("9 claim(s) checked, 3 ready to file, 6 blocked"),
        "{lint}"
    );
    for (needle, what) in [
        ("L102 error debtor.emso", "bad EMŠO"),
        ("L101 error debtor.tax_number", "bad tax number"),
        ("L105 error creditor.iban", "bad IBAN"),
        ("L130 error documents[1].due_date", "missing due date"),
        ("L150 error documents[1].amount", "zero amount"),
        ("L170 error documents[1].number", "duplicate invoice"),
    ] {
        assert!(
            lint.contains(needle),
            "lint must report the {what}:\n{lint}"
        );
    }

    let filed = ok(&run(d, &["file"]));
    assert!(filed.contains("3 proposal(s) signed and filed"), "{filed}");
    assert_eq!(proposal_files(&d.join("outbox")).len(), 3);

    // Running the same batch again files nothing new.
    ok(&run(d, &["import", fx.join("batch.csv").to_str().unwrap()]));
    let lint2 = ok(&run(d, &["lint", "--today", "2026-12-03"]));
    assert!(
        lint2.contains("L172 error claim"),
        "already-filed claims must be named:\n{lint2}"
    );
    let filed2 = ok(&run(d, &["file"]));
    assert!(
        filed2.contains("0 proposal(s) signed and filed"),
        "{filed2}"
    );
    assert_eq!(proposal_files(&d.join("outbox")).len(), 3);
}

fn check_outbox(d: &Path) {
    let files = proposal_files(&d.join("outbox"));
    assert!(
        files.len() >= 7,
        "expected the sample's good claims in the outbox, got {}",
        files.len()
    );
    let xsd = root().join("xsd/izvrsba-1.1.xsd");
    let ca = d.join("certs/demo-ca.pem");
    if have_tool("xmllint") {
        for f in &files {
            xmllint_valid(&xsd, f)
                .unwrap_or_else(|e| panic!("{} is not schema-valid: {e}", f.display()));
        }
    }
    if have_tool("xmlsec1") {
        for f in &files {
            xmlsec1_verify(&ca, f)
                .unwrap_or_else(|e| panic!("{} does not verify: {e}", f.display()));
        }
        for pkg in std::fs::read_dir(d.join("outbox")).unwrap().flatten() {
            xmlsec1_verify(&ca, &pkg.path().join("package.xml")).unwrap();
        }
    }
    // The manifest lists every file with its SHA-256.
    check_manifests(&d.join("outbox"));
}

#[test]
fn demo_leaves_schema_valid_signed_proposals_in_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&run(dir.path(), &["demo"]));
    assert!(out.contains("5. summary"), "{out}");
    assert!(out.contains("blocked"), "{out}");
    let kovinar = out
        .lines()
        .find(|l| l.contains("Kovinar Kranj d.o.o.") && l.contains("blocked"))
        .unwrap_or_else(|| {
            panic!("the debtor on the simulated daily list must be blocked:\n{out}")
        });
    assert!(kovinar.contains("L180"), "{kovinar}");
    // The tracker part: filed to the in-process court, tracked for some weeks, a case table.
    assert!(out.contains("9. cases") && out.contains("VL 1/"), "{out}");
    for state in ["executing", "litigation", "rejected", "withdrawn"] {
        assert!(out.contains(state), "{state}: {out}");
    }
    check_outbox(dir.path());
    // A second demo on the same database is refused, --reset starts again.
    let again = run(dir.path(), &["demo"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--reset"));
    ok(&run(dir.path(), &["demo", "--reset"]));
    check_outbox(dir.path());
}

#[test]
fn demo_runs_on_postgresql() {
    let Ok(base) = std::env::var("WRIT_TEST_DATABASE_URL") else {
        eprintln!("NOTICE: WRIT_TEST_DATABASE_URL not set; PostgreSQL demo skipped");
        return;
    };
    let url = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(writ::store::testing::create_pg_database(&base));
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&run_db(dir.path(), &url, &["demo"]));
    assert!(out.contains("PostgreSQL database"), "{out}");
    check_outbox(dir.path());
}

#[test]
fn killed_while_filing_then_rerun_files_every_claim_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let n = 240;
    let batch = d.join("big.csv");
    std::fs::write(&batch, writ::cli::bench::generate_batch(n)).unwrap();
    ok(&run(d, &["init"]));
    ok(&run(d, &["import", batch.to_str().unwrap()]));
    let lint = ok(&run(d, &["lint", "--today", "2026-12-03"]));
    assert!(lint.contains(&format!("{n} ready to file")), "{lint}");

    // Kill `writ file` at several moments; each rerun must continue where the last stopped.
    for delay_ms in [150u64, 400, 900] {
        let mut child = writ()
            .arg("--data-dir")
            .arg(d)
            .args(["file", "--package-size", "20"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(delay_ms) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    ok(&run(d, &["file", "--package-size", "20"]));
    ok(&run(d, &["file", "--package-size", "20"]));

    let files = proposal_files(&d.join("outbox"));
    assert_eq!(files.len(), n, "every claim exactly once in the outbox");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = writ::store::Db::connect(&writ::store::Db::sqlite_url_for(d))
            .await
            .unwrap();
        let (total, distinct) = writ::store::packages::proposal_count(&db).await.unwrap();
        assert_eq!((total, distinct), (n as i64, n as i64));
        assert!(
            writ::store::packages::unwritten(&db)
                .await
                .unwrap()
                .is_empty()
        );
        writ::store::events::verify_chain(&db).await.unwrap();
    });
    check_manifests(&d.join("outbox"));
}

/// Every package folder's manifest verifies with `sha256sum -c`.
fn check_manifests(outbox: &Path) {
    for pkg in std::fs::read_dir(outbox).unwrap().flatten() {
        let o = std::process::Command::new("sha256sum")
            .arg("-c")
            .arg("MANIFEST.sha256")
            .current_dir(pkg.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    }
}
