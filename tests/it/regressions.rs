//! The failing inputs of the first fresh-eyes review, kept as tests.

use crate::support::*;

const H: &str = "claim_ref;creditor_kind;creditor_name;creditor_tax_number;creditor_registration_number;creditor_street;creditor_house_number;creditor_post_code;creditor_city;creditor_iban;debtor_kind;debtor_first_name;debtor_name;debtor_emso;debtor_street;debtor_house_number;debtor_post_code;debtor_city;document_number;due_date;amount";

fn row(reference: &str, creditor_tax: &str, doc: &str, amount: &str) -> String {
    format!(
        "{reference};pravna;Primer d.o.o.;{creditor_tax};2345676000;Dunajska;1;1000;Ljubljana;SI56051008000123473;fizicna;Janez;Novak;1503985500121;Slovenska;12;2000;Maribor;{doc};1.3.2026;{amount}"
    )
}

fn import(d: &std::path::Path, name: &str, rows: &[String]) -> String {
    let f = d.join(name);
    std::fs::write(&f, format!("{H}\n{}\n", rows.join("\n"))).unwrap();
    stdout(&run(d, &["import", f.to_str().unwrap()]))
}

#[test]
fn a_creditor_identified_differently_in_a_second_export_cannot_file_twice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    import(d, "a.csv", &[row("A1", "12345679", "R-1", "100,50")]);
    ok(&run(d, &["lint", "--today", "2026-12-03"]));
    assert!(ok(&run(d, &["file"])).contains("1 proposal(s)"));
    // The same invoice, exported without the creditor's tax number.
    import(d, "b.csv", &[row("A1", "", "R-1", "100,50")]);
    let lint = ok(&run(d, &["lint", "--today", "2026-12-03"]));
    assert!(lint.contains("L173 error documents[1].number"), "{lint}");
    assert!(ok(&run(d, &["file"])).contains("0 proposal(s)"));
}

#[test]
fn ambiguous_thousands_and_duplicated_rows_never_reach_a_proposal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = import(
        d,
        "a.csv",
        &[
            row("T1", "12345679", "T-1", "1.000"),
            row("D1", "12345679", "D-1", "12,00"),
            row("D1", "12345679", "D-1", "12,00"),
        ],
    );
    assert!(
        out.contains("amount = '1.000'") && out.contains("ambiguous"),
        "{out}"
    );
    let lint = ok(&run(d, &["lint", "--today", "2026-12-03"]));
    assert!(
        lint.contains("L170 error documents[2].number")
            && lint.contains("appears twice in this claim"),
        "{lint}"
    );
}

#[test]
fn a_corrected_claim_imported_again_replaces_the_blocked_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    import(d, "a.csv", &[row("C1", "12345679", "C-1", "10,5555")]);
    let lint = ok(&run(d, &["lint", "--today", "2026-12-03"]));
    assert!(lint.contains("L151"), "{lint}");
    let out = import(d, "b.csv", &[row("C1", "12345679", "C-1", "10,56")]);
    assert!(
        out.contains("claim 1 (not yet filed) is replaced by claim 2"),
        "{out}"
    );
    let lint = ok(&run(d, &["lint", "--today", "2026-12-03"]));
    assert!(lint.contains("1 claim(s) checked, 1 ready"), "{lint}");
    assert!(ok(&run(d, &["file"])).contains("1 proposal(s)"));
}

#[test]
fn two_digit_years_and_negative_rates_are_refused_at_import() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = d.join("a.csv");
    std::fs::write(
        &f,
        format!(
            "{H};interest\n{};contractual:-5\n{}\n",
            row("Y1", "12345679", "Y-1", "5,00"),
            row("Y2", "12345679", "Y-2", "5,00").replace("1.3.2026", "1.3.26") + ";"
        ),
    )
    .unwrap();
    let out = stdout(&run(d, &["import", f.to_str().unwrap()]));
    assert!(out.contains("0 claim(s) imported"), "{out}");
    assert!(out.contains("interest = 'contractual:-5'"), "{out}");
    assert!(out.contains("due_date = '1.3.26'"), "{out}");
}
