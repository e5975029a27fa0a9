//! `writ bench --tracker-open-cases 100000,1000000`: one tracker cycle — a poll of the court
//! exchange and the take of every new document (fetch over HTTP, verify the court's signature,
//! read the acts, apply them to their cases, confirm) — with the store holding N open cases and
//! the court issuing the same number of new documents at every N.
//!
//! Each scale runs on its own fresh database: the bench files `documents` generated claims to
//! the court simulator on loopback (the real path: sign, package, upload, receipt, cases), pays
//! their fees, adds `N - documents` synthetic open cases made by the database itself
//! ([`crate::store::synthetic`]), and moves the court's clock until it has issued one
//! enforcement order (536) per filed case. Only the cycle is timed.
//!
//! The peer, measured in the same run on the same database: a visit of every open case (one
//! read and decode of each row, no court request at all) — the least a tracker that asks about
//! each case would spend per cycle.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;

use crate::court::client::{ClientConfig, CourtClient};
use crate::court::sim::{self, Schedule, SimConfig};
use crate::filing::pipeline::{FileOptions, file_ready, import_files, lint_all};
use crate::filing::sign::pki;
use crate::filing::validate::CourtSchema;
use crate::store::{Db, cases, synthetic};
use crate::tracker::court_poll::CourtTracker;
use crate::tracker::queue::{Runner, SystemClock};

/// What one scale measured.
#[derive(Debug, Clone)]
pub struct CycleFigures {
    pub open_cases: i64,
    pub documents: usize,
    pub transitions: i64,
    pub setup_s: f64,
    pub poll_s: f64,
    pub take_s: f64,
    pub scan_s: f64,
}

impl CycleFigures {
    fn cycle_s(&self) -> f64 {
        self.poll_s + self.take_s
    }
}

/// A scratch database: SQLite in `dir`, or a new PostgreSQL database on the server of
/// `pg_base` (dropped afterwards by [`drop_scratch`]).
async fn scratch_db(dir: &std::path::Path, pg_base: Option<&str>) -> anyhow::Result<(Db, String)> {
    let url = match pg_base {
        None => Db::sqlite_url_for(dir),
        Some(base) => {
            let admin = Db::connect(base).await?;
            let name = format!("writ_bench_{}", std::process::id());
            let Db::Postgres(p) = &admin else {
                anyhow::bail!("--tracker-database-url must be a postgres:// URL");
            };
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "drop database if exists {name}"
            )))
            .execute(p)
            .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
                .execute(p)
                .await?;
            admin.close().await;
            replace_database(base, &name)
        }
    };
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    Ok((db, url))
}

/// `postgres://host/db?x` with the database name replaced.
fn replace_database(base: &str, name: &str) -> String {
    let (head, query) = match base.find('?') {
        Some(q) => base.split_at(q),
        None => (base, ""),
    };
    let rest = head
        .trim_start_matches("postgres://")
        .trim_start_matches("postgresql://");
    let scheme = &head[..head.len() - rest.len()];
    let host = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}{host}/{name}{query}")
}

async fn drop_scratch(db: Db, pg_base: Option<&str>) -> anyhow::Result<()> {
    db.close().await;
    if let Some(base) = pg_base {
        let admin = Db::connect(base).await?;
        if let Db::Postgres(p) = &admin {
            let name = format!("writ_bench_{}", std::process::id());
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "drop database if exists {name}"
            )))
            .execute(p)
            .await?;
        }
        admin.close().await;
    }
    Ok(())
}

