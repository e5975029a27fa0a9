//! Interest rates entered by staff (`writ rates add`), on top of the built-in table.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::{Db, Result, Tx, on_db, on_tx};

/// A rate row entered by staff, with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnteredRate {
    pub valid_from: NaiveDate,
    pub rate_percent: String,
    pub source: String,
    pub entered_at: DateTime<Utc>,
}

pub async fn list(db: &Db) -> Result<Vec<EnteredRate>> {
    on_db!(db, |p| {
        let rows = sqlx::query(
            "select valid_from, rate_percent, source, entered_at from interest_rates \
             order by valid_from",
        )
        .fetch_all(p)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(EnteredRate {
                    valid_from: r.try_get("valid_from")?,
                    rate_percent: r.try_get("rate_percent")?,
                    source: r.try_get("source")?,
                    entered_at: r.try_get("entered_at")?,
                })
            })
            .collect()
    })
}

pub async fn add(tx: &mut Tx, rate: &EnteredRate) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "insert into interest_rates (valid_from, rate_percent, source, entered_at) \
         values ($1, $2, $3, $4)"
    )
    .bind(rate.valid_from)
    .bind(&rate.rate_percent)
    .bind(&rate.source)
    .bind(rate.entered_at)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    Ok(())
}
