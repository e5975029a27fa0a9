//! The claim and the proposal (predlog za izvršbo na podlagi verodostojne listine), free of I/O.
//!
//! Import fills these types keeping every value as written (trimmed): identifiers stay text, so
//! that a bad check digit survives import and lint can name it. Only syntax is parsed at import
//! (a date must be a date, an amount a decimal number); meaning is lint's job.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Kind of party in the court vocabulary (`vrsta`): ZIZ 16.a distinguishes natural persons,
/// legal persons and sole traders (s.p., zasebnik).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// Fizična oseba.
    Natural,
    /// Pravna oseba.
    Legal,
    /// Samostojni podjetnik (s.p.) or zasebnik.
    SoleTrader,
}

impl PartyKind {
    /// The court's code (`vrsta` attribute): `fizicna`, `pravna`, `s.p.`.
    pub fn court_code(self) -> &'static str {
        match self {
            PartyKind::Natural => "fizicna",
            PartyKind::Legal => "pravna",
            PartyKind::SoleTrader => "s.p.",
        }
    }

    /// Parses the court's code and the spellings clerks use in CSV files.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "fizicna" | "fizična" | "fo" | "natural" | "person" => Some(PartyKind::Natural),
            "pravna" | "po" | "legal" | "company" => Some(PartyKind::Legal),
            "s.p." | "sp" | "s.p" | "podjetnik" | "zasebnik" | "sole_trader" => {
                Some(PartyKind::SoleTrader)
            }
            _ => None,
        }
    }
}

/// A postal address (`Naslov`). Country is ISO 3166 alpha-3 (`SVN`), as the court writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub house_number: String,
    pub post_code: String,
    /// Kraj.
    pub city: String,
    /// Naziv pošte; the post office name (often equal to the city).
    pub post_name: String,
    pub country: String,
}

/// A party with the identification data of ZIZ 16.a. Identifiers are kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub kind: PartyKind,
    /// `ime-naziv`: first name of a natural person; empty for a legal person.
    pub first_name: String,
    /// `priimek-naziv`: surname, or the firm name of a legal person / s.p.
    pub name: String,
    /// Davčna številka, as written.
    pub tax_number: Option<String>,
    /// Matična številka, as written.
    pub registration_number: Option<String>,
    /// EMŠO, as written.
    pub emso: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub address: Address,
}

impl Party {
    /// Display name: "Ime Priimek" or the firm name.
    pub fn display_name(&self) -> String {
        let first = self.first_name.trim();
        if first.is_empty() {
            self.name.trim().to_string()
        } else {
            format!("{} {}", first, self.name.trim())
        }
    }

    /// Every identifier of this party in a comparable form: tax number (digits, no `SI`),
    /// matična (its 7-digit base), EMŠO; the name and birth date only when there is none. Two
    /// records are the same party when they share any key, so an export that leaves out one
    /// identifier still matches an earlier filing.
    pub fn identity_keys(&self) -> Vec<String> {
        let compact = |v: &Option<String>| {
            v.as_deref()
                .map(|s| s.split_whitespace().collect::<String>().to_uppercase())
                .filter(|s| !s.is_empty())
        };
        let mut keys = Vec::new();
        if let Some(t) = compact(&self.tax_number) {
            keys.push(format!("DS:{}", t.trim_start_matches("SI")));
        }
        if let Some(m) = compact(&self.registration_number) {
            keys.push(format!("MS:{}", m.chars().take(7).collect::<String>()));
        }
        if let Some(e) = compact(&self.emso) {
            keys.push(format!("EMSO:{e}"));
        }
        if keys.is_empty() {
            keys.push(format!(
                "NAME:{}|{}",
                self.display_name().to_uppercase(),
                self.birth_date.map(|d| d.to_string()).unwrap_or_default()
            ));
        }
        keys
    }

    /// The first of [`Party::identity_keys`]: the party's key in claim identity.
    pub fn identity_key(&self) -> String {
        self.identity_keys().swap_remove(0)
    }
}

/// A person acting for a party: legal representative (zastopnik, e.g. poslovodja) or
/// proxy (pooblaščenec, ZIZ 40(6)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Representative {
    pub party: Party,
    /// `polozaj`, e.g. "Poslovodja", "direktor".
    pub position: String,
}

/// The creditor (upnik) with the account for payment (ZIZ 40(2)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Creditor {
    pub party: Party,
    /// Transaction account (TRR) for payment, as written (`SI56 …`, `SI_IBAN SI56…`, a BBAN).
    pub iban: Option<String>,
    /// Imetnik računa; defaults to the creditor's name when empty.
    pub account_holder: String,
    pub representative: Option<Representative>,
}

