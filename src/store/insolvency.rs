//! Insolvency records as received (daily lists, notices) and people's decisions on candidates.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::{Db, Result, StoreError, Tx, on_db, on_tx};
use crate::tracker::insolvency::{DailyList, Notice};

/// Stores a daily list; false when the same list (date + sequence) was stored before.
pub async fn add_daily_list(
    tx: &mut Tx,
    list: &DailyList,
    source: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let key = format!("{}#{}", list.list_date, list.sequence);
    let data = serde_json::to_string(list).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    add(tx, "daily_list", &key, source, list.list_date, &data, now).await
}

/// Stores a notice; false when it was stored before.
pub async fn add_notice(
    tx: &mut Tx,
    notice: &Notice,
    source: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let data = serde_json::to_string(notice).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    add(
        tx,
        "notice",
        &notice.notice_id,
        source,
        notice.publication_date,
        &data,
        now,
    )
    .await
}

async fn add(
    tx: &mut Tx,
    kind: &str,
    key: &str,
    source: &str,
    published: NaiveDate,
    data: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let id: Option<i64> = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "insert into insolvency_records (kind, record_key, source, published_on, data, first_seen_at) \
         values ($1, $2, $3, $4, $5, $6) on conflict (kind, record_key) do nothing returning id"
    )
    .bind(kind)
    .bind(key)
    .bind(source)
    .bind(published)
    .bind(data)
    .bind(now)
    .fetch_optional(&mut *c)
    .await?
    });
    Ok(id.is_some())
}

/// Every daily list stored, oldest first.
pub async fn daily_lists(db: &Db) -> Result<Vec<DailyList>> {
    records(db, "daily_list")
        .await?
        .into_iter()
        .map(|(d, _)| {
            serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(format!("daily list: {e}")))
        })
        .collect()
}

/// Every notice stored with when writ first saw it, oldest first.
pub async fn notices(db: &Db) -> Result<Vec<(Notice, DateTime<Utc>)>> {
    records(db, "notice")
        .await?
        .into_iter()
        .map(|(d, seen)| {
            Ok((
                serde_json::from_str(&d)
                    .map_err(|e| StoreError::Corrupt(format!("notice: {e}")))?,
                seen,
            ))
        })
        .collect()
}

async fn records(db: &Db, kind: &str) -> Result<Vec<(String, DateTime<Utc>)>> {
    on_db!(db, |p| {
        let rows = sqlx::query("select data, first_seen_at from insolvency_records where kind = $1 order by published_on, id")
            .bind(kind)
            .fetch_all(p)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("data")?, r.try_get("first_seen_at")?)))
            .collect()
    })
}

/// The latest daily-list date stored (the last successful poll's list), if any.
pub async fn last_daily_list_date(db: &Db) -> Result<Option<NaiveDate>> {
    on_db!(db, |p| Ok(sqlx::query_scalar(
        "select max(published_on) from insolvency_records where kind = 'daily_list'"
    )
    .fetch_one(p)
    .await?))
}

/// A person's decision on a candidate match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub claim_id: i64,
    pub record_key: String,
    pub confirmed: bool,
    pub decided_by: String,
    pub note: String,
}

pub async fn decide(tx: &mut Tx, d: &Decision, now: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "insert into insolvency_decisions (claim_id, record_key, decision, decided_by, decided_at, note) \
         values ($1, $2, $3, $4, $5, $6)"
    )
    .bind(d.claim_id)
    .bind(&d.record_key)
    .bind(if d.confirmed { "confirmed" } else { "rejected" })
    .bind(&d.decided_by)
    .bind(now)
    .bind(&d.note)
    .execute(&mut *c)
    .await
    .map(|_| ())?
    });
    Ok(())
}

pub async fn decisions(db: &Db) -> Result<Vec<Decision>> {
    on_db!(db, |p| {
        let rows = sqlx::query("select claim_id, record_key, decision, decided_by, note from insolvency_decisions order by id")
            .fetch_all(p)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Decision {
                    claim_id: r.try_get("claim_id")?,
                    record_key: r.try_get("record_key")?,
                    confirmed: r.try_get::<String, _>("decision")? == "confirmed",
                    decided_by: r.try_get("decided_by")?,
                    note: r.try_get("note")?,
                })
            })
            .collect()
    })
}
