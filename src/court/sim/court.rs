//! What the simulated court does with a message, without HTTP: check an upload as a court would,
//! issue a signed receipt, and serve the filer's documents.

use std::path::Path;
use std::str::FromStr;
use std::sync::Mutex;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use openssl::x509::X509;
use rust_decimal::Decimal;

use crate::court::protocol::{
    self, Confirmation, DocumentEntry, DocumentList, ErrorMessage, Receipt, ReceiptItem, Upload,
    Verdict, codes,
};
use crate::filing::import::court_xml;
use crate::filing::package::sha256_hex;
use crate::filing::sign::c14n::{attr, element_children, is_elem};
use crate::filing::sign::{self, CertifiedKey, Signer, VerifyOptions, pki};
use crate::filing::validate::CourtSchema;
use crate::law::calendar::Calendar;
use crate::law::deadlines::{self, DeadlineRule};
use crate::law::fees::{self, FeeKind};
use crate::law::ids::SiReference;

use super::documents::{self, SimAct};
use super::state::{
    QueuedDocument, SimCase, SimParty, SimPayment, SimStage, SimStats, SimStore, StoredReceipt,
};

/// CN of the simulated court's CA and of its signing certificate.
pub const COURT_CA_CN: &str = "writ SIM court CA";
pub const COURT_CN: &str = "SIM Okrajno sodišče v Ljubljani (COVL)";
/// File names in the simulator's data folder.
pub const COURT_CA_PEM: &str = "court-ca.pem";
const COURT_CA_KEY: &str = "court-ca.key.pem";
const COURT_PEM: &str = "court.pem";

/// An HTTP-level failure: status and the coded error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: u16,
    pub error: ErrorMessage,
}

fn fail(status: u16, code: &str, message: impl Into<String>) -> Failure {
    Failure {
        status,
        error: ErrorMessage::new(code, message),
    }
}

/// The court's keys: its CA and its signing certificate.
#[derive(Debug, Clone)]
pub struct CourtKeys {
    pub ca: CertifiedKey,
    pub court: CertifiedKey,
}

impl CourtKeys {
    /// New keys (a CA valid 10 years, the court's certificate 2 years).
    pub fn create(now: DateTime<Utc>) -> Result<Self, sign::SignError> {
        let ca = pki::create_ca(COURT_CA_CN, now, 3650)?;
        let court = pki::issue_cert(&ca, COURT_CN, now, 730)?;
        Ok(CourtKeys { ca, court })
    }

    /// The keys in `dir`, created there on first use (`court-ca.pem` is what filers trust).
    pub fn load_or_create(dir: &Path, now: DateTime<Utc>) -> anyhow::Result<Self> {
        let read = |name: &str| std::fs::read(dir.join(name));
        if let (Ok(ca), Ok(ca_key), Ok(court)) =
            (read(COURT_CA_PEM), read(COURT_CA_KEY), read(COURT_PEM))
        {
            let key = |pem: &[u8]| openssl::pkey::PKey::private_key_from_pem(pem);
            return Ok(CourtKeys {
                ca: CertifiedKey {
                    cert: X509::from_pem(&ca)?,
                    key: key(&ca_key)?,
                },
                court: CertifiedKey {
                    cert: X509::from_pem(&court)?,
                    key: key(&court)?,
                },
            });
        }
        std::fs::create_dir_all(dir)?;
        let keys = Self::create(now)?;
        let write = |name: &str, text: String, secret: bool| -> anyhow::Result<()> {
            let path = dir.join(name);
            crate::filing::outbox::write_atomic(&path, text.as_bytes())?;
            #[cfg(unix)]
            if secret {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
            #[cfg(not(unix))]
            let _ = secret;
            Ok(())
        };
        write(COURT_CA_KEY, keys.ca.key_pem()?, true)?;
        write(
            COURT_PEM,
            format!("{}{}", keys.court.cert_pem()?, keys.court.key_pem()?),
            true,
        )?;
        // Last: its presence means the set is complete.
        write(COURT_CA_PEM, keys.ca.cert_pem()?, false)?;
        Ok(keys)
    }
}

/// Where the simulator's time comes from.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
        }
    }
}

