//! Which of our debtors a daily list, a notice or a query answer is about — on the fields each
//! source really carries:
//!
//! * daily list (ZFPPIPP 122.a): tax number only → exact tax-number match only;
//! * notices about legal persons and entrepreneurs: matična and/or tax number → exact match on
//!   either; with no identifier hit, an equal normalised firm name gives only a candidate;
//! * notices about consumers: name, address, birth date (no EMŠO, no tax number, ZFPPIPP 122(2))
//!   → a [`Strength::Candidate`] for a person to confirm, never an exact match, never a block;
//! * EMŠO: only through the query service (yes/no).
//!
//! [`DebtorIndex`] keeps hash maps by tax number, matična, EMŠO, birth date and firm name, so a
//! daily list of n rows costs O(n) lookups whatever the number of debtors.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::Serialize;

use super::formats::{DailyList, DailyListEntry, Notice};
use super::{DebtorKind, ProceedingsType, QueryAnswer, QueryId};
use crate::filing::model::{Address, Party, PartyKind};
use crate::law::ids::{Emso, RegistrationNumber, TaxNumber};

/// One of our debtors as the store knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorRecord {
    /// The store's reference to the debtor (or claim).
    pub debtor_ref: String,
    /// The debtor's identification data (ZIZ 16.a), as written.
    pub party: Party,
}

/// Identifier an exact match was made on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdField {
    /// Davčna številka.
    TaxNumber,
    /// Matična številka (compared on its 7-digit base: a unit belongs to the same person).
    RegistrationNumber,
    /// EMŠO (query service only).
    Emso,
}

impl IdField {
    /// Words for messages.
    pub fn words(self) -> &'static str {
        match self {
            IdField::TaxNumber => "tax number",
            IdField::RegistrationNumber => "matična številka",
            IdField::Emso => "EMŠO",
        }
    }
}

/// Where a match comes from, with what the effects need to explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum MatchSource {
    /// A row of a CIF daily list.
    DailyList {
        /// The list's date.
        list_date: NaiveDate,
        /// The list's sequence number.
        sequence: u32,
        /// The row.
        entry: DailyListEntry,
    },
    /// A published notice.
    Notice {
        /// The notice.
        notice: Box<Notice>,
    },
    /// A yes from the query service (no case number, no type: ZFPPIPP 122(3)).
    Query {
        /// What was asked.
        id: QueryId,
        /// When.
        asked_on: NaiveDate,
    },
}

impl MatchSource {
    /// Type of proceedings, when the source says it.
    pub fn proceedings_type(&self) -> Option<ProceedingsType> {
        match self {
            MatchSource::DailyList { entry, .. } => Some(entry.proceedings_type),
            MatchSource::Notice { notice } => Some(notice.proceedings_type),
            MatchSource::Query { .. } => None,
        }
    }

    /// Start / opening date, when the source says it.
    pub fn start_date(&self) -> Option<NaiveDate> {
        match self {
            MatchSource::DailyList { entry, .. } => Some(entry.start_date),
            MatchSource::Notice { notice } => Some(notice.opening_date),
            MatchSource::Query { .. } => None,
        }
    }
}

/// How sure the match is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "strength", rename_all = "snake_case")]
pub enum Strength {
    /// The same identifier on both sides: blocks filing.
    Exact {
        /// Which identifier.
        on: IdField,
    },
    /// Names (and address, birth date) agree: a person must confirm; never blocks by itself.
    Candidate {
        /// 0–100.
        score: u8,
        /// What agreed and what did not.
        reasons: Vec<String>,
    },
}

/// A debtor of ours found in an insolvency source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    /// The store's reference.
    pub debtor_ref: String,
    /// What was found.
    pub source: MatchSource,
    /// How sure.
    pub strength: Strength,
}

impl Match {
    /// Whether this match is exact (identifier equality).
    pub fn is_exact(&self) -> bool {
        matches!(self.strength, Strength::Exact { .. })
    }
}

#[derive(Debug, Clone)]
struct Entry {
    debtor_ref: String,
    kind: PartyKind,
    name: String,
    has_tax: bool,
    has_reg: bool,
    post_code: String,
    street: String,
    city: String,
}

/// Our debtors, indexed by every identifier the sources carry.
#[derive(Debug, Clone, Default)]
pub struct DebtorIndex {
    entries: Vec<Entry>,
    by_tax: HashMap<String, Vec<u32>>,
    by_reg: HashMap<String, Vec<u32>>,
    by_emso: HashMap<String, Vec<u32>>,
    by_birth: HashMap<NaiveDate, Vec<u32>>,
    by_firm: HashMap<String, Vec<u32>>,
    /// Identifiers that did not pass their check (left out of the index; lint reports them).
    pub invalid_ids: usize,
}