/// A debtor's account at a payment-service provider (`TRR`). ZIZ 41(4): optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccount {
    pub iban: String,
    pub bank_name: String,
}

/// Proposed means of enforcement (predlagana izvršba).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Means {
    /// Funds at payment-service providers (denarna sredstva pri OPP) — writ's main target.
    pub bank_funds: bool,
    /// Known accounts; may be empty (the court finds them after finality, ZIZ 41(4)).
    pub bank_accounts: Vec<BankAccount>,
    /// Movables (premičnine): needs a bailiff (ZIZ 40(8)).
    pub movables: bool,
}

/// The debtor (dolžnik).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Debtor {
    pub party: Party,
    pub means: Means,
}

/// Interest claimed on a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InterestClaim {
    /// Zakonske zamudne obresti from `from` (None: lint computes due date + 1) until payment.
    Statutory {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
    /// Pogodbene obresti at a yearly rate in percent.
    Contractual {
        rate_percent: Decimal,
        from: Option<NaiveDate>,
    },
    /// No interest claimed.
    None,
}

/// An authentic document (verodostojna listina, ZIZ 23): invoice, extract from books, …
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthenticDocument {
    /// `sifListina`: 1–6 principal (1 = račun/faktura), 7–10 costs.
    pub kind_code: u8,
    /// Document number (`oznaka`), as written.
    pub number: String,
    pub issue_date: Option<NaiveDate>,
    /// Dan zapadlosti; ZIZ 23, 41(5) require it: lint refuses a document without it.
    pub due_date: Option<NaiveDate>,
    /// Amount as written (scale kept, so lint can refuse more than 2 decimals).
    pub amount: Decimal,
    pub currency: String,
    pub interest: InterestClaim,
}

impl AuthenticDocument {
    /// The document number in comparable form (no spaces, upper case), for duplicate checks.
    pub fn normalized_number(&self) -> String {
        self.number
            .split_whitespace()
            .collect::<String>()
            .to_uppercase()
    }
}

/// A creditor's cost item (StrosekDrugo), e.g. "stroški sestave predloga".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostItem {
    pub description: String,
    pub amount: Decimal,
    pub currency: String,
}

/// One claim: what one proposal asks for, against one debtor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// The client's own reference for the claim (CSV `claim_ref`), if any.
    pub external_ref: Option<String>,
    pub creditor: Creditor,
    pub debtor: Debtor,
    pub documents: Vec<AuthenticDocument>,
    pub costs: Vec<CostItem>,
    /// StrosekTaksa zahtevani: the court fee is claimed as a cost.
    pub claim_court_fee: bool,
    /// Statutory default interest claimed on the costs too.
    pub interest_on_costs: bool,
    /// The bailiff (izvršitelj) named for direct acts (ZIZ 40(8)).
    pub bailiff: Option<Party>,
    /// Gospodarska zadeva (commercial matter).
    pub commercial: bool,
}

impl Claim {
    /// Claim identity (design.md §4): creditor + debtor identifier + document numbers. The same
    /// claim in a later batch gets the same key and is never filed twice.
    pub fn identity_key(&self) -> String {
        let mut numbers: Vec<String> = self
            .documents
            .iter()
            .map(AuthenticDocument::normalized_number)
            .collect();
        numbers.sort();
        numbers.dedup();
        format!(
            "{}#{}#{}",
            self.creditor.party.identity_key(),
            self.debtor.party.identity_key(),
            numbers.join(",")
        )
    }

    /// Principal: the sum of the documents' amounts (the package control sum adds these).
    pub fn principal(&self) -> Decimal {
        self.documents.iter().map(|d| d.amount).sum()
    }
}

/// The court receiving the proposal (COVL by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Court {
    pub name: String,
    pub address: Address,
}

impl Court {
    /// Okrajno sodišče v Ljubljani, Centralni oddelek za verodostojno listino (ZS 99.a).
    pub fn covl() -> Self {
        Court {
            name: "Okrajno sodišče v Ljubljani - Centralni oddelek za verodostojno listino".into(),
            address: Address {
                street: "Zaloška cesta".into(),
                house_number: "59".into(),
                post_code: "1000".into(),
                city: "Ljubljana".into(),
                post_name: "Ljubljana".into(),
                country: "SVN".into(),
            },
        }
    }
}

/// A proposal ready to render: the claim, who files it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// writ's own id of this proposal (idempotency key of the item).
    pub id: String,
    /// The filer (Posiljatelj / Vlagatelj): the creditor or its representative.
    pub filer: Party,
    pub court: Court,
    pub claim: Claim,
    /// When writ created the proposal (`dtPoslano`).
    pub created_at: DateTime<Utc>,
}
