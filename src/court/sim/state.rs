//! The simulated court's memory: receipts by package id, proposals received, counters, and the
//! documents waiting to be taken. Behind a trait so a database-backed store can replace the
//! in-memory one; [`MemoryStore`] keeps everything in memory and, when given a file, writes a
//! JSON snapshot after every change (temp file + rename) and reads it back at start.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A receipt the court issued, kept to answer a repeated upload byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredReceipt {
    pub package_sha256: String,
    pub filer: String,
    /// The signed receipt, exactly as sent.
    pub xml: String,
}

/// A document addressed to a filer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedDocument {
    pub id: String,
    pub filer: String,
    pub created: DateTime<Utc>,
    pub xml: Vec<u8>,
    pub sha256: String,
    pub confirmed: Option<DateTime<Utc>>,
}

/// A party as the simulated court keeps it (enough to write the acts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimParty {
    pub first_name: String,
    pub name: String,
    /// `pravna`, `fizicna` or `s.p.`.
    pub kind: String,
    pub tax_number: Option<String>,
    pub street: String,
    pub post_code: String,
    pub city: String,
}

/// Where an accepted proposal stands at the simulated court.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SimStage {
    /// Received; waiting for the fee (or the court's decision).
    Submitted,
    /// Fee order (9002) issued; unpaid by `deadline` the proposal is deemed withdrawn.
    FeeOrdered { deadline: NaiveDate },
    /// Enforcement order (536) issued on `order_date`, served on the debtor on `served_on`.
    OrderIssued {
        order_date: NaiveDate,
        served_on: NaiveDate,
    },
    /// Objection notice (9001) issued on `on`.
    Objection { on: NaiveDate },
    /// Certificate of finality (566) issued on `on`.
    Final { on: NaiveDate },
    /// Nothing more will be issued.
    Done,
}

/// One accepted proposal: the simulated court's case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimCase {
    /// `VL n/year`.
    pub case_number: String,
    pub year: i32,
    pub number: u64,
    /// The filer (certificate serial) the documents are addressed to.
    pub filer: String,
    pub submitted_on: NaiveDate,
    pub fee_amount: Decimal,
    pub fee_reference: String,
    pub fee_due: NaiveDate,
    /// First payment of the full fee with the case's reference.
    pub fee_paid_on: Option<NaiveDate>,
    pub debtor: SimParty,
    pub creditor: SimParty,
    /// Principal claimed.
    pub value: Decimal,
    /// Creditor's costs claimed (the court fee added when the order is issued).
    pub costs: Decimal,
    /// 0–99, from the seed and the case number: decides rejection, objection, and what follows
    /// finality.
    pub fate: u8,
    pub stage: SimStage,
}

/// A fee payment received on the court's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimPayment {
    pub reference: String,
    pub amount: Decimal,
    pub date: NaiveDate,
}

/// The court's own progress: case files, payments, and its clock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourtProgress {
    pub cases: Vec<SimCase>,
    pub payments: Vec<SimPayment>,
    /// How far the court's clock is ahead of the base clock, in seconds.
    pub offset_secs: i64,
    /// The last day the court has worked through (documents issued up to and including it).
    pub last_day: Option<NaiveDate>,
}

/// Counts for tests and the operator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SimStats {
    pub packages: usize,
    pub proposals_accepted: usize,
    pub documents: usize,
}

/// Why the state could not be saved or loaded.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("court simulator state {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("court simulator state {path} is corrupt: {message}")]
    Corrupt { path: PathBuf, message: String },
}