/// How the simulated court decides and how fast its days pass (design.md §5).
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Court days per real minute (0: the court's clock follows the base clock, moved only by
    /// [`Court::advance`]).
    pub speed_days_per_minute: u32,
    /// Share of accepted proposals the court rejects (9004), in percent.
    pub reject_pct: u8,
    /// Share of enforcement orders the debtor objects to (9001), in percent.
    pub objection_pct: u8,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            speed_days_per_minute: 0,
            reject_pct: 10,
            objection_pct: 20,
        }
    }
}

/// Days after service by which the court expects a debtor's objection (ZIZ 9(3), 61(1)); the
/// simulated debtor who objects does so 5 days after service.
const OBJECTION_AFTER_SERVICE: i64 = 5;
/// Days from an order to its service on the debtor (the simulated post).
const SERVICE_DAYS: i64 = 3;
/// Days from the fee payment to the enforcement order.
const ORDER_AFTER_PAYMENT: i64 = 2;
/// Days from receipt to a rejection.
const REJECT_AFTER: i64 = 3;
/// Days from an objection to the transfer to litigation, and from finality to the transfer or
/// the bank's notice.
const FOLLOW_UP_DAYS: i64 = 7;

/// The simulated court.
pub struct Court {
    store: Mutex<Box<dyn SimStore>>,
    signer: Signer,
    ca_pem: String,
    trusted: Vec<X509>,
    seed: u64,
    clock: Clock,
    calendar: Calendar,
    schedule: Schedule,
    started: std::time::Instant,
}

impl std::fmt::Debug for Court {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Court")
            .field("seed", &self.seed)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

struct Checked {
    verdict: Verdict,
    accepted_key: Option<(String, String)>,
    /// The court's case file for an accepted proposal (its filer is set by the caller).
    case: Option<SimCase>,
}

impl Court {
    pub fn new(
        store: Box<dyn SimStore>,
        keys: &CourtKeys,
        trusted: Vec<X509>,
        seed: u64,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        let signer = Signer::new(
            keys.court.key.clone(),
            keys.court.cert.clone(),
            vec![keys.ca.cert.clone()],
        )?;
        Ok(Court {
            store: Mutex::new(store),
            signer,
            ca_pem: keys.ca.cert_pem()?,
            trusted,
            seed,
            clock,
            calendar: Calendar::slovenia(),
            schedule: Schedule::default(),
            started: std::time::Instant::now(),
        })
    }

    /// Sets how the court decides and how fast its days pass.
    pub fn with_schedule(mut self, schedule: Schedule) -> Self {
        self.schedule = schedule;
        self
    }

    /// The court's time: the base clock, plus the days it was advanced, plus (when accelerated)
    /// the real time elapsed times the speed.
    fn court_now(&self, store: &mut dyn SimStore) -> DateTime<Utc> {
        let mut t = self.clock.now() + chrono::Duration::seconds(store.progress().offset_secs);
        let speed = self.schedule.speed_days_per_minute;
        if speed > 0 {
            let elapsed = self.started.elapsed().as_secs_f64() * f64::from(speed) * 1440.0;
            t += chrono::Duration::milliseconds((elapsed * 1000.0) as i64);
        }
        t
    }

    /// The court's date (Ljubljana).
    pub fn today(&self) -> NaiveDate {
        let mut store = self.lock();
        crate::law::ljubljana_date(self.court_now(&mut **store))
    }

    /// The court's case files (for tests and the operator).
    pub fn cases(&self) -> Vec<SimCase> {
        self.lock().progress().cases.clone()
    }

