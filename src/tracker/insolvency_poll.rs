//! The insolvency watch's polling (design.md §6, issue 6): fetch the CIF daily lists and the
//! published notices from any [`InsolvencySource`], store them once, raise the alerts a person
//! must see (a missing list, a notice seen late, a notice that does not read or changed), and —
//! as the `poll_insolvency` job of `writ worker` — apply new notices to open cases and record
//! source health. `writ insolvency poll` runs the same code once.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::insolvency::{self as ins, InsolvencySource};
use super::queue::{Clock, JobError, JobFuture, JobHandler, Outcome};
use crate::law::Calendar;
use crate::store::alerts::{self, NewAlert, Severity};
use crate::store::jobs::{Job, NewJob};
use crate::store::{Db, events, health, insolvency};

/// The job kind.
pub const POLL_INSOLVENCY: &str = "poll_insolvency";
/// The source name in source health.
pub const SOURCE: &str = "insolvency-registry";

/// Stores parsed lists and notices; returns (new lists, new notices).
pub async fn store_records(
    db: &Db,
    lists: &[ins::DailyList],
    notices: &[ins::Notice],
    source: &str,
) -> anyhow::Result<(usize, usize)> {
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let mut new_lists = 0;
    for l in lists {
        new_lists += usize::from(insolvency::add_daily_list(&mut tx, l, source, now).await?);
    }
    let mut new_notices = 0;
    let calendar = Calendar::slovenia();
    for n in notices {
        if !insolvency::add_notice(&mut tx, n, source, now).await? {
            // Known id: the first version is kept. A different content under the same id (a
            // correction, or two proceedings the source numbered alike) is for a person.
            if let Some(stored) = insolvency::stored_notice(&mut tx, &n.notice_id).await?
                && stored != *n
            {
                alerts::raise_once(
                    &mut tx,
                    NewAlert {
                        at: now,
                        source: "insolvency",
                        severity: Severity::Error,
                        message: format!(
                            "Notice {} came again from {source} with different content ({}, {} {}, {}) than the one stored ({}, {} {}, {}); the stored one is applied. Read both on the AJPES portal.",
                            n.notice_id,
                            n.debtor.name,
                            n.court,
                            n.case_number,
                            n.proceedings_type,
                            stored.debtor.name,
                            stored.court,
                            stored.case_number,
                            stored.proceedings_type,
                        ),
                    },
                )
                .await?;
            }
        } else {
            new_notices += 1;
            // Knowledge is deemed 8 days after publication (ZFPPIPP 122(4)).
            let today = crate::law::ljubljana_date(Utc::now());
            let file_by = ins::claim_deadline(n, &calendar).ok().map(|d| d.file_by);
            if let Some(a) = ins::late_knowledge_alert(n, today, file_by) {
                alerts::raise(
                    &mut tx,
                    NewAlert {
                        at: now,
                        source: "insolvency",
                        severity: Severity::Warning,
                        message: a.message,
                    },
                )
                .await?;
            }
        }
    }
    events::append(
        &mut tx,
        events::NewEvent {
            at: now,
            actor: &events::current_actor(),
            entity: "insolvency",
            entity_id: source.to_string(),
            action: "received",
            detail: serde_json::json!({"daily_lists": new_lists, "notices": new_notices})
                .to_string(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((new_lists, new_notices))
}

/// The longest window one poll fetches (a quarter).
const MAX_POLL_DAYS: i64 = 92;

/// How far back each poll asks for notices again (see [`poll`]).
const NOTICE_OVERLAP_DAYS: i64 = 7;

/// Fetches daily lists from `from` to `to` (working days) and notices since a week before
/// `from` from any
/// [`InsolvencySource`] (the registry over HTTP, or a [`ins::MemorySource`]), stores them under
/// `label`; a missing working-day list is an alert (source health), never a quiet gap.
/// Returns (new lists, new notices, alert messages).
pub async fn poll<S: InsolvencySource + Sync>(
    db: &Db,
    source: &S,
    label: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<(usize, usize, Vec<String>)> {
    let calendar = Calendar::slovenia();
    let mut lists = Vec::new();
    let mut received = BTreeSet::new();
    let mut d = from;
    while d <= to {
        if calendar.is_working_day(d).unwrap_or(false)
            && let Some(list) = source
                .daily_list(d)
                .await
                .with_context(|| format!("the daily list of {d}"))?
        {
            received.insert(d);
            lists.push(list);
        }
        d += Duration::days(1);
    }
    // Notices overlap the previous poll by a week: one published after the last poll on the
    // same day must not fall between two windows (a notice is stored once, by its id).
    let since = from - Duration::days(NOTICE_OVERLAP_DAYS);
    let batch = source
        .notices_since(since)
        .await
        .with_context(|| format!("the notices published since {since}"))?;
    let (new_lists, new_notices) = store_records(db, &lists, &batch.notices, label).await?;
    // A list stored by an earlier poll or import is not missing; today's list is produced at
    // the end of the working day (ZFPPIPP 122.a), so it is not missing yet either.
    received.extend(insolvency::daily_list_dates(db, from, to).await?);
    // A list that arrived answers the alert about its absence.
    if !received.is_empty() {
        let now = Utc::now();
        let mut tx = db.begin().await?;
        for d in &received {
            alerts::acknowledge_matching(
                &mut tx,
                "insolvency-daily-list",
                &format!("The CIF daily list of {} ", ins::si_date(*d)),
                now,
            )
            .await?;
        }
        tx.commit().await?;
    }
    let start = from - Duration::days(1);
    let through = to.min(crate::law::ljubljana_date(Utc::now()) - Duration::days(1));
    let missing = if through >= from {
        ins::missing_daily_lists(&calendar, start, through, &received)?
    } else {
        Vec::new()
    };
    let mut messages = Vec::new();
    // A notice the registry published but writ cannot read is not applied: a person reads it.
    if !batch.refused.is_empty() {
        let now = Utc::now();
        let mut tx = db.begin().await?;
        for e in &batch.refused {
            let message = format!(
                "A notice from {label} (published since {since}) could not be read and is not applied: {e}. Read it on the AJPES portal and act by hand; the other notices were taken."
            );
            alerts::raise_once(
                &mut tx,
                NewAlert {
                    at: now,
                    source: "insolvency",
                    severity: Severity::Error,
                    message: message.clone(),
                },
            )
            .await?;
            messages.push(message);
        }
        tx.commit().await?;
    }
    if !missing.is_empty() {
        let now = Utc::now();
        let mut tx = db.begin().await?;
        for a in &missing {
            alerts::raise_once(
                &mut tx,
                NewAlert {
                    at: now,
                    source: "insolvency-daily-list",
                    severity: Severity::Error,
                    message: a.message.clone(),
                },
            )
            .await?;
            messages.push(a.message.clone());
        }
        tx.commit().await?;
    }
    Ok((new_lists, new_notices, messages))
}

/// The window a poll fetches when the user gives none: the last week again (a list is stored
/// once, and a day the registry skipped is asked for again), or from the day after the last
/// list stored when that is longer ago; checked: not after today, not backwards, at most
/// [`MAX_POLL_DAYS`].
pub async fn window(
    db: &Db,
    today: NaiveDate,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    let to = to.unwrap_or(today);
    anyhow::ensure!(
        to <= today,
        "--to {to}: the daily list of a day after today ({today}) cannot exist yet"
    );
    let from = match from {
        Some(f) => f,
        None => {
            let week = to - Duration::days(7);
            insolvency::last_daily_list_date(db)
                .await?
                .map(|d| (d + Duration::days(1)).min(week))
                .unwrap_or(week)
        }
    };
    anyhow::ensure!(
        from <= to,
        "--from {from} is after --to {to}: nothing to fetch"
    );
    // Each day is a request to a service that may charge for it (ZFPPIPP 122.a): a mistyped
    // year must not fetch decades.
    anyhow::ensure!(
        (to - from).num_days() <= MAX_POLL_DAYS,
        "--from {from} to --to {to} is {} days; at most {MAX_POLL_DAYS} days per poll (poll an earlier window separately)",
        (to - from).num_days() + 1
    );
    Ok((from, to))
}

/// The recurring `poll_insolvency` job: poll the registry's default window, apply new notices
/// to open cases, record source health, run again after `every`.
pub struct InsolvencyWatch<S> {
    pub db: Db,
    pub source: S,
    /// Where records came from, as stored (e.g. `registry:https://…`).
    pub label: String,
    pub clock: Arc<dyn Clock>,
    pub every: StdDuration,
}

impl<S> InsolvencyWatch<S> {
    /// The job (deduplicated: at most one live poll).
    pub fn job(now: DateTime<Utc>) -> NewJob {
        NewJob::new(POLL_INSOLVENCY, serde_json::json!({}), now)
            .dedup_key(POLL_INSOLVENCY)
            .priority(5)
    }
}

impl<S: InsolvencySource + Send + Sync> InsolvencyWatch<S> {
    async fn run_once(&self) -> Result<Outcome, JobError> {
        let now = self.clock.now();
        let cadence = self.every * 3;
        let today = crate::law::ljubljana_date(now);
        let result = async {
            let (from, to) = window(&self.db, today, None, None).await?;
            poll(&self.db, &self.source, &self.label, from, to).await
        }
        .await;
        let (lists, notices, alerts) = match result {
            Ok(r) => r,
            Err(e) => {
                let msg = format!("{e:#}");
                health::record_error(&self.db, SOURCE, cadence, now, &msg).await?;
                return Err(JobError::Transient(msg));
            }
        };
        health::record_success(&self.db, SOURCE, cadence, now, lists + notices > 0).await?;
        let (moved, skipped) = crate::tracker::insolvency_cases::apply_notices(&self.db)
            .await
            .map_err(|e| JobError::Transient(format!("{e:#}")))?;
        tracing::info!(
            lists,
            notices,
            alerts = alerts.len(),
            moved = moved.len(),
            skipped = skipped.len(),
            "insolvency registry polled"
        );
        Outcome::again_after(now, self.every)
    }
}

impl<S: InsolvencySource + Send + Sync> JobHandler for InsolvencyWatch<S> {
    fn kinds(&self) -> &[&'static str] {
        &[POLL_INSOLVENCY]
    }

    fn run<'a>(&'a self, job: &'a Job) -> JobFuture<'a> {
        Box::pin(async move {
            match job.kind.as_str() {
                POLL_INSOLVENCY => self.run_once().await,
                other => Err(JobError::Permanent(format!(
                    "not an insolvency job: {other}"
                ))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;
    use crate::tracker::insolvency::{
        DailyList, MemorySource, NoticeBatch, QueryAnswer, QueryId, SourceError,
    };
    use crate::tracker::queue::SystemClock;

    /// A registry that does not answer.
    struct Down;

    impl InsolvencySource for Down {
        async fn daily_list(&self, _: NaiveDate) -> Result<Option<DailyList>, SourceError> {
            Err(SourceError::Unavailable(
                "GET http://registry/: cannot connect".into(),
            ))
        }
        async fn notices_since(&self, _: NaiveDate) -> Result<NoticeBatch, SourceError> {
            Err(SourceError::Unavailable(
                "GET http://registry/: cannot connect".into(),
            ))
        }
        async fn query(&self, _: &QueryId) -> Result<QueryAnswer, SourceError> {
            Err(SourceError::Unavailable(
                "GET http://registry/: cannot connect".into(),
            ))
        }
    }

    fn watch<S>(db: &Db, source: S) -> InsolvencyWatch<S> {
        InsolvencyWatch {
            db: db.clone(),
            source,
            label: "test".into(),
            clock: Arc::new(SystemClock),
            every: StdDuration::from_secs(3600),
        }
    }

    #[tokio::test]
    async fn the_job_runs_again_later_and_a_dead_registry_is_a_retry_with_its_reason() {
        for t in testing::all().await {
            let db = &t.db;
            let before = Utc::now();
            let Outcome::Again { at } =
                watch(db, MemorySource::default()).run_once().await.unwrap()
            else {
                panic!("a recurring job")
            };
            assert!(at >= before + Duration::minutes(59), "{at}");
            let e = watch(db, Down).run_once().await.unwrap_err();
            let JobError::Transient(m) = e else {
                panic!("{e:?}")
            };
            assert!(m.contains("cannot connect"), "{m}");
        }
    }

    #[tokio::test]
    async fn the_default_window_is_checked_before_any_request() {
        for t in testing::all().await {
            let db = &t.db;
            let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
            assert_eq!(
                window(db, today, None, None).await.unwrap(),
                (today - Duration::days(7), today)
            );
            let early = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap();
            let e = window(db, today, Some(early), None).await.unwrap_err();
            assert!(e.to_string().contains("at most 92 days"), "{e}");
            assert!(
                window(db, today, None, Some(today + Duration::days(1)))
                    .await
                    .is_err()
            );
        }
    }
}