/// One scale: `open_cases` open cases in the store, `documents` new court documents.
pub async fn cycle(
    open_cases: u64,
    documents: usize,
    pg_base: Option<&str>,
) -> anyhow::Result<CycleFigures> {
    anyhow::ensure!(documents > 0, "the cycle needs at least one document");
    anyhow::ensure!(
        open_cases >= documents as u64,
        "open cases ({open_cases}) must be at least the documents ({documents})"
    );
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    let (db, _) = scratch_db(d, pg_base).await?;
    let setup = Instant::now();

    // File `documents` claims to the simulated court: the real path.
    let csv = d.join("batch.csv");
    std::fs::write(&csv, super::generate_batch(documents))?;
    let demo = pki::create_demo_pki(Utc::now())?;
    let signer = demo.filer_signer()?;
    let imported = import_files(&db, std::slice::from_ref(&csv)).await?;
    anyhow::ensure!(imported.claims_imported == documents, "import lost claims");
    let today = crate::law::ljubljana_date(Utc::now());
    lint_all(&db, today).await?;
    let schema = CourtSchema::embedded()?;
    file_ready(
        &db,
        &FileOptions {
            package_size: 500,
            outbox: d.join("outbox"),
            signer: &signer,
            schema: &schema,
            progress: false,
        },
    )
    .await?;
    let mut config = SimConfig::new(vec![demo.ca.cert.clone()]);
    config.seed = 7;
    config.schedule = Schedule {
        speed_days_per_minute: 0,
        reject_pct: 0,
        objection_pct: 0,
    };
    let (_, court) = sim::spawn(config).await?;
    let mut client_config = ClientConfig::new(court.url());
    client_config.court_cas = openssl::x509::X509::stack_from_pem(court.court.ca_pem().as_bytes())?;
    client_config.filer = Some(signer.serial_hex()?);
    // Loopback: the per-host rate limit a real court needs would time the limiter, not writ.
    client_config.requests_per_second = 1_000_000;
    let client = CourtClient::new(client_config.clone())?;
    crate::filing::submit::submit_pending(&db, &client, &court.url()).await?;

    // Pay every fee (writ's record and the court's account), so the court issues orders.
    let submitted = cases::list(&db, Some("submitted"), None, today).await?;
    anyhow::ensure!(
        submitted.len() == documents,
        "the court accepted {} of {documents} proposals",
        submitted.len()
    );
    for row in &submitted {
        let Some(c) = cases::get(&db, row.id).await? else {
            continue;
        };
        let (Some(reference), Some(amount)) = (&c.fee_reference, &c.fee_amount) else {
            anyhow::bail!("case {} has no fee reference", c.id);
        };
        let value: rust_decimal::Decimal = amount.parse()?;
        crate::cli::fees::record_payment(&db, reference, value, today).await?;
        court
            .court
            .pay_fee(reference, value, today)
            .map_err(|e| anyhow::anyhow!("the simulated court refused a payment: {e:?}"))?;
    }

    // The rest of the open cases.
    let extra = open_cases - documents as u64;
    if extra > 0 {
        synthetic::add_open_cases(&db, extra, "bench", Utc::now()).await?;
    }

    // The court works until it has issued one order per filed case.
    let mut issued = 0;
    for _ in 0..10 {
        let (_, n) = court
            .court
            .advance(1)
            .map_err(|e| anyhow::anyhow!("the simulated court failed: {e:?}"))?;
        issued += n;
        if issued >= documents {
            break;
        }
    }
    anyhow::ensure!(
        issued == documents,
        "the court issued {issued} documents, expected {documents}"
    );
    synthetic::settle(&db).await?;
    let open = synthetic::count_open_cases(&db).await?;
    let setup_s = setup.elapsed().as_secs_f64();

    // The cycle: one poll, then every take job.
    let tracker = CourtTracker {
        db: db.clone(),
        client: CourtClient::new(client_config.clone())?,
        court_cas: client_config.court_cas.clone(),
        clock: Arc::new(SystemClock),
        cadence: std::time::Duration::from_secs(3600),
        poll_every: None,
    };
    let t = Instant::now();
    let added = tracker
        .poll()
        .await
        .map_err(|e| anyhow::anyhow!("poll: {e}"))?;
    let poll_s = t.elapsed().as_secs_f64();
    anyhow::ensure!(added == documents, "the poll listed {added} documents");
    let runner = Runner::new(db.clone(), "bench").handler(Arc::new(tracker));
    let t = Instant::now();
    let (ran, failed) = runner.drain().await?;
    let take_s = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        ran == documents && failed == 0,
        "{ran} take jobs ran, {failed} failed"
    );
    let transitions = cases::transitions_per_document(&db)
        .await?
        .iter()
        .map(|(_, n)| n)
        .sum::<i64>();
    anyhow::ensure!(
        transitions == documents as i64,
        "{transitions} transitions from {documents} documents"
    );
    // The peer, after the cycle so that it cannot warm the cache for it: visit every open
    // case once.
    let t = Instant::now();
    let visited = cases::open_cases(&db).await?.len();
    let scan_s = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        visited as i64 == open,
        "the scan saw {visited} of {open} open cases"
    );
    court.shutdown().await?;
    drop_scratch(db, pg_base).await?;
    Ok(CycleFigures {
        open_cases: open,
        documents,
        transitions,
        setup_s,
        poll_s,
        take_s,
        scan_s,
    })
}

