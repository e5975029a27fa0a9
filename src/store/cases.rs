//! Cases (design.md §6): one per proposal the court's receipt answered, with every transition
//! (and its source), the court documents taken, the deadlines that follow, and fee payments.
//!
//! - A transition is recorded with [`record_transition`] in the caller's transaction, which also
//!   moves the case's state and its deadlines: when the state changes, the deadlines still open
//!   belonged to the state left and are marked `done`; the new ones are added `open`.
//! - A court document is stored once ([`insert_document`]: its external id is unique). Applying a
//!   document happens in the transaction that inserts it, so a document applied twice (two
//!   workers, a retried job) is impossible: the second insert finds the row and applies nothing.
//! - [`lock_by_case_number`] / [`lock_by_fee_reference`] take the case row `for update` on
//!   PostgreSQL (two documents of one case applied by two workers queue on the row); SQLite's
//!   `BEGIN IMMEDIATE` already serialises writers.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::Row;

use super::{Db, Result, StoreError, Tx, on_db, on_tx};
use crate::court::protocol::{Receipt, Verdict};
use crate::tracker::case_state::{self, CaseEvent, CaseState, Transition};
use crate::tracker::deadlines::{self, Deadline, Facts};

/// A case as stored.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRow {
    pub id: i64,
    pub claim_id: i64,
    pub proposal_id: String,
    pub case_number: Option<String>,
    pub state: CaseState,
    pub fee_reference: Option<String>,
    pub fee_amount: Option<String>,
    pub fee_due_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const CASE_COLUMNS: &str = "id, claim_id, proposal_id, case_number, state, fee_reference, \
     fee_amount, fee_due_date, created_at, updated_at";

/// Decodes a case row of either backend (the same body for both row types).
macro_rules! decode_case {
    ($r:expr) => {{
        let r = $r;
        let state: String = r.try_get("state")?;
        Ok::<CaseRow, StoreError>(CaseRow {
            id: r.try_get("id")?,
            claim_id: r.try_get("claim_id")?,
            proposal_id: r.try_get("proposal_id")?,
            case_number: r.try_get("case_number")?,
            state: serde_json::from_str(&state)
                .map_err(|e| StoreError::Corrupt(format!("case state '{state}': {e}")))?,
            fee_reference: r.try_get("fee_reference")?,
            fee_amount: r.try_get("fee_amount")?,
            fee_due_date: r.try_get("fee_due_date")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        })
    }};
}

fn state_json(s: &CaseState) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"Draft\"".into())
}

/// What a transition came from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// The court's receipt (its id).
    Receipt(&'a str),
    /// A stored court document (row id).
    Document(i64),
    /// A fee payment (row id).
    FeePayment(i64),
    /// A published insolvency notice (its id).
    InsolvencyNotice(&'a str),
}

/// A case to create.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub claim_id: i64,
    pub proposal_id: &'a str,
    pub case_number: Option<&'a str>,
    pub state: &'a CaseState,
    pub fee_reference: Option<&'a str>,
    pub fee_amount: Option<&'a str>,
    pub fee_due_date: Option<NaiveDate>,
}

/// Creates a case; `None` when the proposal has one already.
pub async fn insert_case(tx: &mut Tx, c: &NewCase<'_>, now: DateTime<Utc>) -> Result<Option<i64>> {
    Ok(on_tx!(tx, |conn| sqlx::query_scalar(
        "insert into cases (claim_id, proposal_id, case_number, state, state_label, \
         fee_reference, fee_amount, fee_due_date, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
         on conflict (proposal_id) do nothing returning id"
    )
    .bind(c.claim_id)
    .bind(c.proposal_id)
    .bind(c.case_number)
    .bind(state_json(c.state))
    .bind(c.state.to_string())
    .bind(c.fee_reference)
    .bind(c.fee_amount)
    .bind(c.fee_due_date)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?))
}

