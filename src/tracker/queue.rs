//! The worker loop over the job queue ([`crate::store::jobs`]): claim a due job, run its
//! handler with no transaction held while the lease is renewed in the background, settle it.
//!
//! [`Runner::run_one`] runs at most one job and is public so tests can drive the queue step by
//! step with a [`ManualClock`]; [`Runner::run_until_cancelled`] is the `writ worker` loop.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tracing::Instrument;

use crate::store::jobs::{self, Jitter, Job, RandomJitter, Retry, Settled};
use crate::store::{Db, StoreError};

/// Wall-clock time, replaceable in tests.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> ManualClock {
        ManualClock(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(next) = chrono::Duration::from_std(by)
            .ok()
            .and_then(|d| t.checked_add_signed(d))
        {
            *t = next;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a handler reports for a run that worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Finished; the job is done.
    Done,
    /// Finished this run; run the same job again at `at` (recurring jobs such as polls, so
    /// there is one row per poll, never one per case).
    Again { at: DateTime<Utc> },
}

impl Outcome {
    /// Run again `every` after `now` (a recurring job's next run).
    pub fn again_after(now: DateTime<Utc>, every: Duration) -> Result<Outcome, JobError> {
        let every = chrono::Duration::from_std(every)
            .map_err(|e| JobError::Permanent(format!("interval {every:?}: {e}")))?;
        Ok(Outcome::Again { at: now + every })
    }
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth retrying (network, upstream 5xx, busy database): retried with backoff until the
    /// job's `max_attempts`.
    #[error("{0}")]
    Transient(String),
    /// Can never succeed (bad payload, document rejected for good): dead at once, with an
    /// alert.
    #[error("{0}")]
    Permanent(String),
}

impl From<StoreError> for JobError {
    fn from(e: StoreError) -> JobError {
        JobError::Transient(e.to_string())
    }
}

/// The future a handler returns.
pub type JobFuture<'a> = Pin<Box<dyn Future<Output = Result<Outcome, JobError>> + Send + 'a>>;

/// Runs the jobs of some kinds. Boxed futures keep the trait object-safe, so a runner holds
/// handlers of different types.
pub trait JobHandler: Send + Sync {
    /// The job kinds this handler runs.
    fn kinds(&self) -> &[&'static str];
    /// Runs one job. No transaction is open; open short ones as needed.
    fn run<'a>(&'a self, job: &'a Job) -> JobFuture<'a>;
}

/// What [`Runner::run_one`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// Ran a job; `ok` when the handler succeeded and the result was recorded.
    Ran { job_id: i64, ok: bool },
    /// Nothing was due.
    Empty,
}

/// The worker: claims jobs of the kinds its handlers know and runs them.
pub struct Runner {
    db: Db,
    worker_id: String,
    handlers: Vec<Arc<dyn JobHandler>>,
    lease: Duration,
    base_backoff: Duration,
    clock: Arc<dyn Clock>,
    jitter: Arc<dyn Jitter>,
    /// Sleep between polls when the queue is empty.
    pub idle_sleep: Duration,
}

impl Runner {
    /// Default lease: long enough for a court request with retries inside it; renewed every
    /// third of it while the job runs.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(300);
    pub const DEFAULT_BASE_BACKOFF: Duration = Duration::from_secs(30);

    pub fn new(db: Db, worker_id: impl Into<String>) -> Runner {
        Runner {
            db,
            worker_id: worker_id.into(),
            handlers: Vec::new(),
            lease: Self::DEFAULT_LEASE,
            base_backoff: Self::DEFAULT_BASE_BACKOFF,
            clock: Arc::new(SystemClock),
            jitter: Arc::new(RandomJitter),
            idle_sleep: Duration::from_secs(5),
        }
    }

    pub fn handler(mut self, h: Arc<dyn JobHandler>) -> Runner {
        self.handlers.push(h);
        self
    }

    pub fn lease(mut self, lease: Duration) -> Runner {
        self.lease = lease;
        self
    }

    pub fn base_backoff(mut self, base: Duration) -> Runner {
        self.base_backoff = base;
        self
    }

    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Runner {
        self.clock = clock;
        self
    }

    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Runner {
        self.jitter = jitter;
        self
    }

    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    fn kinds(&self) -> Vec<&'static str> {
        let mut k: Vec<&'static str> = self
            .handlers
            .iter()
            .flat_map(|h| h.kinds().iter().copied())
            .collect();
        k.sort_unstable();
        k.dedup();
        k
    }

    fn handler_for(&self, kind: &str) -> Option<&Arc<dyn JobHandler>> {
        self.handlers.iter().find(|h| h.kinds().contains(&kind))
    }

    /// Claims and runs at most one due job. When nothing is due, also marks dead the jobs whose
    /// lease expired on their last attempt.
    pub async fn run_one(&self) -> Result<RunOutcome, StoreError> {
        let kinds = self.kinds();
        let now = self.clock.now();
        let Some(job) = jobs::claim(&self.db, &self.worker_id, &kinds, now, self.lease).await?
        else {
            for id in jobs::reap_expired(&self.db, now).await? {
                tracing::error!(job = id, "job dead: lease expired on its last attempt");
            }
            return Ok(RunOutcome::Empty);
        };
        let span =
            tracing::info_span!("job", id = job.id, kind = %job.kind, attempt = job.attempts);
        self.run_claimed(job).instrument(span).await
    }

    /// Runs a claimed job and settles it.
    async fn run_claimed(&self, job: Job) -> Result<RunOutcome, StoreError> {
        let result = match self.handler_for(&job.kind) {
            Some(h) => self.run_with_lease(h.as_ref(), &job).await?,
            None => Some(Err(JobError::Permanent(format!(
                "no handler for job kind '{}'",
                job.kind
            )))),
        };
        let Some(result) = result else {
            tracing::warn!("lease lost while running; another worker has the job");
            return Ok(RunOutcome::Ran {
                job_id: job.id,
                ok: false,
            });
        };
        let now = self.clock.now();
        let (settled, ok) = match result {
            Ok(Outcome::Done) => (
                jobs::complete(&self.db, job.id, &self.worker_id, now).await?,
                true,
            ),
            Ok(Outcome::Again { at }) => (
                jobs::reschedule(&self.db, job.id, &self.worker_id, at).await?,
                true,
            ),
            Err(e) => {
                let retry = match e {
                    JobError::Transient(_) => Retry::Backoff,
                    JobError::Permanent(_) => Retry::Never,
                };
                let error = e.to_string();
                let settled = jobs::fail(
                    &self.db,
                    job.id,
                    &self.worker_id,
                    &error,
                    now,
                    self.base_backoff,
                    self.jitter.as_ref(),
                    retry,
                )
                .await?;
                match &settled {
                    Settled::Dead { alert_id } => {
                        tracing::error!(error = %error, alert = alert_id, "job dead")
                    }
                    Settled::Queued { run_at } => {
                        tracing::warn!(error = %error, retry_at = %run_at, "job failed")
                    }
                    _ => {}
                }
                (settled, false)
            }
        };
        if settled == Settled::LeaseLost {
            tracing::warn!("lease lost before the result was recorded");
            return Ok(RunOutcome::Ran {
                job_id: job.id,
                ok: false,
            });
        }
        Ok(RunOutcome::Ran { job_id: job.id, ok })
    }

    /// Runs the handler while renewing the lease every third of it. None when the lease was
    /// lost (the handler is then dropped: another worker owns the job now).
    async fn run_with_lease(
        &self,
        h: &dyn JobHandler,
        job: &Job,
    ) -> Result<Option<Result<Outcome, JobError>>, StoreError> {
        let mut fut = h.run(job);
        let period = (self.lease / 3).max(Duration::from_millis(10));
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            tokio::select! {
                r = &mut fut => return Ok(Some(r)),
                _ = tick.tick() => {
                    let now = self.clock.now();
                    match jobs::extend_lease(&self.db, job.id, &self.worker_id, now, self.lease).await {
                        Ok(true) => {}
                        Ok(false) => return Ok(None),
                        // A failed renewal is not fatal: the lease is still good for two thirds.
                        Err(e) => tracing::warn!(error = %e, "lease renewal failed"),
                    }
                }
            }
        }
    }

    /// Runs jobs until `shutdown` completes. A running job is finished first (its lease keeps
    /// other workers off it); between jobs the loop sleeps [`Runner::idle_sleep`] when the
    /// queue is empty, and backs off the same way after a database error.
    pub async fn run_until_cancelled(&self, shutdown: impl Future<Output = ()>) {
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            tokio::select! {
                biased;
                _ = &mut shutdown => return,
                _ = std::future::ready(()) => {}
            }
            let idle = match self.run_one().await {
                Ok(RunOutcome::Ran { .. }) => false,
                Ok(RunOutcome::Empty) => true,
                Err(e) => {
                    tracing::error!(error = %e, "worker: database error");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = &mut shutdown => return,
                    _ = tokio::time::sleep(self.idle_sleep) => {}
                }
            }
        }
    }

    /// Runs jobs until none is due now; returns how many ran and how many of them failed.
    pub async fn drain(&self) -> Result<(usize, usize), StoreError> {
        let (mut ran, mut failed) = (0, 0);
        while let RunOutcome::Ran { ok, .. } = self.run_one().await? {
            ran += 1;
            if !ok {
                failed += 1;
            }
        }
        Ok((ran, failed))
    }
}