    /// `POST /v1/sim/advance?days=N`: moves the court's clock `days` ahead and issues the
    /// documents due by then; returns the court's new date and the number of documents issued.
    pub fn advance(&self, days: u32) -> Result<(NaiveDate, usize), Failure> {
        let mut store = self.lock();
        store.progress().offset_secs += i64::from(days) * 86_400;
        let issued = self.work(&mut **store)?;
        Ok((
            crate::law::ljubljana_date(self.court_now(&mut **store)),
            issued,
        ))
    }

    /// `POST /v1/sim/fee-payments`: a payment on the court's fee account. Matched by the
    /// reference; pays the fee when the amount covers it. Returns the case number it paid.
    pub fn pay_fee(
        &self,
        reference: &str,
        amount: Decimal,
        date: NaiveDate,
    ) -> Result<Option<String>, Failure> {
        let mut store = self.lock();
        let progress = store.progress();
        progress.payments.push(SimPayment {
            reference: reference.to_string(),
            amount,
            date,
        });
        let mut paid = None;
        if let Some(c) = progress
            .cases
            .iter_mut()
            .find(|c| c.fee_reference == reference.trim())
            && amount >= c.fee_amount
        {
            if c.fee_paid_on.is_none_or(|p| date < p) {
                c.fee_paid_on = Some(date);
            }
            paid = Some(c.case_number.clone());
        }
        store
            .persist()
            .map_err(|e| fail(500, codes::OTHER, e.to_string()))?;
        Ok(paid)
    }

    /// Works through every court day since the last one up to today: issues, signs and queues
    /// the documents due. Returns how many were issued.
    fn work(&self, store: &mut dyn SimStore) -> Result<usize, Failure> {
        let today = crate::law::ljubljana_date(self.court_now(store));
        let Some(last) = store.progress().last_day else {
            store.progress().last_day = Some(today);
            store
                .persist()
                .map_err(|e| fail(500, codes::OTHER, e.to_string()))?;
            return Ok(0);
        };
        let mut issued = 0;
        let mut day = last;
        while day < today {
            day = day.succ_opt().unwrap_or(today);
            store.progress().last_day = Some(day);
            // The court issues nothing on Saturdays, Sundays and public holidays.
            if !self.calendar.is_working_day(day).unwrap_or(true) {
                continue;
            }
            let mut out: Vec<(String, SimCase, SimAct)> = Vec::new();
            for c in store.progress().cases.iter_mut() {
                if let Some(act) = self.step(c, day) {
                    out.push((c.filer.clone(), c.clone(), act));
                }
            }
            for (filer, c, act) in out {
                let xml = documents::render(&c, &act).map_err(|e| {
                    fail(500, codes::OTHER, format!("cannot write a document: {e}"))
                })?;
                CourtSchema::shared().validate(&xml).map_err(|e| {
                    fail(
                        500,
                        codes::OTHER,
                        format!("the court's own document is not valid: {e}"),
                    )
                })?;
                let at = day
                    .and_hms_opt(9, 0, 0)
                    .map(|t| t.and_utc())
                    .unwrap_or_else(|| self.clock.now());
                self.queue(store, &filer, &xml, true, at)?;
                issued += 1;
            }
        }
        store
            .persist()
            .map_err(|e| fail(500, codes::OTHER, e.to_string()))?;
        Ok(issued)
    }

    fn working_day(&self, d: NaiveDate) -> NaiveDate {
        self.calendar.working_day_on_or_after(d).unwrap_or(d)
    }

