//! Renders a [`Proposal`] as the court's XML (`http://sodisce.si/izvrsba`, schemaVersion 1.1):
//! one shipment `OpisPosiljke` holding one act 568 (`VL predlog za izvršbo`) with its `Predlog`,
//! shaped like the court's own public sample (see `xsd/izvrsba-1.1.xsd`).
//!
//! Mapping choices (each mirrors the court's sample unless said otherwise):
//! - `Glava/Posiljatelj` is the filer; `Glava/Prejemnik` is the court filed with (COVL), named in
//!   `ime-naziv` as the court names itself in the sample, with `Vloga nazivVloga="sodišče"` (ours:
//!   the sample's roles are "upnik", "dolžnik", "tretji", "dolžnikov dolžnik").
//! - `Predlog`: `tipEopravila="011" nacinVlozitve="splet"`, `dtPoslano` = the date of
//!   `created_at` in Europe/Ljubljana (plain `xs:date`, no offset), `dtSprejeto` omitted (the
//!   court sets it), `stIzvodov="1" stPrilog="0" opisPriloge=""`, `gospodarska` from the claim,
//!   `prezivnina="false"`, `PrilozenIzvrsilniNaslov` false.
//! - Parties: `ime-naziv` = first name (empty for a legal person), `priimek-naziv` = surname or
//!   firm name, `davcna` = tax number, `maticna` = the EMŠO of a natural person (as the court's
//!   converter reads it) or the registration number of a legal person / s.p., `datumRojstva` =
//!   birth date, `vrsta` = kind. A natural person with a registration number, or a legal person
//!   with an EMŠO, is refused ([`RenderError::Unrepresentable`]); a sole trader's EMŠO is not
//!   written (the vocabulary has no place for it). Optional identifiers are omitted when `None`,
//!   except on the representative (`Zastopnik`), where the court writes `maticna=""
//!   davcna=""`. Addresses always carry all six attributes (empty strings when empty).
//! - `idUdelezenec`: participants are numbered 1.. in document order, as in the sample.
//! - Accounts are written exactly as given (`SI_IBAN SI56…` stays as is); `vrstaRacuna` of a
//!   debtor's account is derived from the text: SI IBAN → `SI_IBAN`, another IBAN → `IBAN`,
//!   digits only → `BBAN`, anything else → omitted.
//! - Amounts are written with exactly 2 decimals; an amount with more significant decimals is
//!   refused rather than rounded. Interest start: `from`, else due date + 1 day.
//!
//! Output is deterministic: the same proposal always gives the same bytes.

use std::borrow::Cow;

use chrono::{Duration, NaiveDate};
use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use rust_decimal::Decimal;

use crate::filing::model::{
    Address, AuthenticDocument, Claim, Court, Creditor, Debtor, InterestClaim, Party, PartyKind,
    Proposal, Representative,
};

/// The court vocabulary's namespace (defined beside the reader of that vocabulary).
pub use crate::court_xml::NAMESPACE;
/// The prefix writ uses for it.
pub const PREFIX: &str = "izv";
/// The vocabulary version writ writes.
pub const SCHEMA_VERSION: &str = "1.1";
/// Court code of the act "VL predlog za izvršbo".
pub const ACT_PROPOSAL: &str = "568";
/// The court's name of act 568.
pub const ACT_PROPOSAL_NAME: &str = "VL predlog za izvršbo";
/// `tipEopravila` of a VL proposal.
pub const TIP_EOPRAVILA: &str = "011";
/// `nacinVlozitve`: filed electronically.
pub const NACIN_VLOZITVE: &str = "splet";
/// `Vloga/@nazivVloga` writ gives the court it files with (ours).
pub const VLOGA_SODISCE: &str = "sodišče";

/// Why a proposal cannot be rendered.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RenderError {
    /// The value cannot be written faithfully in the court's vocabulary.
    #[error("{path}: {reason}")]
    Unrepresentable { path: String, reason: String },
    /// A character XML 1.0 cannot carry (a control character).
    #[error("{path}: {value:?} contains a character XML cannot carry (U+{code:04X})")]
    InvalidCharacter {
        path: String,
        value: String,
        code: u32,
    },
    #[error("writing XML: {0}")]
    Io(String),
}

impl From<std::io::Error> for RenderError {
    fn from(e: std::io::Error) -> Self {
        RenderError::Io(e.to_string())
    }
}

fn unrepresentable(path: impl Into<String>, reason: impl Into<String>) -> RenderError {
    RenderError::Unrepresentable {
        path: path.into(),
        reason: reason.into(),
    }
}

/// Renders one proposal as a complete UTF-8 document with an XML declaration.
pub fn render_proposal(p: &Proposal) -> Result<Vec<u8>, RenderError> {
    let mut out = Out::new();
    out.decl()?;
    out.start(
        "OpisPosiljke",
        vec![
            ("schemaVersion", SCHEMA_VERSION.to_string()),
            ("xmlns:izv", NAMESPACE.to_string()),
        ],
    )?;

    out.start("Glava", vec![])?;
    let mut filer_attrs = party_attrs(&p.filer, "Posiljatelj", None, false)?;
    out.with_children("Posiljatelj", std::mem::take(&mut filer_attrs), |o| {
        o.address(&p.filer.address, "Posiljatelj/Naslov")
    })?;
    out.with_children(
        "Prejemnik",
        vec![("ime-naziv", checked(&p.court.name, "Prejemnik/@ime-naziv")?)],
        |o| {
            o.address(&p.court.address, "Prejemnik/Naslov")?;
            o.empty("Vloga", vec![("nazivVloga", VLOGA_SODISCE.to_string())])
        },
    )?;
    out.end("Glava")?;

    out.start("Vsebina", vec![])?;
    out.start(
        "ProcesnoDejanje",
        vec![
            ("sifProcesnoDejanje", ACT_PROPOSAL.to_string()),
            ("nazivProcesnoDejanje", ACT_PROPOSAL_NAME.to_string()),
        ],
    )?;
    write_predlog(&mut out, p)?;
    out.end("ProcesnoDejanje")?;
    out.end("Vsebina")?;
    out.end("OpisPosiljke")?;
    Ok(out.finish())
}