/// Built-in job kinds.
pub mod kinds {
    /// Does nothing (smoke tests of a deployment's worker).
    pub const NOOP: &str = "noop";
    /// Checks source health and raises silence alerts; recurring.
    pub const HEALTH_CHECK: &str = "health_check";
}

/// Runs `noop` jobs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Noop;

impl JobHandler for Noop {
    fn kinds(&self) -> &[&'static str] {
        &[kinds::NOOP]
    }

    fn run<'a>(&'a self, _job: &'a Job) -> JobFuture<'a> {
        Box::pin(async { Ok(Outcome::Done) })
    }
}

/// Runs the recurring `health_check` job: an alert for each source silent beyond its cadence
/// (once per silence), then again after `every`.
pub struct HealthCheck {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub every: Duration,
}

impl HealthCheck {
    /// The one recurring health-check job (deduplicated: enqueueing it again while it is
    /// queued or running adds nothing).
    pub fn job(now: DateTime<Utc>) -> jobs::NewJob {
        jobs::NewJob::new(kinds::HEALTH_CHECK, serde_json::json!({}), now)
            .dedup_key(kinds::HEALTH_CHECK)
            .priority(10)
    }
}

impl JobHandler for HealthCheck {
    fn kinds(&self) -> &[&'static str] {
        &[kinds::HEALTH_CHECK]
    }