/// What the simulated court remembers. Every mutating call is durable when it returns.
pub trait SimStore: Send {
    /// The receipt issued for a package id, if any.
    fn receipt(&self, package_id: &str) -> Option<StoredReceipt>;
    /// True when a proposal with this id or these bytes (SHA-256) was accepted before.
    fn proposal_seen(&self, proposal_id: &str, sha256: &str) -> bool;
    /// The next value of the simulator's id counter (1, 2, …).
    fn next_counter(&mut self) -> u64;
    /// The next VL case number of `year` (1, 2, …).
    fn next_case_number(&mut self, year: i32) -> u64;
    /// Records an issued receipt and the proposals it accepted `(id, sha256)`.
    fn record(
        &mut self,
        package_id: &str,
        receipt: StoredReceipt,
        accepted: &[(String, String)],
    ) -> Result<(), StateError>;
    /// Adds a document to a filer's untaken list.
    fn enqueue(&mut self, doc: QueuedDocument) -> Result<(), StateError>;
    /// The filer's unconfirmed documents, oldest first.
    fn untaken(&self, filer: &str) -> Vec<QueuedDocument>;
    /// One of the filer's documents (confirmed or not).
    fn document(&self, filer: &str, id: &str) -> Option<QueuedDocument>;
    /// Marks a document confirmed (idempotent: the first confirmation time is kept); returns it.
    fn confirm(
        &mut self,
        filer: &str,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StateError>;
    fn stats(&self) -> SimStats;
    /// The court's case files, payments and clock, to change in place; [`SimStore::persist`]
    /// makes the change durable.
    fn progress(&mut self) -> &mut CourtProgress;
    /// Saves the current state.
    fn persist(&mut self) -> Result<(), StateError>;
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Data {
    counter: u64,
    case_numbers: BTreeMap<i32, u64>,
    receipts: BTreeMap<String, StoredReceipt>,
    proposal_ids: BTreeMap<String, String>,
    proposal_shas: BTreeMap<String, String>,
    documents: Vec<QueuedDocument>,
    #[serde(default)]
    progress: CourtProgress,
}

/// In memory, optionally snapshotted to a JSON file.
#[derive(Debug, Default)]
pub struct MemoryStore {
    data: Data,
    file: Option<PathBuf>,
    index: HashMap<String, usize>,
}

impl MemoryStore {
    /// A store that forgets everything when the process ends.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store kept in `file` (read now if it exists).
    pub fn open(file: PathBuf) -> Result<Self, StateError> {
        let data = match std::fs::read(&file) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| StateError::Corrupt {
                path: file.clone(),
                message: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Data::default(),
            Err(source) => return Err(StateError::Io { path: file, source }),
        };
        let mut s = MemoryStore {
            data,
            file: Some(file),
            index: HashMap::new(),
        };
        s.reindex();
        Ok(s)
    }

    fn reindex(&mut self) {
        self.index = self
            .data
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
    }

    fn save(&self) -> Result<(), StateError> {
        let Some(path) = &self.file else {
            return Ok(());
        };
        let io = |source| StateError::Io {
            path: path.clone(),
            source,
        };
        let bytes = serde_json::to_vec(&self.data).map_err(|e| StateError::Corrupt {
            path: path.clone(),
            message: e.to_string(),
        })?;
        crate::filing::outbox::write_atomic(path, &bytes).map_err(io)
    }
}

impl SimStore for MemoryStore {
    fn receipt(&self, package_id: &str) -> Option<StoredReceipt> {
        self.data.receipts.get(package_id).cloned()
    }

    fn proposal_seen(&self, proposal_id: &str, sha256: &str) -> bool {
        self.data.proposal_ids.contains_key(proposal_id)
            || self.data.proposal_shas.contains_key(sha256)
    }

    fn next_counter(&mut self) -> u64 {
        self.data.counter += 1;
        self.data.counter
    }

    fn next_case_number(&mut self, year: i32) -> u64 {
        let n = self.data.case_numbers.entry(year).or_insert(0);
        *n += 1;
        *n
    }

    fn record(
        &mut self,
        package_id: &str,
        receipt: StoredReceipt,
        accepted: &[(String, String)],
    ) -> Result<(), StateError> {
        self.data.receipts.insert(package_id.to_string(), receipt);
        for (id, sha) in accepted {
            self.data
                .proposal_ids
                .insert(id.clone(), package_id.to_string());
            self.data
                .proposal_shas
                .insert(sha.clone(), package_id.to_string());
        }
        self.save()
    }

    fn enqueue(&mut self, doc: QueuedDocument) -> Result<(), StateError> {
        self.index.insert(doc.id.clone(), self.data.documents.len());
        self.data.documents.push(doc);
        self.save()
    }

    fn untaken(&self, filer: &str) -> Vec<QueuedDocument> {
        self.data
            .documents
            .iter()
            .filter(|d| d.filer == filer && d.confirmed.is_none())
            .cloned()
            .collect()
    }

    fn document(&self, filer: &str, id: &str) -> Option<QueuedDocument> {
        self.index
            .get(id)
            .map(|i| &self.data.documents[*i])
            .filter(|d| d.filer == filer)
            .cloned()
    }

    fn confirm(
        &mut self,
        filer: &str,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StateError> {
        let Some(i) = self.index.get(id).copied() else {
            return Ok(None);
        };
        let d = &mut self.data.documents[i];
        if d.filer != filer {
            return Ok(None);
        }
        let when = *d.confirmed.get_or_insert(at);
        self.save()?;
        Ok(Some(when))
    }

    fn progress(&mut self) -> &mut CourtProgress {
        &mut self.data.progress
    }

    fn persist(&mut self) -> Result<(), StateError> {
        self.save()
    }

    fn stats(&self) -> SimStats {
        SimStats {
            packages: self.data.receipts.len(),
            proposals_accepted: self.data.proposal_ids.len(),
            documents: self.data.documents.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("state.json");
        let mut s = MemoryStore::open(file.clone()).unwrap();
        assert_eq!(s.next_case_number(2026), 1);
        s.record(
            "PKG-1",
            StoredReceipt {
                package_sha256: "ab".into(),
                filer: "12345679".into(),
                xml: "<r/>".into(),
            },
            &[("P-1".into(), "cd".into())],
        )
        .unwrap();
        let mut s = MemoryStore::open(file).unwrap();
        assert_eq!(s.receipt("PKG-1").unwrap().xml, "<r/>");
        assert!(s.proposal_seen("P-1", "x"));
        assert!(s.proposal_seen("P-9", "cd"));
        assert_eq!(s.next_case_number(2026), 2);
        assert_eq!(s.next_case_number(2027), 1);
    }
}