fn write_predlog(out: &mut Out, p: &Proposal) -> Result<(), RenderError> {
    let claim = &p.claim;
    out.start(
        "Predlog",
        vec![
            ("tipEopravila", TIP_EOPRAVILA.to_string()),
            ("nacinVlozitve", NACIN_VLOZITVE.to_string()),
            (
                "dtPoslano",
                crate::law::ljubljana_date(p.created_at).to_string(),
            ),
            ("stIzvodov", "1".to_string()),
            ("stPrilog", "0".to_string()),
            ("opisPriloge", String::new()),
            ("gospodarska", bool_str(claim.commercial)),
            ("prezivnina", bool_str(false)),
        ],
    )?;
    write_court(out, &p.court)?;
    out.with_children(
        "Vlagatelj",
        party_attrs(&p.filer, "Vlagatelj", None, false)?,
        |o| o.address(&p.filer.address, "Vlagatelj/Naslov"),
    )?;

    let mut next_id = 1u32;
    let mut id = || {
        let v = next_id.to_string();
        next_id += 1;
        v
    };

    out.start("Dolzniki", vec![])?;
    write_debtor(out, &claim.debtor, id())?;
    out.end("Dolzniki")?;

    out.start("Upniki", vec![])?;
    let creditor_id = id();
    let rep_id = claim.creditor.representative.as_ref().map(|_| id());
    write_creditor(out, &claim.creditor, creditor_id, rep_id)?;
    out.end("Upniki")?;

    write_oznaka_zahtevka(out, claim)?;

    if let Some(bailiff) = &claim.bailiff {
        out.start("Izvrsitelji", vec![])?;
        out.start("Izvrsitelj", vec![])?;
        let attrs = party_attrs(bailiff, "Izvrsitelj/Oseba", Some(id()), false)?;
        out.with_children("Oseba", attrs, |o| {
            o.address(&bailiff.address, "Izvrsitelj/Oseba/Naslov")
        })?;
        out.end("Izvrsitelj")?;
        out.end("Izvrsitelji")?;
    }
    out.text_element("PrilozenIzvrsilniNaslov", "false")?;
    out.end("Predlog")
}

fn write_court(out: &mut Out, court: &Court) -> Result<(), RenderError> {
    out.start("Sodisce", vec![])?;
    out.address(&court.address, "Sodisce/Naslov")?;
    out.text_element(
        "nazivSodisce",
        &checked(&court.name, "Sodisce/nazivSodisce")?,
    )?;
    out.end("Sodisce")
}

fn write_debtor(out: &mut Out, debtor: &Debtor, id: String) -> Result<(), RenderError> {
    let means = &debtor.means;
    if !means.bank_funds && !means.movables {
        return Err(unrepresentable(
            "Dolznik/PredlaganaIzvrsba",
            "no means of enforcement proposed (neither bank funds nor movables)",
        ));
    }
    if !means.bank_funds && !means.bank_accounts.is_empty() {
        return Err(unrepresentable(
            "Dolznik/PredlaganaIzvrsba/DenarnaSredstvaOPP",
            "debtor accounts are listed but bank funds are not proposed",
        ));
    }
    out.start("Dolznik", vec![])?;
    let mut attrs = party_attrs(&debtor.party, "Dolznik/Oseba", Some(id), false)?;
    attrs.push(("zastopaDrzavnoPravobranilstvo", bool_str(false)));
    out.with_children("Oseba", attrs, |o| {
        o.address(&debtor.party.address, "Dolznik/Oseba/Naslov")
    })?;
    out.start("PredlaganaIzvrsba", vec![])?;
    if means.movables {
        out.empty(
            "Premicnina",
            vec![
                ("prodajaPoplacilo", bool_str(true)),
                ("veckratniRubez", bool_str(true)),
                ("zlasti", String::new()),
            ],
        )?;
    }
    if means.bank_funds {
        if means.bank_accounts.is_empty() {
            // ZIZ 41(4): the court finds the accounts; an empty DenarnaSredstvaOPP proposes them.
            out.empty("DenarnaSredstvaOPP", vec![])?;
        } else {
            out.start("DenarnaSredstvaOPP", vec![])?;
        }
        for (i, acc) in means.bank_accounts.iter().enumerate() {
            let path = format!("DenarnaSredstvaOPP/TRR[{}]", i + 1);
            let racun = checked(acc.iban.trim(), &format!("{path}/@racun"))?;
            if racun.is_empty() {
                return Err(unrepresentable(format!("{path}/@racun"), "empty account"));
            }
            let mut attrs = vec![
                (
                    "nazivBanke",
                    checked(acc.bank_name.trim(), &format!("{path}/@nazivBanke"))?,
                ),
                ("racun", racun.clone()),
                ("sklic", String::new()),
            ];
            if let Some(kind) = account_kind(&racun) {
                attrs.push(("vrstaRacuna", kind.to_string()));
            }
            out.empty("TRR", attrs)?;
        }
        if !means.bank_accounts.is_empty() {
            out.end("DenarnaSredstvaOPP")?;
        }
    }
    out.end("PredlaganaIzvrsba")?;
    out.end("Dolznik")
}

