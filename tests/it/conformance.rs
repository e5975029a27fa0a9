//! Conformance with the public corpus (../shared/corpus, or $WRIT_CORPUS_DIR): the court's own
//! e-enforcement sample and the e-invoice samples.

use rust_decimal::Decimal;
use std::str::FromStr;

use crate::support::*;

#[test]
fn court_sample_validates_against_our_schema() {
    let Some(corpus) = corpus() else { return };
    if !have_tool("xmllint") {
        return;
    }
    let sample = corpus.join("court/court-eizvrsba.xml");
    xmllint_valid(&root().join("xsd/izvrsba-1.1.xsd"), &sample).unwrap();
}

#[test]
fn court_sample_act_568_imports_as_one_claim_and_lint_names_every_bad_identifier() {
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sample = corpus.join("court/court-eizvrsba.xml");
    let out = ok(&run(d, &["import", sample.to_str().unwrap()]));
    assert!(out.contains("1 claim(s) imported"), "{out}");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let claims = rt.block_on(async {
        let db = writ::store::Db::connect(&writ::store::Db::sqlite_url_for(d))
            .await
            .unwrap();
        writ::store::claims::list(&db, None).await.unwrap()
    });
    assert_eq!(claims.len(), 1);
    let c = &claims[0].claim;
    assert_eq!(c.creditor.party.name, "KAO storitveno podjetje d.o.o.");
    assert_eq!(c.debtor.party.name, "AVTOMOBILI in KARJOLE, d.o.o.");
    let docs: Vec<(String, Decimal, String, String)> = c
        .documents
        .iter()
        .map(|x| {
            let from = match &x.interest {
                writ::filing::model::InterestClaim::Statutory { from, .. } => {
                    from.map(|f| f.to_string()).unwrap_or_default()
                }
                other => panic!("expected statutory interest, got {other:?}"),
            };
            (
                x.number.clone(),
                x.amount,
                x.due_date.unwrap().to_string(),
                from,
            )
        })
        .collect();
    let dec = |s: &str| Decimal::from_str(s).unwrap();
    assert_eq!(
        docs,
        vec![
            (
                "2600718".into(),
                dec("219.60"),
                "2016-04-28".into(),
                "2016-04-29".into()
            ),
            (
                "2601390".into(),
                dec("486.02"),
                "2016-08-05".into(),
                "2016-08-06".into()
            ),
            (
                "1602127".into(),
                dec("524.44"),
                "2016-07-12".into(),
                "2016-07-13".into()
            ),
        ]
    );
    assert_eq!(c.costs.len(), 1);
    assert_eq!(c.costs[0].amount, dec("50.00"));

    let lint = ok(&run(d, &["lint", "--today", "2026-12-03"]));
    for (field, value) in [
        ("debtor.tax_number", "80223423"),
        ("debtor.registration_number", "6207428067"),
        ("creditor.tax_number", "619234287"),
        ("creditor.registration_number", "530674234230"),
        ("bailiff.emso", "4512330334"),
        ("bailiff.tax_number", "124527653"),
        ("creditor.iban", "SI56022222222222222"),
        ("debtor.bank_accounts[1]", "SI56022222222222222"),
    ] {
        let line = lint
            .lines()
            .find(|l| l.contains(&format!(" {field}:")))
            .unwrap_or_else(|| panic!("lint must name {field} ({value}):\n{lint}"));
        assert!(line.contains("error"), "{line}");
    }
    let json = ok(&run(d, &["--json", "lint", "--today", "2026-12-03"]));
    for value in [
        "80223423",
        "6207428067",
        "619234287",
        "530674234230",
        "4512330334",
        "124527653",
        "SI56022222222222222",
    ] {
        assert!(
            json.contains(&format!("\"value\": \"{value}\"")) || json.contains(value),
            "lint JSON must carry {value}"
        );
    }
}

#[test]
fn every_einvoice_in_the_corpus_is_imported_or_rejected_with_a_reason() {
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<_> = std::fs::read_dir(corpus.join("einvoice"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    let args: Vec<String> = std::iter::once("import".to_string())
        .chain(files.iter().map(|f| f.display().to_string()))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = partly(&run(dir.path(), &args));
    let imported = 1;
    assert!(
        out.contains(&format!(
            "{imported} claim(s) imported from 1 row(s); {} rejected",
            files.len() - imported
        )),
        "{out}"
    );
    for f in &files {
        let name = f.display().to_string();
        if name.contains("eslog2reader_sample") {
            assert!(!out.contains(&format!("REJECTED {name}")), "{out}");
        } else {
            let line = out
                .lines()
                .find(|l| l.contains(&format!("REJECTED {name}")))
                .unwrap_or_else(|| panic!("{name} must be imported or rejected:\n{out}"));
            assert!(
                line.len() > name.len() + 30,
                "the rejection must say why: {line}"
            );
        }
    }
}
