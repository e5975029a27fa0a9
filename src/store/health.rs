//! Source health (design.md §6): every upstream the tracker polls (court exchange, insolvency
//! list) records its last successful poll, last change and last error. A source that has not
//! succeeded within its expected cadence is *silent*; silence is an alert, raised once per
//! silence period (the period ends with the next success), not at every check.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

use super::alerts::{self, NewAlert, Severity};
use super::{Db, Result, on_db, on_tx};

/// One source's health row.
#[derive(Debug, Clone, Serialize)]
pub struct SourceHealth {
    pub source: String,
    pub expected_cadence_secs: i64,
    pub registered_at: DateTime<Utc>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_change_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    pub silence_alerted_at: Option<DateTime<Utc>>,
}

impl SourceHealth {
    /// Since when the source has been quiet: its last success, or its registration if it never
    /// succeeded.
    pub fn quiet_since(&self) -> DateTime<Utc> {
        self.last_success_at.unwrap_or(self.registered_at)
    }

    /// True when the last success is older than the expected cadence.
    pub fn is_silent(&self, now: DateTime<Utc>) -> bool {
        now - self.quiet_since() > chrono::Duration::seconds(self.expected_cadence_secs)
    }

    /// True when the current silence has been alerted already.
    fn silence_alerted(&self) -> bool {
        self.silence_alerted_at
            .is_some_and(|a| a >= self.quiet_since())
    }
}

fn cadence_secs(cadence: Duration) -> i64 {
    i64::try_from(cadence.as_secs()).unwrap_or(i64::MAX).max(1)
}