    fn run<'a>(&'a self, _job: &'a Job) -> JobFuture<'a> {
        Box::pin(async move {
            let now = self.clock.now();
            let raised = crate::store::health::alert_silent_sources(&self.db, now).await?;
            if !raised.is_empty() {
                tracing::warn!(alerts = ?raised, "silent sources");
            }
            Outcome::again_after(now, self.every)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use chrono::TimeZone;

    use super::*;
    use crate::store::jobs::{NewJob, NoJitter, enqueue_now, get};
    use crate::store::{alerts, health, testing};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap()
    }

    /// Fails transiently `fail_first` times, then succeeds.
    struct Flaky {
        fail_first: usize,
        calls: AtomicUsize,
    }

    impl JobHandler for Flaky {
        fn kinds(&self) -> &[&'static str] {
            &["flaky"]
        }

        fn run<'a>(&'a self, _job: &'a Job) -> JobFuture<'a> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst);
                if n < self.fail_first {
                    Err(JobError::Transient(format!("try {n} failed")))
                } else {
                    Ok(Outcome::Done)
                }
            })
        }
    }

    #[tokio::test]
    async fn runner_retries_with_backoff_then_succeeds() {
        for t in testing::all().await {
            let be = t.db.backend();
            let clock = Arc::new(ManualClock::new(t0()));
            let flaky = Arc::new(Flaky {
                fail_first: 2,
                calls: AtomicUsize::new(0),
            });
            let runner = Runner::new(t.db.clone(), "w1")
                .clock(clock.clone())
                .jitter(Arc::new(NoJitter))
                .base_backoff(Duration::from_secs(10))
                .handler(flaky.clone())
                .handler(Arc::new(Noop));
            assert_eq!(runner.run_one().await.unwrap(), RunOutcome::Empty);
            let id = enqueue_now(
                &t.db,
                NewJob::new("flaky", serde_json::json!({}), t0()),
                t0(),
            )
            .await
            .unwrap()
            .unwrap();
            let ran = |ok| RunOutcome::Ran { job_id: id, ok };
            assert_eq!(runner.run_one().await.unwrap(), ran(false), "{be}");
            assert_eq!(runner.run_one().await.unwrap(), RunOutcome::Empty);
            clock.advance(Duration::from_secs(10));
            assert_eq!(runner.run_one().await.unwrap(), ran(false));
            clock.advance(Duration::from_secs(19));
            assert_eq!(runner.run_one().await.unwrap(), RunOutcome::Empty);
            clock.advance(Duration::from_secs(1));
            assert_eq!(runner.run_one().await.unwrap(), ran(true), "{be}");
            let j = get(&t.db, id).await.unwrap().unwrap();
            assert_eq!((j.status.as_str(), j.attempts), ("done", 3));
            assert_eq!(flaky.calls.load(Ordering::SeqCst), 3);
            // Noop jobs run too; drain stops when nothing is due.
            for _ in 0..3 {
                enqueue_now(
                    &t.db,
                    NewJob::new(kinds::NOOP, serde_json::json!({}), t0()),
                    t0(),
                )
                .await
                .unwrap();
            }
            assert_eq!(runner.drain().await.unwrap(), (3, 0));
        }
    }

    #[tokio::test]
    async fn health_check_job_recurs_and_alerts_silence_once() {
        for t in testing::all().await {
            let be = t.db.backend();
            let clock = Arc::new(ManualClock::new(t0()));
            let every = Duration::from_secs(60);
            let runner = Runner::new(t.db.clone(), "w1")
                .clock(clock.clone())
                .handler(Arc::new(HealthCheck {
                    db: t.db.clone(),
                    clock: clock.clone(),
                    every,
                }));
            health::record_success(
                &t.db,
                "court-exchange",
                Duration::from_secs(300),
                t0(),
                true,
            )
            .await
            .unwrap();
            let id = enqueue_now(&t.db, HealthCheck::job(t0()), t0())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                enqueue_now(&t.db, HealthCheck::job(t0()), t0())
                    .await
                    .unwrap(),
                None
            );
            for _ in 0..10 {
                assert_eq!(runner.drain().await.unwrap(), (1, 0), "{be}");
                clock.advance(every);
            }
            // The same row ran every minute; the source went silent after 5 min: one alert.
            let j = get(&t.db, id).await.unwrap().unwrap();
            assert_eq!(
                (j.status.as_str(), j.run_at),
                ("queued", t0() + chrono::Duration::minutes(10))
            );
            let open = alerts::list(&t.db, false).await.unwrap();
            assert_eq!(open.len(), 1, "{be}: {open:?}");
            assert_eq!(open[0].source, "court-exchange");
        }
    }

    #[tokio::test]
    async fn run_until_cancelled_stops() {
        let t = testing::sqlite().await;
        let mut runner = Runner::new(t.db.clone(), "w1").handler(Arc::new(Noop));
        runner.idle_sleep = Duration::from_millis(10);
        enqueue_now(
            &t.db,
            NewJob::new(kinds::NOOP, serde_json::json!({}), Utc::now()),
            Utc::now(),
        )
        .await
        .unwrap();
        runner
            .run_until_cancelled(tokio::time::sleep(Duration::from_millis(200)))
            .await;
        let counts = crate::store::jobs::count_by_status(&t.db).await.unwrap();
        assert_eq!(counts, vec![("done".into(), 1)]);
    }
}
