//! `writ interest` and `writ rates` as staff run them.

use crate::support::*;

#[test]
fn interest_splits_at_1_july_and_totals_6_77() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&run(
        dir.path(),
        &[
            "interest",
            "1000.00",
            "--from",
            "2024-06-21",
            "--to",
            "2024-07-10",
        ],
    ));
    assert!(
        out.contains("21.06.2024 – 30.06.2024   12.50    10   366       3.42"),
        "{out}"
    );
    assert!(
        out.contains("01.07.2024 – 10.07.2024   12.25    10   366       3.35"),
        "{out}"
    );
    assert!(
        out.lines().last().unwrap().trim_end().ends_with("6.77"),
        "{out}"
    );
    assert!(
        out.contains("day count:"),
        "the convention must be shown: {out}"
    );
    let once = ok(&run(
        dir.path(),
        &[
            "interest",
            "1000,00",
            "--from",
            "2024-06-21",
            "--to",
            "2024-07-10",
            "--convention",
            "a1",
        ],
    ));
    assert!(
        once.lines().last().unwrap().trim_end().ends_with("6.76"),
        "{once}"
    );
}

#[test]
fn a_half_year_without_a_rate_is_an_error_until_staff_enter_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = run(
        d,
        &[
            "interest",
            "500",
            "--from",
            "2026-12-01",
            "--to",
            "2027-01-31",
        ],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("2027 H1"),
        "the error must name the missing half-year: {err}"
    );
    ok(&run(
        d,
        &[
            "rates",
            "add",
            "2027-01-01",
            "9,90",
            "--source",
            "Uradni list RS 1/2027",
        ],
    ));
    let out = ok(&run(
        d,
        &[
            "interest",
            "500",
            "--from",
            "2026-12-01",
            "--to",
            "2027-01-31",
        ],
    ));
    assert!(out.contains("Uradni list RS 1/2027"), "{out}");
    let list = ok(&run(d, &["rates", "list"]));
    assert!(list.contains("2027 H1") && list.contains("9.90"), "{list}");
    // The derived 2026 H2 row is replaced only on purpose.
    let dup = run(
        d,
        &[
            "rates",
            "add",
            "2026-07-01",
            "10,40",
            "--source",
            "Uradni list RS 70/2026",
        ],
    );
    assert!(!dup.status.success());
    ok(&run(
        d,
        &[
            "rates",
            "add",
            "2026-07-01",
            "10,40",
            "--source",
            "Uradni list RS 70/2026",
            "--replace",
        ],
    ));
    let list = ok(&run(d, &["rates", "list"]));
    assert!(list.contains("Uradni list RS 70/2026"), "{list}");
    // Not on a half-year boundary.
    assert!(
        !run(d, &["rates", "add", "2027-03-01", "9", "--source", "x"])
            .status
            .success()
    );
}
