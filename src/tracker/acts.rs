//! Court documents (`OpisPosiljke` in the court's vocabulary `http://sodisce.si/izvrsba`) read into
//! act records. Pure: bytes in, records out; no I/O, no clock.
//!
//! - Values are kept as written (trimmed): names, identifiers, accounts, references. Check digits
//!   are lint's business, not the tracker's.
//! - Dates (`2016-08-12+02:00`) keep their date part; amounts are exact decimals.
//! - Acts with an unknown code become [`Act::Unknown`], never an error. A known code holding the
//!   wrong content element is an error (the pairing is a co-constraint the XSD cannot state).
//! - Inside a known act only the fields writ models are read; other elements of the court's
//!   namespace are ignored (the court may add fields; they must not stop tracking).
//! - [`SourceMode::Verified`] is for documents whose signature the caller has verified; a document
//!   without a `ds:Signature` is refused in that mode. [`SourceMode::UnsignedImport`] reads any
//!   document and marks it unverified.
//! - Disagreements between the acts of one document (case number, parties, order date, value) are
//!   listed in [`CourtDocument::mismatches`] in plain words, never merged silently.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::court_xml::{self, Element, Ns, ReadError, parse_bool, parse_decimal};
use crate::law::ids::CaseNumber;

/// The court's namespace (defined beside the reader of that vocabulary).
pub use crate::court_xml::NAMESPACE;

/// Court code of the enforcement proposal as filed (VL predlog za izvršbo).
pub const CODE_PROPOSAL: &str = "568";
/// Court code of the certificate of finality and enforceability.
pub const CODE_FINALITY_CERTIFICATE: &str = "566";
/// Court code of the enforcement order (sklep o izvršbi).
pub const CODE_ENFORCEMENT_ORDER: &str = "536";
/// writ's code: notice of the debtor's objection (obvestilo o ugovoru).
pub const CODE_OBJECTION_NOTICE: &str = "9001";
/// writ's code: payment order for the court fee (plačilni nalog za takso).
pub const CODE_FEE_ORDER: &str = "9002";
/// writ's code: order that the proposal is deemed withdrawn (ZIZ 29.b).
pub const CODE_DEEMED_WITHDRAWN: &str = "9003";
/// writ's code: rejection of the proposal (zavrženje or zavrnitev).
pub const CODE_REJECTION: &str = "9004";
/// writ's code: transfer of the case to another court (odstop).
pub const CODE_TRANSFER: &str = "9005";
/// writ's code: a bank's notice (no funds, payment, forwarded to another bank).
pub const CODE_BANK_NOTICE: &str = "9006";
/// writ's code: order stopping the enforcement (ustavitev).
pub const CODE_STOP: &str = "9007";

/// The act codes writ knows: (code, the court's or writ's name, content element).
pub const KNOWN_ACTS: [(&str, &str, &str); 10] = [
    (CODE_PROPOSAL, "VL predlog za izvršbo", "Predlog"),
    (
        CODE_FINALITY_CERTIFICATE,
        "Potrdilo o pravnomočnosti in izvršljivosti",
        "PotrdiloOPravnomocnosti",
    ),
    (CODE_ENFORCEMENT_ORDER, "Sklep o izvršbi", "SklepOIzvrsbi"),
    (
        CODE_OBJECTION_NOTICE,
        "Obvestilo o ugovoru",
        "ObvestiloOUgovoru",
    ),
    (
        CODE_FEE_ORDER,
        "Plačilni nalog za takso",
        "PlacilniNalogZaTakso",
    ),
    (
        CODE_DEEMED_WITHDRAWN,
        "Sklep o umiku predloga (ZIZ 29.b)",
        "SklepOUmiku",
    ),
    (
        CODE_REJECTION,
        "Sklep o zavrženju ali zavrnitvi predloga",
        "SklepOZavrzenju",
    ),
    (CODE_TRANSFER, "Sklep o odstopu zadeve", "SklepOOdstopu"),
    (CODE_BANK_NOTICE, "Obvestilo banke", "ObvestiloBanke"),
    (CODE_STOP, "Sklep o ustavitvi izvršbe", "SklepOUstavitvi"),
];

/// How the caller vouches for the document's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SourceMode {
    /// The caller verified the document's signature before calling; a document without a
    /// `ds:Signature` is refused.
    Verified,
    /// An explicit import of an unsigned (or unchecked) document; the result is marked unverified.
    UnsignedImport,
}

/// A person as the court writes it (attributes of `Oseba`, `Prejemnik`, `Izvrsitelj`, …), values
/// as written (trimmed; empty identifiers are `None`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Person {
    /// The court's participant id (`idUdelezenec`).
    pub participant_id: Option<String>,
    /// First name of a natural person (`ime-naziv`; empty for a legal person).
    pub first_name: String,
    /// Surname or firm (`priimek-naziv`).
    pub name: String,
    /// Tax number (`davcna`), as written.
    pub tax_number: Option<String>,
    /// Registration number or EMŠO (`maticna`), as written.
    pub registration_number: Option<String>,
    /// `pravna`, `fizicna` or `s.p.` as written.
    pub kind: Option<String>,
}

impl Person {
    /// First name and surname/firm, e.g. `Živa Groza`.
    pub fn display_name(&self) -> String {
        match (self.first_name.is_empty(), self.name.is_empty()) {
            (true, _) => self.name.clone(),
            (false, true) => self.first_name.clone(),
            (false, false) => format!("{} {}", self.first_name, self.name),
        }
    }
}

/// The parties of an act: debtors, creditors and the creditors' representatives.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Parties {
    /// `Dolzniki/Dolznik/Oseba`.
    pub debtors: Vec<Person>,
    /// `Upniki/Upniki/Oseba`.
    pub creditors: Vec<Person>,
    /// `Upniki/Upniki/Zastopnik` (legal representatives).
    pub representatives: Vec<Person>,
    /// `Upniki/Upniki/Pooblascenec` (proxies).
    pub proxies: Vec<Person>,
}

/// An addressee's role (`Vloga/@nazivVloga`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// `upnik`.
    Creditor,
    /// `dolžnik`.
    Debtor,
    /// `tretji` (a third person; the bailiff in the court's sample).
    ThirdParty,
    /// `dolžnikov dolžnik`: the debtor's debtor, i.e. the bank holding the debtor's accounts.
    DebtorsDebtor,
    /// `sodišče`.
    Court,
    /// Any other role; see [`Recipient::role_as_written`].
    Other,
}

impl Role {
    fn from_written(s: &str) -> Role {
        match s.trim().to_lowercase().as_str() {
            "upnik" => Role::Creditor,
            "dolžnik" => Role::Debtor,
            "tretji" => Role::ThirdParty,
            "dolžnikov dolžnik" => Role::DebtorsDebtor,
            "sodišče" => Role::Court,
            _ => Role::Other,
        }
    }
}

/// An addressee (`Prejemnik`) with its role and, when served, the date of service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// Who.
    pub person: Person,
    /// Role, classified.
    pub role: Role,
    /// Role as written, e.g. `dolžnikov dolžnik`.
    pub role_as_written: String,
    /// `datumVrocitve`: date of service, when given.
    pub served_on: Option<NaiveDate>,
}

/// One court document: a shipment (`OpisPosiljke`) with its acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CourtDocument {
    /// `Glava/Posiljatelj`.
    pub sender: Person,
    /// `Glava/Prejemnik` (the schema allows several; the court's sample has one).
    pub recipients: Vec<Recipient>,
    /// The acts, in document order.
    pub acts: Vec<Act>,
    /// True when read in [`SourceMode::UnsignedImport`]: nobody vouched for the origin.
    pub unverified: bool,
    /// Disagreements between the acts, in plain words (empty when they agree).
    pub mismatches: Vec<String>,
}

impl CourtDocument {
    /// The acts in procedural order (proposal, fee order, enforcement order, objection, finality,
    /// transfer, bank notices, stop, …), stable within a rank. A document may list acts in any
    /// order (the court's sample lists 566 before 536); apply them to a case in this order.
    pub fn acts_in_procedural_order(&self) -> Vec<&Act> {
        let mut v: Vec<&Act> = self.acts.iter().collect();
        v.sort_by_key(|a| a.procedural_rank());
        v
    }

    /// The case numbers the acts name, deduplicated, in document order.
    pub fn case_numbers(&self) -> Vec<&CaseNumber> {
        let mut out: Vec<&CaseNumber> = Vec::new();
        for c in self.acts.iter().filter_map(Act::case) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }
}

/// 536 Sklep o izvršbi: the enforcement order (payment order + allowed enforcement, ZIZ 44).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnforcementOrder {
    /// `OpravilnaStevilka`, e.g. `VL 78338/2016`.
    pub case: CaseNumber,
    /// `datumSklepaOIzvrsbi`.
    pub order_date: NaiveDate,
    /// Debtors, creditors, representatives.
    pub parties: Parties,
    /// `vrednostIzvrsbe`.
    pub enforcement_value: Decimal,
    /// `Valuta`.
    pub currency: String,
    /// `RacunSodnikTaks/@racun`, as written (e.g. `SI56 0110 0845 0100 810`).
    pub court_fee_account: String,
    /// `Sklic`: the reference for paying the court fee, as written.
    pub fee_reference: String,
    /// `oprostitevTakse`: the creditor is exempt from the fee.
    pub fee_exempt: bool,
    /// `stroskiUpnika`: the creditor's costs allowed.
    pub creditor_costs: Decimal,
    /// `Izvrsitelj`.
    pub bailiff: Option<Person>,
    /// `PristojnoSodisce`: the court of later proceedings.
    pub competent_court: String,
    /// `Zavrzeno` when not empty: the part of the proposal the court dismissed.
    pub rejected: Option<String>,
    /// `podpisnik`.
    pub signed_by: Option<String>,
}

