//! The append-only event log. Every row carries the SHA-256 of its content and of the row
//! before it, so a changed or deleted row breaks the chain and [`verify_chain`] finds it.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Db, Result, StoreError, Tx, on_db, on_tx};

/// One event to append.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub at: DateTime<Utc>,
    /// Who: the OS user or service that acted.
    pub actor: &'a str,
    /// What kind of thing changed: `batch`, `claim`, `package`, `proposal`, `rate`.
    pub entity: &'a str,
    pub entity_id: String,
    /// What happened: `imported`, `linted`, `sealed`, `written`, …
    pub action: &'a str,
    /// Details as JSON text (before/after where there is one).
    pub detail: String,
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn chain_hash(prev: &str, e: &NewEvent<'_>, at: &str) -> String {
    let mut h = openssl::sha::Sha256::new();
    for part in [
        prev,
        at,
        e.actor,
        e.entity,
        &e.entity_id,
        e.action,
        &e.detail,
    ] {
        h.update(&(part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finish())
}

/// Appends an event inside the caller's transaction. On PostgreSQL the table is locked for the
/// rest of the transaction so two writers cannot fork the chain; SQLite's `BEGIN IMMEDIATE`
/// already serialises writers.
pub async fn append(tx: &mut Tx, e: NewEvent<'_>) -> Result<()> {
    let at = e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    if let Tx::Postgres(t) = tx {
        sqlx::query("lock table events in share row exclusive mode")
            .execute(&mut **t)
            .await?;
    }
    let prev: Option<String> = on_tx!(tx, |c| sqlx::query_scalar(
        "select hash from events order by id desc limit 1"
    )
    .fetch_optional(&mut *c)
    .await?);
    let prev = prev.unwrap_or_else(|| GENESIS.to_string());
    let hash = chain_hash(&prev, &e, &at);
    on_tx!(tx, |c| sqlx::query(
        "insert into events (at, actor, entity, entity_id, action, detail, prev_hash, hash) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(e.at)
    .bind(e.actor)
    .bind(e.entity)
    .bind(&e.entity_id)
    .bind(e.action)
    .bind(&e.detail)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Recomputes the chain; returns the number of events, or the id of the first broken row.
pub async fn verify_chain(db: &Db) -> Result<usize> {
    let rows = on_db!(db, |p| sqlx::query(
        "select id, at, actor, entity, entity_id, action, detail, prev_hash, hash \
         from events order by id"
    )
    .fetch_all(p)
    .await?
    .into_iter()
    .map(|r| -> Result<_> {
        Ok((
            r.try_get::<i64, _>("id")?,
            r.try_get::<DateTime<Utc>, _>("at")?,
            r.try_get::<String, _>("actor")?,
            r.try_get::<String, _>("entity")?,
            r.try_get::<String, _>("entity_id")?,
            r.try_get::<String, _>("action")?,
            r.try_get::<String, _>("detail")?,
            r.try_get::<String, _>("prev_hash")?,
            r.try_get::<String, _>("hash")?,
        ))
    })
    .collect::<Result<Vec<_>>>()?);
    let mut prev = GENESIS.to_string();
    for (id, at, actor, entity, entity_id, action, detail, prev_hash, hash) in &rows {
        let e = NewEvent {
            at: *at,
            actor,
            entity,
            entity_id: entity_id.clone(),
            action,
            detail: detail.clone(),
        };
        let at_s = at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        if *prev_hash != prev || chain_hash(&prev, &e, &at_s) != *hash {
            return Err(StoreError::Corrupt(format!(
                "event log: row {id} does not match its hash chain"
            )));
        }
        prev = hash.clone();
    }
    Ok(rows.len())
}

/// The OS user running writ, for the `actor` column.
pub fn current_actor() -> String {
    std::env::var("WRIT_ACTOR")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "writ".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[tokio::test]
    async fn chain_verifies_and_detects_tampering() {
        for t in testing::all().await {
            let mut tx = t.db.begin().await.unwrap();
            for i in 0..3 {
                append(
                    &mut tx,
                    NewEvent {
                        at: Utc::now(),
                        actor: "test",
                        entity: "claim",
                        entity_id: i.to_string(),
                        action: "imported",
                        detail: "{}".into(),
                    },
                )
                .await
                .unwrap();
            }
            tx.commit().await.unwrap();
            assert_eq!(verify_chain(&t.db).await.unwrap(), 3, "{}", t.db.backend());
            on_db!(&t.db, |p| sqlx::query(
                "update events set detail = '{\"x\":1}' where entity_id = '1'"
            )
            .execute(p)
            .await
            .map(|_| ())
            .unwrap());
            let err = verify_chain(&t.db).await.unwrap_err();
            assert!(err.to_string().contains("does not match"), "{err}");
        }
    }
}
