//! The insolvency watch over HTTP on loopback: the registry simulator, `writ insolvency poll`
//! and `query`, lint and the re-check right before filing, and notices moving cases filed to
//! the court simulator.

use chrono::{Duration, NaiveDate, Utc};
use writ::law::ids::{CaseNumber, Emso, RegistrationNumber, TaxNumber};
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
    // The check names the claim's own debtor next to the notice's.
    let check = ok(&run(d, &["insolvency", "check"]));
    assert!(
        check.contains(&format!("claim 2 (Janez Novak): L181 warning {key}")),
        "{check}"
    );
    // A mistyped key, or another claim's candidate, is refused: nothing is recorded.
    for (claim, bad) in [("2", "notice:NOPE"), ("1", key.as_str())] {
        let o = run(d, &["insolvency", "confirm", claim, bad, "--yes"]);
        assert_eq!(o.status.code(), Some(2), "{o:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("claim {claim} has no insolvency candidate")),
            "{err}"
        );
    }
    assert!(ok(&run(d, &["lint"])).contains("2 ready to file"));
    // A mistaken answer can be corrected: the latest decision counts.
    ok(&run(d, &["insolvency", "confirm", "2", &key, "--no"]));
    let confirmed = ok(&run(d, &["insolvency", "confirm", "2", &key, "--yes"]));
    assert!(confirmed.contains("filing is blocked"), "{confirmed}");
    assert!(
        confirmed.contains("this replaces the decision of"),
        "{confirmed}"
    );
    let lint = ok(&run(d, &["lint"]));
    assert!(
        lint.contains("1 ready to file") && lint.contains("L180 error"),
        "confirmed by a person, it blocks: {lint}"
    );
    let _ = Utc::now();
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A legal person in proceedings on fixed dates (so the deadlines are fixed too).
fn opened(
    name: &str,
    tax: &str,
    kind: ProceedingsType,
    opening: NaiveDate,
    publication: NaiveDate,
    case: &str,
) -> SimDebtor {
    SimDebtor {
        kind: DebtorKind::LegalPerson,
        name: name.into(),
        tax_number: TaxNumber::parse(tax).unwrap(),
        registration_number: None,
        emso: None,
        birth_date: None,
        address: NoticeAddress {
            street: "Celovška 200".into(),
            post_code: "1000".into(),
            city: "Ljubljana".into(),
        },
        proceedings_type: kind,
        opening_date: opening,
        publication_date: publication,
        claim_deadline: None,
        court: "Okrožno sodišče v Ljubljani".into(),
        case_number: CaseNumber::parse(case).unwrap(),
        administrator: Some("Mojca Upraviteljica".into()),
    }
}

/// The court simulator on loopback, trusting the data dir's demo CA and keeping its keys in
/// DATA_DIR/court-sim (where `writ file` finds the court's CA). No rejections, no objections.
fn court(rt: &tokio::runtime::Runtime, d: &std::path::Path) -> writ::court::sim::SimHandle {
    use writ::court::sim::{self, Schedule};
    let pem = std::fs::read(d.join("certs/demo-ca.pem")).unwrap();
    let mut config = sim::SimConfig::new(openssl::x509::X509::stack_from_pem(&pem).unwrap());
    config.seed = 5;
    config.data_dir = Some(d.join("court-sim"));
    config.schedule = Schedule {
        speed_days_per_minute: 0,
        reject_pct: 0,
        objection_pct: 0,
    };
    rt.block_on(sim::spawn(config)).unwrap().1
}

/// `writ cases show ID` for the case of the claim with `claim_ref`.
fn case_of(d: &std::path::Path, claim_ref: &str) -> (i64, String) {
    let list: serde_json::Value =
        serde_json::from_str(&ok(&run(d, &["--json", "cases", "list"]))).unwrap();
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["claim_ref"] == claim_ref)
        .unwrap_or_else(|| panic!("no case for {claim_ref}: {list}"))["id"]
        .as_i64()
        .unwrap();
    (id, ok(&run(d, &["cases", "show", &id.to_string()])))
}