/// 566 Potrdilo o pravnomočnosti in izvršljivosti: the certificate of finality and enforceability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalityCertificate {
    /// `OpravilnaStevilka`.
    pub case: CaseNumber,
    /// `datumSklepaOIzvrsbi`: date of the enforcement order.
    pub order_date: NaiveDate,
    /// `datumPravnomocnosti`: the order became final on this day.
    pub finality_date: NaiveDate,
    /// `trenutniDatum`: the certificate's date.
    pub current_date: NaiveDate,
    /// Debtors, creditors, representatives.
    pub parties: Parties,
    /// `vrednostIzvrsbe`.
    pub enforcement_value: Decimal,
    /// `Valuta`.
    pub currency: String,
    /// `PrejemnikiPravnomocnegaSklepa`: who receives the final order (creditor, bailiff as
    /// `tretji`, the debtor's bank as `dolžnikov dolžnik`).
    pub final_order_recipients: Vec<Recipient>,
    /// `PrejemnikiSklepa`: who was served the enforcement order, with the date of service.
    pub order_recipients: Vec<Recipient>,
    /// `RacunDolznika/@racun`, as written (often a bare BBAN).
    pub debtor_accounts: Vec<String>,
    /// `pristojnoSodisce`.
    pub competent_court: String,
    /// `Izvrsitelj`.
    pub bailiff: Option<Person>,
    /// `podpisnik`.
    pub signed_by: Option<String>,
}

impl FinalityCertificate {
    /// The banks the final order goes to (role `dolžnikov dolžnik`).
    pub fn banks(&self) -> impl Iterator<Item = &Recipient> {
        self.final_order_recipients
            .iter()
            .filter(|r| r.role == Role::DebtorsDebtor)
    }

    /// The date the enforcement order was served on the (first) debtor, when given.
    pub fn debtor_served_on(&self) -> Option<NaiveDate> {
        self.order_recipients
            .iter()
            .find(|r| r.role == Role::Debtor)
            .and_then(|r| r.served_on)
    }
}

/// Which part of the enforcement order the objection attacks (ZIZ 62).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectionScope {
    /// `plačilni nalog`: the payment order (in whole or in part); the court annuls the order and
    /// the case continues as litigation (ZIZ 62(2)).
    PaymentOrder,
    /// `dovolitev izvršbe`: only the enforcement part (ZIZ 62(3)).
    EnforcementOnly,
}

/// 9001 (writ's): the court's notice that the debtor objected (ugovor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionNotice {
    /// `OpravilnaStevilka`.
    pub case: CaseNumber,
    /// `datumObvestila`.
    pub notice_date: NaiveDate,
    /// `Ugovornik`: who objected.
    pub objector: Option<Person>,
    /// `datumUgovora`: when the objection was lodged.
    pub objection_lodged_on: NaiveDate,
    /// `datumVrocitveSklepa`: when the order was served on the objector (starts the 8 days).
    pub order_served_on: Option<NaiveDate>,
    /// `obsegUgovora`.
    pub scope: ObjectionScope,
    /// `datumVrocitve`: service of this notice on the creditor.
    pub served_on: Option<NaiveDate>,
}

/// 9002 (writ's): the court's payment order for the fee (ZIZ 29.b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeOrder {
    /// `OpravilnaStevilka`.
    pub case: CaseNumber,
    /// `datumNaloga`.
    pub order_date: NaiveDate,
    /// `znesekTakse`.
    pub amount: Decimal,
    /// `Valuta`.
    pub currency: String,
    /// `RacunSodnikTaks/@racun`, as written.
    pub court_fee_account: String,
    /// `Sklic`, as written.
    pub reference: String,
    /// `rokPlacila`: the deadline the court set.
    pub deadline: NaiveDate,
    /// `datumVrocitve`: service on the creditor.
    pub served_on: Option<NaiveDate>,
}

/// 9003 (writ's): the proposal is deemed withdrawn because the fee was not paid (ZIZ 29.b).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeemedWithdrawn {
    /// `OpravilnaStevilka`.
    pub case: CaseNumber,
    /// `datumSklepa`.
    pub decision_date: NaiveDate,
    /// `razlog`, as written.
    pub reason: Option<String>,
    /// `datumVrocitve`.
    pub served_on: Option<NaiveDate>,
}

/// Kind of a rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RejectionKind {
    /// `zavrženje`: dismissed on procedural grounds.
    Dismissed,
    /// `zavrnitev`: refused on the merits.
    Refused,
}

/// 9004 (writ's): the proposal is dismissed (zavrženje) or refused (zavrnitev).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// `OpravilnaStevilka`.
    pub case: CaseNumber,
    /// `datumSklepa`.
    pub decision_date: NaiveDate,
    /// `vrstaOdlocitve`.
    pub kind: RejectionKind,
    /// `razlog`, as written.
    pub reason: String,
    /// `datumVrocitve`.
    pub served_on: Option<NaiveDate>,
}

/// Why a case is transferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransferPurpose {
    /// `izvršba`: after finality, to the local court conducting enforcement (ZIZ 45(5)).
    Enforcement,
    /// `pravda`: after an objection against the payment order, to the litigation court
    /// (ZIZ 62(2)).
    Litigation,
}

/// 9005 (writ's): the case is transferred to another (local) court (odstop).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// `OpravilnaStevilka`.
    pub case: CaseNumber,
    /// `datumSklepa`.
    pub decision_date: NaiveDate,
    /// `namenOdstopa`.
    pub purpose: TransferPurpose,
    /// `PristojnoSodisce`: the receiving court.
    pub court: String,
    /// `NovaOpravilnaStevilka`: the receiving court's case number, when given.
    pub new_case: Option<CaseNumber>,
    /// `brezVirov`: the registers showed no means of enforcement; the creditor is called to
    /// propose new means within 15 days (ZIZ 45(6)).
    pub no_sources_found: bool,
    /// `datumVrocitve`.
    pub served_on: Option<NaiveDate>,
}

/// What a bank reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BankNoticeKind {
    /// `ni sredstev`: no attachable funds (ZIZ 141).
    NoFunds,
    /// `plačilo`: the bank paid this amount to the creditor.
    Paid {
        /// `znesek`.
        amount: Decimal,
    },
    /// `odstop drugi banki`: the order was forwarded to another bank (ZIZ 141).
    Forwarded,
}

/// 9006 (writ's): a bank's notice, passed on by the court.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankNotice {
    /// `OpravilnaStevilka`.
    pub case: CaseNumber,
    /// `datumObvestila`.
    pub notice_date: NaiveDate,
    /// `Banka`.
    pub bank: Person,
    /// `vrstaObvestila` (+ `znesek`).
    pub kind: BankNoticeKind,
    /// `Valuta` (with an amount).
    pub currency: Option<String>,
    /// `datumVrocitve`.
    pub served_on: Option<NaiveDate>,
}

/// Why enforcement was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    /// `poplačilo`: the claim was paid.
    Paid,
    /// `umik upnika`: the creditor withdrew.
    CreditorWithdrew,
    /// `stečaj`: the debtor's bankruptcy (ZFPPIPP 132).
    Bankruptcy,
    /// `ni sredstev`: no means of enforcement (ZIZ 45(6), 141).
    NoAssets,
    /// `drugo`: another reason; see the description.
    Other,
}

/// 9007 (writ's): the order stopping the enforcement (ustavitev).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stop {
    /// `OpravilnaStevilka`.
    pub case: CaseNumber,
    /// `datumSklepa`.
    pub decision_date: NaiveDate,
    /// `razlogUstavitve`.
    pub reason: StopReason,
    /// `opis`, as written.
    pub description: Option<String>,
    /// `datumVrocitve`.
    pub served_on: Option<NaiveDate>,
}

/// 568 VL predlog za izvršbo: the proposal as filed. The tracker only notes it (the filing
/// importer reads it in full); its parties are kept for the mismatch report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalEcho {
    /// `@dtPoslano`.
    pub sent_on: Option<NaiveDate>,
    /// `@dtSprejeto` (date part).
    pub received_on: Option<NaiveDate>,
    /// Debtors and creditors as the filer wrote them.
    pub parties: Parties,
}

/// One procedural act (`ProcesnoDejanje`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Act {
    /// 568: our proposal, echoed back.
    Proposal(ProposalEcho),
    /// 536.
    EnforcementOrder(EnforcementOrder),
    /// 566.
    FinalityCertificate(FinalityCertificate),
    /// 9001.
    ObjectionNotice(ObjectionNotice),
    /// 9002.
    FeeOrder(FeeOrder),
    /// 9003.
    DeemedWithdrawn(DeemedWithdrawn),
    /// 9004.
    Rejection(Rejection),
    /// 9005.
    Transfer(Transfer),
    /// 9006.
    BankNotice(BankNotice),
    /// 9007.
    Stop(Stop),
    /// An act writ does not know: code and name as written.
    Unknown {
        /// `sifProcesnoDejanje`.
        code: String,
        /// `nazivProcesnoDejanje`.
        name: String,
    },
}

