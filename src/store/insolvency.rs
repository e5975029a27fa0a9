//! Insolvency records as received (daily lists, notices), the CIF query service's answers, and
//! people's decisions on candidates.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::{Db, Result, StoreError, Tx, on_db, on_tx};
use crate::tracker::insolvency::{DailyList, Notice, QueryAnswer, QueryId, QueryRecord};

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

/// The stored notice with this id, if any (read in the caller's transaction).
pub async fn stored_notice(tx: &mut Tx, notice_id: &str) -> Result<Option<Notice>> {
    let data: Option<String> = on_tx!(tx, |c| sqlx::query_scalar(
        "select data from insolvency_records where kind = 'notice' and record_key = $1"
    )
    .bind(notice_id)
    .fetch_optional(&mut *c)
    .await?);
    data.map(|d| {
        serde_json::from_str(&d)
            .map_err(|e| StoreError::Corrupt(format!("notice {notice_id}: {e}")))
    })
    .transpose()
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

/// The dates of the daily lists stored for `from..=to`.
pub async fn daily_list_dates(db: &Db, from: NaiveDate, to: NaiveDate) -> Result<Vec<NaiveDate>> {
    on_db!(db, |p| Ok(sqlx::query_scalar(
        "select published_on from insolvency_records where kind = 'daily_list' \
         and published_on >= $1 and published_on <= $2 order by published_on"
    )
    .bind(from)
    .bind(to)
    .fetch_all(p)
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

/// Records a person's decision on a candidate; a later decision on the same claim and record
/// replaces the earlier one (a clerk corrects a mistaken answer; the event log keeps both).
pub async fn decide(tx: &mut Tx, d: &Decision, now: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "insert into insolvency_decisions (claim_id, record_key, decision, decided_by, decided_at, note) \
         values ($1, $2, $3, $4, $5, $6) \
         on conflict (claim_id, record_key) do update set decision = excluded.decision, \
         decided_by = excluded.decided_by, decided_at = excluded.decided_at, note = excluded.note"
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

/// A query answer to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQueryAnswer<'a> {
    /// What was asked, the answer, its day and the service.
    pub record: &'a QueryRecord,
    /// Who asked.
    pub asked_by: &'a str,
    /// The claim the clerk asked for, if any.
    pub claim_id: Option<i64>,
}

/// A stored query answer with its audit data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredQueryAnswer {
    /// Row id (increasing: a later row is a later answer).
    pub id: i64,
    /// The answer.
    pub record: QueryRecord,
    /// When it was stored.
    pub asked_at: DateTime<Utc>,
    /// Who asked.
    pub asked_by: String,
    /// The claim it was asked for.
    pub claim_id: Option<i64>,
}

/// Stores a query answer (every answer is kept); returns its row id.
pub async fn add_query_answer(
    tx: &mut Tx,
    a: &NewQueryAnswer<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let r = a.record;
    let id: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
            "insert into insolvency_queries \
             (id_kind, id_value, answer, asked_on, asked_at, source, asked_by, claim_id) \
             values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(r.id.kind_code())
        .bind(r.id.value())
        .bind(r.answer.code())
        .bind(r.asked_on)
        .bind(now)
        .bind(&r.source)
        .bind(a.asked_by)
        .bind(a.claim_id)
        .fetch_one(&mut *c)
        .await?
    });
    Ok(id)
}

const QUERY_COLUMNS: &str =
    "id, id_kind, id_value, answer, asked_on, asked_at, source, asked_by, claim_id";

/// A query row as stored (decoded on either backend by [`decode_query!`]).
struct RawQuery {
    id: i64,
    id_kind: String,
    id_value: String,
    answer: String,
    asked_on: NaiveDate,
    asked_at: DateTime<Utc>,
    source: String,
    asked_by: String,
    claim_id: Option<i64>,
}

macro_rules! decode_query {
    ($r:expr) => {{
        let r = $r;
        Ok::<RawQuery, StoreError>(RawQuery {
            id: r.try_get("id")?,
            id_kind: r.try_get("id_kind")?,
            id_value: r.try_get("id_value")?,
            answer: r.try_get("answer")?,
            asked_on: r.try_get("asked_on")?,
            asked_at: r.try_get("asked_at")?,
            source: r.try_get("source")?,
            asked_by: r.try_get("asked_by")?,
            claim_id: r.try_get("claim_id")?,
        })
    }};
}

impl RawQuery {
    fn into_stored(self) -> Result<StoredQueryAnswer> {
        Ok(StoredQueryAnswer {
            id: self.id,
            record: QueryRecord {
                id: QueryId::from_stored(&self.id_kind, &self.id_value).map_err(|e| {
                    StoreError::Corrupt(format!("insolvency query {}: {e}", self.id))
                })?,
                answer: QueryAnswer::from_code(&self.answer).ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "insolvency query {}: unknown answer {:?}",
                        self.id, self.answer
                    ))
                })?,
                asked_on: self.asked_on,
                source: self.source,
            },
            asked_at: self.asked_at,
            asked_by: self.asked_by,
            claim_id: self.claim_id,
        })
    }
}

/// Everything stored from the insolvency sources that a check reads: the daily lists, the
/// notices and the query answers that count (the latest per identifier).
pub async fn sources(db: &Db) -> Result<(Vec<DailyList>, Vec<Notice>, Vec<QueryRecord>)> {
    let lists = daily_lists(db).await?;
    let notices = notices(db).await?.into_iter().map(|(n, _)| n).collect();
    let queries = latest_query_answers(db)
        .await?
        .into_iter()
        .map(|q| q.record)
        .collect();
    Ok((lists, notices, queries))
}