/// Normalises a name for comparison: lower case (diacritics kept: `č` ≠ `c`), punctuation to
/// spaces, whitespace collapsed, and runs of one-letter tokens joined so that legal-form
/// variants agree: `d.o.o.`, `d. o. o.`, `D.O.O`, `doo` → `doo`; `s. p.` → `sp`.
pub fn normalize_name(s: &str) -> String {
    let lowered: String = s
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut run = String::new();
    for tok in lowered.split_whitespace() {
        let single = tok.chars().count() == 1 && tok.chars().all(char::is_alphabetic);
        if single {
            run.push_str(tok);
        } else {
            if !run.is_empty() {
                out.push(std::mem::take(&mut run));
            }
            out.push(tok.to_string());
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out.join(" ")
}

/// Name tokens sorted (so `Novak Janez` = `Janez Novak`).
fn sorted_tokens(norm: &str) -> String {
    let mut t: Vec<&str> = norm.split(' ').filter(|x| !x.is_empty()).collect();
    t.sort_unstable();
    t.join(" ")
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Similarity of two normalised names in 0..=1 (token order ignored).
pub fn name_similarity(a_norm: &str, b_norm: &str) -> f64 {
    let (a, b) = (sorted_tokens(a_norm), sorted_tokens(b_norm));
    let max = a.chars().count().max(b.chars().count());
    if max == 0 {
        return 0.0;
    }
    1.0 - levenshtein(&a, &b) as f64 / max as f64
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Minimum name similarity for a consumer candidate.
pub const CANDIDATE_NAME_MIN: f64 = 0.85;
/// Minimum score for a consumer candidate.
pub const CANDIDATE_SCORE_MIN: u8 = 70;

impl DebtorIndex {
    /// Indexes debtors. Identifiers are parsed with their check digits; invalid ones are left
    /// out and counted in [`DebtorIndex::invalid_ids`].
    pub fn build(debtors: impl IntoIterator<Item = DebtorRecord>) -> Self {
        let mut ix = DebtorIndex::default();
        for d in debtors {
            let i = u32::try_from(ix.entries.len()).unwrap_or(u32::MAX);
            let p = &d.party;
            let nonempty = |v: &Option<String>| {
                v.as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            let mut has_tax = false;
            let mut has_reg = false;
            if let Some(t) = nonempty(&p.tax_number) {
                match TaxNumber::parse(&t) {
                    Ok(t) => {
                        has_tax = true;
                        ix.by_tax.entry(t.as_str().to_string()).or_default().push(i);
                    }
                    Err(_) => ix.invalid_ids += 1,
                }
            }
            if let Some(r) = nonempty(&p.registration_number) {
                match RegistrationNumber::parse(&r) {
                    Ok(r) => {
                        has_reg = true;
                        ix.by_reg.entry(r.base().to_string()).or_default().push(i);
                    }
                    Err(_) => ix.invalid_ids += 1,
                }
            }
            let mut birth = p.birth_date;
            if let Some(e) = nonempty(&p.emso) {
                match Emso::parse(&e) {
                    Ok(e) => {
                        birth = birth.or(Some(e.birth_date()));
                        ix.by_emso
                            .entry(e.as_str().to_string())
                            .or_default()
                            .push(i);
                    }
                    Err(_) => ix.invalid_ids += 1,
                }
            }
            let name = normalize_name(&p.display_name());
            match p.kind {
                PartyKind::Natural | PartyKind::SoleTrader => {
                    if let Some(b) = birth {
                        ix.by_birth.entry(b).or_default().push(i);
                    }
                }
                PartyKind::Legal => {}
            }
            if matches!(p.kind, PartyKind::Legal | PartyKind::SoleTrader) {
                ix.by_firm.entry(name.clone()).or_default().push(i);
            }
            let Address {
                street,
                house_number,
                post_code,
                city,
                ..
            } = &p.address;
            ix.entries.push(Entry {
                debtor_ref: d.debtor_ref,
                kind: p.kind,
                name,
                has_tax,
                has_reg,
                post_code: digits(post_code),
                street: normalize_name(&format!("{street} {house_number}")),
                city: normalize_name(city),
            });
        }
        ix
    }

    /// Number of debtors indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no debtor is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn refs<'a>(&'a self, ids: Option<&'a Vec<u32>>) -> impl Iterator<Item = (u32, &'a Entry)> {
        ids.into_iter()
            .flatten()
            .filter_map(|&i| self.entries.get(i as usize).map(|e| (i, e)))
    }

    /// Exact tax-number matches of a daily list: one hash lookup per row.
    pub fn check_daily_list(&self, list: &DailyList) -> Vec<Match> {
        let mut out = Vec::new();
        for entry in &list.entries {
            for (_, e) in self.refs(self.by_tax.get(entry.tax_number.as_str())) {
                out.push(Match {
                    debtor_ref: e.debtor_ref.clone(),
                    source: MatchSource::DailyList {
                        list_date: list.list_date,
                        sequence: list.sequence,
                        entry: entry.clone(),
                    },
                    strength: Strength::Exact {
                        on: IdField::TaxNumber,
                    },
                });
            }
        }
        out
    }

    /// Matches of many notices.
    pub fn check_notices(&self, notices: &[Notice]) -> Vec<Match> {
        notices.iter().flat_map(|n| self.check_notice(n)).collect()
    }

    /// Matches of one notice: exact on matična / tax number for legal persons and
    /// entrepreneurs (else candidates on the firm name); candidates only for consumers.
    pub fn check_notice(&self, n: &Notice) -> Vec<Match> {
        let src = || MatchSource::Notice {
            notice: Box::new(n.clone()),
        };
        let mut out = Vec::new();
        match n.debtor.kind {
            DebtorKind::LegalPerson | DebtorKind::Entrepreneur => {
                let mut seen: HashSet<u32> = HashSet::new();
                let tax_hits = n
                    .debtor
                    .tax_number
                    .as_ref()
                    .map(|t| (IdField::TaxNumber, self.by_tax.get(t.as_str())));
                let reg_hits = n
                    .debtor
                    .registration_number
                    .as_ref()
                    .map(|r| (IdField::RegistrationNumber, self.by_reg.get(r.base())));
                for (on, ids) in [tax_hits, reg_hits].into_iter().flatten() {
                    for (i, e) in self.refs(ids) {
                        if seen.insert(i) {
                            out.push(Match {
                                debtor_ref: e.debtor_ref.clone(),
                                source: src(),
                                strength: Strength::Exact { on },
                            });
                        }
                    }
                }
                if out.is_empty() {
                    out.extend(self.firm_candidates(n, src));
                }
            }
            DebtorKind::Consumer => out.extend(self.consumer_candidates(n, src)),
        }
        out
    }

    fn firm_candidates<'a>(
        &'a self,
        n: &'a Notice,
        src: impl Fn() -> MatchSource + 'a,
    ) -> impl Iterator<Item = Match> + 'a {
        let name = normalize_name(&n.debtor.name);
        let city = normalize_name(&n.debtor.address.city);
        self.refs(self.by_firm.get(&name)).filter_map(move |(_, e)| {
            // Identifiers on both sides that differ: a different person, not a candidate.
            if (e.has_tax && n.debtor.tax_number.is_some())
                || (e.has_reg && n.debtor.registration_number.is_some())
            {
                return None;
            }
            let mut score = 60u8;
            let mut reasons = vec![format!(
                "firm name equal after normalisation (\"{name}\"); our record has no identifier the notice carries"
            )];
            if !city.is_empty() && city == e.city {
                score += 20;
                reasons.push(format!("seat/city equal (\"{city}\")"));
            } else {
                reasons.push("seat/city differs or is missing".into());
            }
            Some(Match {
                debtor_ref: e.debtor_ref.clone(),
                source: src(),
                strength: Strength::Candidate { score, reasons },
            })
        })
    }

    fn consumer_candidates<'a>(
        &'a self,
        n: &'a Notice,
        src: impl Fn() -> MatchSource + 'a,
    ) -> impl Iterator<Item = Match> + 'a {
        let birth = n.debtor.birth_date;
        let name = normalize_name(&n.debtor.name);
        let post = digits(&n.debtor.address.post_code);
        let street = normalize_name(&n.debtor.address.street);
        let city = normalize_name(&n.debtor.address.city);
        let ids = birth.and_then(|b| self.by_birth.get(&b));
        self.refs(ids).filter_map(move |(_, e)| {
            if e.kind == PartyKind::Legal {
                return None;
            }
            let sim = name_similarity(&name, &e.name);
            if sim < CANDIDATE_NAME_MIN {
                return None;
            }
            let mut reasons = vec![format!(
                "birth date equal ({})",
                birth.map(|b| b.to_string()).unwrap_or_default()
            )];
            let mut score: u32 = 40;
            if sorted_tokens(&name) == sorted_tokens(&e.name) {
                score += 40;
                reasons.push(format!("name equal after normalisation (\"{name}\")"));
            } else {
                score += (40.0 * sim).round() as u32;
                reasons.push(format!(
                    "name similar ({:.0} %): notice \"{name}\", ours \"{}\"",
                    sim * 100.0,
                    e.name
                ));
            }
            if !post.is_empty() && post == e.post_code {
                score += 10;
                reasons.push(format!("post code equal ({post})"));
            } else {
                reasons.push("post code differs or is missing".into());
            }
            if !street.is_empty() && street == e.street {
                score += 10;
                reasons.push(format!("street equal (\"{street}\")"));
            } else if !city.is_empty() && city == e.city {
                score += 5;
                reasons.push(format!("street differs, city equal (\"{city}\")"));
            } else {
                reasons.push("address differs".into());
            }
            let score = u8::try_from(score.min(100)).unwrap_or(100);
            (score >= CANDIDATE_SCORE_MIN).then(|| Match {
                debtor_ref: e.debtor_ref.clone(),
                source: src(),
                strength: Strength::Candidate { score, reasons },
            })
        })
    }

    /// What to ask the query service about: every debtor with a valid identifier of `kind`
    /// (the recipient asks by EMŠO or by tax number, not both: ZFPPIPP 122.a). Natural persons
    /// and sole traders only for EMŠO.
    pub fn query_targets(&self, kind: IdField) -> Vec<(String, QueryId)> {
        let map = match kind {
            IdField::TaxNumber => &self.by_tax,
            IdField::Emso => &self.by_emso,
            IdField::RegistrationNumber => return Vec::new(),
        };
        let mut out: Vec<(String, QueryId)> = map
            .iter()
            .flat_map(|(id, idx)| {
                idx.iter().filter_map(move |&i| {
                    let e = self.entries.get(i as usize)?;
                    let q = match kind {
                        IdField::TaxNumber => QueryId::TaxNumber(TaxNumber::parse(id).ok()?),
                        _ => QueryId::Emso(Emso::parse(id).ok()?),
                    };
                    Some((e.debtor_ref.clone(), q))
                })
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Matches from a query answer: a yes is exact on the identifier asked; a no is nothing.
    pub fn match_query(
        &self,
        id: &QueryId,
        answer: QueryAnswer,
        asked_on: NaiveDate,
    ) -> Vec<Match> {
        if answer == QueryAnswer::NotInProceedings {
            return Vec::new();
        }
        let (on, ids) = match id {
            QueryId::TaxNumber(t) => (IdField::TaxNumber, self.by_tax.get(t.as_str())),
            QueryId::Emso(e) => (IdField::Emso, self.by_emso.get(e.as_str())),
        };
        self.refs(ids)
            .map(|(_, e)| Match {
                debtor_ref: e.debtor_ref.clone(),
                source: MatchSource::Query {
                    id: id.clone(),
                    asked_on,
                },
                strength: Strength::Exact { on },
            })
            .collect()
    }
}

/// Timing of a synthetic daily-list check, for `writ bench`.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// Debtors indexed.
    pub n_debtors: usize,
    /// Rows in the daily list.
    pub n_list: usize,
    /// Time to build the index.
    pub build: Duration,
    /// Time to check the list (the part that must stay O(list)).
    pub check: Duration,
    /// Matches found (half the list rows are our debtors).
    pub matches: usize,
}

/// The `n`-th valid synthetic tax number (deterministic).
pub fn synthetic_tax_number(n: u64) -> TaxNumber {
    // About 1 in 11 payloads has no check digit; walk forward from a spread-out payload.
    let mut p = 1_000_000 + (n.wrapping_mul(8) % 8_999_000);
    loop {
        if let Some(t) = TaxNumber::complete(&p.to_string()) {
            return t;
        }
        p = 1_000_000 + (p + 1 - 1_000_000) % 9_000_000;
    }
}

/// Builds an index of `n_debtors` synthetic legal-person debtors and checks a daily list of
/// `n_list` rows against it (half of them our debtors). Deterministic data; only the timings
/// vary.
pub fn bench_check(n_debtors: usize, n_list: usize) -> BenchReport {
    let day = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap_or_default();
    let debtors = (0..n_debtors as u64).map(|i| DebtorRecord {
        debtor_ref: format!("D{i}"),
        party: Party {
            kind: PartyKind::Legal,
            first_name: String::new(),
            name: format!("Podjetje {i} d.o.o."),
            tax_number: Some(synthetic_tax_number(i).to_string()),
            registration_number: None,
            emso: None,
            birth_date: None,
            address: Address::default(),
        },
    });
    let t0 = Instant::now();
    let index = DebtorIndex::build(debtors);
    let build = t0.elapsed();
    let entries = (0..n_list as u64)
        .map(|j| {
            // Even rows: one of ours (spread over the index); odd rows: outside it.
            let n = if j % 2 == 0 && n_debtors > 0 {
                (j * 7919) % n_debtors as u64
            } else {
                n_debtors as u64 + j
            };
            DailyListEntry {
                tax_number: synthetic_tax_number(n),
                start_date: day,
                proceedings_type: ProceedingsType::Bankruptcy,
            }
        })
        .collect();
    let list = DailyList {
        list_date: day,
        sequence: 1,
        producer: "bench".into(),
        entries,
    };
    let t1 = Instant::now();
    let matches = index.check_daily_list(&list).len();
    let check = t1.elapsed();
    BenchReport {
        n_debtors,
        n_list,
        build,
        check,
        matches,
    }
}