impl Act {
    /// The act code (`sifProcesnoDejanje`).
    pub fn code(&self) -> &str {
        match self {
            Act::Proposal(_) => CODE_PROPOSAL,
            Act::EnforcementOrder(_) => CODE_ENFORCEMENT_ORDER,
            Act::FinalityCertificate(_) => CODE_FINALITY_CERTIFICATE,
            Act::ObjectionNotice(_) => CODE_OBJECTION_NOTICE,
            Act::FeeOrder(_) => CODE_FEE_ORDER,
            Act::DeemedWithdrawn(_) => CODE_DEEMED_WITHDRAWN,
            Act::Rejection(_) => CODE_REJECTION,
            Act::Transfer(_) => CODE_TRANSFER,
            Act::BankNotice(_) => CODE_BANK_NOTICE,
            Act::Stop(_) => CODE_STOP,
            Act::Unknown { code, .. } => code,
        }
    }

    /// A short English label, e.g. `enforcement order (act 536)`.
    pub fn label(&self) -> String {
        let what = match self {
            Act::Proposal(_) => "proposal as filed",
            Act::EnforcementOrder(_) => "enforcement order",
            Act::FinalityCertificate(_) => "certificate of finality",
            Act::ObjectionNotice(_) => "objection notice",
            Act::FeeOrder(_) => "fee payment order",
            Act::DeemedWithdrawn(_) => "deemed-withdrawn order",
            Act::Rejection(_) => "rejection",
            Act::Transfer(_) => "transfer order",
            Act::BankNotice(_) => "bank notice",
            Act::Stop(_) => "stop order",
            Act::Unknown { name, .. } => {
                return format!("unknown act {} \"{}\"", self.code(), name);
            }
        };
        format!("{what} (act {})", self.code())
    }

    /// The case number the act names (none for the proposal and unknown acts).
    pub fn case(&self) -> Option<&CaseNumber> {
        match self {
            Act::Proposal(_) | Act::Unknown { .. } => None,
            Act::EnforcementOrder(a) => Some(&a.case),
            Act::FinalityCertificate(a) => Some(&a.case),
            Act::ObjectionNotice(a) => Some(&a.case),
            Act::FeeOrder(a) => Some(&a.case),
            Act::DeemedWithdrawn(a) => Some(&a.case),
            Act::Rejection(a) => Some(&a.case),
            Act::Transfer(a) => Some(&a.case),
            Act::BankNotice(a) => Some(&a.case),
            Act::Stop(a) => Some(&a.case),
        }
    }

    /// The date of service on the creditor written in the act, when there is one.
    pub fn served_on(&self) -> Option<NaiveDate> {
        match self {
            Act::ObjectionNotice(a) => a.served_on,
            Act::FeeOrder(a) => a.served_on,
            Act::DeemedWithdrawn(a) => a.served_on,
            Act::Rejection(a) => a.served_on,
            Act::Transfer(a) => a.served_on,
            Act::BankNotice(a) => a.served_on,
            Act::Stop(a) => a.served_on,
            Act::FinalityCertificate(a) => a
                .order_recipients
                .iter()
                .find(|r| r.role == Role::Creditor)
                .and_then(|r| r.served_on),
            Act::Proposal(_) | Act::EnforcementOrder(_) | Act::Unknown { .. } => None,
        }
    }

    /// Rank in the procedure, for ordering the acts of one document.
    pub fn procedural_rank(&self) -> u8 {
        match self {
            Act::Proposal(_) => 0,
            Act::FeeOrder(_) => 1,
            Act::DeemedWithdrawn(_) | Act::Rejection(_) => 2,
            Act::EnforcementOrder(_) => 3,
            Act::ObjectionNotice(_) => 4,
            Act::FinalityCertificate(_) => 5,
            Act::Transfer(_) => 6,
            Act::BankNotice(_) => 7,
            Act::Stop(_) => 8,
            Act::Unknown { .. } => 9,
        }
    }

    fn parties(&self) -> Option<Parties> {
        match self {
            Act::Proposal(p) => Some(p.parties.clone()),
            Act::EnforcementOrder(o) => Some(o.parties.clone()),
            Act::FinalityCertificate(c) => {
                // The certificate writes the parties' identifiers only on its recipients: join them
                // by the court's participant id, so they can be compared with other acts.
                let mut p = c.parties.clone();
                let recips: Vec<&Recipient> = c
                    .final_order_recipients
                    .iter()
                    .chain(&c.order_recipients)
                    .collect();
                for person in p.debtors.iter_mut().chain(p.creditors.iter_mut()) {
                    let Some(id) = person.participant_id.clone() else {
                        continue;
                    };
                    for r in recips
                        .iter()
                        .filter(|r| r.person.participant_id.as_ref() == Some(&id))
                    {
                        if person.tax_number.is_none() {
                            person.tax_number.clone_from(&r.person.tax_number);
                        }
                        if person.registration_number.is_none() {
                            person
                                .registration_number
                                .clone_from(&r.person.registration_number);
                        }
                    }
                }
                Some(p)
            }
            _ => None,
        }
    }
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActError {
    /// Not well-formed XML (or not UTF-8).
    #[error("line {line}: not well-formed XML: {message}")]
    Xml {
        /// Line.
        line: usize,
        /// Parser's message.
        message: String,
    },
    /// A required element or attribute is missing.
    #[error("line {line}: {path} is missing")]
    Missing {
        /// Line of the parent element.
        line: usize,
        /// Where, e.g. `SklepOIzvrsbi/Sklic`.
        path: String,
    },
    /// A value cannot be read.
    #[error("line {line}: {path} = \"{value}\" {reason}")]
    Value {
        /// Line.
        line: usize,
        /// Where.
        path: String,
        /// The value as written.
        value: String,
        /// Why.
        reason: String,
    },
    /// The document's structure is not the court's.
    #[error("line {line}: {path}: {reason}")]
    Structure {
        /// Line.
        line: usize,
        /// Where.
        path: String,
        /// Why.
        reason: String,
    },
    /// Verified mode, but the document carries no signature.
    #[error(
        "the document has no ds:Signature, so it cannot have been verified; read it with SourceMode::UnsignedImport to import it as unverified"
    )]
    NotSigned,
}

/// Reads a court document into act records.
pub fn parse_document(xml: &[u8], mode: SourceMode) -> Result<CourtDocument, ActError> {
    let root = court_xml::parse(xml)?;
    if !(root.is_court() && root.name == "OpisPosiljke") {
        return Err(ActError::Structure {
            line: root.line,
            path: root.name.clone(),
            reason: "the root must be OpisPosiljke in the namespace http://sodisce.si/izvrsba"
                .into(),
        });
    }
    if let Some(v) = root.attr("schemaVersion")
        && v.trim() != "1.1"
    {
        return Err(root.bad_value("@schemaVersion", v, "is not a version writ reads (1.1)"));
    }
    let signed = root
        .children
        .iter()
        .any(|c| c.ns == Ns::Dsig && c.name == "Signature");
    if mode == SourceMode::Verified && !signed {
        return Err(ActError::NotSigned);
    }
    let glava = root.req_child("Glava")?;
    let sender = read_person(glava.req_child("Posiljatelj")?);
    let recipients = glava
        .children_named("Prejemnik")
        .map(read_recipient)
        .collect::<Result<Vec<_>, _>>()?;
    let vsebina = root.req_child("Vsebina")?;
    let acts = vsebina
        .children_named("ProcesnoDejanje")
        .map(read_act)
        .collect::<Result<Vec<_>, _>>()?;
    let mismatches = find_mismatches(&acts);
    Ok(CourtDocument {
        sender,
        recipients,
        acts,
        unverified: mode == SourceMode::UnsignedImport,
        mismatches,
    })
}

// ---------------------------------------------------------------------------------------------
// Acts
// ---------------------------------------------------------------------------------------------

