//! The insolvency watch over HTTP on loopback: the registry simulator, `writ insolvency poll`,
//! lint and the re-check right before filing.

use chrono::{Duration, NaiveDate, Utc};
use writ::law::ids::{CaseNumber, RegistrationNumber, TaxNumber};
use writ::tracker::insolvency::{
    DebtorKind, NoticeAddress, ProceedingsType, SimConfig, SimDebtor, spawn,
};

use crate::support::*;

const H: &str = "claim_ref;creditor_kind;creditor_name;creditor_tax_number;creditor_street;creditor_house_number;creditor_post_code;creditor_city;creditor_iban;debtor_kind;debtor_first_name;debtor_name;debtor_tax_number;debtor_registration_number;debtor_emso;debtor_birth_date;debtor_street;debtor_house_number;debtor_post_code;debtor_city;document_number;due_date;amount";
const CREDITOR: &str =
    "pravna;Primer d.o.o.;12345679;Dunajska;1;1000;Ljubljana;SI56051008000123473";

fn today() -> NaiveDate {
    writ::cli::today()
}

fn debtor(kind: DebtorKind, name: &str, tax: &str) -> SimDebtor {
    let opened = today() - Duration::days(3);
    SimDebtor {
        kind,
        name: name.into(),
        tax_number: TaxNumber::parse(tax).unwrap(),
        registration_number: (kind != DebtorKind::Consumer)
            .then(|| RegistrationNumber::parse("4567897000").unwrap()),
        emso: None,
        birth_date: (kind == DebtorKind::Consumer)
            .then(|| NaiveDate::from_ymd_opt(1985, 3, 15).unwrap()),
        address: NoticeAddress {
            street: "Slovenska ulica 12".into(),
            post_code: "2000".into(),
            city: "Maribor".into(),
        },
        proceedings_type: if kind == DebtorKind::Consumer {
            ProceedingsType::PersonalBankruptcy
        } else {
            ProceedingsType::Bankruptcy
        },
        opening_date: opened,
        publication_date: opened,
        claim_deadline: None,
        court: "Okrožno sodišče v Mariboru".into(),
        case_number: CaseNumber::parse(&format!("St {}/2026", tax.len() * 7)).unwrap(),
        administrator: None,
    }
}

/// Starts the registry simulator on loopback; keep the runtime alive while it is used.
fn registry(config: SimConfig) -> (tokio::runtime::Runtime, String) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (addr, _h) = rt.block_on(spawn(config)).unwrap();
    (rt, format!("http://{addr}"))
}

fn batch(d: &std::path::Path) -> std::path::PathBuf {
    let f = d.join("batch.csv");
    std::fs::write(
        &f,
        format!(
            "{H}\nL1;{CREDITOR};pravna;;Gradnje Horvat d.o.o.;34567895;4567897000;;;Celovška;200;1000;Ljubljana;R-1;1.3.2026;100,00\nN1;{CREDITOR};fizicna;Janez;Novak;;;;15.03.1985;Slovenska ulica;12;2000;Maribor;R-2;1.3.2026;50,00\n"
        ),
    )
    .unwrap();
    f
}

#[test]
fn a_debtor_on_the_daily_list_between_lint_and_submit_is_not_filed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    ok(&run(d, &["import", batch(d).to_str().unwrap()]));
    let lint = ok(&run(d, &["lint"]));
    assert!(lint.contains("2 ready to file"), "{lint}");
    // Proceedings open against the legal-person debtor after lint.
    let mut config = SimConfig::new(1);
    config.published_through = Some(today());
    config.insolvent.push(debtor(
        DebtorKind::LegalPerson,
        "Gradnje Horvat d.o.o.",
        "34567895",
    ));
    let (_rt, url) = registry(config);
    let from = (today() - Duration::days(7)).to_string();
    run(d, &["insolvency", "poll", "--url", &url, "--from", &from]);
    let out = stdout(&run(d, &["file"]));
    assert!(out.contains("1 proposal(s) signed"), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("NOT FILED"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains("L180") && line.contains("ZFPPIPP 131"),
        "{line}"
    );
}

#[test]
fn a_skipped_daily_list_raises_an_alert() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cal = writ::law::Calendar::slovenia();
    let mut day = today() - Duration::days(2);
    while !cal.is_working_day(day).unwrap() {
        day -= Duration::days(1);
    }
    let mut config = SimConfig::new(2);
    config.published_through = Some(today());
    config.skipped_days.insert(day);
    let (_rt, url) = registry(config);
    let from = (today() - Duration::days(7)).to_string();
    let o = run(d, &["insolvency", "poll", "--url", &url, "--from", &from]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a missing list must fail the poll: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = stdout(&o);
    assert!(
        out.contains("ALERT") && out.contains(&day.format("%d.%m.%Y").to_string()),
        "{out}"
    );
    let alerts = ok(&run(d, &["alerts"]));
    assert!(
        alerts.contains(&day.format("%d.%m.%Y").to_string()),
        "{alerts}"
    );
}

#[test]
fn a_fuzzy_name_match_never_blocks_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    ok(&run(d, &["import", batch(d).to_str().unwrap()]));
    // A consumer's notice: name, address, birth date — no EMŠO, no tax number (ZFPPIPP 122).
    let mut config = SimConfig::new(3);
    config.published_through = Some(today());
    config
        .insolvent
        .push(debtor(DebtorKind::Consumer, "Janez Novak", "91234565"));
    let (_rt, url) = registry(config);
    let from = (today() - Duration::days(7)).to_string();
    run(d, &["insolvency", "poll", "--url", &url, "--from", &from]);
    let lint = ok(&run(d, &["lint"]));
    assert!(
        lint.contains("2 ready to file"),
        "a candidate must not block: {lint}"
    );
    let cand = lint
        .lines()
        .find(|l| l.contains("L181 warning"))
        .unwrap_or_else(|| panic!("{lint}"));
    let key = cand
        .split("writ insolvency confirm ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    ok(&run(d, &["insolvency", "confirm", "2", &key, "--yes"]));
    let lint = ok(&run(d, &["lint"]));
    assert!(
        lint.contains("1 ready to file") && lint.contains("L180 error"),
        "confirmed by a person, it blocks: {lint}"
    );
    let _ = Utc::now();
}
