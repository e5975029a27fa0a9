//! e-SLOG 2.0 invoice import: an overdue invoice becomes a [`Claim`] on an authentic document.
//!
//! e-SLOG 2.0 (GZS, namespace `urn:eslog:2.00`) is EDIFACT INVOIC D01B written as XML: root
//! `Invoice`, then `M_INVOIC`, then segments (`S_…`), composites (`C_…`), data elements (`D_…`)
//! and segment groups (`G_SGnn`). The EN 16931 mapping below was checked against the BT comments
//! of the official-style sample in `shared/corpus/einvoice/` (invoice TOSL110).
//!
//! | claim field | BT | e-SLOG element |
//! |---|---|---|
//! | document type (380 ok, 381 refused) | BT-3 | `S_BGM/C_C002/D_1001` |
//! | document number | BT-1 | `S_BGM/C_C106/D_1004` |
//! | issue date | BT-2 | `S_DTM/C_C507` with `D_2005=137`, date in `D_2380` |
//! | due date | BT-9 | `G_SG8/S_DTM/C_C507` with `D_2005=13` (fallback: header `S_DTM` 13) |
//! | currency | BT-5 | `G_SG7/S_CUX/C_C504` with `D_6347=2`, code in `D_6345` |
//! | seller = creditor | BT-27 | `G_SG2` with `S_NAD/D_3035=SE`: name `S_NAD/C_C080/D_3036` |
//! | seller address | BT-35/36/162, 37, 38, 40 | `S_NAD/C_C059/D_3042`(`_2`,`_3`), `D_3164`, `D_3251`, `D_3207` |
//! | seller legal registration id (matična) | BT-30 | `G_SG3/S_RFF/C_C506/D_1154`, `D_1153` = scheme (`0199`, any 4-digit ICD, `GN`, `XA`) |
//! | seller VAT id (davčna) | BT-31 | `G_SG3/S_RFF/C_C506` with `D_1153=VA` (fallback `AHP`, BT-32) |
//! | creditor's account | BT-84 | seller's `S_FII` with `D_3035=RB`: `C_C078/D_3194` |
//! | buyer = debtor | BT-44 | `G_SG2` with `S_NAD/D_3035=BY`: name `S_NAD/C_C080/D_3036` |
//! | buyer address | BT-50/51/163, 52, 53, 55 | as for the seller |
//! | buyer legal registration id | BT-47 | as BT-30 |
//! | buyer VAT id | BT-48 | `D_1153=VA` (fallback `AHP`, NBT-013) |
//! | total with VAT | BT-112 | `G_SG50/S_MOA/C_C516` with `D_5025=388`, amount in `D_5004` |
//! | prepaid amount | BT-113 | same, `D_5025=113` |
//! | rounding amount | BT-114 | same, `D_5025=366` (only for the consistency note) |
//! | **amount due = the claim** | BT-115 | same, `D_5025=9` |
//!
//! Import keeps values as written (trimmed) and parses only syntax (design.md §4): identifiers
//! and the IBAN stay text, amounts keep their scale, a missing due date stays `None`. Anything a
//! clerk should look at goes to [`EslogInvoice::notes`]; lint judges meaning. VAT groups
//! (`G_SG52`, including national `D_5153=OTH` blocks) are not read at all.
//!
//! Choices made here (documented so lint and render can rely on them):
//! * Party kind: `SoleTrader` when the name carries the `s.p.` marker; else `Legal` when a legal
//!   registration id or a VAT id is present or the name carries a company form (`d.o.o.`,
//!   `d.d.`, `Ltd`, `GmbH`, …); else `Natural` (whole name in `name`, `first_name` empty,
//!   noted: e-SLOG has one name field).
//! * Street line BT-35 is split into street and house number when its last token starts with a
//!   digit (`Dunajska cesta 5` → `Dunajska cesta` + `5`); nothing else is changed. `post_name`
//!   = city, as the CSV importer does (e-SLOG has no post-office name).
//! * Country: alpha-2 → alpha-3 with [`alpha3_for`]; unknown codes are kept as written (noted).
//! * Creditor account holder = seller name (BT-85 differing from it is noted).
//! * Defaults as in the CSV importer: `commercial` unless the debtor is a natural person,
//!   `claim_court_fee` and `interest_on_costs` true, no costs; `means.bank_funds` true, no
//!   movables, no debtor accounts (the buyer's accounts on the invoice are only noted).

use std::fmt;

use chrono::NaiveDate;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use rust_decimal::Decimal;

use crate::filing::model::{
    Address, AuthenticDocument, Claim, Creditor, Debtor, InterestClaim, Means, Party, PartyKind,
};

/// The e-SLOG 2.0 namespace.
pub const ESLOG_NS: &str = "urn:eslog:2.00";
/// The court's e-enforcement vocabulary (act 568 etc.).
pub const COURT_NS: &str = "http://sodisce.si/izvrsba";

const UBL_NS_PREFIX: &str = "urn:oasis:names:specification:ubl:schema:xsd:";
const CII_NS_PREFIX: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice";
const ZUGFERD1_NS: &str = "urn:ferd:CrossIndustryDocument:invoice:1p0";
const MAX_DEPTH: usize = 100;

/// What an XML file is, judged by its root element only (namespace + local name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlKind {
    /// `{urn:eslog:2.00}Invoice`.
    EslogInvoice,
    /// `{http://sodisce.si/izvrsba}OpisPosiljke`: court XML (act 568, 536, 566, …).
    CourtOpisPosiljke,
    /// OASIS UBL 2.x (`Invoice`, `CreditNote`, …), including Peppol BIS.
    Ubl,
    /// UN/CEFACT Cross Industry Invoice (also ZUGFeRD 1 `CrossIndustryDocument`).
    Cii,
    /// EDIFACT in XML (ISO/TS 20625, e.g. the EN 16931 binding `M_INVOIC`) outside e-SLOG.
    Edifact,
    /// Anything else: the root as `{namespace}local` (or `local`), or why it is not XML.
    Unknown(String),
}

/// An imported e-SLOG invoice: the claim plus the totals it was taken from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EslogInvoice {
    /// One claim with one authentic document (kind 1, račun) of `amount_due`.
    pub claim: Claim,
    /// BT-112, invoice total amount with VAT, as written.
    pub invoice_total: Decimal,
    /// BT-115, amount due for payment, as written: the claim's principal.
    pub amount_due: Decimal,
    /// BT-113, paid amount, as written.
    pub prepaid: Option<Decimal>,
    /// Things a clerk should check, in plain words (nothing here stops the import).
    pub notes: Vec<String>,
}

/// Why an XML file could not be imported as an e-SLOG invoice. Each message names the element
/// (path), the value and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EslogError {
    /// Not well-formed XML (or not UTF-8).
    #[error("not well-formed XML at byte {position}: {reason}")]
    Xml { position: u64, reason: String },
    /// Declared in an encoding other than UTF-8.
    #[error(
        "the XML declaration says encoding '{encoding}': writ reads e-SLOG in UTF-8 only; re-save the file as UTF-8"
    )]
    Encoding { encoding: String },
    /// Another format (UBL, CII, EDIFACT, court XML, an envelope, …).
    #[error("not an e-SLOG 2.0 invoice: root element is {root} ({what}); {advice}")]
    NotEslog {
        root: String,
        what: String,
        advice: String,
    },
    /// A credit note or other credit document: it reduces a debt, it is not a claim.
    #[error(
        "a credit note is not a claim: {path} is '{code}' ({what}); only an invoice can be the authentic document"
    )]
    CreditNote {
        path: String,
        code: String,
        what: String,
    },
    /// A required element is absent.
    #[error("{field} is missing (expected {path})")]
    Missing { field: String, path: String },
    /// An element is present but its value is not what its syntax allows.
    #[error("{field}: '{value}' {reason} (at {path})")]
    Invalid {
        field: String,
        path: String,
        value: String,
        reason: String,
    },
}

impl EslogError {
    /// What the error is about, for a rejection's `field`: the BT and element path, or
    /// `(file)` / `(root element)` / `(encoding)` for whole-file refusals.
    pub fn field(&self) -> String {
        match self {
            EslogError::Xml { .. } => "(file)".into(),
            EslogError::Encoding { .. } => "(encoding)".into(),
            EslogError::NotEslog { .. } => "(root element)".into(),
            EslogError::CreditNote { path, .. } => format!("BT-3 document type ({path})"),
            EslogError::Missing { field, path } => format!("{field} ({path})"),
            EslogError::Invalid { field, path, .. } => format!("{field} ({path})"),
        }
    }