fn read_act(pd: &Element) -> Result<Act, ActError> {
    let code = pd.req_text_attr("sifProcesnoDejanje")?;
    let name = pd.text_attr("nazivProcesnoDejanje");
    let Some(&(_, _, element)) = KNOWN_ACTS.iter().find(|(c, _, _)| *c == code) else {
        return Ok(Act::Unknown { code, name });
    };
    let content: Vec<&Element> = pd.court_children().collect();
    let body = match content.as_slice() {
        [one] if one.name == element => *one,
        _ => {
            return Err(ActError::Structure {
                line: pd.line,
                path: format!("ProcesnoDejanje[@sifProcesnoDejanje={code}]"),
                reason: format!(
                    "act {code} must hold exactly one {element}, found {}",
                    if content.is_empty() {
                        "nothing".to_string()
                    } else {
                        content
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            });
        }
    };
    Ok(match code.as_str() {
        CODE_PROPOSAL => Act::Proposal(ProposalEcho {
            sent_on: body.opt_date_attr("dtPoslano")?,
            received_on: body.opt_date_attr("dtSprejeto")?,
            parties: read_parties(body),
        }),
        CODE_ENFORCEMENT_ORDER => Act::EnforcementOrder(EnforcementOrder {
            case: read_case(body.req_child("OpravilnaStevilka")?)?,
            order_date: body.req_date_el("datumSklepaOIzvrsbi")?,
            parties: read_parties(body),
            enforcement_value: body.req_amount_el("vrednostIzvrsbe")?,
            currency: body.req_text_el("Valuta")?,
            court_fee_account: body.req_child("RacunSodnikTaks")?.req_text_attr("racun")?,
            fee_reference: body.req_text_el("Sklic")?,
            fee_exempt: body.req_bool_el("oprostitevTakse")?,
            creditor_costs: body.req_amount_el("stroskiUpnika")?,
            bailiff: body.child("Izvrsitelj").map(read_person),
            competent_court: body.req_text_el("PristojnoSodisce")?,
            rejected: body.child_text("Zavrzeno"),
            signed_by: body.child_text("podpisnik"),
        }),
        CODE_FINALITY_CERTIFICATE => Act::FinalityCertificate(FinalityCertificate {
            case: read_case(body.req_child("OpravilnaStevilka")?)?,
            order_date: body.req_date_el("datumSklepaOIzvrsbi")?,
            finality_date: body.req_date_el("datumPravnomocnosti")?,
            current_date: body.req_date_el("trenutniDatum")?,
            parties: read_parties(body),
            enforcement_value: body.req_amount_el("vrednostIzvrsbe")?,
            currency: body.req_text_el("Valuta")?,
            final_order_recipients: read_recipients(body.child("PrejemnikiPravnomocnegaSklepa"))?,
            order_recipients: read_recipients(body.child("PrejemnikiSklepa"))?,
            debtor_accounts: body
                .children_named("RacunDolznika")
                .map(|r| r.req_text_attr("racun"))
                .collect::<Result<_, _>>()?,
            competent_court: body.req_text_el("pristojnoSodisce")?,
            bailiff: body.child("Izvrsitelj").map(read_person),
            signed_by: body.child_text("podpisnik"),
        }),
        CODE_OBJECTION_NOTICE => Act::ObjectionNotice(ObjectionNotice {
            case: read_case(body.req_child("OpravilnaStevilka")?)?,
            notice_date: body.req_date_el("datumObvestila")?,
            objector: body.child("Ugovornik").map(read_person),
            objection_lodged_on: body.req_date_el("datumUgovora")?,
            order_served_on: body.opt_date_el("datumVrocitveSklepa")?,
            scope: match body.req_text_el("obsegUgovora")?.as_str() {
                "plačilni nalog" => ObjectionScope::PaymentOrder,
                "dovolitev izvršbe" => ObjectionScope::EnforcementOnly,
                other => {
                    return Err(body.bad_value(
                        "obsegUgovora",
                        other,
                        "is not \"plačilni nalog\" or \"dovolitev izvršbe\"",
                    ));
                }
            },
            served_on: body.opt_date_el("datumVrocitve")?,
        }),
        CODE_FEE_ORDER => Act::FeeOrder(FeeOrder {
            case: read_case(body.req_child("OpravilnaStevilka")?)?,
            order_date: body.req_date_el("datumNaloga")?,
            amount: body.req_amount_el("znesekTakse")?,
            currency: body.req_text_el("Valuta")?,
            court_fee_account: body.req_child("RacunSodnikTaks")?.req_text_attr("racun")?,
            reference: body.req_text_el("Sklic")?,
            deadline: body.req_date_el("rokPlacila")?,
            served_on: body.opt_date_el("datumVrocitve")?,
        }),
        CODE_DEEMED_WITHDRAWN => Act::DeemedWithdrawn(DeemedWithdrawn {
            case: read_case(body.req_child("OpravilnaStevilka")?)?,
            decision_date: body.req_date_el("datumSklepa")?,
            reason: body.child_text("razlog"),
            served_on: body.opt_date_el("datumVrocitve")?,
        }),
        CODE_REJECTION => Act::Rejection(Rejection {
            case: read_case(body.req_child("OpravilnaStevilka")?)?,
            decision_date: body.req_date_el("datumSklepa")?,
            kind: match body.req_text_el("vrstaOdlocitve")?.as_str() {
                "zavrženje" => RejectionKind::Dismissed,
                "zavrnitev" => RejectionKind::Refused,
                other => {
                    return Err(body.bad_value(
                        "vrstaOdlocitve",
                        other,
                        "is not \"zavrženje\" or \"zavrnitev\"",
                    ));
                }
            },
            reason: body.req_text_el("razlog")?,
            served_on: body.opt_date_el("datumVrocitve")?,
        }),
        CODE_TRANSFER => Act::Transfer(Transfer {
            case: read_case(body.req_child("OpravilnaStevilka")?)?,
            decision_date: body.req_date_el("datumSklepa")?,
            purpose: match body.req_text_el("namenOdstopa")?.as_str() {
                "izvršba" => TransferPurpose::Enforcement,
                "pravda" => TransferPurpose::Litigation,
                other => {
                    return Err(body.bad_value(
                        "namenOdstopa",
                        other,
                        "is not \"izvršba\" or \"pravda\"",
                    ));
                }
            },
            court: body.req_text_el("PristojnoSodisce")?,
            new_case: body
                .child("NovaOpravilnaStevilka")
                .map(read_case)
                .transpose()?,
            no_sources_found: body.opt_bool_el("brezVirov")?.unwrap_or(false),
            served_on: body.opt_date_el("datumVrocitve")?,
        }),
        CODE_BANK_NOTICE => {
            let kind = match body.req_text_el("vrstaObvestila")?.as_str() {
                "ni sredstev" => BankNoticeKind::NoFunds,
                "plačilo" => BankNoticeKind::Paid {
                    amount: body.req_amount_el("znesek")?,
                },
                "odstop drugi banki" => BankNoticeKind::Forwarded,
                other => {
                    return Err(body.bad_value(
                        "vrstaObvestila",
                        other,
                        "is not \"ni sredstev\", \"plačilo\" or \"odstop drugi banki\"",
                    ));
                }
            };
            Act::BankNotice(BankNotice {
                case: read_case(body.req_child("OpravilnaStevilka")?)?,
                notice_date: body.req_date_el("datumObvestila")?,
                bank: read_person(body.req_child("Banka")?),
                kind,
                currency: body.child_text("Valuta"),
                served_on: body.opt_date_el("datumVrocitve")?,
            })
        }
        CODE_STOP => Act::Stop(Stop {
            case: read_case(body.req_child("OpravilnaStevilka")?)?,
            decision_date: body.req_date_el("datumSklepa")?,
            reason: match body.req_text_el("razlogUstavitve")?.as_str() {
                "poplačilo" => StopReason::Paid,
                "umik upnika" => StopReason::CreditorWithdrew,
                "stečaj" => StopReason::Bankruptcy,
                "ni sredstev" => StopReason::NoAssets,
                "drugo" => StopReason::Other,
                other => {
                    return Err(body.bad_value(
                        "razlogUstavitve",
                        other,
                        "is not one of \"poplačilo\", \"umik upnika\", \"stečaj\", \"ni sredstev\", \"drugo\"",
                    ));
                }
            },
            description: body.child_text("opis"),
            served_on: body.opt_date_el("datumVrocitve")?,
        }),
        _ => Act::Unknown { code, name },
    })
}

/// `OpravilnaStevilka vpisnik zadevaLeto zadevaStevilka` → `VL 78338/2016`.
fn read_case(n: &Element) -> Result<CaseNumber, ActError> {
    let register = n.req_text_attr("vpisnik")?;
    let year = n.req_text_attr("zadevaLeto")?;
    let number = n.req_text_attr("zadevaStevilka")?;
    let text = format!("{register} {number}/{year}");
    CaseNumber::parse(&text)
        .map_err(|e| n.bad_value("", &text, &format!("is not a case number: {e}")))
}

fn read_person(n: &Element) -> Person {
    Person {
        participant_id: n.opt_text_attr("idUdelezenec"),
        first_name: n.text_attr("ime-naziv"),
        name: n.text_attr("priimek-naziv"),
        tax_number: n.opt_text_attr("davcna"),
        registration_number: n.opt_text_attr("maticna"),
        kind: n.opt_text_attr("vrsta"),
    }
}

fn read_parties(body: &Element) -> Parties {
    let mut p = Parties::default();
    if let Some(d) = body.child("Dolzniki") {
        for dolznik in d.children_named("Dolznik") {
            p.debtors
                .extend(dolznik.children_named("Oseba").map(read_person));
        }
    }
    if let Some(u) = body.child("Upniki") {
        for group in u.children_named("Upniki") {
            p.creditors
                .extend(group.children_named("Oseba").map(read_person));
            p.representatives
                .extend(group.children_named("Zastopnik").map(read_person));
            p.proxies
                .extend(group.children_named("Pooblascenec").map(read_person));
        }
    }
    p
}

fn read_recipient(n: &Element) -> Result<Recipient, ActError> {
    let role_as_written = n
        .child("Vloga")
        .map(|v| v.text_attr("nazivVloga"))
        .unwrap_or_default();
    Ok(Recipient {
        person: read_person(n),
        role: Role::from_written(&role_as_written),
        role_as_written,
        served_on: n.opt_date_el("datumVrocitve")?,
    })
}

fn read_recipients(list: Option<&Element>) -> Result<Vec<Recipient>, ActError> {
    list.map(|l| l.children_named("Prejemnik").map(read_recipient).collect())
        .unwrap_or_else(|| Ok(Vec::new()))
}

// ---------------------------------------------------------------------------------------------
// Mismatch report
// ---------------------------------------------------------------------------------------------

/// Lists where the acts of one document disagree: case number, parties (names, tax and
/// registration numbers, the court's participant ids), order date, enforcement value. Each act
/// is compared with the first act that carries the same datum.
pub fn find_mismatches(acts: &[Act]) -> Vec<String> {
    let mut out = Vec::new();

    // Case numbers.
    let cases: Vec<(&str, &CaseNumber)> = acts
        .iter()
        .filter_map(|a| a.case().map(|c| (a.code(), c)))
        .collect();
    if let Some(&(ref_code, ref_case)) = cases.first() {
        for &(code, case) in &cases[1..] {
            if case != ref_case {
                out.push(format!(
                    "act {ref_code} says {ref_case} but act {code} says {case}"
                ));
            }
        }
    }

    // Order date and value (536 and 566).
    let order_facts: Vec<(&str, NaiveDate, Decimal)> = acts
        .iter()
        .filter_map(|a| match a {
            Act::EnforcementOrder(o) => Some((a.code(), o.order_date, o.enforcement_value)),
            Act::FinalityCertificate(c) => Some((a.code(), c.order_date, c.enforcement_value)),
            _ => None,
        })
        .collect();
    if let Some(&(rc, rd, rv)) = order_facts.first() {
        for &(c, d, v) in &order_facts[1..] {
            if d != rd {
                out.push(format!(
                    "act {rc} dates the enforcement order {rd} but act {c} dates it {d}"
                ));
            }
            if v != rv {
                out.push(format!(
                    "act {rc} gives the enforcement value {rv} but act {c} gives {v}"
                ));
            }
        }
    }

    // Parties.
    let with_parties: Vec<(&Act, Parties)> = acts
        .iter()
        .filter_map(|a| a.parties().map(|p| (a, p)))
        .collect();
    if let Some((ref_act, ref_p)) = with_parties.first() {
        for (act, p) in &with_parties[1..] {
            let both_court =
                !matches!(ref_act, Act::Proposal(_)) && !matches!(act, Act::Proposal(_));
            let (rc, c) = (ref_act.code(), act.code());
            for (role, a, b) in [
                ("debtor", &ref_p.debtors, &p.debtors),
                ("creditor", &ref_p.creditors, &p.creditors),
                ("representative", &ref_p.representatives, &p.representatives),
                ("proxy", &ref_p.proxies, &p.proxies),
            ] {
                compare_people(&mut out, role, (rc, a), (c, b), both_court);
            }
        }
    }
    out
}

fn compare_people(
    out: &mut Vec<String>,
    role: &str,
    (rc, a): (&str, &[Person]),
    (c, b): (&str, &[Person]),
    compare_participant_ids: bool,
) {
    if a.len() != b.len() {
        out.push(format!(
            "act {rc} names {} {role}(s) but act {c} names {}",
            a.len(),
            b.len()
        ));
    }
    let single = a.len() == 1 && b.len() == 1;
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let who = if single {
            format!("the {role}")
        } else {
            format!("{role} {}", i + 1)
        };
        let (xn, yn) = (x.display_name(), y.display_name());
        if xn != yn {
            let note = if loose(&xn) == loose(&yn) {
                " (only letter case, spacing or punctuation differ)"
            } else {
                ""
            };
            out.push(format!(
                "act {rc} names {who} \"{xn}\" but act {c} names \"{yn}\"{note}"
            ));
        }
        for (what, xv, yv) in [
            ("tax number", &x.tax_number, &y.tax_number),
            (
                "registration number",
                &x.registration_number,
                &y.registration_number,
            ),
        ] {
            if let (Some(xv), Some(yv)) = (xv, yv)
                && xv != yv
            {
                out.push(format!(
                    "act {rc} gives {who} ({xn}) the {what} {xv} but act {c} gives {yv}"
                ));
            }
        }
        if compare_participant_ids
            && let (Some(xv), Some(yv)) = (&x.participant_id, &y.participant_id)
            && xv != yv
        {
            out.push(format!(
                "act {rc} gives {who} ({xn}) the court's participant id {xv} but act {c} gives {yv}"
            ));
        }
    }
}

/// A name reduced to lower-case letters and digits, to tell a spelling variant from another name.
fn loose(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/// An xs:date with an optional zone offset, or an xs:dateTime: the date part is the legal date.
fn parse_date(v: &str) -> Option<NaiveDate> {
    let b = v.as_bytes();
    if b.len() < 10 || !v.is_char_boundary(10) {
        return None;
    }
    let (date, rest) = v.split_at(10);
    let rest_ok = rest.is_empty()
        || rest == "Z"
        || is_offset(rest)
        || (rest.starts_with('T') && rest.len() >= 9);
    if !rest_ok || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

fn is_offset(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 6
        && matches!(b[0], b'+' | b'-')
        && b[3] == b':'
        && b[1..3].iter().all(u8::is_ascii_digit)
        && b[4..6].iter().all(u8::is_ascii_digit)
}

// ---------------------------------------------------------------------------------------------
// Reading the tree (crate::court_xml) with the tracker's errors
// ---------------------------------------------------------------------------------------------

impl From<ReadError> for ActError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Malformed { line, message } => ActError::Xml { line, message },
            ReadError::Refused { line, path, reason } => ActError::Structure { line, path, reason },
        }
    }
}