fn write_creditor(
    out: &mut Out,
    creditor: &Creditor,
    id: String,
    rep_id: Option<String>,
) -> Result<(), RenderError> {
    out.start("Upniki", vec![])?;
    let attrs = party_attrs(&creditor.party, "Upniki/Oseba", Some(id), false)?;
    out.with_children("Oseba", attrs, |o| {
        if let Some(iban) = &creditor.iban {
            let racun = checked(iban.trim(), "RacunZaNakazilo/@racun")?;
            if !racun.is_empty() {
                let holder = if creditor.account_holder.trim().is_empty() {
                    creditor.party.display_name()
                } else {
                    creditor.account_holder.trim().to_string()
                };
                o.empty(
                    "RacunZaNakazilo",
                    vec![
                        ("racun", racun),
                        (
                            "imetnikRacuna",
                            checked(&holder, "RacunZaNakazilo/@imetnikRacuna")?,
                        ),
                    ],
                )?;
            }
        }
        o.address(&creditor.party.address, "Upniki/Oseba/Naslov")
    })?;
    if let Some(rep) = &creditor.representative {
        write_representative(out, rep, rep_id)?;
    }
    out.end("Upniki")
}

fn write_representative(
    out: &mut Out,
    rep: &Representative,
    id: Option<String>,
) -> Result<(), RenderError> {
    let mut attrs = party_attrs(&rep.party, "Zastopnik", id, true)?;
    attrs.push((
        "polozaj",
        checked(rep.position.trim(), "Zastopnik/@polozaj")?,
    ));
    out.with_children("Zastopnik", attrs, |o| {
        o.address(&rep.party.address, "Zastopnik/Naslov")
    })
}

fn write_oznaka_zahtevka(out: &mut Out, claim: &Claim) -> Result<(), RenderError> {
    if claim.documents.is_empty() {
        return Err(unrepresentable(
            "VerodostojneListine",
            "a proposal needs at least one authentic document",
        ));
    }
    out.start("OznakaZahtevka", vec![])?;
    out.start("VerodostojneListine", vec![])?;
    for (i, doc) in claim.documents.iter().enumerate() {
        write_document(out, doc, &format!("VerodostojnaListina[{}]", i + 1))?;
    }
    out.end("VerodostojneListine")?;

    out.start(
        "StroskiUpnika",
        vec![("zakonskeZamudneObresti", bool_str(claim.interest_on_costs))],
    )?;
    out.empty(
        "StrosekTaksa",
        vec![("zahtevani", bool_str(claim.claim_court_fee))],
    )?;
    for (i, cost) in claim.costs.iter().enumerate() {
        let path = format!("StrosekDrugo[{}]", i + 1);
        out.empty(
            "StrosekDrugo",
            vec![
                (
                    "opis",
                    checked(cost.description.trim(), &format!("{path}/@opis"))?,
                ),
                (
                    "valuta",
                    checked(cost.currency.trim(), &format!("{path}/@valuta"))?,
                ),
                ("znesek", amount(cost.amount, &format!("{path}/@znesek"))?),
            ],
        )?;
    }
    out.end("StroskiUpnika")?;
    out.end("OznakaZahtevka")
}

fn write_document(out: &mut Out, doc: &AuthenticDocument, path: &str) -> Result<(), RenderError> {
    let mut attrs = vec![
        ("sifListina", doc.kind_code.to_string()),
        (
            "oznaka",
            checked(doc.number.trim(), &format!("{path}/@oznaka"))?,
        ),
    ];
    if let Some(d) = doc.due_date {
        attrs.push(("datumZapadlosti", d.to_string()));
    }
    if let Some(d) = doc.issue_date {
        attrs.push(("datum", d.to_string()));
    }
    attrs.push(("znesek", amount(doc.amount, &format!("{path}/@znesek"))?));
    attrs.push((
        "valuta",
        checked(doc.currency.trim(), &format!("{path}/@valuta"))?,
    ));

    let interest_start = |from: Option<NaiveDate>| -> Result<NaiveDate, RenderError> {
        from.or_else(|| doc.due_date.map(|d| d + Duration::days(1)))
            .ok_or_else(|| {
                unrepresentable(
                    format!("{path}/ZamudneObresti/@odDatuma"),
                    "interest claimed with neither a start date nor a due date",
                )
            })
    };
    match &doc.interest {
        InterestClaim::None => out.empty("VerodostojnaListina", attrs),
        InterestClaim::Statutory { from, to } => {
            let mut i = vec![("odDatuma", interest_start(*from)?.to_string())];
            if let Some(to) = to {
                i.push(("doDatuma", to.to_string()));
            }
            out.with_children("VerodostojnaListina", attrs, |o| {
                o.start("ZamudneObresti", vec![])?;
                o.empty("ObrestZakonska", i)?;
                o.end("ZamudneObresti")
            })
        }
        InterestClaim::Contractual { rate_percent, from } => {
            let i = vec![
                (
                    "obrestnaMera",
                    rate(
                        *rate_percent,
                        &format!("{path}/ObrestPogodbena/@obrestnaMera"),
                    )?,
                ),
                ("odDatuma", interest_start(*from)?.to_string()),
            ];
            out.with_children("VerodostojnaListina", attrs, |o| {
                o.start("ZamudneObresti", vec![])?;
                o.empty("ObrestPogodbena", i)?;
                o.end("ZamudneObresti")
            })
        }
    }
}