#[test]
fn a_notice_polled_over_http_stays_or_stops_a_filed_case_with_its_claim_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    let f = d.join("batch.csv");
    std::fs::write(
        &f,
        format!(
            "{H}\nPP1;{CREDITOR};pravna;;Gradnje Horvat d.o.o.;34567895;4567897000;;;Celovška;200;1000;Ljubljana;R-1;1.3.2026;100,00\nST1;{CREDITOR};pravna;;Zdravo d.o.o.;50223054;;;;Tržaška;5;1000;Ljubljana;R-2;1.3.2026;250,00\n"
        ),
    )
    .unwrap();
    ok(&run(d, &["import", f.to_str().unwrap()]));
    let lint = ok(&run(d, &["lint"]));
    assert!(lint.contains("2 ready to file"), "{lint}");

    // Filed to the court over HTTP: each accepted item is a case, submitted.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sim = court(&rt, d);
    let out = ok(&run(
        d,
        &["file", "--connector", "exchange", "--court-url", &sim.url()],
    ));
    assert!(out.contains("0 rejected"), "{out}");
    let (_, before) = case_of(d, "PP1");
    assert!(before.contains("— submitted"), "{before}");

    // Then the registry publishes: compulsory settlement against PP1's debtor opened Friday
    // 27.11.2026, published Monday 30.11.2026; bankruptcy against ST1's debtor opened
    // Thursday 26.11.2026, published Friday 27.11.2026.
    let mut config = SimConfig::new(6);
    config.published_through = Some(ymd(2026, 11, 30));
    config.insolvent.push(opened(
        "Gradnje Horvat d.o.o.",
        "34567895",
        ProceedingsType::CompulsorySettlement,
        ymd(2026, 11, 27),
        ymd(2026, 11, 30),
        "St 77/2026",
    ));
    config.insolvent.push(opened(
        "Zdravo d.o.o.",
        "50223054",
        ProceedingsType::Bankruptcy,
        ymd(2026, 11, 26),
        ymd(2026, 11, 27),
        "St 78/2026",
    ));
    let notices: Vec<_> = config.insolvent.iter().map(SimDebtor::notice).collect();
    let (_reg_rt, url) = registry(config);
    let poll = ok(&run(
        d,
        &[
            "insolvency",
            "poll",
            "--url",
            &url,
            "--from",
            "2026-11-26",
            "--to",
            "2026-11-30",
        ],
    ));
    assert!(
        poll.contains(&format!(
            "3 new daily list(s), 2 new notice(s) from {url} (26.11.2026 – 30.11.2026)"
        )),
        "{poll}"
    );

    // ZFPPIPP 59 from the publication, ZPP 111: one month from 30.11.2026 is Wednesday
    // 30.12.2026; three months from 27.11.2026 is Saturday 27.02.2027, moved to Monday
    // 01.03.2027. (From the opening dates they would be 28.12.2026 and 26.02.2027.)
    let cal = writ::law::Calendar::slovenia();
    let expected = [
        (
            "PP1",
            &notices[0],
            ymd(2026, 12, 30),
            "stayed (was submitted)",
        ),
        ("ST1", &notices[1], ymd(2027, 3, 1), "stopped"),
    ];
    for (claim_ref, notice, due, state) in expected {
        assert_eq!(
            writ::tracker::insolvency::claim_deadline(notice, &cal)
                .unwrap()
                .file_by,
            due,
            "the notice's own claim deadline agrees"
        );
        let (id, show) = case_of(d, claim_ref);
        assert!(
            poll.contains(&format!(
                "  case {id}: submitted -> {state} (notice {}); file the claim by {}",
                notice.notice_id,
                due.format("%d.%m.%Y")
            )),
            "{claim_ref}: {poll}"
        );
        let head = show.lines().next().unwrap();
        assert!(head.ends_with(&format!("— {state}")), "{show}");
        let moved = show
            .lines()
            .find(|l| l.contains(&format!("submitted -> {state}")))
            .unwrap_or_else(|| panic!("{show}"));
        assert!(
            moved.ends_with(&format!("(insolvency_notice {})", notice.notice_id)),
            "the notice is the source: {moved}"
        );
        let deadlines: Vec<&str> = show
            .lines()
            .skip_while(|l| *l != "open deadlines:")
            .skip(1)
            .collect();
        let (rule, what) = if state == "stopped" {
            (
                "InsolvencyClaimBankruptcy",
                "file the claim in the bankruptcy; a late claim is extinguished (ZFPPIPP 296(5))",
            )
        } else {
            (
                "InsolvencyClaimCompulsorySettlement",
                "file the claim in the compulsory settlement",
            )
        };
        assert_eq!(
            deadlines,
            [
                format!("  {due} {rule} (creditor): {what} [ZFPPIPP 59; counted under ZPP 111]")
                    .as_str()
            ],
            "{show}"
        );
    }
    // The paralegal's filter: "stayed" finds every stay; an unknown state is an error.
    let stayed = ok(&run(d, &["cases", "list", "--state", "Stayed"]));
    assert!(stayed.contains("stayed (was submitted)"), "{stayed}");
    assert!(!stayed.contains("stopped"), "{stayed}");
    let o = run(d, &["cases", "list", "--state", "bogus"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a case state; one of:"));

    // Polled again: nothing new, nothing moves twice.
    let again = ok(&run(
        d,
        &[
            "insolvency",
            "poll",
            "--url",
            &url,
            "--from",
            "2026-11-26",
            "--to",
            "2026-11-30",
        ],
    ));
    assert!(
        again.contains("0 new daily list(s), 0 new notice(s)"),
        "{again}"
    );
    assert!(!again.contains("  case "), "{again}");
    drop(sim);
}

/// A natural-person debtor with an EMŠO (born 15.03.1985, as the batch says).
fn emso() -> Emso {
    Emso::complete("150398550000").unwrap()
}

fn emso_batch(d: &std::path::Path) -> std::path::PathBuf {
    let f = d.join("batch-emso.csv");
    std::fs::write(
        &f,
        format!(
            "{H}\nL1;{CREDITOR};pravna;;Gradnje Horvat d.o.o.;34567895;4567897000;;;Celovška;200;1000;Ljubljana;R-1;1.3.2026;100,00\nN1;{CREDITOR};fizicna;Janez;Novak;;;{};15.03.1985;Slovenska ulica;12;2000;Maribor;R-2;1.3.2026;50,00\n",
            emso()
        ),
    )
    .unwrap();
    f
}

fn query_sim(insolvent: bool) -> SimConfig {
    let mut config = SimConfig::new(9);
    config.published_through = Some(today());
    if insolvent {
        let mut p = debtor(DebtorKind::Consumer, "Janez Novak", "91234565");
        p.emso = Some(emso());
        config.insolvent.push(p);
    }
    config
}

#[test]
fn a_yes_from_the_query_service_blocks_lint_and_signing_and_a_later_no_lifts_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    ok(&run(d, &["import", emso_batch(d).to_str().unwrap()]));
    let lint = ok(&run(d, &["lint"]));
    assert!(lint.contains("2 ready to file"), "{lint}");
    let e = emso().to_string();
    let on = today();

    // A mistyped EMŠO is refused before anything is asked.
    let mut bad = e.clone();
    bad.replace_range(12..13, if e.ends_with('1') { "2" } else { "1" });
    let o = run(
        d,
        &[
            "insolvency",
            "query",
            "--url",
            "http://127.0.0.1:9",
            "--emso",
            &bad,
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("--emso \"{bad}\" is not a valid EMŠO")),
        "{err}"
    );

    // Yes: stored; lint and the re-check before signing refuse the claim against that EMŠO.
    let (_rt_yes, yes_url) = registry(query_sim(true));
    let out = ok(&run(
        d,
        &["insolvency", "query", "--url", &yes_url, "--emso", &e],
    ));
    assert_eq!(
        out.lines().next().unwrap(),
        format!("EMŠO {e}: insolvency proceedings are pending (CIF query service, {on})")
    );
    assert!(
        out.contains("  claim 2 (Janez Novak): filing blocked (L180, ZFPPIPP 131)"),
        "{out}"
    );
    let message = format!(
        "Insolvency proceedings are pending against EMŠO {e} (CIF query answer of {}; the query service gives no case number or court, ZFPPIPP 122(3)); ZFPPIPP 131 forbids a new enforcement order.",
        on.format("%d.%m.%Y")
    );
    // Claim 2 was ready from the lint before the answer: the re-check before signing stops it.
    let o = run(d, &["file"]);
    assert_eq!(o.status.code(), Some(1), "a claim not filed fails the run");
    let filed = stdout(&o);
    assert!(filed.contains("1 proposal(s) signed"), "{filed}");
    assert!(
        filed.contains(&format!("  NOT FILED claim 2: L180 {message}")),
        "{filed}"
    );
    let lint = ok(&run(d, &["lint"]));
    assert!(lint.contains("0 ready to file, 1 blocked"), "{lint}");
    assert!(
        lint.contains(&format!("    L180 error debtor: {message}")),
        "{lint}"
    );

    // A later no (asked for the claim) supersedes the yes: the claim files.
    let (_rt_no, no_url) = registry(query_sim(false));
    let out = ok(&run(
        d,
        &[
            "insolvency",
            "query",
            "--url",
            &no_url,
            "--emso",
            &e,
            "--claim",
            "2",
        ],
    ));
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            format!("EMŠO {e}: no insolvency proceedings (CIF query service, {on})").as_str(),
            format!(
                "  this answer replaces the one of {on} (proceedings pending): the latest answer counts"
            )
            .as_str(),
            "  claim 2 (Janez Novak): this answer blocks nothing; a daily list or notice may still block it (writ insolvency check)",
        ]
    );
    let lint = ok(&run(d, &["lint"]));
    assert!(lint.contains("1 ready to file, 0 blocked"), "{lint}");
    assert!(!lint.contains("L180"), "{lint}");
    let filed = ok(&run(d, &["file"]));
    assert!(filed.contains("1 proposal(s) signed"), "{filed}");

    // Both answers are on record, each with its event.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = writ::store::Db::connect(&writ::store::Db::sqlite_url_for(d))
            .await
            .unwrap();
        let id = writ::tracker::insolvency::QueryId::Emso(emso());
        let history = writ::store::insolvency::query_history(&db, &id)
            .await
            .unwrap();
        assert_eq!(
            history
                .iter()
                .map(|q| (q.record.answer.code(), q.claim_id))
                .collect::<Vec<_>>(),
            [("in_proceedings", None), ("not_in_proceedings", Some(2))]
        );
        let writ::store::Db::Sqlite(pool) = &db else {
            panic!("sqlite")
        };
        let events: i64 = sqlx::query_scalar(
            "select count(*) from events where entity = 'insolvency_query' and action = 'answered'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        assert_eq!(events, 2);
        assert!(writ::store::events::verify_chain(&db).await.unwrap() >= 2);
    });
}