/// The tracker's reading of an element: required values are present and not empty; errors as
/// [`ActError`] naming the element, the child or attribute, and the line.
trait Read {
    fn req_text_attr(&self, name: &str) -> Result<String, ActError>;
    fn opt_date_attr(&self, name: &str) -> Result<Option<NaiveDate>, ActError>;
    fn req_child(&self, name: &str) -> Result<&Element, ActError>;
    fn req_text_el(&self, name: &str) -> Result<String, ActError>;
    fn opt_date_el(&self, name: &str) -> Result<Option<NaiveDate>, ActError>;
    fn req_date_el(&self, name: &str) -> Result<NaiveDate, ActError>;
    fn req_amount_el(&self, name: &str) -> Result<Decimal, ActError>;
    fn opt_bool_el(&self, name: &str) -> Result<Option<bool>, ActError>;
    fn req_bool_el(&self, name: &str) -> Result<bool, ActError>;
    fn missing(&self, what: &str) -> ActError;
    fn bad_value(&self, what: &str, value: &str, reason: &str) -> ActError;
}

impl Read for Element {
    fn req_text_attr(&self, name: &str) -> Result<String, ActError> {
        self.opt_text_attr(name)
            .ok_or_else(|| self.missing(&format!("@{name}")))
    }

    fn opt_date_attr(&self, name: &str) -> Result<Option<NaiveDate>, ActError> {
        match self.opt_text_attr(name) {
            None => Ok(None),
            Some(v) => parse_date(&v)
                .map(Some)
                .ok_or_else(|| self.bad_value(&format!("@{name}"), &v, "is not a date")),
        }
    }

    fn req_child(&self, name: &str) -> Result<&Element, ActError> {
        self.child(name).ok_or_else(|| self.missing(name))
    }

    fn req_text_el(&self, name: &str) -> Result<String, ActError> {
        self.child_text(name).ok_or_else(|| self.missing(name))
    }

    fn opt_date_el(&self, name: &str) -> Result<Option<NaiveDate>, ActError> {
        match self.child_text(name) {
            None => Ok(None),
            Some(v) => parse_date(&v)
                .map(Some)
                .ok_or_else(|| self.bad_value(name, &v, "is not a date")),
        }
    }

    fn req_date_el(&self, name: &str) -> Result<NaiveDate, ActError> {
        self.opt_date_el(name)?.ok_or_else(|| self.missing(name))
    }

    fn req_amount_el(&self, name: &str) -> Result<Decimal, ActError> {
        let v = self.req_text_el(name)?;
        parse_decimal(&v).ok_or_else(|| self.bad_value(name, &v, "is not a decimal amount"))
    }

    fn opt_bool_el(&self, name: &str) -> Result<Option<bool>, ActError> {
        match self.child_text(name) {
            None => Ok(None),
            Some(v) => parse_bool(&v)
                .map(Some)
                .ok_or_else(|| self.bad_value(name, &v, "is not a boolean")),
        }
    }

    fn req_bool_el(&self, name: &str) -> Result<bool, ActError> {
        self.opt_bool_el(name)?.ok_or_else(|| self.missing(name))
    }

    fn missing(&self, what: &str) -> ActError {
        ActError::Missing {
            line: self.line,
            path: format!("{}/{what}", self.name),
        }
    }