    /// The offending value as written (empty when the element is absent).
    pub fn value(&self) -> String {
        match self {
            EslogError::Xml { .. } | EslogError::Missing { .. } => String::new(),
            EslogError::Encoding { encoding } => encoding.clone(),
            EslogError::NotEslog { root, .. } => root.clone(),
            EslogError::CreditNote { code, .. } => code.clone(),
            EslogError::Invalid { value, .. } => value.clone(),
        }
    }
}

impl fmt::Display for XmlKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XmlKind::EslogInvoice => f.write_str("e-SLOG 2.0 invoice"),
            XmlKind::CourtOpisPosiljke => f.write_str("court XML (OpisPosiljke)"),
            XmlKind::Ubl => f.write_str("UBL"),
            XmlKind::Cii => f.write_str("UN/CEFACT CII"),
            XmlKind::Edifact => f.write_str("EDIFACT XML"),
            XmlKind::Unknown(root) => write!(f, "unknown ({root})"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// sniff

/// Classifies an XML file by its root element only (namespace + local name); reads nothing
/// past the root's start tag.
pub fn sniff(xml: &[u8]) -> XmlKind {
    match read_root(xml) {
        Ok((ns, local)) => classify(ns.as_deref(), &local),
        Err(e) => XmlKind::Unknown(e.to_string()),
    }
}

fn classify(ns: Option<&str>, local: &str) -> XmlKind {
    match ns {
        Some(ESLOG_NS) if local == "Invoice" => XmlKind::EslogInvoice,
        Some(COURT_NS) if local == "OpisPosiljke" => XmlKind::CourtOpisPosiljke,
        Some(n) if n.starts_with(UBL_NS_PREFIX) => XmlKind::Ubl,
        Some(n) if n.starts_with(CII_NS_PREFIX) || n == ZUGFERD1_NS => XmlKind::Cii,
        Some(ESLOG_NS) => XmlKind::Unknown(qualified(ns, local)),
        _ if local.starts_with("M_") => XmlKind::Edifact,
        _ => XmlKind::Unknown(qualified(ns, local)),
    }
}

fn qualified(ns: Option<&str>, local: &str) -> String {
    match ns {
        Some(n) => format!("{{{n}}}{local}"),
        None => local.to_string(),
    }
}

/// Namespace and local name of the root element.
fn read_root(xml: &[u8]) -> Result<(Option<String>, String), EslogError> {
    let mut reader = NsReader::from_reader(xml);
    loop {
        let position = reader.buffer_position();
        let (ns, event) = reader.read_resolved_event().map_err(|e| EslogError::Xml {
            position,
            reason: e.to_string(),
        })?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let local = e.local_name().into_inner().to_string();
                return Ok((namespace_of(&ns, &local, position)?, local));
            }
            Event::Decl(d) => check_encoding(&d)?,
            Event::Text(t) if t.xml10_content().trim().is_empty() => {}
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => {
                return Err(EslogError::Xml {
                    position,
                    reason: "no root element (empty file?)".into(),
                });
            }
            _ => {
                return Err(EslogError::Xml {
                    position,
                    reason: "text before the root element (is this XML?)".into(),
                });
            }
        }
    }
}

fn namespace_of(
    ns: &ResolveResult<'_>,
    local: &str,
    position: u64,
) -> Result<Option<String>, EslogError> {
    match ns {
        ResolveResult::Bound(n) => Ok(Some(n.into_inner().to_string())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(prefix) => Err(EslogError::Xml {
            position,
            reason: format!("element {prefix}:{local} uses an undeclared namespace prefix"),
        }),
    }
}

fn check_encoding(decl: &quick_xml::events::BytesDecl<'_>) -> Result<(), EslogError> {
    if let Some(Ok(enc)) = decl.encoding() {
        let e = enc.trim().to_ascii_lowercase();
        if e != "utf-8" && e != "utf8" {
            return Err(EslogError::Encoding {
                encoding: enc.into_owned(),
            });
        }
    }
    Ok(())
}

/// Description and advice for a root that is not an e-SLOG invoice.
fn not_eslog(kind: &XmlKind, root: String) -> EslogError {
    let convert = "convert it to e-SLOG 2.0 or import the claim as CSV".to_string();
    let (what, advice) = match kind {
        XmlKind::Ubl if root.ends_with("}CreditNote") => (
            "a UBL credit note; a credit note is not a claim".to_string(),
            "import the invoice it corrects instead".to_string(),
        ),
        XmlKind::Ubl => ("UBL 2.1 / Peppol BIS, not e-SLOG".to_string(), convert),
        XmlKind::Cii => (
            "UN/CEFACT CII (ZUGFeRD / Factur-X), not e-SLOG".to_string(),
            convert,
        ),
        XmlKind::Edifact => (
            "EDIFACT INVOIC in XML without the e-SLOG namespace urn:eslog:2.00".to_string(),
            convert,
        ),
        XmlKind::CourtOpisPosiljke => (
            "court XML, not an invoice".to_string(),
            "import it with the court-XML importer".to_string(),
        ),
        XmlKind::EslogInvoice => unreachable!("an e-SLOG root is not refused"),
        XmlKind::Unknown(_) => {
            let what = if root.ends_with("}M_INVOIC") {
                "e-SLOG M_INVOIC without the Invoice root element"
            } else if root.ends_with("}testSet") {
                "a validator test set wrapping UBL test invoices, not an invoice"
            } else if root == "envelope" {
                "a bank e-invoice envelope (ZBS), not the invoice itself"
            } else if root == "IzdaniRacunEnostavni" {
                "e-SLOG 1.6, discontinued since 1.10.2020"
            } else {
                "an unknown XML format"
            };
            let advice = if root == "envelope" {
                "import the e-SLOG invoice the envelope accompanies".to_string()
            } else if root.ends_with("}testSet") {
                "test material holds no claim; nothing to import".to_string()
            } else {
                convert
            };
            (what.to_string(), advice)
        }
    };
    EslogError::NotEslog { root, what, advice }
}

// ---------------------------------------------------------------------------------------------
// a small element tree (e-SLOG files are small)

#[derive(Debug, Default)]
struct El {
    name: String,
    text: String,
    children: Vec<El>,
}

impl El {
    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }

    /// First element along a path of child names.
    fn at(&self, path: &[&str]) -> Option<&El> {
        path.iter().try_fold(self, |el, name| el.child(name))
    }

    /// Trimmed text at a path; `None` when absent or blank.
    fn text_at(&self, path: &[&str]) -> Option<&str> {
        self.at(path)
            .map(|e| e.text.trim())
            .filter(|t| !t.is_empty())
    }
}