/// Runs every scale (smallest first, after a warm-up cycle with no other open cases, which is
/// printed as the baseline) and prints the table and the ratios.
pub async fn run(scales: &[u64], documents: usize, pg_base: Option<&str>) -> anyhow::Result<()> {
    let mut scales = scales.to_vec();
    scales.sort_unstable();
    scales.dedup();
    if let Some(bad) = scales.iter().find(|n| **n < documents as u64) {
        anyhow::bail!(
            "--tracker-open-cases {bad}: the store must hold at least the {documents} cases the documents are about"
        );
    }
    let backend = if pg_base.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "\ntracker cycle: {documents} new court documents (signed 536 orders), N open cases, {backend}"
    );
    println!(
        "  cycle = one poll (list, enqueue) + every take (fetch, verify the court's signature, apply, confirm)"
    );
    println!(
        "  peer  = one visit of every open case (a read of each row, no court request): what a tracker\n          that asks about each case pays at least, per cycle"
    );
    println!(
        "{:>10} {:>9} {:>9} {:>9} {:>9} {:>11} {:>10}",
        "open", "setup", "poll", "take", "cycle", "per doc", "peer"
    );
    let print = |label: &str, f: &CycleFigures| {
        println!(
            "{:>10} {:>8.1}s {:>8.3}s {:>8.2}s {:>8.2}s {:>9.2}ms {:>9.2}s{label}",
            f.open_cases,
            f.setup_s,
            f.poll_s,
            f.take_s,
            f.cycle_s(),
            f.cycle_s() / f.documents as f64 * 1e3,
            f.scan_s
        );
    };
    // Warm-up: the first cycle of a process pays for loading and initialising; it is shown as
    // the baseline, not compared.
    let base = cycle(documents as u64, documents, pg_base).await?;
    print("   (baseline, warm-up)", &base);
    let mut all = Vec::new();
    for &n in &scales {
        let f = cycle(n, documents, pg_base).await?;
        print("", &f);
        all.push(f);
    }
    if let (Some(first), Some(last)) = (all.first(), all.last())
        && all.len() > 1
    {
        println!(
            "open cases x{:.1} ({} -> {}): the cycle x{:.2}; the peer x{:.1}",
            last.open_cases as f64 / first.open_cases as f64,
            first.open_cases,
            last.open_cases,
            last.cycle_s() / first.cycle_s(),
            last.scan_s / first.scan_s
        );
    }
    if let Some(last) = all.last() {
        println!(
            "at {} open cases the peer's visit alone costs {:.1}x writ's whole cycle; one run per scale: repeat for spread",
            last.open_cases,
            last.scan_s / last.cycle_s()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_database_replaces_only_the_name() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/test", "b"),
            "postgres://postgres@127.0.0.1:5432/b"
        );
        assert_eq!(
            replace_database("postgresql://u:p@h/db?sslmode=disable", "b"),
            "postgresql://u:p@h/b?sslmode=disable"
        );
        assert_eq!(replace_database("postgres://h", "b"), "postgres://h/b");
    }

    #[tokio::test]
    async fn a_small_cycle_applies_every_document_once() {
        let f = cycle(30, 10, None).await.unwrap();
        assert_eq!(f.open_cases, 30);
        assert_eq!(f.documents, 10);
        assert_eq!(f.transitions, 10);
        if let Ok(base) = std::env::var("WRIT_TEST_DATABASE_URL") {
            let f = cycle(25, 5, Some(&base)).await.unwrap();
            assert_eq!((f.open_cases, f.transitions), (25, 5));
        }
    }
}