/// Records a transition of case `case_id` and the deadlines that follow it; moves the case to
/// `t.to`. Returns the transition's id.
pub async fn record_transition(
    tx: &mut Tx,
    case_id: i64,
    t: &Transition,
    source: Source<'_>,
    deadlines: &[Deadline],
    now: DateTime<Utc>,
) -> Result<i64> {
    let (kind, reference, document) = match source {
        Source::Receipt(r) => ("receipt", Some(r.to_string()), None),
        Source::Document(id) => ("document", None, Some(id)),
        Source::FeePayment(id) => ("fee_payment", Some(id.to_string()), None),
        Source::InsolvencyNotice(n) => ("insolvency_notice", Some(n.to_string()), None),
    };
    let event_json = serde_json::to_string(&t.event)
        .map_err(|e| StoreError::Corrupt(format!("event cannot be stored: {e}")))?;
    let tid: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "insert into case_transitions (case_id, from_state, to_state, event, event_json, reason, \
         source_kind, source_ref, document_id, at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id"
    )
    .bind(case_id)
    .bind(t.from.to_string())
    .bind(t.to.to_string())
    .bind(t.event.to_string())
    .bind(&event_json)
    .bind(&t.reason)
    .bind(kind)
    .bind(reference)
    .bind(document)
    .bind(now)
    .fetch_one(&mut *c)
    .await?
    });
    on_tx!(tx, |c| sqlx::query(
        "update cases set state = $1, state_label = $2, updated_at = $3 where id = $4"
    )
    .bind(state_json(&t.to))
    .bind(t.to.to_string())
    .bind(now)
    .bind(case_id)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    if t.from != t.to {
        on_tx!(tx, |c| sqlx::query(
            "update case_deadlines set status = 'done' where case_id = $1 and status = 'open'"
        )
        .bind(case_id)
        .execute(&mut *c)
        .await
        .map(|_| ())?);
    }
    for d in deadlines {
        let who = match d.who {
            deadlines::Who::Creditor => "creditor",
            deadlines::Who::Debtor => "debtor",
        };
        on_tx!(tx, |c| sqlx::query(
            "insert into case_deadlines (case_id, transition_id, rule, who, what, due, citation, \
             status, created_at) values ($1, $2, $3, $4, $5, $6, $7, 'open', $8)"
        )
        .bind(case_id)
        .bind(tid)
        .bind(format!("{:?}", d.rule()))
        .bind(who)
        .bind(&d.what)
        .bind(d.end())
        .bind(d.citation())
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|_| ())?);
    }
    Ok(tid)
}

async fn lock_by(tx: &mut Tx, column: &str, value: &str) -> Result<Option<CaseRow>> {
    match tx {
        Tx::Sqlite(t) => {
            let sql = format!("select {CASE_COLUMNS} from cases where {column} = $1 order by id");
            let r = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(value)
                .fetch_optional(&mut **t)
                .await?;
            match r {
                Some(r) => Ok(Some(decode_case!(&r)?)),
                None => Ok(None),
            }
        }
        Tx::Postgres(t) => {
            let sql = format!(
                "select {CASE_COLUMNS} from cases where {column} = $1 order by id limit 1 for update"
            );
            let r = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(value)
                .fetch_optional(&mut **t)
                .await?;
            match r {
                Some(r) => Ok(Some(decode_case!(&r)?)),
                None => Ok(None),
            }
        }
    }
}

/// The case with this VL number, locked for the transaction.
pub async fn lock_by_case_number(tx: &mut Tx, case_number: &str) -> Result<Option<CaseRow>> {
    lock_by(tx, "case_number", case_number).await
}

/// The case with this fee reference, locked for the transaction.
pub async fn lock_by_fee_reference(tx: &mut Tx, reference: &str) -> Result<Option<CaseRow>> {
    lock_by(tx, "fee_reference", reference).await
}

/// The case with this fee reference, read without a lock.
pub async fn by_fee_reference(db: &Db, reference: &str) -> Result<Option<CaseRow>> {
    let sql =
        format!("select {CASE_COLUMNS} from cases where fee_reference = $1 order by id limit 1");
    on_db!(db, |p| sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(reference)
        .fetch_optional(p)
        .await?
        .map(|r| decode_case!(&r))
        .transpose())
}

/// One case by id.
pub async fn get(db: &Db, id: i64) -> Result<Option<CaseRow>> {
    let sql = format!("select {CASE_COLUMNS} from cases where id = $1");
    on_db!(db, |p| sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(p)
        .await?
        .map(|r| decode_case!(&r))
        .transpose())
}