/// Registers a source (or updates its cadence). Silence of a source that never succeeds is
/// measured from its first registration.
pub async fn register(db: &Db, source: &str, cadence: Duration, now: DateTime<Utc>) -> Result<()> {
    on_db!(db, |p| sqlx::query(
        "insert into source_health (source, expected_cadence_secs, registered_at) \
         values ($1, $2, $3) \
         on conflict (source) do update set expected_cadence_secs = excluded.expected_cadence_secs"
    )
    .bind(source)
    .bind(cadence_secs(cadence))
    .bind(now)
    .execute(p)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Records a successful poll; `changed` when it brought something new (a document, a list
/// entry). Registers the source if needed.
pub async fn record_success(
    db: &Db,
    source: &str,
    cadence: Duration,
    now: DateTime<Utc>,
    changed: bool,
) -> Result<()> {
    register(db, source, cadence, now).await?;
    let alerted: Option<DateTime<Utc>> = on_db!(db, |p| sqlx::query_scalar(
        "update source_health set last_success_at = $2, \
         last_change_at = case when $3 then $2 else last_change_at end \
         where source = $1 returning silence_alerted_at"
    )
    .bind(source)
    .bind(now)
    .bind(changed)
    .fetch_optional(p)
    .await?
    .flatten());
    // The source speaks again: its silence alert, if one was raised, is over.
    if alerted.is_some() {
        let mut tx = db.begin().await?;
        alerts::acknowledge_matching(&mut tx, source, &format!("source {source} is silent:"), now)
            .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// A duration for a person: `45 s`, `12 min`, `3 h 5 min`.
fn span(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s % 3600 / 60 == 0 => format!("{} h", s / 3600),
        s => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// Records a failed poll. Registers the source if needed.
pub async fn record_error(
    db: &Db,
    source: &str,
    cadence: Duration,
    now: DateTime<Utc>,
    error: &str,
) -> Result<()> {
    register(db, source, cadence, now).await?;
    on_db!(db, |p| sqlx::query(
        "update source_health set last_error = $2, last_error_at = $3 where source = $1"
    )
    .bind(source)
    .bind(error)
    .bind(now)
    .execute(p)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Every source, by name.
pub async fn list(db: &Db) -> Result<Vec<SourceHealth>> {
    on_db!(db, |p| sqlx::query(
        "select source, expected_cadence_secs, registered_at, last_success_at, last_change_at, \
         last_error, last_error_at, silence_alerted_at from source_health order by source"
    )
    .fetch_all(p)
    .await?
    .into_iter()
    .map(|r| -> Result<SourceHealth> {
        Ok(SourceHealth {
            source: r.try_get("source")?,
            expected_cadence_secs: r.try_get("expected_cadence_secs")?,
            registered_at: r.try_get("registered_at")?,
            last_success_at: r.try_get("last_success_at")?,
            last_change_at: r.try_get("last_change_at")?,
            last_error: r.try_get("last_error")?,
            last_error_at: r.try_get("last_error_at")?,
            silence_alerted_at: r.try_get("silence_alerted_at")?,
        })
    })
    .collect())
}

/// Sources whose last success is older than their expected cadence at `now`. (Few rows — one
/// per upstream — so the comparison is done here, not in backend-specific SQL.)
pub async fn silent_sources(db: &Db, now: DateTime<Utc>) -> Result<Vec<SourceHealth>> {
    Ok(list(db)
        .await?
        .into_iter()
        .filter(|s| s.is_silent(now))
        .collect())
}

/// Raises an alert for each silent source whose silence has not been alerted yet; returns the
/// new alert ids. Safe to run from several workers at once: the mark is a conditional update, so
/// only one of them raises the alert.
pub async fn alert_silent_sources(db: &Db, now: DateTime<Utc>) -> Result<Vec<i64>> {
    let mut raised = Vec::new();
    for s in silent_sources(db, now).await? {
        if s.silence_alerted() {
            continue;
        }
        let mut tx = db.begin().await?;
        // Marks the silence alerted unless a success or another worker's mark came first.
        let n = on_tx!(&mut tx, |c| sqlx::query(
            "update source_health set silence_alerted_at = $2 where source = $1 \
             and coalesce(last_success_at, registered_at) = $3 \
             and (silence_alerted_at is null or silence_alerted_at < $3)"
        )
        .bind(&s.source)
        .bind(now)
        .bind(s.quiet_since())
        .execute(&mut *c)
        .await?
        .rows_affected());
        if n != 1 {
            continue;
        }
        let quiet = now - s.quiet_since();
        let what = if s.last_success_at.is_some() {
            "no successful poll"
        } else {
            "never polled successfully"
        };
        let last_error = s
            .last_error
            .as_deref()
            .map(|e| format!("; last error: {e}"))
            .unwrap_or_default();
        let id = alerts::raise(
            &mut tx,
            NewAlert {
                at: now,
                source: &s.source,
                severity: Severity::Warning,
                message: format!(
                    "source {} is silent: {what} for {} (expected every {}){last_error}",
                    s.source,
                    span(quiet.num_seconds()),
                    span(s.expected_cadence_secs)
                ),
            },
        )
        .await?;
        tx.commit().await?;
        raised.push(id);
    }
    Ok(raised)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::store::{alerts, testing};

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap() + chrono::Duration::minutes(min)
    }

    const TEN_MIN: Duration = Duration::from_secs(600);

    #[test]
    fn spans_read_as_a_person_says_them() {
        assert_eq!(span(6), "6 s");
        assert_eq!(span(660), "11 min");
        assert_eq!(span(7200), "2 h");
        assert_eq!(span(11_100), "3 h 5 min");
    }

    #[tokio::test]
    async fn silence_raises_one_alert_per_silence_period() {
        for t in testing::all().await {
            let db = &t.db;
            let be = db.backend();
            record_success(db, "court-exchange", TEN_MIN, at(0), true)
                .await
                .unwrap();
            assert!(
                alert_silent_sources(db, at(5)).await.unwrap().is_empty(),
                "{be}"
            );
            assert!(
                silent_sources(db, at(10)).await.unwrap().is_empty(),
                "exactly on cadence"
            );
            record_error(db, "court-exchange", TEN_MIN, at(8), "HTTP 503")
                .await
                .unwrap();
            let silent = silent_sources(db, at(11)).await.unwrap();
            assert_eq!(silent.len(), 1, "{be}");
            assert_eq!(silent[0].last_change_at, Some(at(0)));
            let first = alert_silent_sources(db, at(11)).await.unwrap();
            assert_eq!(first.len(), 1, "{be}");
            // Still silent, already alerted: no new alert at later checks.
            assert!(
                alert_silent_sources(db, at(12)).await.unwrap().is_empty(),
                "{be}"
            );
            assert!(
                alert_silent_sources(db, at(60)).await.unwrap().is_empty(),
                "{be}"
            );
            let open = alerts::list(db, false).await.unwrap();
            assert_eq!(open.len(), 1);
            assert_eq!(open[0].source, "court-exchange");
            assert!(open[0].message.contains("HTTP 503"), "{}", open[0].message);
            // A success ends the silence (without a change: last_change_at stays); the next
            // silence is a new period and alerts again.
            record_success(db, "court-exchange", TEN_MIN, at(61), false)
                .await
                .unwrap();
            assert!(alert_silent_sources(db, at(65)).await.unwrap().is_empty());
            let h = &list(db).await.unwrap()[0];
            assert_eq!(
                (h.last_success_at, h.last_change_at),
                (Some(at(61)), Some(at(0)))
            );
            assert_eq!(
                alert_silent_sources(db, at(72)).await.unwrap().len(),
                1,
                "{be}"
            );
            // The first silence ended with the success: only the new one is open.
            let open = alerts::list(db, false).await.unwrap();
            assert_eq!(open.len(), 1, "{be}");
            assert_eq!(alerts::list(db, true).await.unwrap().len(), 2);
            assert!(
                open[0]
                    .message
                    .contains("for 11 min (expected every 10 min)"),
                "{}",
                open[0].message
            );
        }
    }

    #[tokio::test]
    async fn a_source_that_never_succeeds_is_silent_after_its_cadence() {
        for t in testing::all().await {
            let db = &t.db;
            register(db, "insolvency-list", TEN_MIN, at(0))
                .await
                .unwrap();
            // Registering again does not move the start of the silence.
            register(db, "insolvency-list", TEN_MIN, at(9))
                .await
                .unwrap();
            assert!(alert_silent_sources(db, at(10)).await.unwrap().is_empty());
            assert_eq!(alert_silent_sources(db, at(11)).await.unwrap().len(), 1);
            assert!(alert_silent_sources(db, at(30)).await.unwrap().is_empty());
            let a = &alerts::list(db, false).await.unwrap()[0];
            assert!(
                a.message.contains("never polled successfully"),
                "{}",
                a.message
            );
        }
    }
}