    /// What the court does in case `c` on `day`, if anything (at most one act a day).
    fn step(&self, c: &mut SimCase, day: NaiveDate) -> Option<SimAct> {
        let days = chrono::Duration::days;
        let paid = c.fee_paid_on.filter(|p| *p <= day);
        let reject = c.fate < self.schedule.reject_pct;
        let objects = !reject
            && c.fate
                < self
                    .schedule
                    .reject_pct
                    .saturating_add(self.schedule.objection_pct);
        let order = |c: &mut SimCase| {
            c.stage = SimStage::OrderIssued {
                order_date: day,
                served_on: day + days(SERVICE_DAYS),
            };
            Some(SimAct::EnforcementOrder {
                on: day,
                costs: c.costs + c.fee_amount,
            })
        };
        match c.stage.clone() {
            SimStage::Submitted if reject => {
                if day >= c.submitted_on + days(REJECT_AFTER) {
                    c.stage = SimStage::Done;
                    return Some(SimAct::Rejection { on: day });
                }
                None
            }
            SimStage::Submitted => match paid {
                Some(p) if day >= p + days(ORDER_AFTER_PAYMENT) => order(c),
                Some(_) => None,
                // Unpaid 8 days after submission: the court orders payment (ZIZ 29.b).
                None if day > c.fee_due => {
                    let deadline =
                        deadlines::compute(DeadlineRule::FeePayment, day, &self.calendar)
                            .map(|d| d.end)
                            .unwrap_or(day + days(8));
                    c.stage = SimStage::FeeOrdered { deadline };
                    Some(SimAct::FeeOrder { on: day, deadline })
                }
                None => None,
            },
            SimStage::FeeOrdered { deadline } => match paid {
                Some(p) if day >= p + days(ORDER_AFTER_PAYMENT) => order(c),
                Some(_) => None,
                None if day > deadline => {
                    c.stage = SimStage::Done;
                    Some(SimAct::DeemedWithdrawn { on: day })
                }
                None => None,
            },
            SimStage::OrderIssued {
                order_date,
                served_on,
            } => {
                if objects {
                    let lodged = served_on + days(OBJECTION_AFTER_SERVICE);
                    if day > lodged {
                        c.stage = SimStage::Objection { on: day };
                        return Some(SimAct::Objection {
                            on: day,
                            lodged,
                            order_served: served_on,
                        });
                    }
                    return None;
                }
                let finality = self.working_day(served_on + days(8));
                if day > finality {
                    c.stage = SimStage::Final { on: day };
                    return Some(SimAct::Finality {
                        on: day,
                        order_date,
                        finality,
                        served: served_on,
                    });
                }
                None
            }
            SimStage::Objection { on } if day >= on + days(FOLLOW_UP_DAYS) => {
                c.stage = SimStage::Done;
                Some(SimAct::Transfer {
                    on: day,
                    litigation: true,
                })
            }
            SimStage::Final { on } if day >= on + days(FOLLOW_UP_DAYS) => {
                c.stage = SimStage::Done;
                Some(if c.fate.is_multiple_of(2) {
                    SimAct::Transfer {
                        on: day,
                        litigation: false,
                    }
                } else {
                    SimAct::BankNotice {
                        on: day,
                        paid: c.fate.is_multiple_of(3).then_some(c.value),
                    }
                })
            }
            _ => None,
        }
    }

    /// The fate of a case (0–99), from the seed and its number.
    fn fate(&self, case_number: &str) -> u8 {
        let h = sha256_hex(format!("writ-court-sim:{}:fate:{case_number}", self.seed).as_bytes());
        u8::from_str_radix(&h[..2], 16).map_or(0, |b| (u16::from(b) * 100 / 256) as u8)
    }

