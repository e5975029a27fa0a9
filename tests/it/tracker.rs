//! The tracker end to end over real HTTP on loopback: file through the exchange → receipt →
//! cases; pay fees; advance the simulated court in steps; `writ track --once` takes the court's
//! signed documents and moves the cases. A tampered document is quarantined; the court's public
//! sample imported unsigned changes nothing; two workers on PostgreSQL apply each of 50
//! documents exactly once.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use writ::court::client::{ClientConfig, CourtClient, RetryPolicy};
use writ::court::protocol;
use writ::court::sim::documents::{self, SimAct};
use writ::court::sim::state::SimCase;
use writ::court::sim::{self, Schedule, SimConfig, SimHandle};
use writ::store::{Db, alerts, cases, jobs};
use writ::tracker::CaseState;
use writ::tracker::court_poll::{CourtTracker, TakePayload, kinds};
use writ::tracker::queue::{Runner, SystemClock};

use crate::support::*;

/// Runs writ off the async threads (the simulator runs on them).
async fn writ_async(d: &Path, url: Option<&str>, args: &[&str]) -> std::process::Output {
    let d = d.to_path_buf();
    let url = url.map(str::to_string);
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        match &url {
            Some(u) => run_db(&d, u, &a),
            None => run(&d, &a),
        }
    })
    .await
    .unwrap()
}

/// Init, import and lint the sample batch into `url` (or the data dir's SQLite).
async fn prepared(d: &Path, url: Option<&str>) {
    ok(&writ_async(d, url, &["init"]).await);
    let csv = root().join("fixtures/sample-batch.csv");
    let inv = root().join("fixtures/eslog/invoice-2026-0415.xml");
    partly(
        &writ_async(
            d,
            url,
            &["import", csv.to_str().unwrap(), inv.to_str().unwrap()],
        )
        .await,
    );
    ok(&writ_async(d, url, &["lint", "--today", "2026-12-03"]).await);
}

async fn start_sim(d: &Path, seed: u64, schedule: Schedule) -> SimHandle {
    let pem = std::fs::read(d.join("certs/demo-ca.pem")).unwrap();
    let mut config = SimConfig::new(openssl::x509::X509::stack_from_pem(&pem).unwrap());
    config.seed = seed;
    config.data_dir = Some(d.join("court-sim"));
    config.schedule = schedule;
    sim::spawn(config).await.unwrap().1
}

/// Prepared, filed through the exchange to a fresh simulator.
async fn filed(d: &Path, url: Option<&str>, seed: u64, schedule: Schedule) -> (SimHandle, Db) {
    prepared(d, url).await;
    let sim = start_sim(d, seed, schedule).await;
    let out = ok(&writ_async(
        d,
        url,
        &["file", "--connector", "exchange", "--court-url", &sim.url()],
    )
    .await);
    assert!(out.contains("0 rejected"), "{out}");
    let db_url = url
        .map(str::to_string)
        .unwrap_or_else(|| Db::sqlite_url_for(d));
    let db = Db::connect(&db_url).await.unwrap();
    (sim, db)
}

async fn all_cases(db: &Db) -> Vec<cases::CaseRow> {
    let mut out = vec![];
    for r in cases::list(db, None, None, writ::cli::today())
        .await
        .unwrap()
    {
        out.push(cases::get(db, r.id).await.unwrap().unwrap());
    }
    out
}