/// `writ registry-sim` as a user starts it: a debtor file, a skipped day; `writ insolvency
/// query` and `poll` against it over HTTP.
#[test]
fn the_registry_simulator_serves_a_debtor_file_to_query_and_poll() {
    use std::io::{BufRead, BufReader};
    let d = tempfile::tempdir().unwrap();
    let debtors = d.path().join("debtors.csv");
    std::fs::write(
        &debtors,
        "kind;name;tax_number;emso;birth_date;street;post_code;city;proceedings_type;opening_date;publication_date;court;case_number\n\
         consumer;Janez Novak;10000011;0101970500198;01.01.1970;Slovenska cesta 1;1000;Ljubljana;osebni stecaj;2026-11-19;2026-11-20;Okrajno sodišče v Ljubljani;St 5/2026\n",
    )
    .unwrap();
    let mut child = writ()
        .args(["registry-sim", "--listen", "127.0.0.1:0", "--debtors"])
        .arg(&debtors)
        .args(["--skip", "23.11.2026", "--published-through", "2026-11-24"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    let data = d.path().join("data");
    ok(&run(&data, &["init"]));
    let yes = ok(&run(
        &data,
        &[
            "insolvency",
            "query",
            "--url",
            &url,
            "--emso",
            "0101970500198",
        ],
    ));
    assert!(yes.contains("insolvency proceedings are pending"), "{yes}");
    let no = ok(&run(
        &data,
        &["insolvency", "query", "--url", &url, "--tax", "89123450"],
    ));
    assert!(no.contains("no insolvency proceedings"), "{no}");
    // The list of Monday 23 November is skipped: an alert; the notice of the 20th arrives.
    let polled = run(
        &data,
        &[
            "insolvency",
            "poll",
            "--url",
            &url,
            "--from",
            "2026-11-19",
            "--to",
            "2026-11-24",
        ],
    );
    let text = format!(
        "{}{}",
        stdout(&polled),
        String::from_utf8_lossy(&polled.stderr)
    );
    assert!(
        text.contains("3 new daily list(s), 1 new notice(s)"),
        "19, 20 and 24 November are published, 23 is skipped: {text}"
    );
    assert!(
        text.contains("ALERT The CIF daily list of 23.11.2026 (a working day) was not received"),
        "{text}"
    );
    // The alert is open until a person acknowledges it; polling again does not repeat it.
    let again = run(
        &data,
        &[
            "insolvency",
            "poll",
            "--url",
            &url,
            "--from",
            "19.11.2026",
            "--to",
            "24.11.2026",
        ],
    );
    assert!(stdout(&again).contains("0 new daily list(s), 0 new notice(s)"));
    let open = ok(&run(&data, &["alerts"]));
    let missing: Vec<&str> = open.lines().filter(|l| l.contains("23.11.2026")).collect();
    assert_eq!(missing.len(), 1, "{open}");
    let id = missing[0]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_start_matches('#');
    assert!(ok(&run(&data, &["alerts", "--ack", id])).contains("acknowledged"));
    assert!(!ok(&run(&data, &["alerts"])).contains("23.11.2026"));
    let o = run(&data, &["alerts", "--ack", id]);
    assert_eq!(o.status.code(), Some(2), "acknowledged twice: {o:?}");
    // Refused with a reason, nothing fetched or recorded: a mistyped date, a mistyped year
    // (decades of lists from a service that charges per request), a two-digit year, lists of
    // days to come, a backwards range.
    let refused = |args: &[&str], why: &str| {
        let o = run(&data, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(why), "{args:?}: {err}");
    };
    let poll_refused = |extra: &[&str], why: &str| {
        let mut a = vec!["insolvency", "poll", "--url", url.as_str()];
        a.extend_from_slice(extra);
        refused(&a, why);
    };
    poll_refused(&["--from", "2026-13-01"], "write YYYY-MM-DD or DD.MM.YYYY");
    poll_refused(
        &["--from", "2016-01-01", "--to", "2026-11-24"],
        "at most 92 days per poll",
    );
    refused(
        &["fees", "pay", "SI12202600000036", "44", "--on", "03.12.26"],
        "the year must have four digits",
    );
    poll_refused(&["--to", "2099-01-01"], "cannot exist yet");
    poll_refused(
        &["--from", "2026-11-24", "--to", "2026-11-20"],
        "is after --to",
    );
    let _ = child.kill();
    let _ = child.wait();
    // A bad debtor file is refused with the line, column and value.
    std::fs::write(&debtors, "kind;name;tax_number\nconsumer;X;10000012\n").unwrap();
    let bad = writ()
        .args(["registry-sim", "--listen", "127.0.0.1:0", "--debtors"])
        .arg(&debtors)
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("line 2, field tax_number, value \"10000012\""),
        "{err}"
    );
}

/// The worker keeps the watch without anyone running `insolvency poll`: a debtor the registry
/// lists is blocked after one `writ worker --once`, and the registry's health is recorded.
#[test]
fn the_worker_polls_the_registry_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    ok(&run(d, &["import", batch(d).to_str().unwrap()]));
    let mut config = SimConfig::new(1);
    config.published_through = Some(today());
    config.insolvent.push(debtor(
        DebtorKind::LegalPerson,
        "Gradnje Horvat d.o.o.",
        "34567895",
    ));
    let (_rt, url) = registry(config);
    let worked = ok(&run(d, &["worker", "--once", "--insolvency-url", &url]));
    assert!(
        worked.contains("2 job(s) run, 0 failed"),
        "the health check and the poll: {worked}"
    );
    let lint = stdout(&run(d, &["lint"]));
    assert!(lint.contains("1 ready to file, 1 blocked"), "{lint}");
    assert!(lint.contains("L180"), "{lint}");
    // A worker starts with a poll (cron runs `worker --once`): the same lists again store
    // nothing new and block nothing twice.
    let again = ok(&run(d, &["worker", "--once", "--insolvency-url", &url]));
    assert!(again.contains("1 job(s) run, 0 failed"), "{again}");
    let lint = stdout(&run(d, &["lint"]));
    assert!(lint.contains("1 ready to file, 1 blocked"), "{lint}");
    let health = ok(&run(d, &["--json", "alerts", "--all"]));
    assert!(
        !health.contains("insolvency-registry"),
        "no silence yet: {health}"
    );
}