/// Parses the document into a tree of e-SLOG elements. Elements in other namespaces (e.g. an
/// enveloped `ds:Signature`) are skipped with their subtree; unqualified descendants are kept.
fn parse_tree(xml: &[u8]) -> Result<El, EslogError> {
    let mut reader = NsReader::from_reader(xml);
    let mut stack: Vec<El> = Vec::new();
    let mut skip_depth = 0usize;
    loop {
        let position = reader.buffer_position();
        let xml_err = |reason: String| EslogError::Xml { position, reason };
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| xml_err(e.to_string()))?;
        match event {
            Event::Start(_) if skip_depth > 0 => skip_depth += 1,
            Event::End(_) if skip_depth > 0 => skip_depth -= 1,
            _ if skip_depth > 0 => {}
            Event::Start(ref e) | Event::Empty(ref e) => {
                let local = e.local_name().into_inner().to_string();
                let foreign = match namespace_of(&ns, &local, position)? {
                    Some(n) => n != ESLOG_NS,
                    None => false,
                };
                let is_empty = matches!(event, Event::Empty(_));
                if foreign {
                    if !is_empty {
                        skip_depth = 1;
                    }
                    continue;
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(xml_err(format!("elements nested deeper than {MAX_DEPTH}")));
                }
                let el = El {
                    name: local,
                    ..El::default()
                };
                if is_empty {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(el),
                        None => return Ok(el),
                    }
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| xml_err("unexpected end tag".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => return Ok(el),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref().map_err(|e| xml_err(e.to_string()))? {
                    Some(c) => c,
                    None => match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => {
                            return Err(xml_err(format!(
                                "unknown entity &{other}; (only the five XML entities are allowed)"
                            )));
                        }
                    },
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push(ch);
                }
            }
            Event::Decl(d) => check_encoding(&d)?,
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => return Err(xml_err("the file ends inside an element".into())),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// values

/// Parses an amount exactly as written (scale kept). Accepts the xs:decimal lexical form:
/// optional sign, digits, optional decimal point and digits. No exponent, no grouping, no comma.
pub fn parse_amount(field: &str, path: &str, raw: &str) -> Result<Decimal, EslogError> {
    let value = raw.trim();
    let invalid = |reason: &str| EslogError::Invalid {
        field: field.to_string(),
        path: path.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    };
    if value.is_empty() {
        return Err(invalid("is empty: no amount is written"));
    }
    let unsigned = value.strip_prefix(['-', '+']).unwrap_or(value);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !(digits_ok(int) && digits_ok(frac) && !(int.is_empty() && frac.is_empty())) {
        return Err(if unsigned.contains(',') && !unsigned.contains('.') {
            invalid("is not a decimal: e-SLOG writes amounts with a decimal point, not a comma")
        } else {
            invalid("is not a decimal")
        });
    }
    // Normalise "5." and ".5" for rust_decimal; the scale is that of the digits written.
    let normal = format!(
        "{}{}{}{}",
        if value.starts_with('-') { "-" } else { "" },
        if int.is_empty() { "0" } else { int },
        if frac.is_empty() { "" } else { "." },
        frac
    );
    Decimal::from_str_exact(&normal)
        .map_err(|_| invalid("has more digits than writ can hold exactly (28 digits)"))
}

/// Parses an e-SLOG date: xs:date `YYYY-MM-DD` (a time or zone suffix is ignored), or EDIFACT
/// `CCYYMMDD` / `CCYYMMDDHHMM` (format qualifier `D_2379` 102 / 203).
fn parse_date(field: &str, path: &str, raw: &str) -> Result<NaiveDate, EslogError> {
    let value = raw.trim();
    let invalid = |reason: &str| EslogError::Invalid {
        field: field.to_string(),
        path: path.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    };
    let all_digits = value.bytes().all(|b| b.is_ascii_digit());
    let parsed = if all_digits && (value.len() == 8 || value.len() == 12) {
        NaiveDate::parse_from_str(&value[..8], "%Y%m%d").ok()
    } else if value.len() >= 10
        && value.is_char_boundary(10)
        && matches!(
            value[10..].chars().next(),
            None | Some('T' | 'Z' | '+' | '-')
        )
    {
        NaiveDate::parse_from_str(&value[..10], "%Y-%m-%d").ok()
    } else {
        None
    };
    parsed.ok_or_else(|| invalid("is not a date (expected YYYY-MM-DD)"))
}

/// ISO 3166 alpha-2 → alpha-3 for the countries writ meets (EU/EEA, neighbours, major
/// partners). `EL` (Greece in VAT ids) maps to `GRC`, `UK` to `GBR`.
pub fn alpha3_for(alpha2: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("SI", "SVN"),
        ("AT", "AUT"),
        ("BE", "BEL"),
        ("BG", "BGR"),
        ("HR", "HRV"),
        ("CY", "CYP"),
        ("CZ", "CZE"),
        ("DK", "DNK"),
        ("EE", "EST"),
        ("FI", "FIN"),
        ("FR", "FRA"),
        ("DE", "DEU"),
        ("GR", "GRC"),
        ("EL", "GRC"),
        ("HU", "HUN"),
        ("IE", "IRL"),
        ("IT", "ITA"),
        ("LV", "LVA"),
        ("LT", "LTU"),
        ("LU", "LUX"),
        ("MT", "MLT"),
        ("NL", "NLD"),
        ("PL", "POL"),
        ("PT", "PRT"),
        ("RO", "ROU"),
        ("SK", "SVK"),
        ("ES", "ESP"),
        ("SE", "SWE"),
        ("IS", "ISL"),
        ("LI", "LIE"),
        ("NO", "NOR"),
        ("CH", "CHE"),
        ("GB", "GBR"),
        ("UK", "GBR"),
        ("RS", "SRB"),
        ("BA", "BIH"),
        ("ME", "MNE"),
        ("MK", "MKD"),
        ("AL", "ALB"),
        ("MD", "MDA"),
        ("UA", "UKR"),
        ("TR", "TUR"),
        ("RU", "RUS"),
        ("BY", "BLR"),
        ("AD", "AND"),
        ("MC", "MCO"),
        ("SM", "SMR"),
        ("VA", "VAT"),
        ("US", "USA"),
        ("CA", "CAN"),
        ("CN", "CHN"),
        ("JP", "JPN"),
        ("KR", "KOR"),
        ("IN", "IND"),
        ("IL", "ISR"),
        ("AU", "AUS"),
    ];
    let code = alpha2.trim().to_ascii_uppercase();
    TABLE
        .iter()
        .find(|(a2, a3)| *a2 == code || *a3 == code)
        .map(|(_, a3)| *a3)
}

// ---------------------------------------------------------------------------------------------
// mapping

/// Credit documents (UNTDID 1001) that reduce a debt.
const CREDIT_TYPES: &[(&str, &str)] = &[
    ("381", "credit note"),
    ("261", "self-billed credit note"),
    ("262", "consolidated credit note"),
    ("296", "credit note related to financial adjustments"),
    ("308", "delcredere credit note"),
    ("396", "factored credit note"),
    ("420", "optical character reading (OCR) payment credit note"),
    ("458", "reversal of debit"),
    ("532", "forwarder's credit note"),
];

/// Imports an e-SLOG 2.0 invoice as a claim for its amount due (BT-115).
pub fn parse_invoice(xml: &[u8]) -> Result<EslogInvoice, EslogError> {
    let (ns, local) = read_root(xml)?;
    let kind = classify(ns.as_deref(), &local);
    if kind != XmlKind::EslogInvoice {
        return Err(not_eslog(&kind, qualified(ns.as_deref(), &local)));
    }
    let root = parse_tree(xml)?;
    let inv = root.child("M_INVOIC").ok_or_else(|| EslogError::Missing {
        field: "the INVOIC message".into(),
        path: "Invoice/M_INVOIC".into(),
    })?;
    let mut notes = Vec::new();

    // BT-3 document type
    let type_path = "M_INVOIC/S_BGM/C_C002/D_1001";
    match inv.text_at(&["S_BGM", "C_C002", "D_1001"]) {
        None => notes.push(format!(
            "BT-3 document type ({type_path}) is missing; imported as an invoice (380)"
        )),
        Some("380") => {}
        Some(code) => {
            if let Some((_, what)) = CREDIT_TYPES.iter().find(|(c, _)| *c == code) {
                return Err(EslogError::CreditNote {
                    path: type_path.into(),
                    code: code.into(),
                    what: (*what).into(),
                });
            }
            notes.push(format!(
                "BT-3 document type is '{code}', not 380 (commercial invoice); imported as račun — check that it is a claim"
            ));
        }
    }

    // BT-1 number
    let number = inv
        .text_at(&["S_BGM", "C_C106", "D_1004"])
        .ok_or_else(|| EslogError::Missing {
            field: "BT-1 invoice number".into(),
            path: "M_INVOIC/S_BGM/C_C106/D_1004".into(),
        })?
        .to_string();

    // BT-2 issue date, BT-9 due date
    let issue_date = header_date(inv, "137", "BT-2 issue date", &mut notes)?;
    if issue_date.is_none() {
        notes.push("BT-2 issue date (S_DTM with D_2005=137) is missing".into());
    }
    let due_date = due_date(inv, &mut notes)?;
    if due_date.is_none() {
        notes.push(
            "BT-9 due date (G_SG8/S_DTM with D_2005=13) is missing: not invented; lint refuses a document without a due date (ZIZ 23, 41(5))"
                .into(),
        );
    }

    // BT-5 currency
    let currency = inv
        .children("G_SG7")
        .filter_map(|g| g.at(&["S_CUX", "C_C504"]))
        .find(|c| c.text_at(&["D_6347"]) == Some("2"))
        .and_then(|c| c.text_at(&["D_6345"]))
        .ok_or_else(|| EslogError::Missing {
            field: "BT-5 invoice currency code".into(),
            path: "M_INVOIC/G_SG7/S_CUX/C_C504 with D_6347=2 and D_6345".into(),
        })?
        .to_string();

    // Totals
    let amount_due =
        amount(inv, "9", "BT-115 amount due", &mut notes)?.ok_or_else(|| EslogError::Missing {
            field: "BT-115 amount due".into(),
            path: "M_INVOIC/G_SG50/S_MOA/C_C516 with D_5025=9 and D_5004".into(),
        })?;
    let invoice_total = amount(inv, "388", "BT-112 invoice total with VAT", &mut notes)?
        .ok_or_else(|| EslogError::Missing {
            field: "BT-112 invoice total with VAT".into(),
            path: "M_INVOIC/G_SG50/S_MOA/C_C516 with D_5025=388 and D_5004".into(),
        })?;
    let prepaid = amount(inv, "113", "BT-113 paid amount", &mut notes)?;
    let rounding = amount(inv, "366", "BT-114 rounding amount", &mut notes)?;
    if amount_due <= Decimal::ZERO {
        notes.push(format!(
            "BT-115 amount due is {amount_due}: nothing is owed on this invoice; lint refuses a claim that is not positive"
        ));
    }
    let expected = invoice_total - prepaid.unwrap_or_default() + rounding.unwrap_or_default();
    if expected != amount_due {
        notes.push(format!(
            "BT-115 amount due {amount_due} is not BT-112 {invoice_total} − BT-113 {} + BT-114 {} = {expected}; the claim is BT-115 as written",
            prepaid.unwrap_or_default(),
            rounding.unwrap_or_default()
        ));
    }
    if let Some(moa_cur) = inv
        .children("G_SG50")
        .filter_map(|g| g.at(&["S_MOA", "C_C516"]))
        .find(|c| c.text_at(&["D_5025"]) == Some("9"))
        .and_then(|c| c.text_at(&["D_6345"]))
        .filter(|c| *c != currency)
    {
        notes.push(format!(
            "BT-115 amount due is marked in '{moa_cur}' but BT-5 invoice currency is '{currency}'; the document uses BT-5"
        ));
    }

    // Parties
    let seller_g = party_group(inv, "SE", "seller (creditor)", &mut notes)?;
    let buyer_g = party_group(inv, "BY", "buyer (debtor)", &mut notes)?;
    let seller = map_party(seller_g, &SELLER, &mut notes);
    let buyer = map_party(buyer_g, &BUYER, &mut notes);

    // BT-84 creditor's account
    let accounts: Vec<&El> = seller_g
        .children("S_FII")
        .filter(|f| f.text_at(&["D_3035"]) == Some("RB"))
        .collect();
    let iban = accounts
        .first()
        .and_then(|f| f.text_at(&["C_C078", "D_3194"]))
        .map(str::to_string);
    if iban.is_none() {
        notes.push(
            "BT-84 seller's payment account (seller's S_FII with D_3035=RB) is missing; lint requires the creditor's account (ZIZ 40(2))"
                .into(),
        );
    }
    if accounts.len() > 1 {
        notes.push(format!(
            "the seller gives {} payment accounts (BT-84); the first is used",
            accounts.len()
        ));
    }
    if let Some(holder) = accounts
        .first()
        .and_then(|f| f.text_at(&["C_C078", "D_3192"]))
        .filter(|h| *h != seller.name)
    {
        notes.push(format!(
            "BT-85 account name '{holder}' differs from the seller name '{}'; the account holder is taken as the seller",
            seller.name
        ));
    }
    // BB = buyer's bank account (NBT-010), BI = account to be debited (BT-91); PB is a card.
    let mut buyer_accounts: Vec<&str> = Vec::new();
    for acc in buyer_g
        .children("S_FII")
        .filter(|f| matches!(f.text_at(&["D_3035"]), Some("BB" | "BI")))
        .filter_map(|f| f.text_at(&["C_C078", "D_3194"]))
    {
        if !buyer_accounts.contains(&acc) {
            buyer_accounts.push(acc);
        }
    }
    for acc in buyer_accounts {
        notes.push(format!(
            "the invoice names a buyer account {acc}; not proposed as a debtor account (ZIZ 41(4): optional) — add it if it should be"
        ));
    }
    if let Some(payee) = inv
        .children("G_SG2")
        .find(|g| g.text_at(&["S_NAD", "D_3035"]) == Some("PE"))
        .and_then(|g| g.text_at(&["S_NAD", "C_C080", "D_3036"]))
        .filter(|p| *p != seller.name)
    {
        notes.push(format!(
            "BT-59 payee '{payee}' differs from the seller; the claim is the seller's — if it was assigned (factoring), the payee is the creditor"
        ));
    }

    let commercial = buyer.kind != PartyKind::Natural;
    let claim = Claim {
        external_ref: None,
        creditor: Creditor {
            account_holder: seller.display_name(),
            party: seller,
            iban,
            representative: None,
        },
        debtor: Debtor {
            party: buyer,
            means: Means {
                bank_funds: true,
                bank_accounts: Vec::new(),
                movables: false,
            },
        },
        documents: vec![AuthenticDocument {
            kind_code: 1,
            number,
            issue_date,
            due_date,
            amount: amount_due,
            currency,
            interest: InterestClaim::Statutory {
                from: None,
                to: None,
            },
        }],
        costs: Vec::new(),
        claim_court_fee: true,
        interest_on_costs: true,
        bailiff: None,
        commercial,
    };
    Ok(EslogInvoice {
        claim,
        invoice_total,
        amount_due,
        prepaid,
        notes,
    })
}

/// `(qualifier, raw date)` of the `S_DTM/C_C507` children of `parent`; an `S_DTM` without a
/// date (the sample has one) is skipped.
fn dates<'a>(parent: &'a El) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    parent
        .children("S_DTM")
        .filter_map(|d| d.child("C_C507"))
        .filter_map(|c| Some((c.text_at(&["D_2005"])?, c.text_at(&["D_2380"])?)))
}

