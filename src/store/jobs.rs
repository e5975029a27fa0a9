//! The lease-based job queue (design.md §6, stack.md A.4.6).
//!
//! No transaction is held while a job runs. A worker *claims* a job: one statement marks it
//! `running`, sets `locked_by` to the worker and `locked_until` to now + lease, counts the
//! attempt, and returns the row. The worker then runs the job with no database lock held and
//! settles it with [`complete`], [`fail`], [`reschedule`] (recurring jobs) or lets the lease
//! run out (a crash). Only the lease holder (`locked_by`, still `running`) can settle a job; a
//! worker whose lease ran out and was taken over gets [`Settled::LeaseLost`].
//!
//! * Claim order: highest `priority`, then earliest `run_at`, then `id`.
//! * A `running` job whose lease expired is claimable again (its worker crashed or hung); the
//!   claim counts another attempt. One that expired on its last attempt is marked `dead` by
//!   [`reap_expired`] instead.
//! * `attempts` counts claims. After a failure the job waits `base · 2^(attempts − 1)` (the
//!   failures before this one: base, 2·base, 4·base, …) plus a jitter of up to a quarter of that,
//!   and is `dead` once `attempts == max_attempts`. A dead job raises an alert in the same
//!   transaction.
//! * Dedup: `dedup_key` is unique among *live* jobs (`queued`, `running`), so enqueueing a key
//!   that is waiting or running adds nothing, while a `done` or `dead` job does not block the
//!   same key again (a recurring poll can die, raise its alert, and be enqueued afresh by the
//!   next schedule). Producers that must never redo finished work key on something that never
//!   repeats (the court's document id).
//! * Backends: PostgreSQL claims with `for update skip locked` in the subquery, so concurrent
//!   workers skip each other's rows instead of queueing on them; SQLite runs the same
//!   `update … returning` under `BEGIN IMMEDIATE` (one writer at a time, no lock upgrade).
//!   SQLite stores timestamps as RFC 3339 text with `+00:00`, which sqlx writes so that text
//!   order is time order; all times here are bound from Rust.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

use super::alerts::{self, NewAlert, Severity};
use super::{Db, Result, StoreError, Tx, on_db, on_tx};

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    /// JSON.
    pub payload: serde_json::Value,
    /// At most one live (queued or running) job per key.
    pub dedup_key: Option<String>,
    /// Higher runs first.
    pub priority: i32,
    /// Not before.
    pub run_at: DateTime<Utc>,
    /// Claims allowed before the job is dead (at least 1).
    pub max_attempts: i32,
}

impl NewJob {
    /// Default attempts before a job is dead.
    pub const DEFAULT_MAX_ATTEMPTS: i32 = 5;

    /// A job of `kind` due at `run_at`, priority 0, no dedup key, the default attempts.
    pub fn new(kind: &str, payload: serde_json::Value, run_at: DateTime<Utc>) -> NewJob {
        NewJob {
            kind: kind.to_string(),
            payload,
            dedup_key: None,
            priority: 0,
            run_at,
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
        }
    }

    pub fn dedup_key(mut self, key: impl Into<String>) -> NewJob {
        self.dedup_key = Some(key.into());
        self
    }

    pub fn priority(mut self, priority: i32) -> NewJob {
        self.priority = priority;
        self
    }

    pub fn max_attempts(mut self, max_attempts: i32) -> NewJob {
        self.max_attempts = max_attempts;
        self
    }
}

/// A job as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    /// JSON text.
    pub payload: String,
    pub dedup_key: Option<String>,
    pub priority: i32,
    pub run_at: DateTime<Utc>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl Job {
    /// The payload parsed as `T`.
    pub fn payload_as<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_str(&self.payload)
    }
}

const JOB_COLUMNS: &str = "id, kind, payload, dedup_key, priority, run_at, attempts, \
    max_attempts, locked_until, locked_by, last_error, status, created_at, finished_at";

