//! `writ track --once`: poll the court exchange and take every new document (verify, apply to
//! the cases, confirm), by running the job queue until it is empty. `writ track
//! --import-unsigned FILE`: read a court document nobody vouches for; it never changes a case.
//! Without `--once`: poll every `--every` seconds until Ctrl-C (as `writ worker` does).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::Ctx;
use super::file::{CourtArgs, KeyArgs};
use crate::store::{Db, jobs};
use crate::tracker::court_poll::{CourtTracker, import_unsigned};
use crate::tracker::queue::{Clock, Runner, SystemClock};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Poll once and take every document listed, then exit.
    #[arg(long)]
    pub once: bool,
    /// Read an unsigned court document (e.g. the court's public sample): report its acts and
    /// the disagreements between them; no case is changed.
    #[arg(long, value_name = "FILE")]
    pub import_unsigned: Option<PathBuf>,
    /// Seconds between polls (without --once).
    #[arg(long, default_value_t = 60)]
    pub every: u64,
    #[command(flatten)]
    pub court: CourtArgs,
    #[command(flatten)]
    pub key: KeyArgs,
    /// The filer's certificate serial (hex) the court addresses documents to (default: the
    /// serial of the signing certificate).
    #[arg(long, env = "WRIT__COURT__FILER")]
    pub filer: Option<String>,
}

/// The serial (hex) of the signing certificate: the filer's identity at the court.
pub fn filer_serial(ctx: &Ctx, key: &KeyArgs, filer: Option<&str>) -> anyhow::Result<String> {
    if let Some(f) = filer {
        return Ok(f.to_string());
    }
    let signer = key.signer(ctx)?;
    Ok(signer.serial_hex()?)
}

/// The court jobs' handler for this configuration.
pub fn court_tracker(
    ctx: &Ctx,
    db: &Db,
    court: &CourtArgs,
    filer: String,
    clock: Arc<dyn Clock>,
    poll_every: Option<Duration>,
) -> anyhow::Result<CourtTracker> {
    let mut config = court.client_config(ctx)?;
    config.filer = Some(filer);
    let court_cas = config.court_cas.clone();
    Ok(CourtTracker {
        db: db.clone(),
        client: crate::court::client::CourtClient::new(config)?,
        court_cas,
        clock,
        cadence: poll_every.unwrap_or(Duration::from_secs(3600)) * 3,
        poll_every,
    })
}

/// Enqueues a poll and runs the court jobs until none is due; returns (ran, failed).
pub async fn track_once(db: &Db, tracker: CourtTracker) -> anyhow::Result<(usize, usize)> {
    let clock = tracker.clock.clone();
    jobs::enqueue_now(db, CourtTracker::poll_job(clock.now()), clock.now()).await?;
    // A poll waiting out an earlier failure's retry delay runs now: the user asked for one.
    jobs::run_now(
        db,
        crate::tracker::court_poll::kinds::POLL_COURT,
        clock.now(),
    )
    .await?;
    let runner = Runner::new(db.clone(), format!("track-{}", std::process::id()))
        .clock(clock)
        .base_backoff(Duration::from_secs(5))
        .handler(Arc::new(tracker));
    Ok(runner.drain().await?)
}

pub async fn run(ctx: &Ctx, args: Args) -> anyhow::Result<i32> {
    let db = ctx.db().await?;
    if let Some(file) = &args.import_unsigned {
        let bytes = std::fs::read(file)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
        let r = import_unsigned(&db, &bytes, chrono::Utc::now()).await?;
        if ctx.json {
            println!("{}", serde_json::to_string_pretty(&r)?);
        } else {
            println!(
                "{}: UNVERIFIED (unsigned import); {} act(s): {}",
                file.display(),
                r.acts.len(),
                r.acts.join(", ")
            );
            println!("  case numbers: {}", r.case_numbers.join(", "));
            if r.mismatches.is_empty() {
                println!("  the acts agree");
            }
            for m in &r.mismatches {
                println!("  MISMATCH: {m}");
            }
            println!("  no case changed (an unsigned document is never applied)");
        }
        // Acts that disagree are for a person: exit 1, as with any partial result.
        return Ok(i32::from(!r.mismatches.is_empty()));
    }
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let filer = filer_serial(ctx, &args.key, args.filer.as_deref())?;
    if args.once {
        let tracker = court_tracker(ctx, &db, &args.court, filer, clock, None)?;
        let (ran, failed) = track_once(&db, tracker).await?;
        if ctx.json {
            println!("{}", serde_json::json!({ "ran": ran, "failed": failed }));
        } else {
            println!("{ran} court job(s) run, {failed} failed");
        }
        return Ok(if failed == 0 { 0 } else { 1 });
    }
    let every = Duration::from_secs(args.every.max(1));
    let tracker = court_tracker(ctx, &db, &args.court, filer, clock.clone(), Some(every))?;
    jobs::enqueue_now(&db, CourtTracker::poll_job(clock.now()), clock.now()).await?;
    let runner = Runner::new(db.clone(), format!("track-{}", std::process::id()))
        .clock(clock)
        .handler(Arc::new(tracker));
    eprintln!(
        "tracking the court every {}s; Ctrl-C stops",
        every.as_secs()
    );
    runner
        .run_until_cancelled(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    Ok(0)
}
