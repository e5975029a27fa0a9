//! Import batches: every input row ends here as imported (with its claim) or rejected (with
//! file, row, field, value and reason), in one transaction per batch.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Db, Result, StoreError, Tx, on_db, on_tx};
use crate::filing::model::{Claim, Party};

/// A claim that passed import, with where it came from.
#[derive(Debug, Clone)]
pub struct ImportedClaim {
    pub claim: Claim,
    pub file: String,
    /// 1-based data rows (CSV) or item numbers (JSON, XML) that made the claim.
    pub rows: Vec<usize>,
}

/// A row or file that did not import, in the user's terms.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    pub file: String,
    /// None when the whole file is rejected.
    pub row: Option<usize>,
    pub field: String,
    pub value: String,
    pub reason: String,
}

/// What was stored for a batch.
#[derive(Debug, Clone)]
pub struct StoredBatch {
    pub batch_id: i64,
    pub claim_ids: Vec<i64>,
    /// Earlier unfiled claims replaced by a claim of this batch: (old id, new id).
    pub superseded: Vec<(i64, i64)>,
}

async fn upsert_party(
    tx: &mut Tx,
    table_is_creditor: bool,
    party: &Party,
    iban: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let key = party.identity_key();
    let id: i64 = if table_is_creditor {
        on_tx!(tx, |c| sqlx::query_scalar(
            "insert into creditors (identity_key, kind, display_name, tax_number, \
             registration_number, iban, created_at) values ($1, $2, $3, $4, $5, $6, $7) \
             on conflict (identity_key) do update set display_name = excluded.display_name, \
             iban = excluded.iban returning id"
        )
        .bind(&key)
        .bind(party.kind.court_code())
        .bind(party.display_name())
        .bind(&party.tax_number)
        .bind(&party.registration_number)
        .bind(iban)
        .bind(now)
        .fetch_one(&mut *c)
        .await?)
    } else {
        on_tx!(tx, |c| sqlx::query_scalar(
            "insert into debtors (identity_key, kind, display_name, tax_number, \
             registration_number, emso, birth_date, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8) \
             on conflict (identity_key) do update set display_name = excluded.display_name \
             returning id"
        )
        .bind(&key)
        .bind(party.kind.court_code())
        .bind(party.display_name())
        .bind(&party.tax_number)
        .bind(&party.registration_number)
        .bind(&party.emso)
        .bind(party.birth_date)
        .bind(now)
        .fetch_one(&mut *c)
        .await?)
    };
    Ok(id)
}

/// Stores a whole batch in the caller's transaction: the batch row, every imported claim with
/// its documents, and one import result per input row or rejected file.
pub async fn record_batch(
    tx: &mut Tx,
    files: &[String],
    claims: &[ImportedClaim],
    rejections: &[Rejection],
    now: DateTime<Utc>,
) -> Result<StoredBatch> {
    let rows_imported: i64 = claims.iter().map(|c| c.rows.len() as i64).sum();
    let batch_id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "insert into batches (created_at, files, rows_imported, rows_rejected) \
         values ($1, $2, $3, $4) returning id"
    )
    .bind(now)
    .bind(files.join("\n"))
    .bind(rows_imported)
    .bind(rejections.len() as i64)
    .fetch_one(&mut *c)
    .await?);

    let mut claim_ids = Vec::with_capacity(claims.len());
    let mut superseded = Vec::new();
    for ic in claims {
        let claim = &ic.claim;
        let creditor_id = upsert_party(
            tx,
            true,
            &claim.creditor.party,
            claim.creditor.iban.as_deref(),
            now,
        )
        .await?;
        let debtor_id = upsert_party(tx, false, &claim.debtor.party, None, now).await?;
        let data = serde_json::to_string(claim)
            .map_err(|e| StoreError::Corrupt(format!("claim does not serialise: {e}")))?;
        let rows_text = ic
            .rows
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let claim_id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
            "insert into claims (batch_id, creditor_id, debtor_id, claim_key, external_ref, \
             source_file, source_rows, principal, data, status, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'imported', $10) returning id"
        )
        .bind(batch_id)
        .bind(creditor_id)
        .bind(debtor_id)
        .bind(claim.identity_key())
        .bind(&claim.external_ref)
        .bind(&ic.file)
        .bind(&rows_text)
        .bind(claim.principal().to_string())
        .bind(&data)
        .bind(now)
        .fetch_one(&mut *c)
        .await?);
        // The same claim imported again before it was filed (e.g. corrected): the newer replaces
        // the older, so a clerk can fix a blocked claim by importing it again.
        let old: Vec<i64> = on_tx!(tx, |c| sqlx::query_scalar(
            "update claims set status = 'superseded' where claim_key = $1 and batch_id <> $2 \
             and status in ('imported', 'ready', 'blocked') returning id"
        )
        .bind(claim.identity_key())
        .bind(batch_id)
        .fetch_all(&mut *c)
        .await?);
        superseded.extend(old.into_iter().map(|o| (o, claim_id)));
        for d in &claim.documents {
            on_tx!(tx, |c| sqlx::query(
                "insert into documents (claim_id, kind_code, number, issue_date, due_date, \
                 amount, currency) values ($1, $2, $3, $4, $5, $6, $7)"
            )
            .bind(claim_id)
            .bind(i64::from(d.kind_code))
            .bind(&d.number)
            .bind(d.issue_date)
            .bind(d.due_date)
            .bind(d.amount.to_string())
            .bind(&d.currency)
            .execute(&mut *c)
            .await
            .map(|_| ())?);
        }
        for row in &ic.rows {
            on_tx!(tx, |c| sqlx::query(
                "insert into import_results (batch_id, file, row_no, status, claim_id) \
                 values ($1, $2, $3, 'imported', $4)"
            )
            .bind(batch_id)
            .bind(&ic.file)
            .bind(*row as i64)
            .bind(claim_id)
            .execute(&mut *c)
            .await
            .map(|_| ())?);
        }
        claim_ids.push(claim_id);
    }
    for r in rejections {
        on_tx!(tx, |c| sqlx::query(
            "insert into import_results (batch_id, file, row_no, status, field, value, reason) \
             values ($1, $2, $3, 'rejected', $4, $5, $6)"
        )
        .bind(batch_id)
        .bind(&r.file)
        .bind(r.row.map(|n| n as i64))
        .bind(&r.field)
        .bind(&r.value)
        .bind(&r.reason)
        .execute(&mut *c)
        .await
        .map(|_| ())?);
    }
    Ok(StoredBatch {
        batch_id,
        claim_ids,
        superseded,
    })
}

/// Rejections recorded for a batch, in input order.
pub async fn rejections(db: &Db, batch_id: i64) -> Result<Vec<Rejection>> {
    on_db!(db, |p| {
        let rows = sqlx::query(
            "select file, row_no, field, value, reason from import_results \
             where batch_id = $1 and status = 'rejected' order by id",
        )
        .bind(batch_id)
        .fetch_all(p)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Rejection {
                    file: r.try_get("file")?,
                    row: r.try_get::<Option<i64>, _>("row_no")?.map(|n| n as usize),
                    field: r.try_get::<Option<String>, _>("field")?.unwrap_or_default(),
                    value: r.try_get::<Option<String>, _>("value")?.unwrap_or_default(),
                    reason: r
                        .try_get::<Option<String>, _>("reason")?
                        .unwrap_or_default(),
                })
            })
            .collect()
    })
}
