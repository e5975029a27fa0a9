//! `writ import` as a clerk runs it.

use crate::support::{partly, root, run};

#[test]
fn sample_batch_imports_and_reports_the_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("fixtures/sample-batch.csv");
    let text = partly(&run(dir.path(), &["import", sample.to_str().unwrap()]));
    assert!(
        text.contains("11 claim(s) imported from 15 row(s); 1 rejected"),
        "{text}"
    );
    assert!(text.contains("amount = '12,5O'"), "{text}");
}