/// A party's attributes in the court's order: idUdelezenec, ime-naziv, priimek-naziv, maticna,
/// davcna, datumRojstva, vrsta. `empty_ids`: write `maticna=""`/`davcna=""` when unknown (as the
/// court does for a representative).
fn party_attrs(
    party: &Party,
    path: &str,
    id: Option<String>,
    empty_ids: bool,
) -> Result<Vec<(&'static str, String)>, RenderError> {
    let maticna = match party.kind {
        PartyKind::Natural => {
            if let Some(r) = opt(&party.registration_number) {
                return Err(unrepresentable(
                    format!("{path}/@maticna"),
                    format!(
                        "a natural person with a registration number ('{r}'): the court's maticna of a natural person is the EMŠO"
                    ),
                ));
            }
            opt(&party.emso)
        }
        PartyKind::Legal => {
            if let Some(e) = opt(&party.emso) {
                return Err(unrepresentable(
                    format!("{path}/@maticna"),
                    format!("a legal person with an EMŠO ('{e}')"),
                ));
            }
            opt(&party.registration_number)
        }
        PartyKind::SoleTrader => opt(&party.registration_number),
    };
    let mut attrs = Vec::with_capacity(8);
    if let Some(id) = id {
        attrs.push(("idUdelezenec", id));
    }
    attrs.push((
        "ime-naziv",
        checked(party.first_name.trim(), &format!("{path}/@ime-naziv"))?,
    ));
    attrs.push((
        "priimek-naziv",
        checked(party.name.trim(), &format!("{path}/@priimek-naziv"))?,
    ));
    match maticna {
        Some(m) => attrs.push(("maticna", checked(m, &format!("{path}/@maticna"))?)),
        None if empty_ids => attrs.push(("maticna", String::new())),
        None => {}
    }
    match opt(&party.tax_number) {
        Some(t) => attrs.push(("davcna", checked(t, &format!("{path}/@davcna"))?)),
        None if empty_ids => attrs.push(("davcna", String::new())),
        None => {}
    }
    if let Some(b) = party.birth_date {
        attrs.push(("datumRojstva", b.to_string()));
    }
    attrs.push(("vrsta", party.kind.court_code().to_string()));
    Ok(attrs)
}

/// The trimmed value, `None` when absent or empty.
fn opt(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `SI_IBAN` for a Slovenian IBAN, `IBAN` for another, `BBAN` for a bare domestic number; `None`
/// when the text is none of these (lint reports it). A leading `SI_IBAN ` label is looked through.
fn account_kind(racun: &str) -> Option<&'static str> {
    let s = racun.trim();
    let s = s.strip_prefix("SI_IBAN").unwrap_or(s);
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let b = compact.as_bytes();
    if b.is_empty() {
        return None;
    }
    if b.iter().all(u8::is_ascii_digit) {
        return Some("BBAN");
    }
    if b.len() >= 5
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_uppercase()
        && b[2].is_ascii_digit()
        && b[3].is_ascii_digit()
        && b[4..].iter().all(u8::is_ascii_alphanumeric)
    {
        return Some(if compact.starts_with("SI") {
            "SI_IBAN"
        } else {
            "IBAN"
        });
    }
    None
}

/// An amount with exactly 2 decimals; more significant decimals are refused, never rounded.
fn amount(v: Decimal, path: &str) -> Result<String, RenderError> {
    if v.normalize().scale() > 2 {
        return Err(unrepresentable(
            path,
            format!("amount {v} has more than 2 decimals"),
        ));
    }
    let mut r = v;
    r.rescale(2);
    Ok(r.to_string())
}

/// A yearly rate in percent, as short as it can be written, at most 4 decimals, not negative.
fn rate(v: Decimal, path: &str) -> Result<String, RenderError> {
    let n = v.normalize();
    if n.is_sign_negative() && !n.is_zero() {
        return Err(unrepresentable(path, format!("negative rate {v}")));
    }
    if n.scale() > 4 {
        return Err(unrepresentable(
            path,
            format!("rate {v} has more than 4 decimals"),
        ));
    }
    Ok(n.abs().to_string())
}

fn bool_str(b: bool) -> String {
    if b { "true" } else { "false" }.to_string()
}

/// Refuses characters XML 1.0 cannot carry (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF).
fn checked(v: &str, path: &str) -> Result<String, RenderError> {
    if let Some(c) = v.chars().find(|&c| {
        (c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    }) {
        return Err(RenderError::InvalidCharacter {
            path: path.to_string(),
            value: v.to_string(),
            code: c as u32,
        });
    }
    Ok(v.to_string())
}

/// Escapes an attribute value: markup characters, quotes, and tab/LF/CR as character references
/// (so that attribute-value normalisation does not turn them into spaces).
fn escape_attr(v: &str) -> Cow<'_, str> {
    if !v
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'' | '\t' | '\n' | '\r'))
    {
        return Cow::Borrowed(v);
    }
    let mut s = String::with_capacity(v.len() + 8);
    for c in v.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            '\t' => s.push_str("&#9;"),
            '\n' => s.push_str("&#10;"),
            '\r' => s.push_str("&#13;"),
            c => s.push(c),
        }
    }
    Cow::Owned(s)
}