/// The cases of one claim (normally one; a claim filed again after a rejection has more).
pub async fn for_claim(db: &Db, claim_id: i64) -> Result<Vec<CaseRow>> {
    let sql = format!("select {CASE_COLUMNS} from cases where claim_id = $1 order by id");
    on_db!(db, |p| sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(claim_id)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| decode_case!(r))
        .collect())
}

/// Creates the cases a stored receipt answers (call in the transaction that stores it):
/// accepted items become `submitted` (with the fee deadline), rejected ones `rejected`; the
/// receipt is the source of the transition. Items that already have a case are skipped.
/// Returns the number of cases created.
pub async fn create_from_receipt(
    tx: &mut Tx,
    receipt: &Receipt,
    now: DateTime<Utc>,
) -> Result<usize> {
    let calendar = crate::law::calendar::Calendar::slovenia();
    let submitted_on = crate::law::ljubljana_date(receipt.received);
    let mut created = 0;
    for it in &receipt.items {
        let claim_id: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
            "select claim_id from proposals where id = $1"
        )
        .bind(&it.proposal_id)
        .fetch_optional(&mut *c)
        .await?);
        let Some(claim_id) = claim_id else {
            return Err(StoreError::Corrupt(format!(
                "the receipt names proposal {}, which writ did not file",
                it.proposal_id
            )));
        };
        let (event, case_number, fee_ref, fee_amount, fee_due) = match &it.verdict {
            Verdict::Accepted {
                case_number,
                fee_amount,
                fee_reference,
                fee_due_date,
                ..
            } => (
                CaseEvent::Submitted { at: submitted_on },
                case_number.clone(),
                Some(fee_reference.clone()),
                Some(format!("{fee_amount:.2}")),
                Some(*fee_due_date),
            ),
            Verdict::Rejected { code, message } => (
                CaseEvent::ReceiptRejected {
                    code: code.clone(),
                    message: message.clone(),
                },
                None,
                None,
                None,
                None,
            ),
        };
        let t = case_state::apply(&CaseState::Submitting, &event)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let Some(case_id) = insert_case(
            tx,
            &NewCase {
                claim_id,
                proposal_id: &it.proposal_id,
                case_number: case_number.as_deref(),
                state: &t.to,
                fee_reference: fee_ref.as_deref(),
                fee_amount: fee_amount.as_deref(),
                fee_due_date: fee_due,
            },
            now,
        )
        .await?
        else {
            continue;
        };
        let due = deadlines::deadlines_after(&t, &Facts::new(&calendar))
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        record_transition(
            tx,
            case_id,
            &t,
            Source::Receipt(&receipt.receipt_id),
            &due,
            now,
        )
        .await?;
        created += 1;
    }
    Ok(created)
}

/// A court document to store.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub external_id: &'a str,
    pub bytes: &'a [u8],
    pub sha256: &'a str,
    pub signature_verified: bool,
    pub verifier_message: Option<&'a str>,
    pub parsed: bool,
    pub parse_error: Option<&'a str>,
    pub mismatches: &'a [String],
    pub status: &'a str,
    pub status_detail: Option<&'a str>,
}

/// Stores a document; `None` when one with this external id is stored already (nothing is
/// changed then).
pub async fn insert_document(
    tx: &mut Tx,
    d: &NewDocument<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let mismatches = serde_json::to_string(d.mismatches).unwrap_or_else(|_| "[]".into());
    Ok(on_tx!(tx, |c| sqlx::query_scalar(
        "insert into court_documents (external_id, received_at, bytes, sha256, \
         signature_verified, verifier_message, parsed, parse_error, mismatches, status, \
         status_detail) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         on conflict (external_id) do nothing returning id"
    )
    .bind(d.external_id)
    .bind(now)
    .bind(d.bytes)
    .bind(d.sha256)
    .bind(d.signature_verified)
    .bind(d.verifier_message)
    .bind(d.parsed)
    .bind(d.parse_error)
    .bind(mismatches)
    .bind(d.status)
    .bind(d.status_detail)
    .fetch_optional(&mut *c)
    .await?))
}

/// Sets a stored document's status (e.g. `applied`, `rejected`) and its detail.
pub async fn set_document_status(
    tx: &mut Tx,
    id: i64,
    status: &str,
    detail: Option<&str>,
) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "update court_documents set status = $1, status_detail = $2 where id = $3"
    )
    .bind(status)
    .bind(detail)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    Ok(())
}