fn header_date(
    inv: &El,
    qualifier: &str,
    field: &str,
    notes: &mut Vec<String>,
) -> Result<Option<NaiveDate>, EslogError> {
    let path = format!("M_INVOIC/S_DTM/C_C507[D_2005={qualifier}]/D_2380");
    let found: Vec<&str> = dates(inv)
        .filter(|(q, _)| *q == qualifier)
        .map(|(_, v)| v)
        .collect();
    first_date(&found, field, &path, notes)
}

fn first_date(
    found: &[&str],
    field: &str,
    path: &str,
    notes: &mut Vec<String>,
) -> Result<Option<NaiveDate>, EslogError> {
    let mut parsed = Vec::new();
    for raw in found {
        parsed.push(parse_date(field, path, raw)?);
    }
    let first = parsed.first().copied();
    if let Some(f) = first
        && parsed.iter().any(|d| *d != f)
    {
        notes.push(format!(
            "{field}: the invoice gives several dates ({}); the first, {f}, is used",
            found.join(", ")
        ));
    }
    Ok(first)
}

/// BT-9: `G_SG8/S_DTM` with `D_2005=13`; a header `S_DTM` 13 is accepted when no payment-terms
/// group has one.
fn due_date(inv: &El, notes: &mut Vec<String>) -> Result<Option<NaiveDate>, EslogError> {
    let field = "BT-9 due date";
    let in_terms: Vec<&str> = inv
        .children("G_SG8")
        .flat_map(dates)
        .filter(|(q, _)| *q == "13")
        .map(|(_, v)| v)
        .collect();
    if !in_terms.is_empty() {
        return first_date(
            &in_terms,
            field,
            "M_INVOIC/G_SG8/S_DTM/C_C507[D_2005=13]/D_2380",
            notes,
        );
    }
    let date = header_date(inv, "13", field, notes)?;
    if date.is_some() {
        notes.push(
            "BT-9 due date taken from a header S_DTM 13 (e-SLOG puts it in G_SG8 payment terms)"
                .into(),
        );
    }
    Ok(date)
}

/// The first `G_SG50/S_MOA/C_C516` amount with qualifier `D_5025`, parsed exactly.
fn amount(
    inv: &El,
    qualifier: &str,
    field: &str,
    notes: &mut Vec<String>,
) -> Result<Option<Decimal>, EslogError> {
    let path = format!("M_INVOIC/G_SG50/S_MOA/C_C516[D_5025={qualifier}]/D_5004");
    let mut found = Vec::new();
    for moa in inv
        .children("G_SG50")
        .flat_map(|g| g.children("S_MOA"))
        .filter_map(|m| m.child("C_C516"))
        .filter(|c| c.text_at(&["D_5025"]) == Some(qualifier))
    {
        let raw = moa.child("D_5004").map(|d| d.text.as_str()).unwrap_or("");
        found.push(parse_amount(field, &path, raw)?);
    }
    if found.len() > 1 && found.iter().any(|a| *a != found[0]) {
        notes.push(format!(
            "{field} is written {} times with different values; the first, {}, is used",
            found.len(),
            found[0]
        ));
    }
    Ok(found.first().copied())
}