    /// The court CA certificate (PEM) a filer must trust to verify receipts.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub fn stats(&self) -> SimStats {
        self.lock().stats()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Box<dyn SimStore>> {
        // A panic while holding the lock leaves consistent data (every change is one call).
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A deterministic id from the seed and the counter: `PREFIX-<16 hex>`.
    fn derive_id(&self, prefix: &str, counter: u64) -> String {
        let h = sha256_hex(format!("writ-court-sim:{}:{prefix}:{counter}", self.seed).as_bytes());
        format!("{prefix}-{}", &h[..16])
    }

    fn verify_opts(&self) -> VerifyOptions {
        VerifyOptions::with_trusted_cas(self.trusted.clone(), None)
    }

    /// `POST /v1/packages`: the signed receipt (the original one for a repeated package).
    pub fn upload(&self, body: &[u8]) -> Result<Vec<u8>, Failure> {
        let upload = Upload::parse(body).map_err(|e| fail(400, codes::XML, e.to_string()))?;
        let package_sha = sha256_hex(&upload.package);
        // The whole upload is one critical section: two uploads of one package cannot both pass
        // the duplicate check.
        let mut store = self.lock();
        let now = self.court_now(&mut **store);
        if let Some(r) = store.receipt(&upload.package_id) {
            if r.package_sha256 == package_sha {
                return Ok(r.xml.into_bytes());
            }
            return Err(fail(
                409,
                codes::ID_REUSED,
                format!(
                    "package id {} was used before for a different package",
                    upload.package_id
                ),
            ));
        }
        let (filer, package_check) = self.check_package(&upload);
        let filer_for_cases = filer.clone();
        let mut items = Vec::with_capacity(upload.proposals.len());
        let mut accepted = Vec::new();
        let mut rejection = None;
        let mut new_cases: Vec<SimCase> = Vec::new();
        match package_check {
            Err((code, message)) => {
                for p in &upload.proposals {
                    items.push(ReceiptItem {
                        seq: p.seq,
                        proposal_id: p.id.clone(),
                        verdict: Verdict::Rejected {
                            code: code.to_string(),
                            message: format!("the package was rejected: {message}"),
                        },
                    });
                }
                rejection = Some((code.to_string(), message));
            }
            Ok(listed) => {
                let mut seen_in_upload = std::collections::HashSet::new();
                for (p, item) in upload.proposals.iter().zip(&listed) {
                    let c = self.check_proposal(&mut **store, &mut seen_in_upload, p, item, now);
                    accepted.extend(c.accepted_key);
                    new_cases.extend(c.case);
                    items.push(ReceiptItem {
                        seq: p.seq,
                        proposal_id: p.id.clone(),
                        verdict: c.verdict,
                    });
                }
            }
        }
        let counter = store.next_counter();
        let receipt = Receipt {
            receipt_id: self.derive_id("R", counter),
            package_id: upload.package_id.clone(),
            package_sha256: package_sha.clone(),
            received: now,
            package_rejection: rejection,
            items,
        };
        let signed = self
            .signer
            .sign_enveloped(&receipt.to_xml(), now)
            .map_err(|e| fail(500, codes::OTHER, format!("cannot sign the receipt: {e}")))?;
        protocol::validate("receipt", &signed)
            .map_err(|e| fail(500, codes::OTHER, e.to_string()))?;
        let xml = String::from_utf8(signed)
            .map_err(|_| fail(500, codes::OTHER, "the receipt is not UTF-8"))?;
        store
            .record(
                &upload.package_id,
                StoredReceipt {
                    package_sha256: package_sha,
                    filer,
                    xml: xml.clone(),
                },
                &accepted,
            )
            .map_err(|e| fail(500, codes::OTHER, e.to_string()))?;
        if !new_cases.is_empty() {
            let progress = store.progress();
            if progress.last_day.is_none() {
                progress.last_day = Some(crate::law::ljubljana_date(now));
            }
            for mut c in new_cases {
                c.filer.clone_from(&filer_for_cases);
                progress.cases.push(c);
            }
            store
                .persist()
                .map_err(|e| fail(500, codes::OTHER, e.to_string()))?;
        }
        Ok(xml.into_bytes())
    }

    /// Package-level checks; on success the listed items (seq, id, principal, sha256) in the
    /// order of the upload's proposals.
    fn check_package(
        &self,
        upload: &Upload,
    ) -> (String, Result<Vec<Listed>, (&'static str, String)>) {
        let pkg = match read_package(&upload.package) {
            Ok(p) => p,
            Err(e) => return (String::new(), Err(e)),
        };
        let filer = pkg.filer_id.clone();
        let check = || -> Result<Vec<Listed>, (&'static str, String)> {
            if pkg.id != upload.package_id {
                return Err((
                    codes::PACKAGE_ELEMENTS,
                    format!(
                        "the upload names package {} but the package is {}",
                        upload.package_id, pkg.id
                    ),
                ));
            }
            sign::verify(&upload.package, &self.verify_opts()).map_err(|e| {
                (
                    codes::SIGNATURE,
                    format!("the package signature does not verify: {e}"),
                )
            })?;
            if pkg.item_count != pkg.items.len() || pkg.items.len() != upload.proposals.len() {
                return Err((
                    codes::PACKAGE_ELEMENTS,
                    format!(
                        "the package declares {} item(s), lists {}, and the upload carries {}",
                        pkg.item_count,
                        pkg.items.len(),
                        upload.proposals.len()
                    ),
                ));
            }
            let sum: Decimal = pkg.items.iter().map(|i| i.principal).sum();
            if sum != pkg.control_sum {
                return Err((
                    codes::PACKAGE_ELEMENTS,
                    format!(
                        "the control sum {} differs from the sum of the items {sum}",
                        pkg.control_sum
                    ),
                ));
            }
            for (p, i) in upload.proposals.iter().zip(&pkg.items) {
                if p.seq != i.seq || p.id != i.id {
                    return Err((
                        codes::PACKAGE_ELEMENTS,
                        format!(
                            "proposal {} (seq {}) of the upload is not item {} (seq {}) of the package",
                            p.id, p.seq, i.id, i.seq
                        ),
                    ));
                }
            }
            Ok(pkg.items.clone())
        };
        (filer, check())
    }

    fn check_proposal(
        &self,
        store: &mut dyn SimStore,
        seen_in_upload: &mut std::collections::HashSet<String>,
        p: &protocol::UploadProposal,
        item: &Listed,
        now: DateTime<Utc>,
    ) -> Checked {
        let reject = |code: &str, message: String| Checked {
            verdict: Verdict::Rejected {
                code: code.to_string(),
                message,
            },
            accepted_key: None,
            case: None,
        };
        let sha = sha256_hex(&p.xml);
        if sha != item.sha256 {
            return reject(
                codes::SHA256_MISMATCH,
                format!(
                    "the proposal's SHA-256 is {sha}, the package lists {}",
                    item.sha256
                ),
            );
        }
        if let Err(e) = CourtSchema::shared().validate(&p.xml) {
            return reject(
                codes::XML,
                format!("the proposal does not match the court schema: {e}"),
            );
        }
        if let Err(e) = sign::verify(&p.xml, &self.verify_opts()) {
            return reject(
                codes::SIGNATURE,
                format!("the proposal signature does not verify: {e}"),
            );
        }
        if store.proposal_seen(&p.id, &sha) {
            return reject(
                codes::DUPLICATE,
                format!("proposal {} was received before", p.id),
            );
        }
        if seen_in_upload.contains(&p.id) || seen_in_upload.contains(&sha) {
            return reject(
                codes::DUPLICATE,
                format!("proposal {} appears twice in the package", p.id),
            );
        }
        let proposals = match court_xml::parse_proposals(&p.xml) {
            Ok(v) => v,
            Err(e) => return reject(codes::XML, format!("the proposal cannot be read: {e}")),
        };
        let [proposal] = proposals.as_slice() else {
            return reject(
                codes::PACKAGE_ELEMENTS,
                format!(
                    "a package item must hold exactly one proposal (act 568), this one holds {}",
                    proposals.len()
                ),
            );
        };
        let claim = &proposal.claim;
        if let Some(d) = claim.documents.iter().find(|d| d.due_date.is_none()) {
            return reject(
                codes::INCOMPLETE,
                format!(
                    "document {} states no due date (datumZapadlosti; ZIZ 41(5))",
                    d.number
                ),
            );
        }
        if claim.principal() != item.principal {
            return reject(
                codes::PACKAGE_ELEMENTS,
                format!(
                    "the proposal claims {} EUR, the package lists {}",
                    claim.principal(),
                    item.principal
                ),
            );
        }
        // Received: a case number, a receipt id and the court fee.
        let date = crate::law::ljubljana_date(now);
        let fee = match fees::fee_for(FeeKind::ProposalElectronic, date, false) {
            Ok(f) => f.amount,
            Err(e) => return reject(codes::OTHER, e.to_string()),
        };
        let due = match deadlines::compute(DeadlineRule::FeePayment, date, &self.calendar) {
            Ok(d) => d.end,
            Err(e) => return reject(codes::OTHER, e.to_string()),
        };
        let year = date.year();
        let case = store.next_case_number(year);
        let counter = store.next_counter();
        let reference = match SiReference::model12(&format!("{year:04}{case:07}")) {
            Ok(r) => r.as_str().to_string(),
            Err(e) => return reject(codes::OTHER, e.to_string()),
        };
        seen_in_upload.insert(p.id.clone());
        seen_in_upload.insert(sha.clone());
        let case_number = format!("VL {case}/{year}");
        let party = |p: &crate::filing::model::Party| SimParty {
            first_name: p.first_name.clone(),
            name: p.name.clone(),
            kind: p.kind.court_code().to_string(),
            tax_number: p.tax_number.clone(),
            street: format!("{} {}", p.address.street, p.address.house_number)
                .trim()
                .to_string(),
            post_code: p.address.post_code.clone(),
            city: p.address.city.clone(),
        };
        let sim_case = SimCase {
            case_number: case_number.clone(),
            year,
            number: case,
            filer: String::new(),
            submitted_on: date,
            fee_amount: fee.round_dp(2),
            fee_reference: reference.clone(),
            fee_due: due,
            fee_paid_on: None,
            debtor: party(&claim.debtor.party),
            creditor: party(&claim.creditor.party),
            value: claim.principal(),
            costs: claim.costs.iter().map(|c| c.amount).sum(),
            fate: self.fate(&case_number),
            stage: SimStage::Submitted,
        };
        Checked {
            verdict: Verdict::Accepted {
                court_receipt_id: self.derive_id("CR", counter),
                case_number: Some(case_number),
                fee_amount: fee.round_dp(2),
                fee_reference: reference,
                fee_due_date: due,
            },
            accepted_key: Some((p.id.clone(), sha)),
            case: Some(sim_case),
        }
    }

    /// `GET /v1/documents`.
    pub fn list(&self, filer: &str) -> Vec<u8> {
        let mut store = self.lock();
        if self.schedule.speed_days_per_minute > 0
            && let Err(e) = self.work(&mut **store)
        {
            tracing::error!(error = %e.error.message, "court simulator: cannot issue documents");
        }
        let documents = store
            .untaken(filer)
            .into_iter()
            .map(|d| DocumentEntry {
                id: d.id,
                created: d.created,
                sha256: d.sha256,
            })
            .collect();
        DocumentList { documents }.to_xml()
    }

    /// `GET /v1/documents/{id}`: the document's bytes as the court signed them.
    pub fn take(&self, filer: &str, id: &str) -> Result<Vec<u8>, Failure> {
        self.lock()
            .document(filer, id)
            .map(|d| d.xml)
            .ok_or_else(|| no_document(id))
    }

    /// `POST /v1/documents/{id}/confirm` (idempotent).
    pub fn confirm(&self, filer: &str, id: &str) -> Result<Vec<u8>, Failure> {
        let mut store = self.lock();
        let now = self.court_now(&mut **store);
        let at = store
            .confirm(filer, id, now)
            .map_err(|e| fail(500, codes::OTHER, e.to_string()))?
            .ok_or_else(|| no_document(id))?;
        Ok(Confirmation {
            document_id: id.to_string(),
            confirmed: at,
        }
        .to_xml())
    }

    /// Queues a document for a filer (the later tracker step fills this queue; tests use it
    /// through `POST /v1/sim/documents`). When `sign` is true the court signs it first.
    pub fn enqueue(&self, filer: &str, xml: &[u8], sign: bool) -> Result<String, Failure> {
        let mut store = self.lock();
        let now = self.court_now(&mut **store);
        self.queue(&mut **store, filer, xml, sign, now)
    }

    /// Signs (when `sign`; signing time = the base clock, the real time of signing) and queues
    /// a document created at `created` (court time).
    fn queue(
        &self,
        store: &mut dyn SimStore,
        filer: &str,
        xml: &[u8],
        sign: bool,
        created: DateTime<Utc>,
    ) -> Result<String, Failure> {
        let now = created;
        let bytes = if sign {
            self.signer
                .sign_enveloped(xml, self.clock.now())
                .map_err(|e| fail(400, codes::XML, format!("cannot sign the document: {e}")))?
        } else {
            xml.to_vec()
        };
        let counter = store.next_counter();
        let id = self.derive_id("D", counter);
        store
            .enqueue(QueuedDocument {
                id: id.clone(),
                filer: filer.to_string(),
                created: now,
                sha256: sha256_hex(&bytes),
                xml: bytes,
                confirmed: None,
            })
            .map_err(|e| fail(500, codes::OTHER, e.to_string()))?;
        Ok(id)
    }
}

fn no_document(id: &str) -> Failure {
    fail(
        404,
        codes::DOCUMENT_ID,
        format!("no document {id} for this filer"),
    )
}

/// One item as the package lists it.
#[derive(Debug, Clone)]
struct Listed {
    seq: u32,
    id: String,
    principal: Decimal,
    sha256: String,
}

struct PackageView {
    id: String,
    item_count: usize,
    control_sum: Decimal,
    filer_id: String,
    items: Vec<Listed>,
}

/// Reads the signed package (schema first).
fn read_package(xml: &[u8]) -> Result<PackageView, (&'static str, String)> {
    let bad = |m: String| (codes::XML, m);
    crate::filing::pipeline::package_schema()
        .map_err(|e| (codes::OTHER, e.to_string()))?
        .validate(xml)
        .map_err(|e| bad(format!("the package does not match its schema: {e}")))?;
    let text = std::str::from_utf8(xml).map_err(|_| bad("the package is not UTF-8".into()))?;
    let doc = uppsala::parse(text.strip_prefix('\u{feff}').unwrap_or(text))
        .map_err(|e| bad(e.to_string()))?;
    let root = doc
        .document_element()
        .ok_or_else(|| bad("the package is empty".into()))?;
    let ns = crate::filing::package::NAMESPACE;
    let a = |n, name: &str| attr(&doc, n, name).unwrap_or_default().to_string();
    let dec = |s: String| Decimal::from_str(&s).map_err(|_| bad(format!("'{s}' is not an amount")));
    let mut items = Vec::new();
    let mut filer_id = String::new();
    for n in element_children(&doc, root) {
        if is_elem(&doc, n, ns, "Filer") {
            filer_id = a(n, "certificateSerial");
        } else if is_elem(&doc, n, ns, "Item") {
            items.push(Listed {
                seq: a(n, "seq")
                    .parse()
                    .map_err(|_| bad("item seq is not a number".into()))?,
                id: a(n, "id"),
                principal: dec(a(n, "principal"))?,
                sha256: a(n, "sha256"),
            });
        }
    }
    Ok(PackageView {
        id: a(root, "id"),
        item_count: a(root, "itemCount")
            .parse()
            .map_err(|_| bad("itemCount is not a number".into()))?,
        control_sum: dec(a(root, "controlSum"))?,
        filer_id,
        items,
    })
}