/// A stored court document (without its bytes).
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    pub id: i64,
    pub external_id: String,
    pub received_at: DateTime<Utc>,
    pub sha256: String,
    pub signature_verified: bool,
    pub verifier_message: Option<String>,
    pub parsed: bool,
    pub parse_error: Option<String>,
    pub mismatches: Vec<String>,
    pub status: String,
    pub status_detail: Option<String>,
}

/// The stored document with this external id.
pub async fn document(db: &Db, external_id: &str) -> Result<Option<DocumentRow>> {
    on_db!(db, |p| {
        let Some(r) = sqlx::query(
            "select id, external_id, received_at, sha256, signature_verified, verifier_message, \
             parsed, parse_error, mismatches, status, status_detail from court_documents \
             where external_id = $1",
        )
        .bind(external_id)
        .fetch_optional(p)
        .await?
        else {
            return Ok(None);
        };
        let m: String = r.try_get("mismatches")?;
        Ok(Some(DocumentRow {
            id: r.try_get("id")?,
            external_id: r.try_get("external_id")?,
            received_at: r.try_get("received_at")?,
            sha256: r.try_get("sha256")?,
            signature_verified: r.try_get("signature_verified")?,
            verifier_message: r.try_get("verifier_message")?,
            parsed: r.try_get("parsed")?,
            parse_error: r.try_get("parse_error")?,
            mismatches: serde_json::from_str(&m).unwrap_or_default(),
            status: r.try_get("status")?,
            status_detail: r.try_get("status_detail")?,
        }))
    })
}

/// One line of `writ cases list`.
#[derive(Debug, Clone, Serialize)]
pub struct CaseListRow {
    pub id: i64,
    pub claim_id: i64,
    pub claim_ref: Option<String>,
    pub debtor: String,
    pub case_number: Option<String>,
    pub state: String,
    pub next_deadline: Option<NaiveDate>,
    pub next_deadline_what: Option<String>,
}

/// Cases, optionally only those in state `state` (its words, e.g. `order issued`) or with an
/// open deadline before `due_before`; the next deadline is the earliest open one on or after
/// `today`. One query, whatever the number of cases.
pub async fn list(
    db: &Db,
    state: Option<&str>,
    due_before: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Vec<CaseListRow>> {
    on_db!(db, |p| {
        sqlx::query(
            "select c.id, c.claim_id, cl.external_ref, d.display_name, c.case_number, \
             c.state_label, \
             (select min(x.due) from case_deadlines x where x.case_id = c.id \
                and x.status = 'open' and x.due >= $1) as next_due, \
             (select x.what from case_deadlines x where x.case_id = c.id \
                and x.status = 'open' and x.due >= $1 order by x.due, x.id limit 1) as next_what \
             from cases c join claims cl on cl.id = c.claim_id \
             join debtors d on d.id = cl.debtor_id \
             where ($2 is null or c.state_label = $2 or c.state_label like $2 || ' (%') \
             and ($3 is null or exists (select 1 from case_deadlines y where y.case_id = c.id \
                and y.status = 'open' and y.due < $3)) \
             order by c.id",
        )
        .bind(today)
        .bind(state)
        .bind(due_before)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| {
            Ok(CaseListRow {
                id: r.try_get("id")?,
                claim_id: r.try_get("claim_id")?,
                claim_ref: r.try_get("external_ref")?,
                debtor: r.try_get("display_name")?,
                case_number: r.try_get("case_number")?,
                state: r.try_get("state_label")?,
                next_deadline: r.try_get("next_due")?,
                next_deadline_what: r.try_get("next_what")?,
            })
        })
        .collect()
    })
}

/// One recorded transition, with its source document's external id.
#[derive(Debug, Clone, Serialize)]
pub struct TransitionRow {
    pub id: i64,
    pub from_state: Option<String>,
    pub to_state: String,
    pub event: String,
    pub reason: String,
    pub source_kind: String,
    pub source_ref: Option<String>,
    pub document: Option<String>,
    pub at: DateTime<Utc>,
}