fn party_group<'a>(
    inv: &'a El,
    code: &str,
    role: &str,
    notes: &mut Vec<String>,
) -> Result<&'a El, EslogError> {
    let groups: Vec<&El> = inv
        .children("G_SG2")
        .filter(|g| g.text_at(&["S_NAD", "D_3035"]) == Some(code))
        .collect();
    if groups.len() > 1 {
        notes.push(format!(
            "the invoice has {} {role} parties (S_NAD {code}); the first is used",
            groups.len()
        ));
    }
    groups.first().copied().ok_or_else(|| EslogError::Missing {
        field: format!("the {role}"),
        path: format!("M_INVOIC/G_SG2 with S_NAD/D_3035={code}"),
    })
}

/// BT labels of one party role.
struct Role {
    who: &'static str,
    name: &'static str,
    vat: &'static str,
    tax_registration: &'static str,
    street: &'static str,
    lines: &'static str,
    country: &'static str,
}

const SELLER: Role = Role {
    who: "seller",
    name: "BT-27",
    vat: "BT-31",
    tax_registration: "BT-32",
    street: "BT-35",
    lines: "BT-36/BT-162",
    country: "BT-40",
};

const BUYER: Role = Role {
    who: "buyer",
    name: "BT-44",
    vat: "BT-48",
    tax_registration: "NBT-013",
    street: "BT-50",
    lines: "BT-51/BT-163",
    country: "BT-55",
};

fn map_party(g: &El, role: &Role, notes: &mut Vec<String>) -> Party {
    let who = role.who;
    let nad = g.child("S_NAD");
    let text = |path: &[&str]| -> String {
        nad.and_then(|n| n.text_at(path))
            .unwrap_or_default()
            .to_string()
    };
    let name = text(&["C_C080", "D_3036"]);
    if name.is_empty() {
        notes.push(format!(
            "{} {who} name (S_NAD/C_C080/D_3036) is missing",
            role.name
        ));
    }

    // References in G_SG3: VA = VAT id, AHP = tax registration id, scheme code = legal id.
    let refs: Vec<(&str, &str)> = g
        .children("G_SG3")
        .filter_map(|s| s.at(&["S_RFF", "C_C506"]))
        .filter_map(|c| Some((c.text_at(&["D_1153"])?, c.text_at(&["D_1154"])?)))
        .collect();
    let find = |pred: &dyn Fn(&str) -> bool| {
        refs.iter()
            .find(|(q, _)| pred(q))
            .map(|(_, v)| v.to_string())
    };
    let vat = find(&|q| q == "VA");
    let tax_registration = find(&|q| q == "AHP");
    let registration_number = find(&|q| {
        q == "GN" || q == "XA" || (q.len() == 4 && q.bytes().all(|b| b.is_ascii_digit()))
    });
    let tax_number = vat.clone().or_else(|| tax_registration.clone());
    if vat.is_none() && tax_registration.is_some() {
        notes.push(format!(
            "{who} has no VAT id ({}); its tax registration id ({}) is used as the tax number",
            role.vat, role.tax_registration
        ));
    }

    let kind = party_kind(&name, registration_number.is_some() || vat.is_some());
    if kind == PartyKind::Natural {
        notes.push(format!(
            "{who} '{name}' is taken as a natural person (no registration id, no VAT id, no company form in the name); e-SLOG has one name field, so first name and surname are not separated — check"
        ));
    }

    // Address
    let line = text(&["C_C059", "D_3042"]);
    let (street, house_number) = split_house_number(&line);
    if !line.is_empty() && house_number.is_empty() {
        notes.push(format!(
            "{} {who} street '{line}' has no house number at its end; the court checks street and house number",
            role.street
        ));
    }
    let extra: Vec<String> = ["D_3042_2", "D_3042_3"]
        .iter()
        .map(|d| text(&["C_C059", d]))
        .filter(|s| !s.is_empty())
        .collect();
    if !extra.is_empty() {
        notes.push(format!(
            "{} {who} address lines '{}' are not carried over (the court address has street and house number only)",
            role.lines,
            extra.join("', '")
        ));
    }
    let city = text(&["D_3164"]);
    let country_raw = text(&["D_3207"]);
    let country = match alpha3_for(&country_raw) {
        Some(a3) => a3.to_string(),
        None => {
            if country_raw.is_empty() {
                notes.push(format!(
                    "{} {who} country (S_NAD/D_3207) is missing; left empty",
                    role.country
                ));
            } else {
                notes.push(format!(
                    "{} {who} country '{country_raw}' is not in writ's alpha-2 table; kept as written — the court wants ISO alpha-3",
                    role.country
                ));
            }
            country_raw
        }
    };
    Party {
        kind,
        first_name: String::new(),
        name,
        tax_number,
        registration_number,
        emso: None,
        birth_date: None,
        address: Address {
            street,
            house_number,
            post_code: text(&["D_3251"]),
            post_name: city.clone(),
            city,
            country,
        },
    }
}

/// `SoleTrader` for an `s.p.` name; `Legal` with an identifier or a company form in the name;
/// else `Natural`.
fn party_kind(name: &str, has_company_id: bool) -> PartyKind {
    let lower = name.to_lowercase().replace(',', " ");
    let tokens: Vec<&str> = lower.split_whitespace().collect();
    let joined: String = tokens.concat();
    if tokens.contains(&"s.p.") || tokens.contains(&"s.p") || joined.ends_with("s.p.") {
        return PartyKind::SoleTrader;
    }
    const FORMS: &[&str] = &[
        "d.o.o", "d.d", "k.d", "d.n.o", "so.p", "z.o.o", "ltd", "gmbh", "ag", "s.r.l", "srl",
        "s.a", "b.v", "bv", "a/s", "inc", "llc", "plc", "s.p.a", "spa", "oy", "ab",
    ];
    let company = tokens
        .iter()
        .any(|t| FORMS.contains(&t.trim_end_matches('.')));
    if has_company_id || company {
        PartyKind::Legal
    } else {
        PartyKind::Natural
    }
}

