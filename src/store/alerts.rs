//! Alerts: things a person must look at (a dead job, a silent source). Raised by the tracker,
//! listed by `writ alerts`, acknowledged by staff. An alert is never deleted.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

use super::{Db, Result, Tx, on_db, on_tx};

/// How bad an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// An alert to raise.
#[derive(Debug, Clone)]
pub struct NewAlert<'a> {
    pub at: DateTime<Utc>,
    /// What raised it: `jobs`, or a source name such as `court-exchange`.
    pub source: &'a str,
    pub severity: Severity,
    pub message: String,
}

/// A stored alert.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub source: String,
    pub severity: Severity,
    pub message: String,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// Raises an alert inside the caller's transaction (so the alert and the state change that
/// caused it commit together); returns its id.
pub async fn raise(tx: &mut Tx, a: NewAlert<'_>) -> Result<i64> {
    Ok(on_tx!(tx, |c| sqlx::query_scalar(
        "insert into alerts (at, source, severity, message) values ($1, $2, $3, $4) returning id"
    )
    .bind(a.at)
    .bind(a.source)
    .bind(a.severity.as_str())
    .bind(&a.message)
    .fetch_one(&mut *c)
    .await?))
}

/// Raises an alert unless the same one (source and message) is still unacknowledged: a
/// condition seen again at every poll is one alert, not one per poll. Returns the new id, or
/// `None` when it was already raised.
pub async fn raise_once(tx: &mut Tx, a: NewAlert<'_>) -> Result<Option<i64>> {
    let open: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
        "select id from alerts where source = $1 and message = $2 and acknowledged_at is null \
         limit 1"
    )
    .bind(a.source)
    .bind(&a.message)
    .fetch_optional(&mut *c)
    .await?);
    match open {
        Some(_) => Ok(None),
        None => raise(tx, a).await.map(Some),
    }
}

/// Acknowledges the open alerts of `source` whose message contains `needle`: the condition
/// they report is over (the list arrived, a person decided). Returns how many.
pub async fn acknowledge_matching(
    tx: &mut Tx,
    source: &str,
    needle: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let pattern = format!(
        "%{}%",
        needle
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    Ok(on_tx!(tx, |c| sqlx::query(
        "update alerts set acknowledged_at = $3 where source = $1 and acknowledged_at is null \
         and message like $2 escape '\\'"
    )
    .bind(source)
    .bind(&pattern)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected()))
}

/// Alerts, newest first: only the unacknowledged ones unless `all`.
pub async fn list(db: &Db, all: bool) -> Result<Vec<Alert>> {
    const OPEN: &str = "select id, at, source, severity, message, acknowledged_at from alerts \
                        where acknowledged_at is null order by id desc";
    const ALL: &str = "select id, at, source, severity, message, acknowledged_at from alerts \
                       order by id desc";
    let sql = if all { ALL } else { OPEN };
    on_db!(db, |p| sqlx::query(sql)
        .fetch_all(p)
        .await?
        .into_iter()
        .map(|r| -> Result<Alert> {
            let severity: String = r.try_get("severity")?;
            Ok(Alert {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                source: r.try_get("source")?,
                severity: Severity::parse(&severity).ok_or_else(|| {
                    super::StoreError::Corrupt(format!("alert severity '{severity}'"))
                })?,
                message: r.try_get("message")?,
                acknowledged_at: r.try_get("acknowledged_at")?,
            })
        })
        .collect())
}

/// Marks an alert acknowledged; false when there is no such open alert.
pub async fn acknowledge(db: &Db, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = on_db!(db, |p| sqlx::query(
        "update alerts set acknowledged_at = $2 where id = $1 and acknowledged_at is null"
    )
    .bind(id)
    .bind(now)
    .execute(p)
    .await?
    .rows_affected());
    Ok(n == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[tokio::test]
    async fn raise_list_acknowledge() {
        for t in testing::all().await {
            let now = Utc::now();
            let mut tx = t.db.begin().await.unwrap();
            let id = raise(
                &mut tx,
                NewAlert {
                    at: now,
                    source: "jobs",
                    severity: Severity::Error,
                    message: "job 1 dead".into(),
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            let open = list(&t.db, false).await.unwrap();
            assert_eq!(open.len(), 1, "{}", t.db.backend());
            assert_eq!(open[0].severity, Severity::Error);
            assert!(acknowledge(&t.db, id, now).await.unwrap());
            assert!(!acknowledge(&t.db, id, now).await.unwrap());
            assert!(list(&t.db, false).await.unwrap().is_empty());
            assert_eq!(list(&t.db, true).await.unwrap().len(), 1);
        }
    }
}
