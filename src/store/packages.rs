//! Packages and proposals: what was signed, byte for byte, with its SHA-256.
//!
//! Filing is two steps so a crash can never file a claim twice: (1) one transaction stores the
//! signed package with all its proposals and marks the claims filed (`proposals.claim_key` is
//! unique); (2) the files are written to the outbox from the stored bytes and the package is
//! marked written. A rerun finds sealed-but-unwritten packages and writes them again, same bytes.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{Db, Result, Tx, on_db, on_tx};

/// A signed proposal to store.
#[derive(Debug, Clone)]
pub struct NewProposal {
    pub id: String,
    pub claim_id: i64,
    pub claim_key: String,
    pub seq: i64,
    pub principal: String,
    pub xml: Vec<u8>,
    pub sha256: String,
}

/// A signed package to store.
#[derive(Debug, Clone)]
pub struct NewPackage {
    pub id: String,
    pub item_count: i64,
    pub control_sum: String,
    pub xml: Vec<u8>,
    pub sha256: String,
}

/// A stored package with its proposals.
#[derive(Debug, Clone)]
pub struct StoredPackage {
    pub id: String,
    pub status: String,
    pub item_count: i64,
    pub control_sum: String,
    pub xml: Vec<u8>,
    pub sha256: String,
    pub proposals: Vec<StoredProposal>,
}

#[derive(Debug, Clone)]
pub struct StoredProposal {
    pub id: String,
    pub claim_id: i64,
    pub seq: i64,
    pub principal: String,
    pub xml: Vec<u8>,
    pub sha256: String,
}

/// Seals a package in the caller's transaction: stores it and its proposals and marks the
/// claims filed. Fails (and the caller rolls back) if any claim already has a proposal.
pub async fn seal(
    tx: &mut Tx,
    pkg: &NewPackage,
    proposals: &[NewProposal],
    now: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "insert into packages (id, created_at, status, item_count, control_sum, xml, sha256) \
         values ($1, $2, 'sealed', $3, $4, $5, $6)"
    )
    .bind(&pkg.id)
    .bind(now)
    .bind(pkg.item_count)
    .bind(&pkg.control_sum)
    .bind(&pkg.xml)
    .bind(&pkg.sha256)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    for pr in proposals {
        on_tx!(tx, |c| sqlx::query(
            "insert into proposals (id, claim_id, claim_key, package_id, seq, principal, xml, \
             sha256, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(&pr.id)
        .bind(pr.claim_id)
        .bind(&pr.claim_key)
        .bind(&pkg.id)
        .bind(pr.seq)
        .bind(&pr.principal)
        .bind(&pr.xml)
        .bind(&pr.sha256)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|_| ())?);
        on_tx!(tx, |c| sqlx::query(
            "update claims set status = 'filed' where id = $1"
        )
        .bind(pr.claim_id)
        .execute(&mut *c)
        .await
        .map(|_| ())?);
    }
    Ok(())
}

/// Ids of packages sealed but not yet written to the outbox, oldest first.
pub async fn unwritten(db: &Db) -> Result<Vec<String>> {
    on_db!(db, |p| Ok(sqlx::query_scalar(
        "select id from packages where status = 'sealed' order by created_at, id"
    )
    .fetch_all(p)
    .await?))
}

/// All package ids, oldest first.
pub async fn all_ids(db: &Db) -> Result<Vec<String>> {
    on_db!(db, |p| Ok(sqlx::query_scalar(
        "select id from packages order by created_at, id"
    )
    .fetch_all(p)
    .await?))
}

/// Loads a package with its proposals (in package order).
pub async fn load(db: &Db, id: &str) -> Result<Option<StoredPackage>> {
    on_db!(db, |p| {
        let Some(r) = sqlx::query(
            "select id, status, item_count, control_sum, xml, sha256 from packages where id = $1",
        )
        .bind(id)
        .fetch_optional(p)
        .await?
        else {
            return Ok(None);
        };
        let proposals = sqlx::query(
            "select id, claim_id, seq, principal, xml, sha256 from proposals \
             where package_id = $1 order by seq",
        )
        .bind(id)
        .fetch_all(p)
        .await?
        .iter()
        .map(|q| {
            Ok(StoredProposal {
                id: q.try_get("id")?,
                claim_id: q.try_get("claim_id")?,
                seq: q.try_get("seq")?,
                principal: q.try_get("principal")?,
                xml: q.try_get("xml")?,
                sha256: q.try_get("sha256")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(Some(StoredPackage {
            id: r.try_get("id")?,
            status: r.try_get("status")?,
            item_count: r.try_get("item_count")?,
            control_sum: r.try_get("control_sum")?,
            xml: r.try_get("xml")?,
            sha256: r.try_get("sha256")?,
            proposals,
        }))
    })
}

/// Marks a package written to `dir`.
pub async fn mark_written(tx: &mut Tx, id: &str, dir: &str, now: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "update packages set status = 'written', written_at = $1, outbox_dir = $2 where id = $3"
    )
    .bind(now)
    .bind(dir)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Number of proposals per claim key (a test and audit helper: must never exceed 1).
pub async fn proposal_count(db: &Db) -> Result<(i64, i64)> {
    on_db!(db, |p| {
        let total: i64 = sqlx::query_scalar("select count(*) from proposals")
            .fetch_one(p)
            .await?;
        let distinct: i64 = sqlx::query_scalar("select count(distinct claim_key) from proposals")
            .fetch_one(p)
            .await?;
        Ok((total, distinct))
    })
}

/// (claim key, proposal id) of every filed claim.
pub async fn filed_keys(db: &Db) -> Result<Vec<(String, String)>> {
    on_db!(db, |p| Ok(sqlx::query_as::<_, (String, String)>(
        "select claim_key, id from proposals"
    )
    .fetch_all(p)
    .await?))
}