fn sim_case<'a>(sim: &'a [SimCase], c: &cases::CaseRow) -> &'a SimCase {
    sim.iter()
        .find(|s| Some(&s.case_number) == c.case_number.as_ref())
        .expect("the court knows the case")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_follow_the_court_from_receipt_to_order_finality_objection_and_withdrawal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let schedule = Schedule {
        speed_days_per_minute: 0,
        reject_pct: 0,
        objection_pct: 35,
    };
    let (sim, db) = filed(d, None, 11, schedule).await;
    let url = sim.url();

    // Every accepted receipt item is a case, submitted, with the fee deadline.
    let list = ok(&writ_async(d, None, &["cases", "list"]).await);
    assert!(
        list.contains("submitted") && list.contains("VL 1/"),
        "{list}"
    );
    let before = all_cases(&db).await;
    assert!(before.len() >= 4, "{}", before.len());
    assert!(before.iter().all(|c| c.state == CaseState::Submitted));

    // Pay every fee but the last one's (told to the simulated court's bank account too).
    let (unpaid, paid) = before.split_last().unwrap();
    for c in paid {
        let out = ok(&writ_async(
            d,
            None,
            &[
                "fees",
                "pay",
                c.fee_reference.as_deref().unwrap(),
                c.fee_amount.as_deref().unwrap(),
                "--court-url",
                &url,
            ],
        )
        .await);
        assert!(out.contains("fee paid") && out.contains("paid=VL"), "{out}");
    }
    let court_cases = sim.court.cases();
    let objecting: Vec<_> = paid
        .iter()
        .filter(|c| sim_case(&court_cases, c).fate < schedule.objection_pct)
        .collect();
    let plain: Vec<_> = paid
        .iter()
        .filter(|c| sim_case(&court_cases, c).fate >= schedule.objection_pct)
        .collect();
    assert!(
        !objecting.is_empty() && !plain.is_empty(),
        "the seed must give both an objection and a plain case: {:?}",
        court_cases.iter().map(|c| c.fate).collect::<Vec<_>>()
    );

    // Six weeks, a week at a time, tracking after each step.
    let client = CourtClient::new(ClientConfig::new(url.clone())).unwrap();
    for _ in 0..6 {
        client.sim_advance(7).await.unwrap();
        ok(&writ_async(d, None, &["track", "--once", "--court-url", &url]).await);
    }
    let after = all_cases(&db).await;
    let state_of = |id: i64| after.iter().find(|c| c.id == id).unwrap().state.clone();
    let path_of = |id: i64| {
        let db = db.clone();
        async move {
            cases::transitions(&db, id)
                .await
                .unwrap()
                .into_iter()
                .map(|t| t.to_state)
                .collect::<Vec<_>>()
        }
    };
    for c in &plain {
        let path = path_of(c.id).await;
        for s in [
            "submitted",
            "fee paid",
            "order issued",
            "final",
            "executing",
        ] {
            assert!(path.contains(&s.to_string()), "{path:?}");
        }
        assert_eq!(state_of(c.id), CaseState::Executing);
    }
    for c in &objecting {
        let path = path_of(c.id).await;
        assert!(path.contains(&"objection".to_string()), "{path:?}");
        assert_eq!(state_of(c.id), CaseState::Litigation, "{path:?}");
    }
    let path = path_of(unpaid.id).await;
    assert!(path.contains(&"fee ordered".to_string()), "{path:?}");
    assert_eq!(state_of(unpaid.id), CaseState::Withdrawn);

    // Every transition after the receipt names its court document, stored as verified.
    let history = cases::transitions(&db, plain[0].id).await.unwrap();
    let from_court: Vec<_> = history
        .iter()
        .filter(|t| t.source_kind == "document")
        .collect();
    assert!(from_court.len() >= 3);
    for t in from_court {
        let doc = cases::document(&db, t.document.as_deref().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert!(doc.signature_verified && doc.status == "applied", "{doc:?}");
    }
    let show = ok(&writ_async(d, None, &["cases", "show", &plain[0].id.to_string()]).await);
    assert!(
        show.contains("court document D-") && show.contains("final"),
        "{show}"
    );
    assert!(alerts::list(&db, false).await.unwrap().is_empty());
    // Everything was taken.
    let mut cfg = ClientConfig::new(url.clone());
    cfg.filer = Some(court_cases[0].filer.clone());
    let client = CourtClient::new(cfg).unwrap();
    assert!(client.list_documents().await.unwrap().documents.is_empty());
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_document_is_quarantined_and_an_unsigned_sample_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (sim, db) = filed(d, None, 3, Schedule::default()).await;
    let url = sim.url();
    let before = all_cases(&db).await;
    let target = &before[0];
    let court_cases = sim.court.cases();
    let sc = sim_case(&court_cases, target);

    // A genuine order, signed by the court, then altered (costs raised) and queued unsigned
    // through the simulator's endpoint; the genuine one is confirmed away first.
    let xml = documents::render(
        sc,
        &SimAct::EnforcementOrder {
            on: writ::cli::today(),
            costs: "94.00".parse().unwrap(),
        },
    )
    .unwrap();
    let id = sim.court.enqueue(&sc.filer, &xml, true).unwrap();
    let signed = sim.court.take(&sc.filer, &id).unwrap();
    sim.court.confirm(&sc.filer, &id).unwrap();
    let tampered = String::from_utf8(signed)
        .unwrap()
        .replace(">94.00<", ">9400.00<");
    let r = reqwest::Client::new()
        .post(format!("{url}/v1/sim/documents"))
        .header(protocol::FILER_HEADER, &sc.filer)
        .body(tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let bad_id = protocol::Enqueued::parse(&r.bytes().await.unwrap())
        .unwrap()
        .document_id;

    ok(&writ_async(d, None, &["track", "--once", "--court-url", &url]).await);
    let doc = cases::document(&db, &bad_id).await.unwrap().unwrap();
    assert!(!doc.signature_verified);
    assert_eq!(doc.status, "quarantined");
    assert!(doc.verifier_message.unwrap().contains("signature"));
    let after = cases::get(&db, target.id).await.unwrap().unwrap();
    assert_eq!(after.state, CaseState::Submitted, "the case did not change");
    assert_eq!(cases::transitions(&db, target.id).await.unwrap().len(), 1);
    let open = alerts::list(&db, false).await.unwrap();
    assert!(
        open.iter()
            .any(|a| a.message.contains(&bad_id) && a.source == "court-exchange"),
        "{open:?}"
    );

    // The court's public sample (acts 566 and 536 for different VL numbers), unsigned.
    if let Some(corpus) = corpus() {
        let sample = corpus.join("court/court-eizvrsba.xml");
        let out = partly(
            &writ_async(
                d,
                None,
                &["track", "--import-unsigned", sample.to_str().unwrap()],
            )
            .await,
        );
        assert!(out.contains("UNVERIFIED"), "{out}");
        assert!(
            out.contains("MISMATCH") && out.contains("VL 1/2016") && out.contains("VL 78338/2016"),
            "{out}"
        );
        assert!(out.contains("no case changed"), "{out}");
        let now = all_cases(&db).await;
        for (a, b) in before.iter().zip(&now) {
            assert_eq!(a.state, b.state);
        }
    }
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_postgres_apply_each_of_50_documents_once() {
    let Ok(base) = std::env::var("WRIT_TEST_DATABASE_URL") else {
        eprintln!("NOTICE: WRIT_TEST_DATABASE_URL not set; PostgreSQL test skipped");
        return;
    };
    let url = writ::store::testing::create_pg_database(&base).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (sim, db) = filed(d, Some(&url), 5, Schedule::default()).await;
    let court_cases = sim.court.cases();
    let ours = all_cases(&db).await;

    // Bring every case to `executing` (test setup), then let the court send 50 bank notices.
    let mut tx = db.begin().await.unwrap();
    for c in &ours {
        let t = writ::tracker::Transition {
            from: c.state.clone(),
            to: CaseState::Executing,
            event: writ::tracker::CaseEvent::StayLifted {
                on: writ::cli::today(),
            },
            reason: "test setup".into(),
        };
        cases::record_transition(
            &mut tx,
            c.id,
            &t,
            cases::Source::Receipt("setup"),
            &[],
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let filer = court_cases[0].filer.clone();
    for n in 0..50 {
        let sc = sim_case(&court_cases, &ours[n % ours.len()]);
        let xml = documents::render(
            sc,
            &SimAct::BankNotice {
                on: writ::cli::today(),
                paid: None,
            },
        )
        .unwrap();
        sim.court.enqueue(&filer, &xml, true).unwrap();
    }

    let tracker = || {
        let mut c = ClientConfig::new(sim.url());
        c.filer = Some(filer.clone());
        c.court_cas = openssl::x509::X509::stack_from_pem(
            &std::fs::read(d.join("court-sim").join(sim::COURT_CA_PEM)).unwrap(),
        )
        .unwrap();
        c.retry = RetryPolicy {
            min_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            max_retries: 3,
            ..RetryPolicy::default()
        };
        c.requests_per_second = 1000;
        let court_cas = c.court_cas.clone();
        CourtTracker {
            db: db.clone(),
            client: CourtClient::new(c).unwrap(),
            court_cas,
            clock: Arc::new(SystemClock),
            cadence: Duration::from_secs(3600),
            poll_every: None,
        }
    };
    let runner = |name: &str| {
        Runner::new(db.clone(), name)
            .base_backoff(Duration::ZERO)
            .jitter(Arc::new(jobs::NoJitter))
            .handler(Arc::new(tracker()))
    };
    let (a, b) = (runner("worker-a"), runner("worker-b"));
    let now = chrono::Utc::now();
    jobs::enqueue_now(&db, CourtTracker::poll_job(now), now)
        .await
        .unwrap();
    a.run_one().await.unwrap(); // the poll: 50 take jobs
    let (ra, rb) = tokio::join!(a.drain(), b.drain());
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.0 + rb.0, 50, "{ra:?} {rb:?}");
    assert_eq!(ra.1 + rb.1, 0);

    // The same 50 jobs again (as after a crash before confirmation): nothing is applied twice.
    let ids: Vec<String> = cases::transitions_per_document(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids.len(), 50);
    let now = chrono::Utc::now();
    for id in &ids {
        let job = jobs::NewJob::new(
            kinds::TAKE_DOCUMENT,
            serde_json::to_value(TakePayload {
                id: id.clone(),
                sha256: None,
                created: None,
            })
            .unwrap(),
            now,
        )
        .dedup_key(id.clone());
        jobs::enqueue_now(&db, job, now).await.unwrap();
    }
    let (ra, rb) = tokio::join!(a.drain(), b.drain());
    assert_eq!(ra.unwrap().0 + rb.unwrap().0, 50);

    let per_doc = cases::transitions_per_document(&db).await.unwrap();
    assert_eq!(per_doc.len(), 50);
    assert!(per_doc.iter().all(|(_, n)| *n == 1), "{per_doc:?}");
    sim.shutdown().await.unwrap();
}

/// A fee payment the court's account cannot be told of is not recorded, so running the
/// command again does not record it twice; a reference is read as written on a payment form.
#[test]
fn a_fee_payment_the_court_did_not_receive_is_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&run(d, &["init"]));
    let o = run(
        d,
        &[
            "fees",
            "pay",
            "SI12 2026 0000 0036",
            "44",
            "--court-url",
            "http://127.0.0.1:9",
            "--retries",
            "0",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing recorded"));
    let paid = ok(&run(d, &["fees", "pay", "SI12 2026 0000 0036", "44"]));
    assert!(
        paid.contains("payment 1 of 44 EUR") && paid.contains("reference SI12202600000036"),
        "the first attempt left nothing behind: {paid}"
    );
    let o = run(
        d,
        &[
            "fees",
            "pay",
            "SI12202600000036",
            "44",
            "--on",
            "2099-01-01",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("after today"));
}

/// A fee writ recorded as paid but the court never matched (a mistyped reference at the bank):
/// the court's fee order is an alert, because the proposal is deemed withdrawn if nobody acts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fee_order_for_a_fee_recorded_as_paid_is_an_alert() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let schedule = Schedule {
        speed_days_per_minute: 0,
        reject_pct: 0,
        objection_pct: 0,
    };
    let (sim, db) = filed(d, None, 11, schedule).await;
    let url = sim.url();
    let first = all_cases(&db).await.remove(0);
    let paid = ok(&writ_async(
        d,
        None,
        &[
            "fees",
            "pay",
            first.fee_reference.as_deref().unwrap(),
            first.fee_amount.as_deref().unwrap(),
        ],
    )
    .await);
    assert!(paid.contains("fee paid"), "{paid}");
    let client = CourtClient::new(ClientConfig::new(url.clone())).unwrap();
    // The fee was due on 11 December; the court works on Monday 14 December.
    let adv = client.sim_advance(12).await.unwrap();
    assert!(!adv.contains("issued=0"), "{adv}");
    ok(&writ_async(d, None, &["track", "--once", "--court-url", &url]).await);
    let alerts = ok(&writ_async(d, None, &["alerts"]).await);
    let vl = first.case_number.unwrap();
    assert!(
        alerts.contains(&format!(
            "({vl}): the court ordered payment of the fee writ recorded as paid"
        )),
        "{alerts}"
    );
    assert_eq!(
        cases::get(&db, first.id).await.unwrap().unwrap().state,
        CaseState::FeeOrdered
    );
}