fn job_from_row<R>(r: &R) -> Result<Job>
where
    R: Row,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
    for<'d> i64: sqlx::Decode<'d, R::Database> + sqlx::Type<R::Database>,
    for<'d> i32: sqlx::Decode<'d, R::Database> + sqlx::Type<R::Database>,
    for<'d> String: sqlx::Decode<'d, R::Database> + sqlx::Type<R::Database>,
    for<'d> DateTime<Utc>: sqlx::Decode<'d, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Job {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        payload: r.try_get("payload")?,
        dedup_key: r.try_get("dedup_key")?,
        priority: r.try_get("priority")?,
        run_at: r.try_get("run_at")?,
        attempts: r.try_get("attempts")?,
        max_attempts: r.try_get("max_attempts")?,
        locked_until: r.try_get("locked_until")?,
        locked_by: r.try_get("locked_by")?,
        last_error: r.try_get("last_error")?,
        status: r.try_get("status")?,
        created_at: r.try_get("created_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

/// How a settle call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// The job is done.
    Done,
    /// The job is queued again (a retry after a failure, or the next run of a recurring job).
    Queued { run_at: DateTime<Utc> },
    /// The job is dead; the alert raised for it.
    Dead { alert_id: i64 },
    /// This worker no longer holds the lease (it expired and another worker took the job, or the
    /// job was settled already). Nothing was changed.
    LeaseLost,
}

/// Random extra delay for retries, so jobs that failed together do not retry together.
pub trait Jitter: Send + Sync {
    /// A delay in `[0, bound]`.
    fn jitter(&self, bound: Duration) -> Duration;
}

/// Uniform random jitter (OpenSSL's CSPRNG; falls back to none if it fails).
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomJitter;

impl Jitter for RandomJitter {
    fn jitter(&self, bound: Duration) -> Duration {
        let mut b = [0u8; 8];
        if openssl::rand::rand_bytes(&mut b).is_err() {
            return Duration::ZERO;
        }
        let bound_ms = u64::try_from(bound.as_millis()).unwrap_or(u64::MAX);
        match bound_ms.checked_add(1) {
            Some(m) => Duration::from_millis(u64::from_le_bytes(b) % m),
            None => Duration::from_millis(u64::from_le_bytes(b)),
        }
    }
}

/// No jitter (tests, or callers that want exact times).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoJitter;

impl Jitter for NoJitter {
    fn jitter(&self, _: Duration) -> Duration {
        Duration::ZERO
    }
}

/// The exponent is capped so the delay cannot overflow (2^20 · base is already years for any
/// sensible base).
const MAX_BACKOFF_EXPONENT: i32 = 20;

/// The wait before the next attempt after attempt number `attempts` (1-based) failed, without
/// jitter: `base · 2^(attempts − 1)`.
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let exp = (attempts - 1).clamp(0, MAX_BACKOFF_EXPONENT) as u32;
    base.saturating_mul(1u32 << exp)
}