/// Escapes element text: markup characters, and CR (which XML parsers would otherwise fold).
fn escape_text(v: &str) -> Cow<'_, str> {
    if !v.chars().any(|c| matches!(c, '&' | '<' | '>' | '\r')) {
        return Cow::Borrowed(v);
    }
    let mut s = String::with_capacity(v.len() + 8);
    for c in v.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '\r' => s.push_str("&#13;"),
            c => s.push(c),
        }
    }
    Cow::Owned(s)
}

/// A small facade over quick-xml's writer: prefixed names, pre-escaped attributes.
struct Out {
    w: Writer<Vec<u8>>,
}

impl Out {
    fn new() -> Self {
        Out {
            w: Writer::new_with_indent(Vec::new(), b'\t', 1),
        }
    }

    fn finish(self) -> Vec<u8> {
        let mut v = self.w.into_inner();
        v.push(b'\n');
        v
    }

    fn decl(&mut self) -> Result<(), RenderError> {
        self.w
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        Ok(())
    }

    fn tag(name: &str, attrs: Vec<(&'static str, String)>) -> BytesStart<'static> {
        let mut e = BytesStart::new(format!("{PREFIX}:{name}"));
        for (k, v) in attrs {
            e.push_attribute(Attribute {
                key: QName(k),
                value: Cow::Owned(escape_attr(&v).into_owned()),
            });
        }
        e
    }

    fn start(&mut self, name: &str, attrs: Vec<(&'static str, String)>) -> Result<(), RenderError> {
        self.w.write_event(Event::Start(Self::tag(name, attrs)))?;
        Ok(())
    }

    fn end(&mut self, name: &str) -> Result<(), RenderError> {
        self.w
            .write_event(Event::End(BytesEnd::new(format!("{PREFIX}:{name}"))))?;
        Ok(())
    }

    fn empty(&mut self, name: &str, attrs: Vec<(&'static str, String)>) -> Result<(), RenderError> {
        self.w.write_event(Event::Empty(Self::tag(name, attrs)))?;
        Ok(())
    }

    fn with_children(
        &mut self,
        name: &str,
        attrs: Vec<(&'static str, String)>,
        children: impl FnOnce(&mut Out) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        self.start(name, attrs)?;
        children(self)?;
        self.end(name)
    }

    fn text_element(&mut self, name: &str, text: &str) -> Result<(), RenderError> {
        self.start(name, vec![])?;
        self.w
            .write_event(Event::Text(BytesText::from_escaped(escape_text(text))))?;
        self.end(name)
    }

    /// `Naslov` with all six attributes, empty strings where unknown.
    fn address(&mut self, a: &Address, path: &str) -> Result<(), RenderError> {
        let f = |v: &str, attr: &str| checked(v.trim(), &format!("{path}/@{attr}"));
        self.empty(
            "Naslov",
            vec![
                ("drzava", f(&a.country, "drzava")?),
                ("ulica", f(&a.street, "ulica")?),
                ("hisnaStevilka", f(&a.house_number, "hisnaStevilka")?),
                ("sifPosta", f(&a.post_code, "sifPosta")?),
                ("kraj", f(&a.city, "kraj")?),
                ("nazivPosta", f(&a.post_name, "nazivPosta")?),
            ],
        )
    }
}

/// A realistic proposal for tests: natural-person debtor with EMŠO, legal-person creditor with a
/// representative, 3 documents, a cost item, a bailiff with movables.
#[cfg(test)]
pub(crate) mod fixtures {
    use chrono::{NaiveDate, TimeZone, Utc};
    use rust_decimal::Decimal;

    use crate::filing::model::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn addr(street: &str, no: &str, code: &str, city: &str) -> Address {
        Address {
            street: street.into(),
            house_number: no.into(),
            post_code: code.into(),
            city: city.into(),
            post_name: city.into(),
            country: "SVN".into(),
        }
    }

    pub fn creditor_party() -> Party {
        Party {
            kind: PartyKind::Legal,
            first_name: String::new(),
            name: "Terjatve & Co. d.o.o.".into(),
            tax_number: Some("SI10000011".into()),
            registration_number: Some("1234567000".into()),
            emso: None,
            birth_date: None,
            address: addr("Dunajska cesta", "5", "1000", "Ljubljana"),
        }
    }

    pub fn sample_proposal() -> Proposal {
        let representative = Party {
            kind: PartyKind::Natural,
            first_name: "Mojca".into(),
            name: "Zastopnik".into(),
            tax_number: None,
            registration_number: None,
            emso: None,
            birth_date: None,
            address: Address::default(),
        };
        let debtor = Party {
            kind: PartyKind::Natural,
            first_name: "Janez".into(),
            name: "Novak".into(),
            tax_number: Some("12345679".into()),
            registration_number: None,
            emso: Some("0101980500006".into()),
            birth_date: Some(d(1980, 1, 1)),
            address: addr("Slovenska ulica", "12a", "2000", "Maribor"),
        };
        let bailiff = Party {
            kind: PartyKind::Natural,
            first_name: "Živa".into(),
            name: "Groza".into(),
            tax_number: Some("87654321".into()),
            registration_number: None,
            emso: None,
            birth_date: None,
            address: addr("Strossmayerjeva ulica", "10", "2000", "Maribor"),
        };
        let doc = |n: &str, issued, due, cents, interest| AuthenticDocument {
            kind_code: 1,
            number: n.into(),
            issue_date: Some(issued),
            due_date: Some(due),
            amount: Decimal::new(cents, 2),
            currency: "EUR".into(),
            interest,
        };
        Proposal {
            id: "prop-0001".into(),
            filer: creditor_party(),
            court: Court::covl(),
            claim: Claim {
                external_ref: Some("K-2026-17".into()),
                creditor: Creditor {
                    party: creditor_party(),
                    iban: Some("SI56 0110 0100 0000 123".into()),
                    account_holder: String::new(),
                    representative: Some(Representative {
                        party: representative,
                        position: "direktorica".into(),
                    }),
                },
                debtor: Debtor {
                    party: debtor,
                    means: Means {
                        bank_funds: true,
                        bank_accounts: vec![BankAccount {
                            iban: "SI56 0201 0001 2345 678".into(),
                            bank_name: "NLB d.d.".into(),
                        }],
                        movables: true,
                    },
                },
                documents: vec![
                    doc(
                        "2026-001",
                        d(2026, 1, 5),
                        d(2026, 2, 4),
                        21960,
                        InterestClaim::Statutory {
                            from: None,
                            to: None,
                        },
                    ),
                    doc(
                        "2026-002",
                        d(2026, 1, 20),
                        d(2026, 2, 19),
                        10000,
                        InterestClaim::Statutory {
                            from: Some(d(2026, 3, 1)),
                            to: Some(d(2026, 6, 30)),
                        },
                    ),
                    doc(
                        "2026-003",
                        d(2026, 2, 1),
                        d(2026, 3, 3),
                        52444,
                        InterestClaim::Contractual {
                            rate_percent: Decimal::new(850, 2),
                            from: None,
                        },
                    ),
                ],
                costs: vec![CostItem {
                    description: "STROŠKI SESTAVE PREDLOGA".into(),
                    amount: Decimal::new(5000, 2),
                    currency: "EUR".into(),
                }],
                claim_court_fee: true,
                interest_on_costs: true,
                bailiff: Some(bailiff),
                commercial: false,
            },
            // 2026-03-29 is the last Sunday of March: 22:30 UTC is 00:30 CEST on 30 March.
            created_at: Utc.with_ymd_and_hms(2026, 3, 29, 22, 30, 0).unwrap(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::sample_proposal;
    use super::*;
    use crate::filing::model::{BankAccount, CostItem};
    use crate::filing::validate::CourtSchema;
    use crate::filing::validate::test_support::xmllint;

    fn render_str(p: &Proposal) -> String {
        String::from_utf8(render_proposal(p).expect("renders")).expect("UTF-8")
    }

    fn assert_valid(xml: &str) {
        CourtSchema::shared()
            .validate(xml.as_bytes())
            .unwrap_or_else(|e| panic!("uppsala refuses the rendered proposal: {e}\n{xml}"));
        if let Some(r) = xmllint(xml.as_bytes()) {
            r.unwrap_or_else(|e| panic!("xmllint refuses the rendered proposal: {e}\n{xml}"));
        }
    }

    #[test]
    fn realistic_proposal_is_valid_for_uppsala_and_xmllint() {
        assert_valid(&render_str(&sample_proposal()));
    }

    #[test]
    fn output_is_deterministic() {
        let p = sample_proposal();
        assert_eq!(render_proposal(&p).unwrap(), render_proposal(&p).unwrap());
        assert_eq!(
            render_proposal(&p).unwrap(),
            render_proposal(&p.clone()).unwrap()
        );
    }

    #[test]
    fn key_elements_are_written_as_the_court_writes_them() {
        let xml = render_str(&sample_proposal());
        let expect = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<izv:OpisPosiljke schemaVersion=\"1.1\" xmlns:izv=\"http://sodisce.si/izvrsba\">",
            "<izv:Posiljatelj ime-naziv=\"\" priimek-naziv=\"Terjatve &amp; Co. d.o.o.\" maticna=\"1234567000\" davcna=\"SI10000011\" vrsta=\"pravna\">",
            "<izv:Prejemnik ime-naziv=\"Okrajno sodišče v Ljubljani - Centralni oddelek za verodostojno listino\">",
            "<izv:Naslov drzava=\"SVN\" ulica=\"Zaloška cesta\" hisnaStevilka=\"59\" sifPosta=\"1000\" kraj=\"Ljubljana\" nazivPosta=\"Ljubljana\"/>",
            "<izv:Vloga nazivVloga=\"sodišče\"/>",
            "<izv:ProcesnoDejanje sifProcesnoDejanje=\"568\" nazivProcesnoDejanje=\"VL predlog za izvršbo\">",
            "<izv:Predlog tipEopravila=\"011\" nacinVlozitve=\"splet\" dtPoslano=\"2026-03-30\" stIzvodov=\"1\" stPrilog=\"0\" opisPriloge=\"\" gospodarska=\"false\" prezivnina=\"false\">",
            "<izv:nazivSodisce>Okrajno sodišče v Ljubljani - Centralni oddelek za verodostojno listino</izv:nazivSodisce>",
            "<izv:Oseba idUdelezenec=\"1\" ime-naziv=\"Janez\" priimek-naziv=\"Novak\" maticna=\"0101980500006\" davcna=\"12345679\" datumRojstva=\"1980-01-01\" vrsta=\"fizicna\" zastopaDrzavnoPravobranilstvo=\"false\">",
            "<izv:Premicnina prodajaPoplacilo=\"true\" veckratniRubez=\"true\" zlasti=\"\"/>",
            "<izv:TRR nazivBanke=\"NLB d.d.\" racun=\"SI56 0201 0001 2345 678\" sklic=\"\" vrstaRacuna=\"SI_IBAN\"/>",
            "<izv:Oseba idUdelezenec=\"2\" ime-naziv=\"\" priimek-naziv=\"Terjatve &amp; Co. d.o.o.\" maticna=\"1234567000\" davcna=\"SI10000011\" vrsta=\"pravna\">",
            "<izv:RacunZaNakazilo racun=\"SI56 0110 0100 0000 123\" imetnikRacuna=\"Terjatve &amp; Co. d.o.o.\"/>",
            "<izv:Zastopnik idUdelezenec=\"3\" ime-naziv=\"Mojca\" priimek-naziv=\"Zastopnik\" maticna=\"\" davcna=\"\" vrsta=\"fizicna\" polozaj=\"direktorica\">",
            "<izv:Naslov drzava=\"\" ulica=\"\" hisnaStevilka=\"\" sifPosta=\"\" kraj=\"\" nazivPosta=\"\"/>",
            "<izv:VerodostojnaListina sifListina=\"1\" oznaka=\"2026-001\" datumZapadlosti=\"2026-02-04\" datum=\"2026-01-05\" znesek=\"219.60\" valuta=\"EUR\">",
            // interest from due date + 1 when not stated
            "<izv:ObrestZakonska odDatuma=\"2026-02-05\"/>",
            "znesek=\"100.00\"",
            "<izv:ObrestZakonska odDatuma=\"2026-03-01\" doDatuma=\"2026-06-30\"/>",
            "<izv:ObrestPogodbena obrestnaMera=\"8.5\" odDatuma=\"2026-03-04\"/>",
            "<izv:StroskiUpnika zakonskeZamudneObresti=\"true\">",
            "<izv:StrosekTaksa zahtevani=\"true\"/>",
            "<izv:StrosekDrugo opis=\"STROŠKI SESTAVE PREDLOGA\" valuta=\"EUR\" znesek=\"50.00\"/>",
            "<izv:Izvrsitelji>",
            "<izv:Oseba idUdelezenec=\"4\" ime-naziv=\"Živa\" priimek-naziv=\"Groza\" davcna=\"87654321\" vrsta=\"fizicna\">",
            "<izv:PrilozenIzvrsilniNaslov>false</izv:PrilozenIzvrsilniNaslov>",
        ];
        for e in expect {
            assert!(xml.contains(e), "missing {e}\n{xml}");
        }
        // Order of the Predlog's children, as in the court's sample.
        let order = [
            "<izv:Sodisce>",
            "<izv:Vlagatelj ",
            "<izv:Dolzniki>",
            "<izv:Upniki>",
            "<izv:OznakaZahtevka>",
            "<izv:Izvrsitelji>",
            "<izv:PrilozenIzvrsilniNaslov>",
        ];
        let pos: Vec<usize> = order.iter().map(|e| xml.find(e).unwrap()).collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "{xml}");
        assert!(!xml.contains("dtSprejeto"));
        assert!(!xml.contains("OkrajnoSodisce"));
        assert!(xml.ends_with("</izv:OpisPosiljke>\n"));
    }

    #[test]
    fn optional_values_are_omitted_and_accounts_kept_as_written() {
        let mut p = sample_proposal();
        p.claim.documents[0].issue_date = None;
        p.claim.bailiff = None;
        p.claim.debtor.means.movables = false;
        p.claim.debtor.party.tax_number = None;
        p.claim.debtor.party.birth_date = None;
        p.claim.creditor.iban = Some("SI_IBAN SI56022222222222222".into());
        p.claim.creditor.account_holder = "KAO D.O.O.".into();
        p.claim.creditor.representative = None;
        p.claim.documents[0].interest = InterestClaim::None;
        let xml = render_str(&p);
        assert_valid(&xml);
        assert!(xml.contains(
            "<izv:VerodostojnaListina sifListina=\"1\" oznaka=\"2026-001\" datumZapadlosti=\"2026-02-04\" znesek=\"219.60\" valuta=\"EUR\"/>"
        ));
        assert!(xml.contains(
            "<izv:Oseba idUdelezenec=\"1\" ime-naziv=\"Janez\" priimek-naziv=\"Novak\" maticna=\"0101980500006\" vrsta=\"fizicna\" zastopaDrzavnoPravobranilstvo=\"false\">"
        ));
        assert!(xml.contains(
            "<izv:RacunZaNakazilo racun=\"SI_IBAN SI56022222222222222\" imetnikRacuna=\"KAO D.O.O.\"/>"
        ));
        for absent in ["Izvrsitelji", "Premicnina", "Zastopnik"] {
            assert!(!xml.contains(absent), "{absent} written\n{xml}");
        }
    }

    #[test]
    fn bank_funds_without_a_known_account() {
        let mut p = sample_proposal();
        p.claim.debtor.means.bank_accounts.clear();
        p.claim.debtor.means.movables = false;
        p.claim.bailiff = None;
        let xml = render_str(&p);
        assert_valid(&xml);
        assert!(
            xml.contains("<izv:PredlaganaIzvrsba>\n\t\t\t\t\t\t\t<izv:DenarnaSredstvaOPP/>"),
            "{xml}"
        );
    }

    #[test]
    fn text_is_escaped() {
        let mut p = sample_proposal();
        p.claim.debtor.party.name = "A<B> & \"C\" 'D'".into();
        p.claim.costs.push(CostItem {
            description: "vrstica 1\nvrstica 2\ttab".into(),
            amount: Decimal::new(1, 0),
            currency: "EUR".into(),
        });
        p.court.name = "Sodišče <&>".into();
        let xml = render_str(&p);
        assert_valid(&xml);
        assert!(xml.contains("priimek-naziv=\"A&lt;B&gt; &amp; &quot;C&quot; &apos;D&apos;\""));
        assert!(
            xml.contains("opis=\"vrstica 1&#10;vrstica 2&#9;tab\" valuta=\"EUR\" znesek=\"1.00\"")
        );
        assert!(xml.contains("<izv:nazivSodisce>Sodišče &lt;&amp;&gt;</izv:nazivSodisce>"));
    }

    #[test]
    fn account_kinds() {
        assert_eq!(account_kind("SI56 0201 0001 2345 678"), Some("SI_IBAN"));
        assert_eq!(account_kind("SI_IBAN SI56022222222222222"), Some("SI_IBAN"));
        assert_eq!(account_kind("AT611904300234573201"), Some("IBAN"));
        assert_eq!(account_kind("123112313448867"), Some("BBAN"));
        assert_eq!(account_kind("račun ?"), None);
        let mut p = sample_proposal();
        p.claim.debtor.means.bank_accounts.push(BankAccount {
            iban: "neznan".into(),
            bank_name: String::new(),
        });
        let xml = render_str(&p);
        assert_valid(&xml);
        assert!(xml.contains("<izv:TRR nazivBanke=\"\" racun=\"neznan\" sklic=\"\"/>"));
    }

    #[test]
    fn refusals() {
        let err = |f: &dyn Fn(&mut Proposal)| {
            let mut p = sample_proposal();
            f(&mut p);
            render_proposal(&p).unwrap_err().to_string()
        };
        let e = err(&|p| {
            p.claim.debtor.means.bank_funds = false;
            p.claim.debtor.means.movables = false;
        });
        assert!(e.contains("no means of enforcement"), "{e}");
        let e = err(&|p| p.claim.debtor.means.bank_funds = false);
        assert!(e.contains("bank funds are not proposed"), "{e}");
        let e = err(&|p| p.claim.documents[1].amount = Decimal::new(12345, 3));
        assert_eq!(
            e,
            "VerodostojnaListina[2]/@znesek: amount 12.345 has more than 2 decimals"
        );
        // trailing zeros are not decimals that matter
        let mut p = sample_proposal();
        p.claim.documents[1].amount = Decimal::new(12300, 3);
        assert!(render_str(&p).contains("znesek=\"12.30\""));
        let e = err(&|p| {
            p.claim.documents[0].due_date = None;
        });
        assert!(e.contains("neither a start date nor a due date"), "{e}");
        let e = err(&|p| p.claim.debtor.party.name = "Novak\u{1}".into());
        assert!(
            e.contains("Dolznik/Oseba/@priimek-naziv") && e.contains("U+0001"),
            "{e}"
        );
        let e = err(&|p| p.claim.debtor.party.registration_number = Some("123".into()));
        assert!(
            e.contains("natural person with a registration number"),
            "{e}"
        );
        let e = err(&|p| p.claim.creditor.party.emso = Some("0101980500006".into()));
        assert!(e.contains("legal person with an EMŠO"), "{e}");
        let e = err(&|p| p.claim.documents.clear());
        assert!(e.contains("at least one authentic document"), "{e}");
        let e = err(&|p| {
            p.claim.documents[2].interest = InterestClaim::Contractual {
                rate_percent: Decimal::new(-1, 0),
                from: None,
            }
        });
        assert!(e.contains("negative rate"), "{e}");
    }

    #[test]
    fn dt_poslano_is_the_ljubljana_date() {
        let at = |y, m, d, h, min| {
            chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, y, m, d, h, min, 0).unwrap()
        };
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // winter: UTC+1
        assert_eq!(
            crate::law::ljubljana_date(at(2026, 1, 15, 22, 59)),
            date(2026, 1, 15)
        );
        assert_eq!(
            crate::law::ljubljana_date(at(2026, 1, 15, 23, 0)),
            date(2026, 1, 16)
        );
        // summer: UTC+2
        assert_eq!(
            crate::law::ljubljana_date(at(2026, 7, 1, 21, 59)),
            date(2026, 7, 1)
        );
        assert_eq!(
            crate::law::ljubljana_date(at(2026, 7, 1, 22, 0)),
            date(2026, 7, 2)
        );
        // switches: 29 March 2026 01:00 UTC, 25 October 2026 01:00 UTC
        assert_eq!(
            crate::law::ljubljana_date(at(2026, 3, 29, 0, 59)),
            date(2026, 3, 29)
        );
        assert_eq!(
            crate::law::ljubljana_date(at(2026, 3, 28, 22, 30)),
            date(2026, 3, 28)
        );
        assert_eq!(
            crate::law::ljubljana_date(at(2026, 3, 29, 22, 30)),
            date(2026, 3, 30)
        );
        assert_eq!(
            crate::law::ljubljana_date(at(2026, 10, 24, 22, 30)),
            date(2026, 10, 25)
        );
        assert_eq!(
            crate::law::ljubljana_date(at(2026, 10, 25, 22, 30)),
            date(2026, 10, 25)
        );
        assert_eq!(
            crate::law::ljubljana_date(at(2026, 12, 31, 23, 30)),
            date(2027, 1, 1)
        );
    }
}
