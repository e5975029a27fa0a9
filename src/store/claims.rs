//! Claims as stored: loading them for lint and filing, and recording lint results.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Db, Result, StoreError, Tx, on_db, on_tx};
use crate::filing::model::Claim;

/// Claim status: imported → ready (lint clean) | blocked (lint errors) → filed; an unfiled claim
/// imported again in a later batch is superseded by the newer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Imported,
    Ready,
    Blocked,
    Filed,
    Superseded,
}

impl ClaimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Imported => "imported",
            ClaimStatus::Ready => "ready",
            ClaimStatus::Blocked => "blocked",
            ClaimStatus::Filed => "filed",
            ClaimStatus::Superseded => "superseded",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "imported" => ClaimStatus::Imported,
            "ready" => ClaimStatus::Ready,
            "blocked" => ClaimStatus::Blocked,
            "filed" => ClaimStatus::Filed,
            "superseded" => ClaimStatus::Superseded,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "unknown claim status '{other}'"
                )));
            }
        })
    }
}

/// A claim as stored.
#[derive(Debug, Clone)]
pub struct StoredClaim {
    pub id: i64,
    pub batch_id: i64,
    pub claim_key: String,
    pub source_file: String,
    pub source_rows: String,
    pub status: ClaimStatus,
    pub claim: Claim,
}

fn decode(r: &impl RowLike) -> Result<StoredClaim> {
    let data = r.text("data")?;
    let claim: Claim = serde_json::from_str(&data)
        .map_err(|e| StoreError::Corrupt(format!("claim {}: {e}", r.int("id").unwrap_or(0))))?;
    Ok(StoredClaim {
        id: r.int("id")?,
        batch_id: r.int("batch_id")?,
        claim_key: r.text("claim_key")?,
        source_file: r.text("source_file")?,
        source_rows: r.text("source_rows")?,
        status: ClaimStatus::parse(&r.text("status")?)?,
        claim,
    })
}

/// Row access shared by both backends' row types.
trait RowLike {
    fn text(&self, col: &str) -> Result<String>;
    fn int(&self, col: &str) -> Result<i64>;
}
macro_rules! impl_row_like {
    ($t:ty) => {
        impl RowLike for $t {
            fn text(&self, col: &str) -> Result<String> {
                Ok(self.try_get::<String, _>(col)?)
            }
            fn int(&self, col: &str) -> Result<i64> {
                Ok(self.try_get::<i64, _>(col)?)
            }
        }
    };
}
impl_row_like!(sqlx::sqlite::SqliteRow);
impl_row_like!(sqlx::postgres::PgRow);

/// Claims not yet filed (imported, ready or blocked), oldest first.
pub async fn unfiled(db: &Db) -> Result<Vec<StoredClaim>> {
    on_db!(db, |p| sqlx::query(
        "select id, batch_id, claim_key, source_file, source_rows, status, data from claims \
         where status not in ('filed', 'superseded') order by id"
    )
    .fetch_all(p)
    .await?
    .iter()
    .map(decode)
    .collect())
}

/// Claims that passed lint and have no proposal yet, oldest first.
pub async fn ready_unproposed(db: &Db) -> Result<Vec<StoredClaim>> {
    on_db!(db, |p| sqlx::query(
        "select id, batch_id, claim_key, source_file, source_rows, status, data from claims c \
         where status = 'ready' \
         and not exists (select 1 from proposals p where p.claim_key = c.claim_key) \
         order by id"
    )
    .fetch_all(p)
    .await?
    .iter()
    .map(decode)
    .collect())
}

/// One claim by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<StoredClaim>> {
    on_db!(db, |p| sqlx::query(
        "select id, batch_id, claim_key, source_file, source_rows, status, data from claims \
         where id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await?
    .as_ref()
    .map(decode)
    .transpose())
}

/// All claims of a batch (or all claims when `batch` is None), in id order.
pub async fn list(db: &Db, batch: Option<i64>) -> Result<Vec<StoredClaim>> {
    on_db!(db, |p| sqlx::query(
        "select id, batch_id, claim_key, source_file, source_rows, status, data from claims \
         where ($1 is null or batch_id = $1) order by id"
    )
    .bind(batch)
    .fetch_all(p)
    .await?
    .iter()
    .map(decode)
    .collect())
}

/// Every filed claim (as imported) with its proposal id, for duplicate checks against earlier
/// filings.
pub async fn filed_claims(db: &Db) -> Result<Vec<(Claim, String)>> {
    on_db!(db, |p| {
        let rows = sqlx::query(
            "select c.id, c.data, pr.id as proposal_id from proposals pr \
             join claims c on c.id = pr.claim_id order by c.id",
        )
        .fetch_all(p)
        .await?;
        rows.iter()
            .map(|r| {
                let data: String = r.try_get("data")?;
                let claim: Claim = serde_json::from_str(&data).map_err(|e| {
                    StoreError::Corrupt(format!(
                        "claim {}: {e}",
                        r.try_get::<i64, _>("id").unwrap_or(0)
                    ))
                })?;
                Ok((claim, r.try_get("proposal_id")?))
            })
            .collect()
    })
}

/// One lint finding to store.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FindingRow {
    pub claim_id: i64,
    pub code: String,
    pub severity: String,
    pub field: String,
    pub value: String,
    pub message: String,
}

/// Records a lint run: its findings and each checked claim's new status.
pub async fn record_lint(
    tx: &mut Tx,
    now: DateTime<Utc>,
    statuses: &[(i64, ClaimStatus)],
    findings: &[FindingRow],
) -> Result<i64> {
    let ready = statuses
        .iter()
        .filter(|(_, s)| *s == ClaimStatus::Ready)
        .count() as i64;
    let run_id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "insert into lint_runs (created_at, claims_checked, claims_ready, claims_blocked) \
         values ($1, $2, $3, $4) returning id"
    )
    .bind(now)
    .bind(statuses.len() as i64)
    .bind(ready)
    .bind(statuses.len() as i64 - ready)
    .fetch_one(&mut *c)
    .await?);
    for f in findings {
        on_tx!(tx, |c| sqlx::query(
            "insert into lint_findings (lint_run_id, claim_id, code, severity, field, value, \
             message) values ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(run_id)
        .bind(f.claim_id)
        .bind(&f.code)
        .bind(&f.severity)
        .bind(&f.field)
        .bind(&f.value)
        .bind(&f.message)
        .execute(&mut *c)
        .await
        .map(|_| ())?);
    }
    for (id, status) in statuses {
        on_tx!(tx, |c| sqlx::query(
            "update claims set status = $1 where id = $2 and status not in ('filed', 'superseded')"
        )
        .bind(status.as_str())
        .bind(*id)
        .execute(&mut *c)
        .await
        .map(|_| ())?);
    }
    Ok(run_id)
}

/// Findings of the latest lint run (every run checks all unfiled claims).
pub async fn latest_findings(db: &Db) -> Result<Vec<FindingRow>> {
    on_db!(db, |p| {
        let rows = sqlx::query(
            "select f.claim_id, f.code, f.severity, f.field, f.value, f.message \
             from lint_findings f \
             where f.lint_run_id = (select max(id) from lint_runs) \
             order by f.claim_id, f.id",
        )
        .fetch_all(p)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(FindingRow {
                    claim_id: r.try_get("claim_id")?,
                    code: r.try_get("code")?,
                    severity: r.try_get("severity")?,
                    field: r.try_get("field")?,
                    value: r.try_get("value")?,
                    message: r.try_get("message")?,
                })
            })
            .collect()
    })
}