fn add(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Enqueues a job in the caller's transaction; returns its id, or None when a live job with the
/// same dedup key exists (see the module notes).
pub async fn enqueue(tx: &mut Tx, job: NewJob, now: DateTime<Utc>) -> Result<Option<i64>> {
    if job.max_attempts < 1 {
        return Err(StoreError::Corrupt(format!(
            "job '{}': max_attempts must be at least 1, not {}",
            job.kind, job.max_attempts
        )));
    }
    let payload = job.payload.to_string();
    Ok(on_tx!(tx, |c| sqlx::query_scalar(
        "insert into jobs (kind, payload, dedup_key, priority, run_at, max_attempts, status, \
         created_at) values ($1, $2, $3, $4, $5, $6, 'queued', $7) \
         on conflict do nothing returning id"
    )
    .bind(&job.kind)
    .bind(&payload)
    .bind(&job.dedup_key)
    .bind(job.priority)
    .bind(job.run_at)
    .bind(job.max_attempts)
    .bind(now)
    .fetch_optional(&mut *c)
    .await?))
}

/// Makes the queued job with this dedup key due now (a person asked for it: `writ track
/// --once` must poll now, not when the retry delay of an earlier failure ends). A running job is
/// left alone. Returns whether a job was moved.
pub async fn run_now(db: &Db, dedup_key: &str, now: DateTime<Utc>) -> Result<bool> {
    let n = on_db!(db, |p| sqlx::query(
        "update jobs set run_at = $2 where dedup_key = $1 and status = 'queued' and run_at > $2"
    )
    .bind(dedup_key)
    .bind(now)
    .execute(p)
    .await?
    .rows_affected());
    Ok(n > 0)
}

/// [`enqueue`] in a transaction of its own.
pub async fn enqueue_now(db: &Db, job: NewJob, now: DateTime<Utc>) -> Result<Option<i64>> {
    let mut tx = db.begin().await?;
    let id = enqueue(&mut tx, job, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// PostgreSQL claim: the subquery locks the first eligible row and skips rows other workers
/// have locked, so two workers never get the same job and never wait for each other.
pub const CLAIM_POSTGRES: &str = "update jobs \
    set status = 'running', attempts = attempts + 1, locked_until = $1, locked_by = $2 \
    where id = ( \
        select id from jobs \
        where kind = any($3) \
          and ((status = 'queued' and run_at <= $4) \
            or (status = 'running' and locked_until < $4 and attempts < max_attempts)) \
        order by priority desc, run_at, id \
        limit 1 \
        for update skip locked) \
    returning id, kind, payload, dedup_key, priority, run_at, attempts, max_attempts, \
        locked_until, locked_by, last_error, status, created_at, finished_at";

/// SQLite claim, run under `BEGIN IMMEDIATE` (the only writer, so select-then-update in one
/// statement cannot race). Kinds are bound as a JSON array.
pub const CLAIM_SQLITE: &str = "update jobs \
    set status = 'running', attempts = attempts + 1, locked_until = $1, locked_by = $2 \
    where id = ( \
        select id from jobs \
        where kind in (select value from json_each($3)) \
          and ((status = 'queued' and run_at <= $4) \
            or (status = 'running' and locked_until < $4 and attempts < max_attempts)) \
        order by priority desc, run_at, id \
        limit 1) \
    returning id, kind, payload, dedup_key, priority, run_at, attempts, max_attempts, \
        locked_until, locked_by, last_error, status, created_at, finished_at";

/// Claims the next due job of one of `kinds` for `worker` with a lease until `now + lease`;
/// None when nothing is due. Also takes over `running` jobs whose lease has expired.
pub async fn claim(
    db: &Db,
    worker: &str,
    kinds: &[&str],
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<Job>> {
    if kinds.is_empty() {
        return Ok(None);
    }
    let until = add(now, lease);
    match db {
        Db::Postgres(p) => {
            let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
            let row = sqlx::query(CLAIM_POSTGRES)
                .bind(until)
                .bind(worker)
                .bind(kinds)
                .bind(now)
                .fetch_optional(p)
                .await?;
            row.as_ref().map(job_from_row).transpose()
        }
        Db::Sqlite(p) => {
            let kinds = serde_json::to_string(kinds).map_err(|e| {
                StoreError::Corrupt(format!("job kinds cannot be written as JSON: {e}"))
            })?;
            let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
            let row = sqlx::query(CLAIM_SQLITE)
                .bind(until)
                .bind(worker)
                .bind(kinds)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
            let job = row.as_ref().map(job_from_row).transpose()?;
            tx.commit().await?;
            Ok(job)
        }
    }
}

/// Marks the job done, if `worker` holds its lease.
pub async fn complete(db: &Db, id: i64, worker: &str, now: DateTime<Utc>) -> Result<Settled> {
    // `locked_by` stays on a finished job: it records which worker ran it last.
    let n = on_db!(db, |p| sqlx::query(
        "update jobs set status = 'done', finished_at = $3, locked_until = null \
         where id = $1 and locked_by = $2 and status = 'running'"
    )
    .bind(id)
    .bind(worker)
    .bind(now)
    .execute(p)
    .await?
    .rows_affected());
    Ok(if n == 1 {
        Settled::Done
    } else {
        Settled::LeaseLost
    })
}

/// Puts a recurring job back in the queue for its next run at `run_at`, if `worker` holds its
/// lease. The run succeeded, so the attempt count and last error are cleared.
pub async fn reschedule(db: &Db, id: i64, worker: &str, run_at: DateTime<Utc>) -> Result<Settled> {
    let n = on_db!(db, |p| sqlx::query(
        "update jobs set status = 'queued', run_at = $3, attempts = 0, last_error = null, \
         locked_until = null, locked_by = null \
         where id = $1 and locked_by = $2 and status = 'running'"
    )
    .bind(id)
    .bind(worker)
    .bind(run_at)
    .execute(p)
    .await?
    .rows_affected());
    Ok(if n == 1 {
        Settled::Queued { run_at }
    } else {
        Settled::LeaseLost
    })
}

/// Extends the lease of a running job to `now + lease`; false when `worker` no longer holds it.
pub async fn extend_lease(
    db: &Db,
    id: i64,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<bool> {
    let n = on_db!(db, |p| sqlx::query(
        "update jobs set locked_until = $3 \
         where id = $1 and locked_by = $2 and status = 'running'"
    )
    .bind(id)
    .bind(worker)
    .bind(add(now, lease))
    .execute(p)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// How [`fail`] treats the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Retry with backoff until `max_attempts`.
    Backoff,
    /// Never retry: dead now (the input can never succeed).
    Never,
}

/// Records a failed attempt, if `worker` holds the lease: the job is queued again at
/// `now + base · 2^(attempts − 1) + jitter`, or is dead (with an alert) after its last attempt
/// or when `retry` is [`Retry::Never`].
#[allow(clippy::too_many_arguments)]
pub async fn fail(
    db: &Db,
    id: i64,
    worker: &str,
    error: &str,
    now: DateTime<Utc>,
    base_backoff: Duration,
    jitter: &dyn Jitter,
    retry: Retry,
) -> Result<Settled> {
    let mut tx = db.begin().await?;
    let current = on_tx!(&mut tx, |c| sqlx::query(
        "select kind, attempts, max_attempts from jobs \
         where id = $1 and locked_by = $2 and status = 'running'"
    )
    .bind(id)
    .bind(worker)
    .fetch_optional(&mut *c)
    .await?
    .map(|r| -> Result<(String, i32, i32)> {
        Ok((
            r.try_get("kind")?,
            r.try_get("attempts")?,
            r.try_get("max_attempts")?,
        ))
    })
    .transpose()?);
    let Some((kind, attempts, max_attempts)) = current else {
        return Ok(Settled::LeaseLost);
    };
    // The update repeats the holder check and pins `attempts`: if the lease was taken over
    // between the select and here (possible on PostgreSQL), nothing changes.
    const GUARD: &str = "where id = $1 and locked_by = $2 and status = 'running' and attempts = $3";
    if retry == Retry::Never || attempts >= max_attempts {
        let n = on_tx!(&mut tx, |c| sqlx::query(sqlx::AssertSqlSafe(format!(
            "update jobs set status = 'dead', last_error = $4, finished_at = $5, \
             locked_until = null {GUARD}"
        )))
        .bind(id)
        .bind(worker)
        .bind(attempts)
        .bind(error)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected());
        if n != 1 {
            return Ok(Settled::LeaseLost);
        }
        let why = if retry == Retry::Never {
            "cannot succeed".to_string()
        } else {
            format!("gave up after {attempts} attempts")
        };
        let alert_id = alerts::raise(
            &mut tx,
            NewAlert {
                at: now,
                source: "jobs",
                severity: Severity::Error,
                message: format!("job {id} ({kind}) is dead, {why}: {error}"),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Settled::Dead { alert_id })
    } else {
        let delay = backoff(base_backoff, attempts);
        let run_at = add(add(now, delay), jitter.jitter(delay / 4));
        let n = on_tx!(&mut tx, |c| sqlx::query(sqlx::AssertSqlSafe(format!(
            "update jobs set status = 'queued', last_error = $4, run_at = $5, \
             locked_until = null, locked_by = null {GUARD}"
        )))
        .bind(id)
        .bind(worker)
        .bind(attempts)
        .bind(error)
        .bind(run_at)
        .execute(&mut *c)
        .await?
        .rows_affected());
        if n != 1 {
            return Ok(Settled::LeaseLost);
        }
        tx.commit().await?;
        Ok(Settled::Queued { run_at })
    }
}

/// Marks dead every running job whose lease expired on its last attempt (its worker crashed or
/// hung every time), raising an alert for each; returns their ids.
pub async fn reap_expired(db: &Db, now: DateTime<Utc>) -> Result<Vec<i64>> {
    let mut tx = db.begin().await?;
    let rows = on_tx!(&mut tx, |c| sqlx::query(
        "update jobs set status = 'dead', finished_at = $1, locked_until = null, \
         last_error = coalesce(last_error || '; ', '') || 'lease expired on the last attempt' \
         where status = 'running' and locked_until < $1 and attempts >= max_attempts \
         returning id, kind, attempts"
    )
    .bind(now)
    .fetch_all(&mut *c)
    .await?
    .into_iter()
    .map(|r| -> Result<(i64, String, i32)> {
        Ok((r.try_get("id")?, r.try_get("kind")?, r.try_get("attempts")?))
    })
    .collect::<Result<Vec<_>>>()?);
    for (id, kind, attempts) in &rows {
        alerts::raise(
            &mut tx,
            NewAlert {
                at: now,
                source: "jobs",
                severity: Severity::Error,
                message: format!(
                    "job {id} ({kind}) is dead: its lease expired on attempt {attempts} of \
                     {attempts} (the worker crashed or hung)"
                ),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(rows.into_iter().map(|(id, _, _)| id).collect())
}

/// One job by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<Job>> {
    let sql = sqlx::AssertSqlSafe(format!("select {JOB_COLUMNS} from jobs where id = $1"));
    on_db!(db, |p| sqlx::query(sql)
        .bind(id)
        .fetch_optional(p)
        .await?
        .as_ref()
        .map(job_from_row)
        .transpose())
}

/// Number of jobs per status, for `writ worker` summaries and tests.
pub async fn count_by_status(db: &Db) -> Result<Vec<(String, i64)>> {
    on_db!(db, |p| sqlx::query(
        "select status, count(*) as n from jobs group by status order by status"
    )
    .fetch_all(p)
    .await?
    .into_iter()
    .map(|r| -> Result<(String, i64)> { Ok((r.try_get("status")?, r.try_get("n")?)) })
    .collect())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use chrono::TimeZone;

    use super::*;
    use crate::store::{alerts, testing};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap()
    }

    fn secs(s: i64) -> chrono::Duration {
        chrono::Duration::seconds(s)
    }

    const LEASE: Duration = Duration::from_secs(60);

    async fn add_job(db: &Db, job: NewJob) -> Option<i64> {
        enqueue_now(db, job, t0()).await.unwrap()
    }

    #[tokio::test]
    async fn enqueue_claim_complete_in_priority_order() {
        for t in testing::all().await {
            let db = &t.db;
            let be = db.backend();
            let low = add_job(db, NewJob::new("poll", serde_json::json!({"n": 1}), t0()))
                .await
                .unwrap();
            let high = add_job(
                db,
                NewJob::new("poll", serde_json::json!({}), t0()).priority(5),
            )
            .await
            .unwrap();
            let later = add_job(
                db,
                NewJob::new("poll", serde_json::json!({}), t0() + secs(60)),
            )
            .await
            .unwrap();
            // A kind nobody asks for is never claimed.
            assert!(
                claim(db, "w1", &["other"], t0(), LEASE)
                    .await
                    .unwrap()
                    .is_none()
            );
            let j = claim(db, "w1", &["poll"], t0(), LEASE)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                (j.id, j.status.as_str(), j.attempts),
                (high, "running", 1),
                "{be}"
            );
            assert_eq!(j.locked_by.as_deref(), Some("w1"));
            assert_eq!(j.locked_until, Some(t0() + secs(60)));
            assert_eq!(complete(db, j.id, "w1", t0()).await.unwrap(), Settled::Done);
            let j = claim(db, "w1", &["poll", "x"], t0(), LEASE)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(j.id, low, "{be}");
            assert_eq!(j.payload_as::<serde_json::Value>().unwrap()["n"], 1);
            assert_eq!(complete(db, j.id, "w1", t0()).await.unwrap(), Settled::Done);
            // The third is not due yet.
            assert!(
                claim(db, "w1", &["poll"], t0(), LEASE)
                    .await
                    .unwrap()
                    .is_none()
            );
            let j = claim(db, "w1", &["poll"], t0() + secs(60), LEASE)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(j.id, later);
            // Completing twice is a lost lease, not a second completion.
            assert_eq!(complete(db, j.id, "w1", t0()).await.unwrap(), Settled::Done);
            assert_eq!(
                complete(db, j.id, "w1", t0()).await.unwrap(),
                Settled::LeaseLost
            );
            let done = get(db, j.id).await.unwrap().unwrap();
            assert_eq!(done.status, "done");
            assert_eq!(done.finished_at, Some(t0()));
            assert_eq!(count_by_status(db).await.unwrap(), vec![("done".into(), 3)]);
        }
    }

    #[tokio::test]
    async fn dedup_blocks_live_jobs_only() {
        for t in testing::all().await {
            let db = &t.db;
            let be = db.backend();
            let job =
                || NewJob::new("take_document", serde_json::json!({}), t0()).dedup_key("doc-7");
            let id = add_job(db, job()).await;
            assert!(id.is_some(), "{be}");
            assert_eq!(add_job(db, job()).await, None, "queued blocks: {be}");
            let j = claim(db, "w", &["take_document"], t0(), LEASE)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(add_job(db, job()).await, None, "running blocks: {be}");
            complete(db, j.id, "w", t0()).await.unwrap();
            let again = add_job(db, job()).await;
            assert!(again.is_some() && again != id, "done does not block: {be}");
            // Jobs without a key never collide.
            let plain = || NewJob::new("take_document", serde_json::json!({}), t0());
            assert!(add_job(db, plain()).await.is_some());
            assert!(add_job(db, plain()).await.is_some());
            // Invalid max_attempts is refused.
            let mut tx = db.begin().await.unwrap();
            assert!(
                enqueue(&mut tx, plain().max_attempts(0), t0())
                    .await
                    .is_err()
            );
        }
    }

    struct Quarter;
    impl Jitter for Quarter {
        fn jitter(&self, bound: Duration) -> Duration {
            bound
        }
    }

    #[tokio::test]
    async fn failures_back_off_exponentially_with_jitter_then_die_with_an_alert() {
        let base = Duration::from_secs(10);
        assert_eq!(backoff(base, 1), Duration::from_secs(10));
        assert_eq!(backoff(base, 3), Duration::from_secs(40));
        assert_eq!(backoff(base, 1000), base * (1 << 20));
        for t in testing::all().await {
            let db = &t.db;
            let be = db.backend();
            let id = add_job(
                db,
                NewJob::new("poll", serde_json::json!({}), t0()).max_attempts(3),
            )
            .await
            .unwrap();
            let mut now = t0();
            for (attempt, wait) in [(1, 10), (2, 20)] {
                let j = claim(db, "w", &["poll"], now, LEASE)
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!((j.id, j.attempts), (id, attempt), "{be}");
                let s = fail(
                    db,
                    id,
                    "w",
                    "upstream 503",
                    now,
                    base,
                    &NoJitter,
                    Retry::Backoff,
                )
                .await
                .unwrap();
                assert_eq!(
                    s,
                    Settled::Queued {
                        run_at: now + secs(wait)
                    },
                    "{be}"
                );
                let j = get(db, id).await.unwrap().unwrap();
                assert_eq!(j.status, "queued");
                assert_eq!(j.locked_by, None);
                assert_eq!(j.last_error.as_deref(), Some("upstream 503"));
                // Not due a second early.
                let early = now + secs(wait - 1);
                assert!(
                    claim(db, "w", &["poll"], early, LEASE)
                        .await
                        .unwrap()
                        .is_none()
                );
                now += secs(wait);
            }
            let j = claim(db, "w", &["poll"], now, LEASE)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(j.attempts, 3);
            let s = fail(
                db,
                id,
                "w",
                "still 503",
                now,
                base,
                &NoJitter,
                Retry::Backoff,
            )
            .await
            .unwrap();
            let Settled::Dead { alert_id } = s else {
                panic!("{be}: expected dead, got {s:?}");
            };
            let j = get(db, id).await.unwrap().unwrap();
            assert_eq!(
                (j.status.as_str(), j.finished_at),
                ("dead", Some(now)),
                "{be}"
            );
            assert!(
                claim(db, "w", &["poll"], now + secs(3600), LEASE)
                    .await
                    .unwrap()
                    .is_none()
            );
            let open = alerts::list(db, false).await.unwrap();
            assert_eq!(open.len(), 1, "{be}");
            assert_eq!(open[0].id, alert_id);
            assert_eq!(open[0].source, "jobs");
            assert!(
                open[0].message.contains(&format!("job {id} (poll)")),
                "{}",
                open[0].message
            );
            assert!(open[0].message.contains("still 503"));

            // Jitter adds at most a quarter of the delay.
            let id = add_job(db, NewJob::new("poll", serde_json::json!({}), t0()))
                .await
                .unwrap();
            claim(db, "w", &["poll"], t0(), LEASE)
                .await
                .unwrap()
                .unwrap();
            let s = fail(db, id, "w", "x", t0(), base, &Quarter, Retry::Backoff)
                .await
                .unwrap();
            assert_eq!(
                s,
                Settled::Queued {
                    run_at: t0() + Duration::from_millis(12_500)
                },
                "{be}"
            );
            // A permanent failure is dead at once.
            let j = claim(db, "w", &["poll"], t0() + secs(13), LEASE)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(j.id, id);
            let s = fail(
                db,
                id,
                "w",
                "bad payload",
                t0(),
                base,
                &NoJitter,
                Retry::Never,
            )
            .await
            .unwrap();
            assert!(matches!(s, Settled::Dead { .. }), "{be}: {s:?}");
            assert_eq!(alerts::list(db, false).await.unwrap().len(), 2);
        }
    }

    #[test]
    fn both_backends_have_the_same_migration_files() {
        let names = |backend: &str| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(backend);
            let mut v: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names("sqlite"), names("postgres"));
        assert!(names("sqlite").contains(&"0004_jobs.sql".to_string()));
    }

    #[test]
    fn random_jitter_stays_in_bounds() {
        for _ in 0..100 {
            assert!(RandomJitter.jitter(Duration::from_secs(2)) <= Duration::from_secs(2));
        }
        assert_eq!(RandomJitter.jitter(Duration::ZERO), Duration::ZERO);
    }

    #[tokio::test]
    async fn expired_lease_is_reclaimed_and_only_the_holder_settles() {
        for t in testing::all().await {
            let db = &t.db;
            let be = db.backend();
            let base = Duration::from_secs(1);
            let id = add_job(db, NewJob::new("poll", serde_json::json!({}), t0()))
                .await
                .unwrap();
            let a = claim(db, "a", &["poll"], t0(), LEASE)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(a.id, id);
            // Leased: nobody else gets it, and a non-holder cannot settle it.
            assert!(
                claim(db, "b", &["poll"], t0() + secs(59), LEASE)
                    .await
                    .unwrap()
                    .is_none()
            );
            assert_eq!(
                complete(db, id, "b", t0()).await.unwrap(),
                Settled::LeaseLost,
                "{be}"
            );
            let s = fail(db, id, "b", "x", t0(), base, &NoJitter, Retry::Backoff)
                .await
                .unwrap();
            assert_eq!(s, Settled::LeaseLost, "{be}");
            assert!(!extend_lease(db, id, "b", t0(), LEASE).await.unwrap());
            assert_eq!(get(db, id).await.unwrap().unwrap().status, "running");
            // The holder may extend: still leased at +90 s.
            assert!(
                extend_lease(db, id, "a", t0() + secs(40), LEASE)
                    .await
                    .unwrap()
            );
            assert!(
                claim(db, "b", &["poll"], t0() + secs(90), LEASE)
                    .await
                    .unwrap()
                    .is_none()
            );
            // A crashed: after the lease B takes the job over (one more attempt).
            let b = claim(db, "b", &["poll"], t0() + secs(101), LEASE)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                (b.id, b.attempts, b.locked_by.as_deref()),
                (id, 2, Some("b")),
                "{be}"
            );
            // A wakes up: every settle is refused.
            assert_eq!(
                complete(db, id, "a", t0()).await.unwrap(),
                Settled::LeaseLost
            );
            let s = fail(db, id, "a", "x", t0(), base, &NoJitter, Retry::Backoff)
                .await
                .unwrap();
            assert_eq!(s, Settled::LeaseLost);
            let s = reschedule(db, id, "a", t0()).await.unwrap();
            assert_eq!(s, Settled::LeaseLost);
            assert!(!extend_lease(db, id, "a", t0(), LEASE).await.unwrap());
            assert_eq!(
                complete(db, id, "b", t0()).await.unwrap(),
                Settled::Done,
                "{be}"
            );
        }
    }

    #[tokio::test]
    async fn lease_expired_on_last_attempt_is_reaped_with_an_alert() {
        for t in testing::all().await {
            let db = &t.db;
            let be = db.backend();
            let id = add_job(
                db,
                NewJob::new("poll", serde_json::json!({}), t0()).max_attempts(1),
            )
            .await
            .unwrap();
            claim(db, "a", &["poll"], t0(), LEASE)
                .await
                .unwrap()
                .unwrap();
            let later = t0() + secs(61);
            assert!(
                claim(db, "b", &["poll"], later, LEASE)
                    .await
                    .unwrap()
                    .is_none(),
                "{be}"
            );
            assert!(reap_expired(db, t0() + secs(30)).await.unwrap().is_empty());
            assert_eq!(reap_expired(db, later).await.unwrap(), vec![id], "{be}");
            assert!(reap_expired(db, later).await.unwrap().is_empty());
            let j = get(db, id).await.unwrap().unwrap();
            assert_eq!(j.status, "dead");
            assert!(j.last_error.unwrap_or_default().contains("lease expired"));
            let open = alerts::list(db, false).await.unwrap();
            assert_eq!(open.len(), 1, "{be}");
            assert!(open[0].message.contains("crashed or hung"));
        }
    }

    #[tokio::test]
    async fn recurring_job_is_rescheduled_with_attempts_reset() {
        for t in testing::all().await {
            let db = &t.db;
            let id = add_job(
                db,
                NewJob::new("poll", serde_json::json!({}), t0()).dedup_key("p"),
            )
            .await
            .unwrap();
            claim(db, "w", &["poll"], t0(), LEASE)
                .await
                .unwrap()
                .unwrap();
            let next = t0() + secs(300);
            let s = reschedule(db, id, "w", next).await.unwrap();
            assert_eq!(s, Settled::Queued { run_at: next });
            let j = get(db, id).await.unwrap().unwrap();
            assert_eq!(
                (j.status.as_str(), j.attempts, j.run_at),
                ("queued", 0, next)
            );
            // Still the one live job for its key.
            assert_eq!(
                add_job(
                    db,
                    NewJob::new("poll", serde_json::json!({}), t0()).dedup_key("p")
                )
                .await,
                None
            );
        }
    }

    /// Several workers, each with its own pool, drain 200 jobs concurrently: every job is run
    /// exactly once. On PostgreSQL this exercises `for update skip locked`; on SQLite the
    /// `BEGIN IMMEDIATE` claim across connections.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_workers_never_take_the_same_job() {
        const JOBS: usize = 200;
        for t in testing::all().await {
            let be = t.db.backend();
            let mut tx = t.db.begin().await.unwrap();
            for i in 0..JOBS {
                enqueue(
                    &mut tx,
                    NewJob::new("work", serde_json::json!({ "i": i }), t0()),
                    t0(),
                )
                .await
                .unwrap()
                .unwrap();
            }
            tx.commit().await.unwrap();
            let workers = if matches!(t.db, Db::Postgres(_)) {
                4
            } else {
                2
            };
            let seen: Arc<Mutex<HashMap<i64, usize>>> = Arc::default();
            let mut tasks = Vec::new();
            for w in 0..workers {
                let db = Db::connect(&t.url).await.unwrap();
                let seen = seen.clone();
                tasks.push(tokio::spawn(async move {
                    let name = format!("w{w}");
                    let mut mine = 0usize;
                    while let Some(j) = claim(&db, &name, &["work"], t0(), LEASE).await.unwrap() {
                        *seen.lock().unwrap().entry(j.id).or_default() += 1;
                        tokio::task::yield_now().await;
                        assert_eq!(
                            complete(&db, j.id, &name, t0()).await.unwrap(),
                            Settled::Done
                        );
                        mine += 1;
                    }
                    db.close().await;
                    mine
                }));
            }
            let mut per_worker = Vec::new();
            for task in tasks {
                per_worker.push(task.await.unwrap());
            }
            let seen = std::mem::take(&mut *seen.lock().unwrap());
            assert_eq!(seen.len(), JOBS, "{be}: every job claimed");
            assert!(
                seen.values().all(|&n| n == 1),
                "{be}: a job was claimed twice"
            );
            assert_eq!(per_worker.iter().sum::<usize>(), JOBS, "{be}");
            assert_eq!(
                count_by_status(&t.db).await.unwrap(),
                vec![("done".into(), JOBS as i64)]
            );
            eprintln!("{be}: jobs per worker {per_worker:?}");
        }
    }

    #[tokio::test]
    async fn a_queued_poll_can_be_made_due_now() {
        for t in testing::all().await {
            let db = &t.db;
            let later = t0() + secs(3600);
            enqueue_now(
                db,
                NewJob::new("poll", serde_json::json!({}), later).dedup_key("poll"),
                t0(),
            )
            .await
            .unwrap();
            assert!(
                claim(db, "w", &["poll"], t0(), LEASE)
                    .await
                    .unwrap()
                    .is_none()
            );
            assert!(run_now(db, "poll", t0()).await.unwrap());
            let job = claim(db, "w", &["poll"], t0(), LEASE).await.unwrap();
            assert!(job.is_some(), "{}", db.backend());
            // Running: left alone.
            assert!(!run_now(db, "poll", t0()).await.unwrap());
        }
    }
}
