//! `writ worker [--once]`: run the job queue (design.md §6): the built-in jobs (`health_check`,
//! `noop`); when a court URL is configured, the court exchange jobs (`poll_court`,
//! `take_document`, polling every `--court-poll-every` seconds); and when an insolvency registry
//! URL is configured, the insolvency watch (`poll_insolvency`, every `--insolvency-poll-every`
//! seconds: daily lists, notices, their effect on open cases).

use std::sync::Arc;
use std::time::Duration;

use super::Ctx;
use crate::store::jobs;
use crate::tracker::court_poll::CourtTracker;
use crate::tracker::insolvency_poll::InsolvencyWatch;
use crate::tracker::queue::{Clock, HealthCheck, Noop, Runner, SystemClock};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Run the jobs that are due now, then exit (cron, tests). A worker always starts with a
    /// poll of each configured source.
    #[arg(long)]
    pub once: bool,
    /// This worker's name in job leases (default: host and process id).
    #[arg(long, env = "WRIT_WORKER_ID")]
    pub worker_id: Option<String>,
    /// Seconds between polls of the court exchange.
    #[arg(long, default_value_t = 300)]
    pub court_poll_every: u64,
    #[command(flatten)]
    pub court: super::file::CourtArgs,
    #[command(flatten)]
    pub key: super::file::KeyArgs,
    /// The filer's certificate serial (hex) at the court (default: the signing certificate's).
    #[arg(long, env = "WRIT__COURT__FILER")]
    pub filer: Option<String>,
    /// Base URL of the insolvency registry (daily lists, notices); without it the watch runs
    /// only by hand (`writ insolvency poll`).
    #[arg(long, env = "WRIT__INSOLVENCY__URL")]
    pub insolvency_url: Option<String>,
    /// Seconds between polls of the insolvency registry.
    #[arg(long, default_value_t = 3600)]
    pub insolvency_poll_every: u64,
}

/// How often the health check runs.
const HEALTH_CHECK_EVERY: Duration = Duration::from_secs(60);

fn default_worker_id() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".to_string());
    format!("{host}-{}", std::process::id())
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let db = ctx.db().await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    jobs::enqueue_now(&db, HealthCheck::job(clock.now()), clock.now()).await?;
    let mut runner = Runner::new(db.clone(), args.worker_id.unwrap_or_else(default_worker_id))
        .clock(clock.clone())
        .handler(Arc::new(Noop))
        .handler(Arc::new(HealthCheck {
            db: db.clone(),
            clock: clock.clone(),
            every: HEALTH_CHECK_EVERY,
        }));
    // The court exchange jobs, when a court is configured.
    if args.court.court_url.is_some() {
        let filer = super::track::filer_serial(ctx, &args.key, args.filer.as_deref())?;
        let every = Duration::from_secs(args.court_poll_every.max(1));
        let tracker =
            super::track::court_tracker(ctx, &db, &args.court, filer, clock.clone(), Some(every))?;
        jobs::enqueue_now(&db, CourtTracker::poll_job(clock.now()), clock.now()).await?;
        // A worker starts with a poll (a changed --court-poll-every applies from it on).
        jobs::run_now(
            &db,
            crate::tracker::court_poll::kinds::POLL_COURT,
            clock.now(),
        )
        .await?;
        runner = runner.handler(Arc::new(tracker));
    }
    // The insolvency watch, when a registry is configured.
    if let Some(url) = &args.insolvency_url {
        let client = crate::tracker::insolvency::RegistryClient::new(url)?;
        let watch = InsolvencyWatch {
            db: db.clone(),
            label: super::insolvency::registry_label(&client),
            source: client,
            clock: clock.clone(),
            every: Duration::from_secs(args.insolvency_poll_every.max(1)),
        };
        jobs::enqueue_now(&db, InsolvencyWatch::<()>::job(clock.now()), clock.now()).await?;
        jobs::run_now(
            &db,
            crate::tracker::insolvency_poll::POLL_INSOLVENCY,
            clock.now(),
        )
        .await?;
        runner = runner.handler(Arc::new(watch));
    }
    if args.once {
        let (ran, failed) = runner.drain().await?;
        if ctx.json {
            println!("{}", serde_json::json!({ "ran": ran, "failed": failed }));
        } else {
            println!("{ran} job(s) run, {failed} failed");
        }
        return Ok(if failed == 0 { 0 } else { 1 });
    }
    eprintln!(
        "worker {} on {}; Ctrl-C stops after the current job",
        runner.worker_id(),
        db.backend()
    );
    runner
        .run_until_cancelled(async {
            if let Err(e) = tokio::signal::ctrl_c().await {
                tracing::error!(error = %e, "cannot listen for Ctrl-C; stopping");
            }
        })
        .await;
    Ok(0)
}
