//! Synthetic open cases for benchmarks (`writ bench --tracker-open-cases`): the database makes
//! `n` filed claims, their proposals, open cases in a mix of states, one transition and one
//! open deadline each, with `insert … select` over a generated sequence, so a million rows take
//! seconds and every index the tracker's queries use is as large as in a real store of that
//! size.
//!
//! The rows copy the parties and data of the store's first claim and point at its first batch
//! and package, so the store must hold one filed claim first. Their VL numbers (`VL <id>/2019`)
//! and fee references (`SI11 2019-<id>`) cannot collide with what a court issues for the
//! current year. Never used outside benchmarks.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Db, Result, StoreError, Tx, on_tx};
use crate::tracker::case_state::CaseState;

/// The open states the synthetic cases rotate through (a store where enforcement runs for
/// years holds mostly final and executing cases).
fn open_states() -> [CaseState; 6] {
    [
        CaseState::Submitted,
        CaseState::FeePaid,
        CaseState::OrderIssued,
        CaseState::Final,
        CaseState::Executing,
        CaseState::PartiallyPaid,
    ]
}

/// The sequence `1..=$1` as a CTE named `seq(i)`, in each backend's dialect.
fn sequence_cte(tx: &Tx) -> &'static str {
    match tx {
        Tx::Sqlite(_) => {
            "with recursive seq(i) as (select 1 union all select i + 1 from seq where i < $1)"
        }
        Tx::Postgres(_) => "with seq(i) as (select generate_series(1, $1::bigint))",
    }
}