/// A case's transitions, oldest first.
pub async fn transitions(db: &Db, case_id: i64) -> Result<Vec<TransitionRow>> {
    on_db!(db, |p| {
        sqlx::query(
            "select t.id, t.from_state, t.to_state, t.event, t.reason, t.source_kind, \
             t.source_ref, d.external_id, t.at from case_transitions t \
             left join court_documents d on d.id = t.document_id \
             where t.case_id = $1 order by t.id",
        )
        .bind(case_id)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| {
            Ok(TransitionRow {
                id: r.try_get("id")?,
                from_state: r.try_get("from_state")?,
                to_state: r.try_get("to_state")?,
                event: r.try_get("event")?,
                reason: r.try_get("reason")?,
                source_kind: r.try_get("source_kind")?,
                source_ref: r.try_get("source_ref")?,
                document: r.try_get("external_id")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
    })
}

/// A deadline as stored.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineRow {
    pub rule: String,
    pub who: String,
    pub what: String,
    pub due: NaiveDate,
    pub citation: String,
    pub status: String,
}

/// A case's deadlines (open ones only unless `all`), by due date.
pub async fn deadlines(db: &Db, case_id: i64, all: bool) -> Result<Vec<DeadlineRow>> {
    on_db!(db, |p| {
        sqlx::query(
            "select rule, who, what, due, citation, status from case_deadlines \
             where case_id = $1 and ($2 or status = 'open') order by due, id",
        )
        .bind(case_id)
        .bind(all)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| {
            Ok(DeadlineRow {
                rule: r.try_get("rule")?,
                who: r.try_get("who")?,
                what: r.try_get("what")?,
                due: r.try_get("due")?,
                citation: r.try_get("citation")?,
                status: r.try_get("status")?,
            })
        })
        .collect()
    })
}

/// Records a fee payment (optionally matched to a case); returns its id.
pub async fn insert_fee_payment(
    tx: &mut Tx,
    reference: &str,
    amount: &str,
    paid_on: NaiveDate,
    case_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    Ok(on_tx!(tx, |c| sqlx::query_scalar(
        "insert into fee_payments (reference, amount, paid_on, case_id, recorded_at) \
         values ($1, $2, $3, $4, $5) returning id"
    )
    .bind(reference)
    .bind(amount)
    .bind(paid_on)
    .bind(case_id)
    .bind(now)
    .fetch_one(&mut *c)
    .await?))
}

/// The amounts of every payment recorded with this fee reference (exact decimal text), in the
/// caller's transaction.
pub async fn fee_payment_amounts(tx: &mut Tx, reference: &str) -> Result<Vec<String>> {
    Ok(on_tx!(tx, |c| sqlx::query_scalar(
        "select amount from fee_payments where reference = $1 order by id"
    )
    .bind(reference)
    .fetch_all(&mut *c)
    .await?))
}

/// Transitions recorded per source document: (external id, count), by external id. For
/// checking that every document was applied once.
pub async fn transitions_per_document(db: &Db) -> Result<Vec<(String, i64)>> {
    on_db!(db, |p| Ok(sqlx::query_as(
        "select d.external_id, count(t.id) from court_documents d \
         left join case_transitions t on t.document_id = d.id \
         group by d.external_id order by d.external_id"
    )
    .fetch_all(p)
    .await?))
}

#[cfg(test)]
pub(crate) mod tests;

/// Open cases (not in a terminal state) with their claim ids, for checks that must look at every
/// open case once (the insolvency watch).
pub async fn open_cases(db: &Db) -> Result<Vec<CaseRow>> {
    let rows: Vec<CaseRow> = on_db!(db, |p| {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {CASE_COLUMNS} from cases order by id"
        )))
        .fetch_all(p)
        .await?;
        rows.iter()
            .map(|r| decode_case!(r))
            .collect::<Result<Vec<_>>>()?
    });
    Ok(rows
        .into_iter()
        .filter(|c| !c.state.is_terminal())
        .collect())
}

/// True when case `case_id` already has a transition from this source (kind and reference).
pub async fn has_transition_from(
    db: &Db,
    case_id: i64,
    kind: &str,
    reference: &str,
) -> Result<bool> {
    let n: i64 = on_db!(db, |p| {
        sqlx::query_scalar(
        "select count(*) from case_transitions where case_id = $1 and source_kind = $2 and source_ref = $3"
    )
    .bind(case_id)
    .bind(kind)
    .bind(reference)
    .fetch_one(p)
    .await?
    });
    Ok(n > 0)
}