    fn bad_value(&self, what: &str, value: &str, reason: &str) -> ActError {
        ActError::Value {
            line: self.line,
            path: if what.is_empty() {
                self.name.clone()
            } else {
                format!("{}/{what}", self.name)
            },
            value: value.to_string(),
            reason: reason.to_string(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::PathBuf;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse::<Decimal>().unwrap()
    }

    fn require_corpus() -> bool {
        std::env::var("WRIT_REQUIRE_CORPUS").is_ok_and(|v| v == "1")
    }

    /// The court's sample, or `None` with a notice (a panic when `WRIT_REQUIRE_CORPUS=1`).
    pub(crate) fn court_sample() -> Option<Vec<u8>> {
        let dir = std::env::var_os("WRIT_CORPUS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"))
            });
        let path = dir.join("court/court-eizvrsba.xml");
        match std::fs::read(&path) {
            Ok(b) => Some(b),
            Err(e) if require_corpus() => panic!("corpus sample {} missing: {e}", path.display()),
            Err(_) => {
                eprintln!(
                    "notice: corpus sample {} not found (set WRIT_CORPUS_DIR); test skipped",
                    path.display()
                );
                None
            }
        }
    }

    /// A shipment from the court with the given acts (ProcesnoDejanje elements).
    pub(crate) fn shipment(acts: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<izv:OpisPosiljke schemaVersion="1.1" xmlns:izv="http://sodisce.si/izvrsba">
  <izv:Glava>
    <izv:Posiljatelj ime-naziv="Okrajno sodišče v Ljubljani" maticna="5023025001">
      <izv:Naslov drzava="SVN" ulica="Kersnikova" hisnaStevilka="2" sifPosta="1000" kraj="Ljubljana"/>
    </izv:Posiljatelj>
    <izv:Prejemnik ime-naziv="" priimek-naziv="KAO storitveno podjetje d.o.o." davcna="61907987" vrsta="pravna">
      <izv:Naslov drzava="SVN" ulica="Meljska cesta" sifPosta="2000" kraj="Maribor"/>
      <izv:Vloga nazivVloga="upnik"/>
    </izv:Prejemnik>
  </izv:Glava>
  <izv:Vsebina>
{acts}
  </izv:Vsebina>
</izv:OpisPosiljke>
"#
        )
    }

    pub(crate) const CASE: &str =
        r#"<izv:OpravilnaStevilka vpisnik="VL" zadevaLeto="2016" zadevaStevilka="78338"/>"#;

    /// One of each of writ's acts (9001–9007) for VL 78338/2016, plus an unknown act.
    pub(crate) fn sim_acts() -> String {
        let c = CASE;
        format!(
            r#"    <izv:ProcesnoDejanje sifProcesnoDejanje="9002" nazivProcesnoDejanje="Plačilni nalog za takso">
      <izv:PlacilniNalogZaTakso>
        {c}
        <izv:datumNaloga>2016-08-22+02:00</izv:datumNaloga>
        <izv:znesekTakse>24.00</izv:znesekTakse>
        <izv:Valuta>EUR</izv:Valuta>
        <izv:RacunSodnikTaks racun="SI56 0110 0845 0100 810"/>
        <izv:Sklic>20001-280964480</izv:Sklic>
        <izv:rokPlacila>2016-08-30+02:00</izv:rokPlacila>
        <izv:datumVrocitve>2016-08-23+02:00</izv:datumVrocitve>
      </izv:PlacilniNalogZaTakso>
    </izv:ProcesnoDejanje>
    <izv:ProcesnoDejanje sifProcesnoDejanje="9001" nazivProcesnoDejanje="Obvestilo o ugovoru">
      <izv:ObvestiloOUgovoru>
        {c}
        <izv:datumObvestila>2016-08-29</izv:datumObvestila>
        <izv:Ugovornik idUdelezenec="28848243" ime-naziv="" priimek-naziv="Avtomobili in Karjole d.o.o." vrsta="pravna"/>
        <izv:datumUgovora>2016-08-25+02:00</izv:datumUgovora>
        <izv:datumVrocitveSklepa>2016-08-18+02:00</izv:datumVrocitveSklepa>
        <izv:obsegUgovora>plačilni nalog</izv:obsegUgovora>
        <izv:datumVrocitve>2016-08-30</izv:datumVrocitve>
      </izv:ObvestiloOUgovoru>
    </izv:ProcesnoDejanje>
    <izv:ProcesnoDejanje sifProcesnoDejanje="9003" nazivProcesnoDejanje="Sklep o umiku predloga">
      <izv:SklepOUmiku>
        {c}
        <izv:datumSklepa>2016-09-05</izv:datumSklepa>
        <izv:razlog>taksa ni bila plačana (ZIZ 29.b)</izv:razlog>
      </izv:SklepOUmiku>
    </izv:ProcesnoDejanje>
    <izv:ProcesnoDejanje sifProcesnoDejanje="9004" nazivProcesnoDejanje="Sklep o zavrženju">
      <izv:SklepOZavrzenju>
        {c}
        <izv:datumSklepa>2016-09-06</izv:datumSklepa>
        <izv:vrstaOdlocitve>zavrženje</izv:vrstaOdlocitve>
        <izv:razlog>  predlog je nepopoln  </izv:razlog>
        <izv:datumVrocitve>2016-09-07</izv:datumVrocitve>
      </izv:SklepOZavrzenju>
    </izv:ProcesnoDejanje>
    <izv:ProcesnoDejanje sifProcesnoDejanje="9005" nazivProcesnoDejanje="Sklep o odstopu">
      <izv:SklepOOdstopu>
        {c}
        <izv:datumSklepa>2016-10-10</izv:datumSklepa>
        <izv:namenOdstopa>izvršba</izv:namenOdstopa>
        <izv:PristojnoSodisce>Okrajno sodišče v Mariboru</izv:PristojnoSodisce>
        <izv:NovaOpravilnaStevilka vpisnik="I" zadevaLeto="2016" zadevaStevilka="1234"/>
        <izv:brezVirov>true</izv:brezVirov>
        <izv:datumVrocitve>2016-10-12</izv:datumVrocitve>
      </izv:SklepOOdstopu>
    </izv:ProcesnoDejanje>
    <izv:ProcesnoDejanje sifProcesnoDejanje="9006" nazivProcesnoDejanje="Obvestilo banke">
      <izv:ObvestiloBanke>
        {c}
        <izv:datumObvestila>2016-11-02</izv:datumObvestila>
        <izv:Banka idUdelezenec="29153164" ime-naziv="" priimek-naziv="NOVA KREDITNA BANKA MARIBOR d.d." vrsta="pravna"/>
        <izv:vrstaObvestila>plačilo</izv:vrstaObvestila>
        <izv:znesek>300.50</izv:znesek>
        <izv:Valuta>EUR</izv:Valuta>
      </izv:ObvestiloBanke>
    </izv:ProcesnoDejanje>
    <izv:ProcesnoDejanje sifProcesnoDejanje="9007" nazivProcesnoDejanje="Sklep o ustavitvi izvršbe">
      <izv:SklepOUstavitvi>
        {c}
        <izv:datumSklepa>2016-12-01</izv:datumSklepa>
        <izv:razlogUstavitve>ni sredstev</izv:razlogUstavitve>
        <izv:opis>dolžnik nima računov</izv:opis>
        <izv:datumVrocitve>2016-12-05</izv:datumVrocitve>
      </izv:SklepOUstavitvi>
    </izv:ProcesnoDejanje>
    <izv:ProcesnoDejanje sifProcesnoDejanje="777" nazivProcesnoDejanje="Sklep o nečem novem">
      <izv:SklepOIzvrsbi/>
    </izv:ProcesnoDejanje>"#
        )
    }

    #[test]
    fn court_sample_reads_in_unsigned_mode() {
        let Some(xml) = court_sample() else { return };
        let doc = parse_document(&xml, SourceMode::UnsignedImport).unwrap();
        assert!(doc.unverified);
        assert_eq!(
            doc.sender.display_name(),
            "Okrajno sodišče v Mariboru, Izvršilni oddelek"
        );
        assert_eq!(
            doc.sender.registration_number.as_deref(),
            Some("5023025001")
        );
        assert_eq!(doc.recipients.len(), 1);
        assert_eq!(doc.recipients[0].person.display_name(), "Živa Groza");
        assert_eq!(doc.recipients[0].role, Role::ThirdParty);

        let codes: Vec<&str> = doc.acts.iter().map(Act::code).collect();
        assert_eq!(codes, ["568", "566", "536"]);

        // 568: noted as the proposal, with the filer's parties.
        let Act::Proposal(p) = &doc.acts[0] else {
            panic!("568 is the proposal")
        };
        assert_eq!(p.sent_on, Some(d(2016, 8, 11)));
        assert_eq!(p.received_on, Some(d(2016, 8, 11)));
        assert_eq!(p.parties.debtors[0].tax_number.as_deref(), Some("80223423"));
        assert_eq!(
            p.parties.representatives[0].display_name(),
            "Srečko Nesrečnik"
        );

        // 566.
        let Act::FinalityCertificate(c) = &doc.acts[1] else {
            panic!("566 is the certificate")
        };
        assert_eq!(c.case.to_string(), "VL 1/2016");
        assert_eq!(c.order_date, d(2016, 8, 12));
        assert_eq!(c.finality_date, d(2016, 10, 4));
        assert_eq!(c.current_date, d(2016, 10, 24));
        assert_eq!(c.enforcement_value, dec("1230.06"));
        assert_eq!(c.enforcement_value.to_string(), "1230.06");
        assert_eq!(c.currency, "EUR");
        assert_eq!(c.competent_court, "Okrajno sodišče v Mariboru");
        assert_eq!(c.bailiff.as_ref().unwrap().display_name(), "Živa Groza");
        assert_eq!(c.debtor_accounts, ["123112313448867"]);
        assert_eq!(
            c.signed_by.as_deref(),
            Some("Višji sodniški pomočnik: Samo Všečnik")
        );
        assert_eq!(c.parties.debtors[0].name, "AVTOMOBILI in KARJOLE, d.o.o.");
        assert_eq!(
            c.parties.creditors[0].name,
            "KAO storitveno podjetje d.o.o."
        );
        let roles: Vec<(Role, &str)> = c
            .final_order_recipients
            .iter()
            .map(|r| (r.role, r.role_as_written.as_str()))
            .collect();
        assert_eq!(
            roles,
            [
                (Role::Creditor, "upnik"),
                (Role::ThirdParty, "tretji"),
                (Role::DebtorsDebtor, "dolžnikov dolžnik")
            ]
        );
        let banks: Vec<String> = c.banks().map(|b| b.person.display_name()).collect();
        assert_eq!(banks, ["NOVA KREDITNA BANKA MARIBOR d.d."]);
        let bank = c.banks().next().unwrap();
        assert_eq!(bank.person.tax_number.as_deref(), Some("23421513"));
        assert_eq!(bank.person.registration_number.as_deref(), Some("5860580"));
        assert_eq!(c.order_recipients.len(), 1);
        assert_eq!(c.order_recipients[0].role, Role::Debtor);
        assert_eq!(c.order_recipients[0].served_on, Some(d(2016, 8, 18)));
        assert_eq!(c.debtor_served_on(), Some(d(2016, 8, 18)));

        // 536.
        let Act::EnforcementOrder(o) = &doc.acts[2] else {
            panic!("536 is the order")
        };
        assert_eq!(o.case.to_string(), "VL 78338/2016");
        assert_eq!(o.order_date, d(2016, 8, 12));
        assert_eq!(o.enforcement_value, dec("1230.06"));
        assert_eq!(o.creditor_costs, dec("74.00"));
        assert_eq!(o.creditor_costs.to_string(), "74.00");
        assert_eq!(o.court_fee_account, "SI56 0110 0845 0100 810");
        assert_eq!(o.fee_reference, "20001-280964480");
        assert!(!o.fee_exempt);
        assert_eq!(o.bailiff.as_ref().unwrap().display_name(), "Živa Groza");
        assert_eq!(o.competent_court, "Okrajno sodišče v Mariboru");
        assert_eq!(o.rejected, None);
        assert_eq!(o.parties.debtors[0].name, "Avtomobili in Karjole d.o.o.");
        assert_eq!(
            o.parties.creditors[0].name,
            "KAO storitveno podjetje d.o.o."
        );
        assert_eq!(
            o.parties.representatives[0].display_name(),
            "Mirko Pobalinko"
        );

        // The mismatch report.
        assert!(
            doc.mismatches
                .contains(&"act 566 says VL 1/2016 but act 536 says VL 78338/2016".to_string()),
            "{:#?}",
            doc.mismatches
        );
        assert_eq!(doc.case_numbers().len(), 2);
        let m = doc.mismatches.join("\n");
        for expected in [
            "act 568 names the debtor \"AVTOMOBILI in KARJOLE, d.o.o.\" but act 536 names \"Avtomobili in Karjole d.o.o.\" (only letter case, spacing or punctuation differ)",
            "act 568 gives the debtor (AVTOMOBILI in KARJOLE, d.o.o.) the tax number 80223423 but act 566 gives 42341445",
            "act 568 gives the creditor (KAO storitveno podjetje d.o.o.) the tax number 619234287 but act 566 gives 61907987",
            "act 568 names the representative \"Srečko Nesrečnik\" but act 536 names \"Mirko Pobalinko\"",
        ] {
            assert!(m.contains(expected), "missing {expected:?} in\n{m}");
        }
        // Order date and value agree between 566 and 536: no message about them.
        assert!(!m.contains("dates the enforcement order") && !m.contains("enforcement value"));
        // Procedural order: proposal, order, certificate.
        let ordered: Vec<&str> = doc
            .acts_in_procedural_order()
            .iter()
            .map(|a| a.code())
            .collect();
        assert_eq!(ordered, ["568", "536", "566"]);
    }

    #[test]
    fn verified_mode_needs_a_signature() {
        let xml = shipment("");
        assert_eq!(
            parse_document(xml.as_bytes(), SourceMode::Verified),
            Err(ActError::NotSigned)
        );
        if let Some(sample) = court_sample() {
            assert_eq!(
                parse_document(&sample, SourceMode::Verified),
                Err(ActError::NotSigned)
            );
        }
        let signed = xml.replace(
            "</izv:OpisPosiljke>",
            r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature></izv:OpisPosiljke>"#,
        );
        let doc = parse_document(signed.as_bytes(), SourceMode::Verified).unwrap();
        assert!(!doc.unverified && doc.acts.is_empty() && doc.mismatches.is_empty());
        // A Signature element of another namespace does not count.
        let fake = xml.replace("</izv:OpisPosiljke>", "<izv:Signature/></izv:OpisPosiljke>");
        assert_eq!(
            parse_document(fake.as_bytes(), SourceMode::Verified),
            Err(ActError::NotSigned)
        );
    }

    #[test]
    fn sim_acts_read_into_records() {
        let xml = shipment(&sim_acts());
        let doc = parse_document(xml.as_bytes(), SourceMode::UnsignedImport).unwrap();
        assert!(doc.mismatches.is_empty(), "{:?}", doc.mismatches);
        let case = CaseNumber::parse("VL 78338/2016").unwrap();
        assert_eq!(doc.case_numbers(), [&case]);
        let mut acts = doc.acts.iter();

        let Some(Act::FeeOrder(f)) = acts.next() else {
            panic!()
        };
        assert_eq!(
            (
                f.order_date,
                f.amount,
                f.currency.as_str(),
                f.deadline,
                f.served_on
            ),
            (
                d(2016, 8, 22),
                dec("24.00"),
                "EUR",
                d(2016, 8, 30),
                Some(d(2016, 8, 23))
            )
        );
        assert_eq!(
            (f.court_fee_account.as_str(), f.reference.as_str()),
            ("SI56 0110 0845 0100 810", "20001-280964480")
        );

        let Some(Act::ObjectionNotice(n)) = acts.next() else {
            panic!()
        };
        assert_eq!(n.case, case);
        assert_eq!(n.scope, ObjectionScope::PaymentOrder);
        assert_eq!(
            (
                n.notice_date,
                n.objection_lodged_on,
                n.order_served_on,
                n.served_on
            ),
            (
                d(2016, 8, 29),
                d(2016, 8, 25),
                Some(d(2016, 8, 18)),
                Some(d(2016, 8, 30))
            )
        );
        assert_eq!(
            n.objector.as_ref().unwrap().name,
            "Avtomobili in Karjole d.o.o."
        );

        let Some(Act::DeemedWithdrawn(w)) = acts.next() else {
            panic!()
        };
        assert_eq!(
            w.reason.as_deref(),
            Some("taksa ni bila plačana (ZIZ 29.b)")
        );
        assert_eq!(w.served_on, None);

        let Some(Act::Rejection(r)) = acts.next() else {
            panic!()
        };
        assert_eq!(
            (r.kind, r.reason.as_str(), r.served_on),
            (
                RejectionKind::Dismissed,
                "predlog je nepopoln",
                Some(d(2016, 9, 7))
            )
        );

        let Some(Act::Transfer(t)) = acts.next() else {
            panic!()
        };
        assert_eq!(t.purpose, TransferPurpose::Enforcement);
        assert_eq!(t.court, "Okrajno sodišče v Mariboru");
        assert_eq!(t.new_case.as_ref().unwrap().to_string(), "I 1234/2016");
        assert!(t.no_sources_found);

        let Some(Act::BankNotice(b)) = acts.next() else {
            panic!()
        };
        assert_eq!(
            b.kind,
            BankNoticeKind::Paid {
                amount: dec("300.50")
            }
        );
        assert_eq!(b.bank.display_name(), "NOVA KREDITNA BANKA MARIBOR d.d.");
        assert_eq!(b.currency.as_deref(), Some("EUR"));

        let Some(Act::Stop(s)) = acts.next() else {
            panic!()
        };
        assert_eq!(
            (s.reason, s.description.as_deref(), s.served_on),
            (
                StopReason::NoAssets,
                Some("dolžnik nima računov"),
                Some(d(2016, 12, 5))
            )
        );

        // An unknown code is an Unknown act, whatever it holds.
        assert_eq!(
            acts.next(),
            Some(&Act::Unknown {
                code: "777".into(),
                name: "Sklep o nečem novem".into()
            })
        );
        assert_eq!(acts.next(), None);
    }

    #[test]
    fn sim_act_mismatch_is_reported() {
        let other =
            sim_acts().replacen(r#"zadevaStevilka="78338""#, r#"zadevaStevilka="78339""#, 1);
        let doc = parse_document(shipment(&other).as_bytes(), SourceMode::UnsignedImport).unwrap();
        assert_eq!(
            doc.mismatches,
            [
                "act 9002 says VL 78339/2016 but act 9001 says VL 78338/2016",
                "act 9002 says VL 78339/2016 but act 9003 says VL 78338/2016",
                "act 9002 says VL 78339/2016 but act 9004 says VL 78338/2016",
                "act 9002 says VL 78339/2016 but act 9005 says VL 78338/2016",
                "act 9002 says VL 78339/2016 but act 9006 says VL 78338/2016",
                "act 9002 says VL 78339/2016 but act 9007 says VL 78338/2016",
            ]
        );
    }

    #[test]
    fn structure_errors_name_place_and_reason() {
        let wrong_element = shipment(&format!(
            r#"<izv:ProcesnoDejanje sifProcesnoDejanje="536" nazivProcesnoDejanje="Sklep o izvršbi"><izv:SklepOUmiku>{CASE}</izv:SklepOUmiku></izv:ProcesnoDejanje>"#
        ));
        let e = parse_document(wrong_element.as_bytes(), SourceMode::UnsignedImport).unwrap_err();
        assert!(
            e.to_string()
                .contains("act 536 must hold exactly one SklepOIzvrsbi, found SklepOUmiku"),
            "{e}"
        );

        let missing = shipment(&format!(
            r#"<izv:ProcesnoDejanje sifProcesnoDejanje="9003" nazivProcesnoDejanje="x"><izv:SklepOUmiku>{CASE}</izv:SklepOUmiku></izv:ProcesnoDejanje>"#
        ));
        let e = parse_document(missing.as_bytes(), SourceMode::UnsignedImport).unwrap_err();
        assert!(
            matches!(&e, ActError::Missing { path, .. } if path == "SklepOUmiku/datumSklepa"),
            "{e}"
        );

        let bad_date = missing.replace(
            "</izv:SklepOUmiku>",
            "<izv:datumSklepa>2016-02-30</izv:datumSklepa></izv:SklepOUmiku>",
        );
        let e = parse_document(bad_date.as_bytes(), SourceMode::UnsignedImport).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "line {}: SklepOUmiku/datumSklepa = \"2016-02-30\" is not a date",
                e_line(&e)
            )
        );

        let bad_case = shipment(
            r#"<izv:ProcesnoDejanje sifProcesnoDejanje="9003" nazivProcesnoDejanje="x"><izv:SklepOUmiku><izv:OpravilnaStevilka vpisnik="VL" zadevaLeto="16" zadevaStevilka="1"/><izv:datumSklepa>2016-09-05</izv:datumSklepa></izv:SklepOUmiku></izv:ProcesnoDejanje>"#,
        );
        let e = parse_document(bad_case.as_bytes(), SourceMode::UnsignedImport).unwrap_err();
        assert!(
            e.to_string().contains("\"VL 1/16\" is not a case number"),
            "{e}"
        );

        // The namespace decides, not the prefix.
        let other_prefix = shipment("")
            .replace("izv:", "c:")
            .replace("xmlns:izv", "xmlns:c");
        assert!(parse_document(other_prefix.as_bytes(), SourceMode::UnsignedImport).is_ok());
        let wrong_ns = shipment("").replace("http://sodisce.si/izvrsba", "urn:other");
        assert!(matches!(
            parse_document(wrong_ns.as_bytes(), SourceMode::UnsignedImport),
            Err(ActError::Structure { .. })
        ));
        let version = shipment("").replace(r#"schemaVersion="1.1""#, r#"schemaVersion="2.0""#);
        assert!(parse_document(version.as_bytes(), SourceMode::UnsignedImport).is_err());
        assert!(matches!(
            parse_document(b"<a><b></a>", SourceMode::UnsignedImport),
            Err(ActError::Xml { .. })
        ));
        assert!(matches!(
            parse_document(&[0xff, 0xfe], SourceMode::UnsignedImport),
            Err(ActError::Xml { .. })
        ));
    }

    #[test]
    fn reader_refusals_keep_the_line() {
        let doctype = shipment("").replacen("?>\n", "?>\n<!DOCTYPE x [<!ENTITY e \"1\">]>\n", 1);
        let e = parse_document(doctype.as_bytes(), SourceMode::UnsignedImport).unwrap_err();
        assert!(
            matches!(&e, ActError::Structure { line: 2, path, .. } if path == "<!DOCTYPE>"),
            "{e}"
        );
        let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
        let e = parse_document(deep.as_bytes(), SourceMode::UnsignedImport).unwrap_err();
        assert!(e.to_string().contains("nested deeper than"), "{e}");
    }

    fn e_line(e: &ActError) -> usize {
        match e {
            ActError::Xml { line, .. }
            | ActError::Missing { line, .. }
            | ActError::Value { line, .. }
            | ActError::Structure { line, .. } => *line,
            ActError::NotSigned => 0,
        }
    }

    #[test]
    fn values_as_written() {
        for (v, want) in [
            ("2016-08-12+02:00", Some(d(2016, 8, 12))),
            ("2016-08-12", Some(d(2016, 8, 12))),
            ("2016-08-12Z", Some(d(2016, 8, 12))),
            ("2016-08-11T00:00:00.000+02:00", Some(d(2016, 8, 11))),
            ("2016-8-12", None),
            ("12.08.2016", None),
            ("2016-08-12+2", None),
            ("2016-02-30", None),
        ] {
            assert_eq!(parse_date(v), want, "{v}");
        }
        assert_eq!(parse_decimal("1230.06").unwrap().scale(), 2);
        assert_eq!(parse_decimal("-5").unwrap(), dec("-5"));
        for bad in ["1,5", "1.", ".5", "+1", "1e3", ""] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
        assert_eq!(
            loose("AVTOMOBILI in KARJOLE, d.o.o."),
            loose("Avtomobili in Karjole d.o.o.")
        );
    }

    /// The schema declares the simulator's acts; validates them and the court's sample
    /// simulator's acts and the court's sample with xmllint.
    #[test]
    fn sim_acts_validate_with_xmllint() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let schema = std::fs::read_to_string(root.join("xsd/izvrsba-1.1.xsd")).unwrap();
        assert!(
            schema.contains("ObvestiloOUgovoruType") && schema.contains("9007"),
            "the simulator's acts must be declared in the schema"
        );
        let merged = schema;
        let check = std::process::Command::new("xmllint")
            .arg("--version")
            .output();
        if check.is_err() {
            assert!(
                !require_corpus(),
                "xmllint is needed (WRIT_REQUIRE_CORPUS=1)"
            );
            eprintln!("notice: xmllint not found; schema check of the simulator's acts skipped");
            return;
        }
        let dir = std::env::temp_dir().join(format!("writ-tracker-xsd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let xsd = dir.join("izvrsba-merged.xsd");
        std::fs::write(&xsd, merged).unwrap();
        // The sample without the unknown act (which holds an empty SklepOIzvrsbi on purpose).
        let sim = sim_acts();
        let cut = sim
            .find(r#"    <izv:ProcesnoDejanje sifProcesnoDejanje="777""#)
            .unwrap();
        let doc = dir.join("sim.xml");
        std::fs::write(&doc, shipment(&sim[..cut])).unwrap();
        let mut docs = vec![doc];
        if let Some(sample) = court_sample() {
            let p = dir.join("court.xml");
            std::fs::write(&p, sample).unwrap();
            docs.push(p);
        }
        for doc in docs {
            let out = std::process::Command::new("xmllint")
                .arg("--noout")
                .arg("--schema")
                .arg(&xsd)
                .arg(&doc)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                doc.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    proptest! {
        #[test]
        fn never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_document(&bytes, SourceMode::UnsignedImport);
        }

        #[test]
        fn never_panics_on_mutated_sim_acts(cut in 0usize..4000, insert in "[<>/=\"a-zA-Z0-9 :.-]{0,12}") {
            let xml = shipment(&sim_acts());
            let at = cut.min(xml.len());
            let at = (0..=at).rev().find(|&i| xml.is_char_boundary(i)).unwrap_or(0);
            let mutated = format!("{}{}{}", &xml[..at], insert, &xml[at..]);
            let _ = parse_document(mutated.as_bytes(), SourceMode::UnsignedImport);
        }

        #[test]
        fn fee_order_round_trips(
            number in 1u64..10_000_000, year in 2008i32..2100,
            cents in 0i64..100_000_000, day in 0u64..20_000,
            reference in "[0-9]{5}-[0-9]{1,12}",
        ) {
            let issued = d(2008, 1, 1) + chrono::Days::new(day);
            let due = issued + chrono::Days::new(8);
            let amount = Decimal::new(cents, 2);
            let xml = shipment(&format!(
                r#"<izv:ProcesnoDejanje sifProcesnoDejanje="9002" nazivProcesnoDejanje="Plačilni nalog za takso"><izv:PlacilniNalogZaTakso>
                <izv:OpravilnaStevilka vpisnik="VL" zadevaLeto="{year}" zadevaStevilka="{number}"/>
                <izv:datumNaloga>{issued}+01:00</izv:datumNaloga><izv:znesekTakse>{amount}</izv:znesekTakse>
                <izv:Valuta>EUR</izv:Valuta><izv:RacunSodnikTaks racun=" SI56 0110 0845 0100 810 "/>
                <izv:Sklic> {reference} </izv:Sklic><izv:rokPlacila>{due}</izv:rokPlacila>
                </izv:PlacilniNalogZaTakso></izv:ProcesnoDejanje>"#
            ));
            let doc = parse_document(xml.as_bytes(), SourceMode::UnsignedImport).unwrap();
            let Act::FeeOrder(f) = &doc.acts[0] else { panic!("fee order") };
            prop_assert_eq!(f.case.to_string(), format!("VL {number}/{year}"));
            prop_assert_eq!((f.order_date, f.deadline, f.amount), (issued, due, amount));
            prop_assert_eq!(f.court_fee_account.as_str(), "SI56 0110 0845 0100 810");
            prop_assert_eq!(f.reference.as_str(), reference.as_str());
        }
    }
}