/// The answer that counts for each identifier asked: the latest one. Ordered by identifier.
pub async fn latest_query_answers(db: &Db) -> Result<Vec<StoredQueryAnswer>> {
    on_db!(db, |p| {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {QUERY_COLUMNS} from insolvency_queries q \
             where q.id = (select max(l.id) from insolvency_queries l \
                           where l.id_kind = q.id_kind and l.id_value = q.id_value) \
             order by id_kind, id_value"
        )))
        .fetch_all(p)
        .await?;
        rows.iter()
            .map(|r| decode_query!(r))
            .collect::<Result<Vec<_>>>()
    })?
    .into_iter()
    .map(RawQuery::into_stored)
    .collect()
}

/// Every answer for one identifier, oldest first (the audit trail).
pub async fn query_history(db: &Db, id: &QueryId) -> Result<Vec<StoredQueryAnswer>> {
    on_db!(db, |p| {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {QUERY_COLUMNS} from insolvency_queries \
             where id_kind = $1 and id_value = $2 order by id"
        )))
        .bind(id.kind_code())
        .bind(id.value())
        .fetch_all(p)
        .await?;
        rows.iter()
            .map(|r| decode_query!(r))
            .collect::<Result<Vec<_>>>()
    })?
    .into_iter()
    .map(RawQuery::into_stored)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::law::ids::{Emso, TaxNumber};
    use crate::store::testing;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn record(id: &QueryId, answer: QueryAnswer, on: NaiveDate) -> QueryRecord {
        QueryRecord {
            id: id.clone(),
            answer,
            asked_on: on,
            source: "http://127.0.0.1:1".into(),
        }
    }

    #[tokio::test]
    async fn the_latest_query_answer_per_identifier_counts_and_every_answer_is_kept() {
        let emso = QueryId::Emso(Emso::parse("0101006500006").unwrap());
        let tax = QueryId::TaxNumber(TaxNumber::parse("12345679").unwrap());
        for t in testing::all().await {
            let db = &t.db;
            let be = db.backend();
            assert!(latest_query_answers(db).await.unwrap().is_empty(), "{be}");
            let now = Utc::now();
            let mut tx = db.begin().await.unwrap();
            let answers = [
                (&emso, QueryAnswer::InProceedings, ymd(2026, 12, 1)),
                (&tax, QueryAnswer::NotInProceedings, ymd(2026, 12, 1)),
                (&emso, QueryAnswer::NotInProceedings, ymd(2026, 12, 3)),
                (&tax, QueryAnswer::InProceedings, ymd(2026, 12, 3)),
            ];
            let mut rows = Vec::new();
            for (id, a, on) in answers {
                let r = record(id, a, on);
                rows.push(
                    add_query_answer(
                        &mut tx,
                        &NewQueryAnswer {
                            record: &r,
                            asked_by: "clerk",
                            claim_id: None,
                        },
                        now,
                    )
                    .await
                    .unwrap(),
                );
            }
            tx.commit().await.unwrap();
            assert!(rows.windows(2).all(|w| w[0] < w[1]), "{be}: {rows:?}");

            let latest = latest_query_answers(db).await.unwrap();
            assert_eq!(
                latest.iter().map(|q| q.record.clone()).collect::<Vec<_>>(),
                vec![
                    record(&emso, QueryAnswer::NotInProceedings, ymd(2026, 12, 3)),
                    record(&tax, QueryAnswer::InProceedings, ymd(2026, 12, 3)),
                ],
                "{be}: the later answer supersedes the earlier one"
            );
            assert_eq!(latest[0].asked_by, "clerk");
            assert_eq!(latest[0].claim_id, None);
            assert_eq!(
                latest[0].asked_at.timestamp_micros(),
                now.timestamp_micros(),
                "{be}"
            );

            let history = query_history(db, &emso).await.unwrap();
            assert_eq!(
                history
                    .iter()
                    .map(|q| (q.record.answer, q.record.asked_on))
                    .collect::<Vec<_>>(),
                vec![
                    (QueryAnswer::InProceedings, ymd(2026, 12, 1)),
                    (QueryAnswer::NotInProceedings, ymd(2026, 12, 3)),
                ],
                "{be}"
            );
            let other = QueryId::Emso(Emso::complete("150398550000").unwrap());
            assert!(query_history(db, &other).await.unwrap().is_empty(), "{be}");

            // A later yes blocks again.
            let mut tx = db.begin().await.unwrap();
            let again = record(&emso, QueryAnswer::InProceedings, ymd(2026, 12, 4));
            add_query_answer(
                &mut tx,
                &NewQueryAnswer {
                    record: &again,
                    asked_by: "clerk",
                    claim_id: None,
                },
                now,
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            let latest = latest_query_answers(db).await.unwrap();
            assert_eq!(latest.len(), 2, "{be}");
            assert_eq!(latest[0].record, again, "{be}");
        }
    }

    #[tokio::test]
    async fn a_query_answer_names_an_existing_claim_only() {
        for t in testing::all().await {
            let db = &t.db;
            let id = QueryId::TaxNumber(TaxNumber::parse("12345679").unwrap());
            let r = record(&id, QueryAnswer::InProceedings, ymd(2026, 12, 3));
            let mut tx = db.begin().await.unwrap();
            let res = add_query_answer(
                &mut tx,
                &NewQueryAnswer {
                    record: &r,
                    asked_by: "clerk",
                    claim_id: Some(4242),
                },
                Utc::now(),
            )
            .await;
            assert!(
                res.is_err(),
                "{}: claim 4242 does not exist (foreign key)",
                db.backend()
            );
        }
    }
}