/// `Dunajska cesta 5` → (`Dunajska cesta`, `5`); `Trg OF 4 a` → (`Trg OF`, `4 a`); a line
/// without a trailing number stays whole. Both parts are slices of the line as written.
fn split_house_number(line: &str) -> (String, String) {
    let line = line.trim();
    let starts: Vec<usize> = line
        .char_indices()
        .filter(|&(i, c)| {
            !c.is_whitespace() && (i == 0 || line[..i].ends_with(char::is_whitespace))
        })
        .map(|(i, _)| i)
        .collect();
    let token = |k: usize| {
        let end = starts.get(k + 1).copied().unwrap_or(line.len());
        line[starts[k]..end].trim_end()
    };
    let starts_digit = |t: &str| t.chars().next().is_some_and(|c| c.is_ascii_digit());
    let n = starts.len();
    let take = if n >= 2 && starts_digit(token(n - 1)) {
        1
    } else if n >= 3
        && token(n - 1).chars().count() == 1
        && token(n - 1).chars().all(char::is_alphabetic)
        && starts_digit(token(n - 2))
    {
        2
    } else {
        0
    };
    if take == 0 {
        return (line.to_string(), String::new());
    }
    let cut = starts[n - take];
    let street = line[..cut].trim_end().trim_end_matches(',').trim_end();
    (street.to_string(), line[cut..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const FIXTURE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/eslog/invoice-2026-0415.xml"
    ));
    const CREDIT_NOTE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/eslog/credit-note-2026-0416.xml"
    ));
    const MISSING_BT115: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/eslog/missing-bt115-2026-0417.xml"
    ));
    const SAMPLE: &str = "einvoice/eslog2reader_sample_eSLOG20_INVOIC_v200_with_BT.xml";

    /// The shared corpus, or `None` (with a notice) when it is absent; panics when absent and
    /// `WRIT_REQUIRE_CORPUS=1`.
    fn corpus_dir() -> Option<PathBuf> {
        let dir = std::env::var_os("WRIT_CORPUS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"))
            });
        if dir.is_dir() {
            return Some(dir);
        }
        if std::env::var("WRIT_REQUIRE_CORPUS").as_deref() == Ok("1") {
            panic!(
                "corpus not found at {} (WRIT_REQUIRE_CORPUS=1)",
                dir.display()
            );
        }
        eprintln!(
            "notice: corpus not found at {}; set WRIT_CORPUS_DIR to run the corpus tests",
            dir.display()
        );
        None
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn date(s: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    fn import(xml: &str) -> EslogInvoice {
        parse_invoice(xml.as_bytes()).unwrap_or_else(|e| panic!("import failed: {e}"))
    }

    fn with_amount_due(raw: &str) -> String {
        let needle =
            "<D_5025>9</D_5025>\n\t\t\t\t\t<!-- BT-115 -->\n\t\t\t\t\t<D_5004>720.00</D_5004>";
        assert!(FIXTURE.contains(needle));
        FIXTURE.replace(
            needle,
            &format!("<D_5025>9</D_5025>\n\t\t\t\t\t<D_5004>{raw}</D_5004>"),
        )
    }

    #[test]
    fn corpus_sample_maps_every_bt_as_written() {
        let Some(dir) = corpus_dir() else { return };
        let xml = std::fs::read(dir.join(SAMPLE)).unwrap();
        let inv = parse_invoice(&xml).unwrap();
        let claim = &inv.claim;
        let doc = &claim.documents[0];
        assert_eq!(claim.documents.len(), 1);
        assert_eq!(doc.kind_code, 1);
        assert_eq!(doc.number, "TOSL110");
        assert_eq!(doc.issue_date, date("2013-04-10"));
        assert_eq!(doc.due_date, date("2013-05-10"));
        assert_eq!(doc.currency, "DKK");
        // the claim is BT-115, not the total BT-112
        assert_eq!(doc.amount, dec("2337.50"));
        assert_eq!(doc.amount.scale(), 2);
        assert_eq!(inv.amount_due, dec("2337.50"));
        assert_eq!(inv.invoice_total, dec("4675.00"));
        assert_ne!(claim.principal(), dec("4675.00"));
        assert_eq!(inv.prepaid, Some(dec("2337.50")));
        assert_eq!(
            doc.interest,
            InterestClaim::Statutory {
                from: None,
                to: None
            }
        );

        let seller = &claim.creditor.party;
        assert_eq!(seller.kind, PartyKind::Legal);
        assert_eq!(seller.name, "SellerCompany");
        assert_eq!(seller.first_name, "");
        assert_eq!(seller.tax_number.as_deref(), Some("NL16356706"));
        assert_eq!(seller.registration_number.as_deref(), Some("NL16356706"));
        assert_eq!(
            seller.address,
            Address {
                street: "Hoofdstraat".into(),
                house_number: "4".into(),
                post_code: "54321".into(),
                city: "Grootstad".into(),
                post_name: "Grootstad".into(),
                country: "NLD".into(),
            }
        );
        // bad check digits are lint's business: the IBAN is kept as written
        assert_eq!(claim.creditor.iban.as_deref(), Some("DK1212341234123412"));
        assert_eq!(claim.creditor.account_holder, "SellerCompany");

        let buyer = &claim.debtor.party;
        assert_eq!(buyer.kind, PartyKind::Legal);
        assert_eq!(buyer.name, "BuyerCompany ltd");
        assert_eq!(buyer.tax_number.as_deref(), Some("DK16356607"));
        assert_eq!(buyer.registration_number.as_deref(), Some("DK16356607"));
        assert_eq!(buyer.address.street, "Anystreet, Building");
        assert_eq!(buyer.address.house_number, "1");
        assert_eq!(buyer.address.post_code, "101");
        assert_eq!(buyer.address.city, "Anytown");
        assert_eq!(buyer.address.country, "DNK");
        assert!(claim.debtor.means.bank_funds);
        assert!(!claim.debtor.means.movables);
        assert!(claim.debtor.means.bank_accounts.is_empty());
        assert!(claim.commercial);

        let notes = inv.notes.join("\n");
        assert!(notes.contains("BT-59 payee 'Dagober Duck'"), "{notes}");
        assert!(
            notes.contains("BT-36/BT-162 seller address lines"),
            "{notes}"
        );
        assert!(
            notes.contains("buyer account DK1212341234123412"),
            "{notes}"
        );
        // BT-115 = BT-112 − BT-113 + BT-114 holds in the sample: no consistency note
        assert!(!notes.contains("is not BT-112"), "{notes}");
    }

    #[derive(Debug)]
    enum Expect {
        Imported(&'static str),
        Rejected(XmlKind, &'static str),
    }

    #[test]
    fn corpus_every_einvoice_file_is_imported_or_rejected_with_a_reason() {
        let Some(dir) = corpus_dir() else { return };
        use Expect::*;
        let unknown = |s: &str| XmlKind::Unknown(s.to_string());
        let table: Vec<(&str, Expect)> = vec![
            (
                "eslog2reader_sample_eSLOG20_INVOIC_v200_with_BT.xml",
                Imported("2337.50"),
            ),
            (
                "media24si-eslog2_envelope.xml",
                Rejected(unknown("envelope"), "bank e-invoice envelope"),
            ),
            (
                "cen_EDIFACT_EXAMPLE1.xml",
                Rejected(XmlKind::Edifact, "EDIFACT"),
            ),
            (
                "cen_ubl-tc434-example1.xml",
                Rejected(XmlKind::Ubl, "UBL 2.1"),
            ),
            (
                "cen_ubl-tc434-creditnote1.xml",
                Rejected(XmlKind::Ubl, "a credit note is not a claim"),
            ),
            (
                "cen_CII-BR-CO-10-RoundingIssue.xml",
                Rejected(XmlKind::Cii, "CII"),
            ),
            (
                "cen_testset_UBL_BR-CO-10.xml",
                Rejected(
                    unknown("{http://difi.no/xsd/vefa/validator/1.0}testSet"),
                    "validator test set",
                ),
            ),
            (
                "cen_testset_UBL_BR-CO-17.xml",
                Rejected(
                    unknown("{http://difi.no/xsd/vefa/validator/1.0}testSet"),
                    "validator test set",
                ),
            ),
            (
                "cen_testset_UBL_BR-S-08-1.xml",
                Rejected(
                    unknown("{http://difi.no/xsd/vefa/validator/1.0}testSet"),
                    "validator test set",
                ),
            ),
            ("peppol_base-example.xml", Rejected(XmlKind::Ubl, "Peppol")),
            (
                "peppol_Allowance-example.xml",
                Rejected(XmlKind::Ubl, "Peppol"),
            ),
            (
                "peppol_vat-category-E.xml",
                Rejected(XmlKind::Ubl, "Peppol"),
            ),
        ];
        let folder = dir.join("einvoice");
        let mut on_disk: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".xml"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = table.iter().map(|(f, _)| f.to_string()).collect();
        listed.sort();
        assert_eq!(
            on_disk,
            listed,
            "the table must list every file in {}",
            folder.display()
        );

        for (file, expect) in &table {
            let xml = std::fs::read(folder.join(file)).unwrap();
            let result = parse_invoice(&xml);
            match expect {
                Imported(due) => {
                    assert_eq!(sniff(&xml), XmlKind::EslogInvoice, "{file}");
                    let inv = result.unwrap_or_else(|e| panic!("{file}: {e}"));
                    assert_eq!(inv.amount_due, dec(due), "{file}");
                }
                Rejected(kind, reason) => {
                    assert_eq!(&sniff(&xml), kind, "{file}");
                    let err = result.expect_err(file);
                    let msg = err.to_string();
                    assert!(
                        msg.starts_with("not an e-SLOG 2.0 invoice: root element is "),
                        "{file}: {msg}"
                    );
                    assert!(msg.contains(reason), "{file}: {msg}");
                }
            }
        }
    }

    #[test]
    fn corpus_court_xml_is_sniffed_as_court() {
        let Some(dir) = corpus_dir() else { return };
        let xml = std::fs::read(dir.join("court/court-eizvrsba.xml")).unwrap();
        assert_eq!(sniff(&xml), XmlKind::CourtOpisPosiljke);
        let msg = parse_invoice(&xml).unwrap_err().to_string();
        assert!(msg.contains("court XML"), "{msg}");
    }

    #[test]
    fn own_fixture_imports_amount_due_not_total() {
        let inv = import(FIXTURE);
        let claim = &inv.claim;
        let doc = &claim.documents[0];
        assert_eq!(doc.number, "2026-0415");
        assert_eq!(doc.issue_date, date("2026-04-15"));
        assert_eq!(doc.due_date, date("2026-05-15"));
        assert_eq!(doc.currency, "EUR");
        assert_eq!(doc.amount, dec("720.00"));
        assert_eq!(inv.invoice_total, dec("1220.00"));
        assert_eq!(inv.prepaid, Some(dec("500.00")));
        assert_eq!(claim.principal(), dec("720.00"));

        let seller = &claim.creditor.party;
        assert_eq!(seller.kind, PartyKind::Legal);
        assert_eq!(seller.name, "Kovinarstvo Novak d.o.o.");
        assert_eq!(seller.tax_number.as_deref(), Some("SI12345679"));
        assert_eq!(seller.registration_number.as_deref(), Some("1357913000"));
        assert_eq!(seller.address.street, "Dunajska cesta");
        assert_eq!(seller.address.house_number, "5");
        assert_eq!(seller.address.post_code, "1000");
        assert_eq!(seller.address.city, "Ljubljana");
        assert_eq!(seller.address.country, "SVN");
        assert_eq!(claim.creditor.iban.as_deref(), Some("SI56020100012345641"));
        assert_eq!(claim.creditor.account_holder, "Kovinarstvo Novak d.o.o.");

        let buyer = &claim.debtor.party;
        assert_eq!(buyer.name, "Gradbeništvo Kranjc d.o.o.");
        assert_eq!(buyer.tax_number.as_deref(), Some("SI87654326"));
        assert_eq!(buyer.registration_number.as_deref(), Some("2468026000"));
        assert_eq!(buyer.address.street, "Tržaška cesta");
        assert_eq!(buyer.address.house_number, "12a");
        assert_eq!(buyer.address.city, "Maribor");
        assert_eq!(buyer.address.country, "SVN");
        assert_eq!(buyer.address.post_name, "Maribor");
        assert!(claim.commercial);
        assert!(claim.claim_court_fee);
        assert!(claim.interest_on_costs);
        assert!(claim.costs.is_empty());
        assert_eq!(claim.external_ref, None);
        assert_eq!(claim.bailiff, None);
        assert!(inv.notes.is_empty(), "{:?}", inv.notes);
        assert_eq!(claim.identity_key(), "DS:12345679#DS:87654326#2026-0415");
    }

    #[test]
    fn credit_note_is_refused() {
        let err = parse_invoice(CREDIT_NOTE.as_bytes()).unwrap_err();
        assert!(matches!(err, EslogError::CreditNote { ref code, .. } if code == "381"));
        assert_eq!(err.value(), "381");
        assert_eq!(
            err.to_string(),
            "a credit note is not a claim: M_INVOIC/S_BGM/C_C002/D_1001 is '381' (credit note); only an invoice can be the authentic document"
        );
    }

    #[test]
    fn missing_amount_due_is_refused() {
        let err = parse_invoice(MISSING_BT115.as_bytes()).unwrap_err();
        assert!(
            err.to_string().starts_with("BT-115 amount due is missing"),
            "{err}"
        );
    }

    #[test]
    fn bad_amount_due_names_element_value_and_reason() {
        let err = parse_invoice(with_amount_due("abc").as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "BT-115 amount due: 'abc' is not a decimal (at M_INVOIC/G_SG50/S_MOA/C_C516[D_5025=9]/D_5004)"
        );
        assert_eq!(
            err.field(),
            "BT-115 amount due (M_INVOIC/G_SG50/S_MOA/C_C516[D_5025=9]/D_5004)"
        );
        assert_eq!(err.value(), "abc");
        let err = parse_invoice(with_amount_due("720,00").as_bytes()).unwrap_err();
        assert!(err.to_string().contains("not a comma"), "{err}");
        let err = parse_invoice(with_amount_due("  ").as_bytes()).unwrap_err();
        assert!(err.to_string().contains("is empty"), "{err}");
        for bad in ["1e3", "1_000.00", "--1", ".", "NaN", "1.2.3", "0x10"] {
            assert!(
                parse_invoice(with_amount_due(bad).as_bytes()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn zero_or_negative_amount_due_imports_with_a_note() {
        for raw in ["0.00", "-10.00"] {
            let inv = import(&with_amount_due(raw));
            assert_eq!(inv.amount_due, dec(raw));
            assert!(
                inv.notes.iter().any(|n| n.contains("nothing is owed")),
                "{:?}",
                inv.notes
            );
            assert!(inv.notes.iter().any(|n| n.contains("is not BT-112")));
        }
    }

    #[test]
    fn amount_due_is_written_with_its_scale() {
        let inv = import(&with_amount_due("720.005"));
        assert_eq!(inv.amount_due.scale(), 3);
        assert_eq!(inv.claim.documents[0].amount.to_string(), "720.005");
        let inv = import(&with_amount_due("720"));
        assert_eq!(inv.amount_due.scale(), 0);
    }

    #[test]
    fn missing_due_date_stays_none() {
        let xml = FIXTURE.replace(
            "<D_2005>13</D_2005>\n\t\t\t\t\t<!-- BT-9 -->\n\t\t\t\t\t<D_2380>2026-05-15</D_2380>",
            "<D_2005>13</D_2005>",
        );
        assert_ne!(xml, FIXTURE);
        let inv = import(&xml);
        assert_eq!(inv.claim.documents[0].due_date, None);
        assert!(inv.notes.iter().any(|n| n.contains("BT-9 due date")));
    }

    #[test]
    fn bad_dates_are_refused_other_date_forms_accepted() {
        let bad = FIXTURE.replace("<D_2380>2026-05-15</D_2380>", "<D_2380>15.5.2026</D_2380>");
        let err = parse_invoice(bad.as_bytes()).unwrap_err().to_string();
        assert_eq!(
            err,
            "BT-9 due date: '15.5.2026' is not a date (expected YYYY-MM-DD) (at M_INVOIC/G_SG8/S_DTM/C_C507[D_2005=13]/D_2380)"
        );
        let bad = FIXTURE.replace("<D_2380>2026-05-15</D_2380>", "<D_2380>2026-02-30</D_2380>");
        assert!(parse_invoice(bad.as_bytes()).is_err());
        for (raw, want) in [
            ("20260515", "2026-05-15"),
            ("2026-05-15+02:00", "2026-05-15"),
            ("2026-05-15T00:00:00", "2026-05-15"),
            ("202605151200", "2026-05-15"),
        ] {
            let xml = FIXTURE.replace(
                "<D_2380>2026-05-15</D_2380>",
                &format!("<D_2380>{raw}</D_2380>"),
            );
            assert_eq!(
                import(&xml).claim.documents[0].due_date,
                date(want),
                "{raw}"
            );
        }
    }

    #[test]
    fn other_document_types_import_with_a_note() {
        let xml = FIXTURE.replace("<D_1001>380</D_1001>", "<D_1001>383</D_1001>");
        let inv = import(&xml);
        assert!(inv.notes.iter().any(|n| n.contains("'383'")));
        let xml = FIXTURE.replace("<D_1001>380</D_1001>", "<D_1001>261</D_1001>");
        assert!(matches!(
            parse_invoice(xml.as_bytes()),
            Err(EslogError::CreditNote { .. })
        ));
    }

    #[test]
    fn required_header_fields() {
        let xml = FIXTURE.replace("<D_1004>2026-0415</D_1004>", "<D_1004> </D_1004>");
        assert_eq!(
            parse_invoice(xml.as_bytes()).unwrap_err().to_string(),
            "BT-1 invoice number is missing (expected M_INVOIC/S_BGM/C_C106/D_1004)"
        );
        let xml = FIXTURE.replace("<D_6347>2</D_6347>", "<D_6347>6</D_6347>");
        assert!(
            parse_invoice(xml.as_bytes())
                .unwrap_err()
                .to_string()
                .starts_with("BT-5 invoice currency code is missing")
        );
        let xml = FIXTURE.replace("<D_3035>SE</D_3035>", "<D_3035>II</D_3035>");
        assert_eq!(
            parse_invoice(xml.as_bytes()).unwrap_err().to_string(),
            "the seller (creditor) is missing (expected M_INVOIC/G_SG2 with S_NAD/D_3035=SE)"
        );
        let xml = FIXTURE.replace("<D_5025>388</D_5025>", "<D_5025>999</D_5025>");
        assert!(
            parse_invoice(xml.as_bytes())
                .unwrap_err()
                .to_string()
                .starts_with("BT-112 invoice total with VAT is missing")
        );
    }

    #[test]
    fn sniff_reads_the_root_only() {
        let cases: &[(&str, XmlKind)] = &[
            (
                r#"<Invoice xmlns="urn:eslog:2.00"><M_INVOIC/></Invoice>"#,
                XmlKind::EslogInvoice,
            ),
            (
                r#"<?xml version="1.0"?><!-- c --><e:Invoice xmlns:e="urn:eslog:2.00"/>"#,
                XmlKind::EslogInvoice,
            ),
            (
                r#"<izv:OpisPosiljke xmlns:izv="http://sodisce.si/izvrsba"/>"#,
                XmlKind::CourtOpisPosiljke,
            ),
            (
                r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"#,
                XmlKind::Ubl,
            ),
            (
                r#"<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>"#,
                XmlKind::Ubl,
            ),
            (
                r#"<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>"#,
                XmlKind::Cii,
            ),
            (r#"<M_INVOIC><S_UNH/></M_INVOIC>"#, XmlKind::Edifact),
            (r#"<Invoice/>"#, XmlKind::Unknown("Invoice".into())),
            (
                r#"<M_INVOIC xmlns="urn:eslog:2.00"/>"#,
                XmlKind::Unknown("{urn:eslog:2.00}M_INVOIC".into()),
            ),
            // the rest of the document is not read
            (
                r#"<Invoice xmlns="urn:eslog:2.00"><broken"#,
                XmlKind::EslogInvoice,
            ),
        ];
        for (xml, kind) in cases {
            assert_eq!(&sniff(xml.as_bytes()), kind, "{xml}");
        }
        for not_xml in ["", "   ", "claim_ref;debtor\n1;x", "\u{feff}"] {
            assert!(
                matches!(sniff(not_xml.as_bytes()), XmlKind::Unknown(_)),
                "{not_xml:?}"
            );
        }
        let bom = format!("\u{feff}{}", r#"<Invoice xmlns="urn:eslog:2.00"/>"#);
        assert_eq!(sniff(bom.as_bytes()), XmlKind::EslogInvoice);
    }

    #[test]
    fn refusals_say_what_the_file_is() {
        let ubl = r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"#;
        assert_eq!(
            parse_invoice(ubl.as_bytes()).unwrap_err().to_string(),
            "not an e-SLOG 2.0 invoice: root element is {urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice (UBL 2.1 / Peppol BIS, not e-SLOG); convert it to e-SLOG 2.0 or import the claim as CSV"
        );
        let v16 = "<IzdaniRacunEnostavni><Racun/></IzdaniRacunEnostavni>";
        assert!(
            parse_invoice(v16.as_bytes())
                .unwrap_err()
                .to_string()
                .contains("e-SLOG 1.6")
        );
        let err = parse_invoice(b"not xml at all").unwrap_err();
        assert!(matches!(err, EslogError::Xml { .. }), "{err}");
        let truncated = &FIXTURE.as_bytes()[..FIXTURE.len() / 2];
        assert!(matches!(
            parse_invoice(truncated),
            Err(EslogError::Xml { .. })
        ));
        let cp1250 = FIXTURE.replace(r#"encoding="UTF-8""#, r#"encoding="windows-1250""#);
        assert_eq!(
            parse_invoice(cp1250.as_bytes()).unwrap_err(),
            EslogError::Encoding {
                encoding: "windows-1250".into()
            }
        );
        let no_message = r#"<Invoice xmlns="urn:eslog:2.00"><Other/></Invoice>"#;
        assert_eq!(
            parse_invoice(no_message.as_bytes())
                .unwrap_err()
                .to_string(),
            "the INVOIC message is missing (expected Invoice/M_INVOIC)"
        );
    }

    #[test]
    fn text_is_decoded_and_foreign_elements_are_skipped() {
        let xml = FIXTURE
            .replace(
                "<D_3036>Kovinarstvo Novak d.o.o.</D_3036>",
                "<D_3036>Novak &amp; sin<![CDATA[ d.o.o.]]></D_3036>",
            )
            .replace(
                "\t</M_INVOIC>",
                "\t</M_INVOIC>\n\t<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo><M_INVOIC/></ds:SignedInfo><ds:Empty/></ds:Signature>",
            );
        let inv = import(&xml);
        assert_eq!(inv.claim.creditor.party.name, "Novak & sin d.o.o.");
        assert_eq!(inv.claim.documents[0].number, "2026-0415");
        let evil = FIXTURE.replace("<D_1004>2026-0415</D_1004>", "<D_1004>&xxe;</D_1004>");
        let err = parse_invoice(evil.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("unknown entity &xxe;"), "{err}");
    }

    #[test]
    fn party_kind_rules() {
        assert_eq!(party_kind("Janez Novak s.p.", true), PartyKind::SoleTrader);
        assert_eq!(
            party_kind("FRIZERSTVO MAJA, Maja Kovač s. p.", false),
            PartyKind::SoleTrader
        );
        assert_eq!(
            party_kind("Kovinarstvo Novak d.o.o.", false),
            PartyKind::Legal
        );
        assert_eq!(
            party_kind("Pošta Slovenije d.o.o.", false),
            PartyKind::Legal
        );
        assert_eq!(party_kind("Anyone", true), PartyKind::Legal);
        assert_eq!(party_kind("Ana Marija Novak", false), PartyKind::Natural);
        assert_eq!(party_kind("Ferrari S.p.A.", false), PartyKind::Legal);

        // a buyer without ids or company form is natural, with a note
        let xml = FIXTURE
            .replace(
                "<D_3036>Gradbeništvo Kranjc d.o.o.</D_3036>",
                "<D_3036>Ana Kranjc</D_3036>",
            )
            .replace("<D_1154>2468026000</D_1154>", "")
            .replace("<D_1154>SI87654326</D_1154>", "");
        let inv = import(&xml);
        let buyer = &inv.claim.debtor.party;
        assert_eq!(buyer.kind, PartyKind::Natural);
        assert_eq!(buyer.name, "Ana Kranjc");
        assert_eq!(buyer.first_name, "");
        assert_eq!(buyer.tax_number, None);
        assert!(!inv.claim.commercial);
        assert!(inv.notes.iter().any(|n| n.contains("natural person")));
    }

    #[test]
    fn house_numbers_and_countries() {
        let split = |s: &str| split_house_number(s);
        assert_eq!(
            split("Dunajska cesta 5"),
            ("Dunajska cesta".into(), "5".into())
        );
        assert_eq!(split(" Trg OF 4 a "), ("Trg OF".into(), "4 a".into()));
        assert_eq!(
            split("Cesta  v Mestni log 12/b"),
            ("Cesta  v Mestni log".into(), "12/b".into())
        );
        assert_eq!(split("Anystreet, 1"), ("Anystreet".into(), "1".into()));
        assert_eq!(
            split("Prešernov trg"),
            ("Prešernov trg".into(), String::new())
        );
        assert_eq!(split("5"), ("5".into(), String::new()));
        assert_eq!(split(""), (String::new(), String::new()));

        assert_eq!(alpha3_for("SI"), Some("SVN"));
        assert_eq!(alpha3_for(" hr"), Some("HRV"));
        assert_eq!(alpha3_for("EL"), Some("GRC"));
        assert_eq!(alpha3_for("SVN"), Some("SVN"));
        assert_eq!(alpha3_for("ZZ"), None);
        let xml = FIXTURE.replace("<D_3207>SI</D_3207>\n\t\t\t</S_NAD>\n\t\t\t<G_SG3>\n\t\t\t\t<S_RFF>\n\t\t\t\t\t<C_C506>\n\t\t\t\t\t\t<!-- BT-47-1 -->", "<D_3207>XK</D_3207>\n\t\t\t</S_NAD>\n\t\t\t<G_SG3>\n\t\t\t\t<S_RFF>\n\t\t\t\t\t<C_C506>\n\t\t\t\t\t\t<!-- BT-47-1 -->");
        assert_ne!(xml, FIXTURE);
        let inv = import(&xml);
        assert_eq!(inv.claim.debtor.party.address.country, "XK");
        assert!(
            inv.notes
                .iter()
                .any(|n| n.contains("BT-55 buyer country 'XK'"))
        );
    }

    proptest::proptest! {
        /// Any amount written with any scale parses exactly (no float on the way).
        #[test]
        fn amounts_parse_exactly(mantissa in -999_999_999_999_999i64..=999_999_999_999_999, scale in 0u32..=12, plus in proptest::bool::ANY) {
            let expected = Decimal::new(mantissa, scale);
            let digits = mantissa.unsigned_abs().to_string();
            let digits = format!("{digits:0>width$}", width = scale as usize + 1);
            let (int, frac) = digits.split_at(digits.len() - scale as usize);
            let sign = if mantissa < 0 { "-" } else if plus { "+" } else { "" };
            let raw = if scale == 0 { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") };
            let parsed = parse_amount("BT-115 amount due", "test", &raw).unwrap();
            proptest::prop_assert_eq!(parsed, expected);
            proptest::prop_assert_eq!(parsed.scale(), scale);
            proptest::prop_assert_eq!(parsed.mantissa(), mantissa as i128);
        }

        /// The same through the whole importer: BT-115 becomes the document amount unchanged.
        #[test]
        fn amount_due_survives_import(cents in 0i64..=10_000_000_000, scale in 0u32..=4) {
            let expected = Decimal::new(cents, scale);
            let inv = parse_invoice(with_amount_due(&expected.to_string()).as_bytes()).unwrap();
            proptest::prop_assert_eq!(inv.amount_due, expected);
            proptest::prop_assert_eq!(inv.claim.documents[0].amount.scale(), scale);
            proptest::prop_assert_eq!(inv.claim.documents[0].amount.to_string(), expected.to_string());
        }
    }
}