/// Adds `n` synthetic filed claims with open cases, tagged `tag` (distinct per call); returns
/// how many cases were made. One transaction.
pub async fn add_open_cases(db: &Db, n: u64, tag: &str, now: DateTime<Utc>) -> Result<u64> {
    let n = i64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{n} rows is too many")))?;
    let mut tx = db.begin().await?;
    let seq = sequence_cte(&tx);
    let key = format!("synthetic:{tag}:");
    let sql = format!(
        "{seq} insert into claims (batch_id, creditor_id, debtor_id, claim_key, external_ref, \
         source_file, source_rows, principal, data, status, created_at) \
         select f.batch_id, f.creditor_id, f.debtor_id, $2 || i, 'SYN-' || i, 'synthetic', '[]', \
         '100.00', f.data, 'filed', $3 \
         from seq, (select batch_id, creditor_id, debtor_id, data from claims \
         where id = (select min(id) from claims)) f"
    );
    let made = on_tx!(&mut tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(n)
        .bind(&key)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected());
    if made != n as u64 {
        return Err(StoreError::Corrupt(
            "synthetic cases need one stored claim to copy (file a batch first)".into(),
        ));
    }
    let like = format!("{key}%");
    on_tx!(&mut tx, |c| sqlx::query(
        "insert into proposals (id, claim_id, claim_key, package_id, seq, principal, xml, \
         sha256, created_at) \
         select 'SYN-' || c.id, c.id, c.claim_key, (select min(id) from packages), 0, \
         c.principal, $2, '', $3 from claims c where c.claim_key like $1"
    )
    .bind(&like)
    .bind(Vec::<u8>::new())
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ())?);

    let states = open_states();
    let mut state_case = String::from("case c.id % 6");
    let mut label_case = String::from("case c.id % 6");
    for k in 0..states.len() {
        state_case.push_str(&format!(" when {k} then ${}", 3 + k));
        label_case.push_str(&format!(" when {k} then ${}", 3 + states.len() + k));
    }
    state_case.push_str(" end");
    label_case.push_str(" end");
    let sql = format!(
        "insert into cases (claim_id, proposal_id, case_number, state, state_label, \
         fee_reference, fee_amount, fee_due_date, created_at, updated_at) \
         select c.id, 'SYN-' || c.id, 'VL ' || c.id || '/2019', {state_case}, {label_case}, \
         'SI11 2019-' || c.id, '44.00', $2, $15, $15 from claims c where c.claim_key like $1"
    );
    let fee_due =
        NaiveDate::from_ymd_opt(2019, 6, 28).ok_or_else(|| StoreError::Corrupt("date".into()))?;
    let json = |s: &CaseState| {
        serde_json::to_string(s).map_err(|e| StoreError::Corrupt(format!("case state: {e}")))
    };
    let state_json = states.iter().map(json).collect::<Result<Vec<_>>>()?;
    on_tx!(&mut tx, |c| {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(&like)
            .bind(fee_due);
        for s in &state_json {
            q = q.bind(s);
        }
        for s in &states {
            q = q.bind(s.to_string());
        }
        q.bind(now).execute(&mut *c).await.map(|_| ())?
    });
    on_tx!(&mut tx, |c| sqlx::query(
        "insert into case_transitions (case_id, from_state, to_state, event, event_json, \
         reason, source_kind, source_ref, document_id, at) \
         select k.id, 'submitting', k.state_label, 'synthetic history', '{}', \
         'synthetic case (benchmark)', 'receipt', $2, null, $3 \
         from cases k join claims c on c.id = k.claim_id where c.claim_key like $1"
    )
    .bind(&like)
    .bind(format!("synthetic:{tag}"))
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    on_tx!(&mut tx, |c| sqlx::query(
        "insert into case_deadlines (case_id, transition_id, rule, who, what, due, citation, \
         status, created_at) \
         select t.case_id, t.id, 'Synthetic', 'creditor', 'synthetic deadline', $2, \
         'benchmark', 'open', $3 from case_transitions t where t.source_ref = $1"
    )
    .bind(format!("synthetic:{tag}"))
    .bind(fee_due)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    tx.commit().await?;
    Ok(made)
}

/// Brings the store to the condition a long-running one is in after bulk inserts: SQLite's
/// write-ahead log folded into the database (otherwise the next writer pays for checkpointing
/// it), PostgreSQL's planner statistics up to date (autovacuum would have analysed the tables).
pub async fn settle(db: &Db) -> Result<()> {
    match db {
        Db::Sqlite(p) => sqlx::query("pragma wal_checkpoint(truncate)")
            .execute(p)
            .await
            .map(|_| ())?,
        Db::Postgres(p) => sqlx::query("analyze").execute(p).await.map(|_| ())?,
    }
    Ok(())
}

/// Cases in a state that is not terminal.
pub async fn count_open_cases(db: &Db) -> Result<i64> {
    super::on_db!(db, |p| Ok(sqlx::query_scalar(
        "select count(*) from cases where state_label not in ($1, $2, $3, $4)"
    )
    .bind(CaseState::Closed.to_string())
    .bind(CaseState::Rejected.to_string())
    .bind(CaseState::Withdrawn.to_string())
    .bind(CaseState::Stopped.to_string())
    .fetch_one(p)
    .await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[tokio::test]
    async fn synthetic_cases_are_open_and_findable_by_vl_number() {
        for t in testing::all().await {
            let db = &t.db;
            let now = Utc::now();
            // Nothing to copy yet: a clear error, nothing made.
            assert!(add_open_cases(db, 3, "a", now).await.is_err());
            crate::store::cases::tests::seed(db).await;
            let before = count_open_cases(db).await.unwrap();
            assert_eq!(add_open_cases(db, 12, "a", now).await.unwrap(), 12);
            assert_eq!(add_open_cases(db, 5, "b", now).await.unwrap(), 5);
            assert_eq!(count_open_cases(db).await.unwrap(), before + 17);
            let mut tx = db.begin().await.unwrap();
            let open = crate::store::cases::open_cases(db).await.unwrap();
            let syn = open
                .iter()
                .find(|c| c.proposal_id.starts_with("SYN-"))
                .expect("a synthetic case");
            let vl = syn.case_number.clone().unwrap();
            let found = crate::store::cases::lock_by_case_number(&mut tx, &vl)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(found.id, syn.id);
            drop(tx);
            let deadlines = crate::store::cases::deadlines(db, syn.id, false)
                .await
                .unwrap();
            assert_eq!(deadlines.len(), 1, "{}", db.backend());
            assert_eq!(
                crate::store::cases::transitions(db, syn.id)
                    .await
                    .unwrap()
                    .len(),
                1
            );
        }
    }
}
