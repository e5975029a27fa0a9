//! Import of enforcement proposals written in the court's XML (`http://sodisce.si/izvrsba`,
//! act 568 `VL predlog za izvršbo`), e.g. exported by another system.
//!
//! Every value is kept as written, trimmed (`"Srečko "` → `"Srečko"`): identifiers stay text
//! (a bad check digit survives, lint names it), accounts stay as written (`SI_IBAN SI56…`; lint
//! normalises), empty strings become `None` for optional identifiers. Only syntax is parsed: a
//! date must be a date (a zone offset such as `2016-04-28+02:00` is dropped: the date part is the
//! legal date), an amount a decimal number (its scale is kept), a flag a boolean.
//!
//! Elements are matched by namespace (`http://sodisce.si/izvrsba`), never by prefix. Other acts in
//! the shipment (566, 536, …) are skipped and reported in [`CourtXmlImport::skipped`]. Elements
//! of other namespaces (e.g. an enveloped `ds:Signature`) are ignored; an unknown element of the
//! court's namespace inside a proposal is an error, so nothing is silently dropped.
//!
//! Mapping, the inverse of [`crate::filing::render`]: party `vrsta` → kind (when absent: a
//! natural person if `ime-naziv` is not empty, else a legal person); `maticna` → EMŠO of a natural
//! person, registration number otherwise; the filer is `Predlog/Vlagatelj`. What writ's model
//! cannot hold is refused with [`CourtXmlError::Unsupported`] rather than dropped: several debtors,
//! creditors, representatives or bailiffs in one proposal, several interest claims on one document,
//! an end date on contractual interest, a maintenance claim (`prezivnina="true"`).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::court_xml::{self, Element, NAMESPACE, ReadError, parse_bool, parse_decimal};
use crate::filing::model::{
    Address, AuthenticDocument, BankAccount, Claim, CostItem, Creditor, Debtor, InterestClaim,
    Means, Party, PartyKind, Representative,
};
use crate::filing::render::ACT_PROPOSAL;

/// One act-568 proposal read from a shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedProposal {
    pub claim: Claim,
    /// Who filed it (`Predlog/Vlagatelj`), when named.
    pub filer: Option<Party>,
    /// `Predlog/@dtPoslano`, the date part.
    pub sent_date: Option<NaiveDate>,
}

/// An act of the shipment that is not a proposal, skipped by the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedAct {
    /// `sifProcesnoDejanje`, e.g. "566".
    pub code: String,
    /// `nazivProcesnoDejanje`.
    pub name: String,
    pub line: usize,
}

/// Everything the import found in one shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourtXmlImport {
    pub proposals: Vec<ImportedProposal>,
    pub skipped: Vec<SkippedAct>,
}

/// Why a document cannot be imported. Every variant names the place (element path, `@attribute`)
/// and the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CourtXmlError {
    #[error("line {line}: not well-formed XML: {message}")]
    Xml { line: usize, message: String },
    #[error("line {line}: {path}: '{value}' {reason}")]
    Value {
        line: usize,
        path: String,
        value: String,
        reason: String,
    },
    #[error("line {line}: {path}: missing")]
    Missing { line: usize, path: String },
    #[error("line {line}: {path}: {reason}")]
    Structure {
        line: usize,
        path: String,
        reason: String,
    },
    #[error("line {line}: {path}: not supported by writ's model: {reason}")]
    Unsupported {
        line: usize,
        path: String,
        reason: String,
    },
}

/// The act-568 proposals of a shipment, one per `ProcesnoDejanje sifProcesnoDejanje="568"`
/// (other acts are skipped; [`import_shipment`] reports them).
pub fn parse_proposals(xml: &[u8]) -> Result<Vec<ImportedProposal>, CourtXmlError> {
    Ok(import_shipment(xml)?.proposals)
}

/// Reads a shipment (`OpisPosiljke`): its proposals, and the acts skipped.
pub fn import_shipment(xml: &[u8]) -> Result<CourtXmlImport, CourtXmlError> {
    let root = court_xml::parse(xml)?;
    if !(root.is_court() && root.name == "OpisPosiljke") {
        return Err(CourtXmlError::Structure {
            line: root.line,
            path: root.name.clone(),
            reason: format!("the root element must be OpisPosiljke in the namespace {NAMESPACE}"),
        });
    }
    let mut out = CourtXmlImport {
        proposals: Vec::new(),
        skipped: Vec::new(),
    };
    let Some(vsebina) = root.child("Vsebina") else {
        return Err(CourtXmlError::Missing {
            line: root.line,
            path: "OpisPosiljke/Vsebina".into(),
        });
    };
    for act in vsebina.children_named("ProcesnoDejanje") {
        let code = act.attr("sifProcesnoDejanje").unwrap_or_default();
        if code == ACT_PROPOSAL {
            let Some(predlog) = act.child("Predlog") else {
                return Err(CourtXmlError::Structure {
                    line: act.line,
                    path: "ProcesnoDejanje".into(),
                    reason: format!("act {ACT_PROPOSAL} without a Predlog"),
                });
            };
            out.proposals.push(read_predlog(predlog)?);
        } else {
            out.skipped.push(SkippedAct {
                code: code.to_string(),
                name: act
                    .attr("nazivProcesnoDejanje")
                    .unwrap_or_default()
                    .to_string(),
                line: act.line,
            });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The proposal
// ---------------------------------------------------------------------------------------------

const PREDLOG_CHILDREN: &[&str] = &[
    "Sodisce",
    "Vlagatelj",
    "Dolzniki",
    "Upniki",
    "OznakaZahtevka",
    "Izvrsitelji",
    "OkrajnoSodisce",
    "PrilozenIzvrsilniNaslov",
];

fn read_predlog(p: &Element) -> Result<ImportedProposal, CourtXmlError> {
    p.only_children(PREDLOG_CHILDREN)?;
    let sent_date = p.opt_date("dtPoslano")?;
    let commercial = p.req_bool("gospodarska")?;
    if p.opt_bool("prezivnina")? == Some(true) {
        return Err(p.unsupported("@prezivnina", "a maintenance claim (prezivnina=\"true\")"));
    }

    if let Some(title) = p.child("PrilozenIzvrsilniNaslov") {
        let v = title.text.trim();
        match parse_bool(v) {
            Some(false) => {}
            Some(true) => {
                return Err(title.unsupported(
                    "",
                    "an enforcement title attached (writ files on authentic documents)",
                ));
            }
            None => return Err(title.bad_value("", v, "is not a boolean")),
        }
    }

    let filer = match p.child("Vlagatelj") {
        Some(v) => {
            let party = read_party(v)?;
            let named = !party.first_name.is_empty() || !party.name.is_empty();
            let identified = party.tax_number.is_some()
                || party.registration_number.is_some()
                || party.emso.is_some();
            (named || identified).then_some(party)
        }
        None => None,
    };

    let dolzniki = p.req_child("Dolzniki")?;
    let debtors: Vec<&Element> = dolzniki.children_named("Dolznik").collect();
    let debtor = match debtors.as_slice() {
        [d] => read_debtor(d)?,
        [] => return Err(dolzniki.missing("Dolznik")),
        _ => {
            return Err(dolzniki.unsupported(
                "Dolznik",
                &format!(
                    "{} debtors in one proposal (writ holds one per claim)",
                    debtors.len()
                ),
            ));
        }
    };

    let upniki = p.req_child("Upniki")?;
    let groups: Vec<&Element> = upniki.children_named("Upniki").collect();
    let creditor = match groups.as_slice() {
        [g] => read_creditor(g)?,
        [] => return Err(upniki.missing("Upniki")),
        _ => {
            return Err(upniki.unsupported(
                "Upniki",
                &format!("{} creditor groups in one proposal", groups.len()),
            ));
        }
    };

    let zahtevek = p.req_child("OznakaZahtevka")?;
    zahtevek.only_children(&["VerodostojneListine", "StroskiUpnika"])?;
    let listine = zahtevek.req_child("VerodostojneListine")?;
    listine.only_children(&["VerodostojnaListina"])?;
    let documents = listine
        .children_named("VerodostojnaListina")
        .map(read_document)
        .collect::<Result<Vec<_>, _>>()?;
    if documents.is_empty() {
        return Err(listine.missing("VerodostojnaListina"));
    }

    let (costs, claim_court_fee, interest_on_costs) = match zahtevek.child("StroskiUpnika") {
        None => (Vec::new(), false, false),
        Some(s) => {
            s.only_children(&["StrosekTaksa", "StrosekDrugo"])?;
            let interest = s.req_bool("zakonskeZamudneObresti")?;
            let fee = match s.child("StrosekTaksa") {
                Some(t) => t.req_bool("zahtevani")?,
                None => false,
            };
            let costs = s
                .children_named("StrosekDrugo")
                .map(|c| {
                    Ok(CostItem {
                        description: c.req_text_attr("opis")?,
                        amount: c.req_amount("znesek")?,
                        currency: c.req_text_attr("valuta")?,
                    })
                })
                .collect::<Result<Vec<_>, CourtXmlError>>()?;
            (costs, fee, interest)
        }
    };

    let bailiff = match p.child("Izvrsitelji") {
        None => None,
        Some(iz) => {
            iz.only_children(&["Izvrsitelj"])?;
            let all: Vec<&Element> = iz.children_named("Izvrsitelj").collect();
            match all.as_slice() {
                [] => None,
                [one] => Some(read_party(one.req_child("Oseba")?)?),
                _ => {
                    return Err(iz.unsupported(
                        "Izvrsitelj",
                        &format!("{} bailiffs in one proposal", all.len()),
                    ));
                }
            }
        }
    };

    Ok(ImportedProposal {
        claim: Claim {
            external_ref: None,
            creditor,
            debtor,
            documents,
            costs,
            claim_court_fee,
            interest_on_costs,
            bailiff,
            commercial,
        },
        filer,
        sent_date,
    })
}

fn read_debtor(d: &Element) -> Result<Debtor, CourtXmlError> {
    d.only_children(&["Oseba", "PredlaganaIzvrsba"])?;
    let party = read_party(d.req_child("Oseba")?)?;
    let mut means = Means::default();
    if let Some(pi) = d.child("PredlaganaIzvrsba") {
        pi.only_children(&["Premicnina", "DenarnaSredstvaOPP"])?;
        means.movables = pi.child("Premicnina").is_some();
        if let Some(opp) = pi.child("DenarnaSredstvaOPP") {
            opp.only_children(&["TRR"])?;
            means.bank_funds = true;
            for trr in opp.children_named("TRR") {
                means.bank_accounts.push(BankAccount {
                    iban: trr.req_text_attr("racun")?,
                    bank_name: trr.text_attr("nazivBanke"),
                });
            }
        }
    }
    Ok(Debtor { party, means })
}

fn read_creditor(g: &Element) -> Result<Creditor, CourtXmlError> {
    g.only_children(&["Oseba", "Zastopnik", "Pooblascenec"])?;
    let persons: Vec<&Element> = g.children_named("Oseba").collect();
    let oseba = match persons.as_slice() {
        [o] => *o,
        [] => return Err(g.missing("Oseba")),
        _ => {
            return Err(g.unsupported(
                "Oseba",
                &format!("{} creditors in one proposal", persons.len()),
            ));
        }
    };
    let party = read_party(oseba)?;
    let (iban, account_holder) = match oseba.child("RacunZaNakazilo") {
        Some(r) => (r.opt_text_attr("racun"), r.text_attr("imetnikRacuna")),
        None => (None, String::new()),
    };
    let reps: Vec<&Element> = g
        .court_children()
        .filter(|c| c.name == "Zastopnik" || c.name == "Pooblascenec")
        .collect();
    let representative = match reps.as_slice() {
        [] => None,
        [r] => Some(Representative {
            party: read_party(r)?,
            position: r.text_attr("polozaj"),
        }),
        _ => {
            return Err(g.unsupported(
                "Zastopnik",
                &format!("{} representatives/proxies for one creditor", reps.len()),
            ));
        }
    };
    Ok(Creditor {
        party,
        iban,
        account_holder,
        representative,
    })
}

fn read_document(l: &Element) -> Result<AuthenticDocument, CourtXmlError> {
    l.only_children(&["ZamudneObresti"])?;
    let code_text = l.req_text_attr("sifListina")?;
    let kind_code = code_text
        .parse::<u8>()
        .map_err(|_| l.bad_value("@sifListina", &code_text, "is not a document kind code"))?;
    let due_date = l.opt_date("datumZapadlosti")?;
    let interest = match l.child("ZamudneObresti") {
        None => InterestClaim::None,
        Some(z) => {
            z.only_children(&["ObrestZakonska", "ObrestPogodbena"])?;
            let items: Vec<&Element> = z.court_children().collect();
            match items.as_slice() {
                [] => InterestClaim::None,
                [i] if i.name == "ObrestZakonska" => InterestClaim::Statutory {
                    from: i.opt_date("odDatuma")?,
                    to: i.opt_date("doDatuma")?,
                },
                [i] => {
                    if i.attr("doDatuma").is_some_and(|v| !v.is_empty()) {
                        return Err(
                            i.unsupported("@doDatuma", "an end date on contractual interest")
                        );
                    }
                    InterestClaim::Contractual {
                        rate_percent: i.req_decimal("obrestnaMera", "is not a rate in percent")?,
                        from: i.opt_date("odDatuma")?,
                    }
                }
                _ => {
                    return Err(z.unsupported(
                        "ObrestZakonska",
                        &format!("{} interest claims on one document", items.len()),
                    ));
                }
            }
        }
    };
    Ok(AuthenticDocument {
        kind_code,
        number: l.req_text_attr("oznaka")?,
        issue_date: l.opt_date("datum")?,
        due_date,
        amount: l.req_amount("znesek")?,
        currency: l.req_text_attr("valuta")?,
        interest,
    })
}

/// A party from the court's attributes and its `Naslov` child (if any).
fn read_party(n: &Element) -> Result<Party, CourtXmlError> {
    let first_name = n.text_attr("ime-naziv");
    let kind = match n.opt_text_attr("vrsta") {
        None if first_name.is_empty() => PartyKind::Legal,
        None => PartyKind::Natural,
        Some(v) => match v.as_str() {
            "fizicna" => PartyKind::Natural,
            "pravna" => PartyKind::Legal,
            "s.p." => PartyKind::SoleTrader,
            _ => {
                return Err(n.bad_value(
                    "@vrsta",
                    &v,
                    "is not a party kind (pravna, fizicna, s.p.)",
                ));
            }
        },
    };
    let maticna = n.opt_text_attr("maticna");
    let (registration_number, emso) = match kind {
        PartyKind::Natural => (None, maticna),
        _ => (maticna, None),
    };
    let address = match n.child("Naslov") {
        Some(a) => Address {
            street: a.text_attr("ulica"),
            house_number: a.text_attr("hisnaStevilka"),
            post_code: a.text_attr("sifPosta"),
            city: a.text_attr("kraj"),
            post_name: a.text_attr("nazivPosta"),
            country: a.text_attr("drzava"),
        },
        None => Address::default(),
    };
    Ok(Party {
        kind,
        first_name,
        name: n.text_attr("priimek-naziv"),
        tax_number: n.opt_text_attr("davcna"),
        registration_number,
        emso,
        birth_date: n.opt_date("datumRojstva")?,
        address,
    })
}

// ---------------------------------------------------------------------------------------------
// Syntax of values
// ---------------------------------------------------------------------------------------------

/// An xs:date with an optional zone offset; the offset is dropped (the date part is the legal date).
fn parse_date(v: &str) -> Option<NaiveDate> {
    let date_part = if v.len() > 10 && v.is_char_boundary(10) {
        let (d, tz) = v.split_at(10);
        let tz_ok = tz == "Z"
            || (tz.len() == 6
                && matches!(tz.as_bytes()[0], b'+' | b'-')
                && tz.as_bytes()[3] == b':'
                && tz[1..3].bytes().all(|b| b.is_ascii_digit())
                && tz[4..6].bytes().all(|b| b.is_ascii_digit()));
        if !tz_ok {
            return None;
        }
        d
    } else {
        v
    };
    let b = date_part.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d").ok()
}

// ---------------------------------------------------------------------------------------------
// Reading the tree (crate::court_xml) with this import's errors
// ---------------------------------------------------------------------------------------------

impl From<ReadError> for CourtXmlError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Malformed { line, message } => CourtXmlError::Xml { line, message },
            ReadError::Refused { line, path, reason } => {
                CourtXmlError::Structure { line, path, reason }
            }
        }
    }
}

/// The import's reading of an element: values required or typed, errors as [`CourtXmlError`]
/// naming the element, the attribute and the line.
trait Read {
    /// Trimmed attribute text; present but empty is kept as `""`.
    fn req_text_attr(&self, name: &str) -> Result<String, CourtXmlError>;
    fn opt_date(&self, name: &str) -> Result<Option<NaiveDate>, CourtXmlError>;
    fn req_amount(&self, name: &str) -> Result<Decimal, CourtXmlError>;
    fn req_decimal(&self, name: &str, reason: &str) -> Result<Decimal, CourtXmlError>;
    fn opt_bool(&self, name: &str) -> Result<Option<bool>, CourtXmlError>;
    fn req_bool(&self, name: &str) -> Result<bool, CourtXmlError>;
    fn req_child(&self, name: &str) -> Result<&Element, CourtXmlError>;
    /// Refuses a child of the court's namespace that is not in `known` (nothing is dropped
    /// silently). Children of other namespaces are ignored.
    fn only_children(&self, known: &[&str]) -> Result<(), CourtXmlError>;
    fn missing(&self, what: &str) -> CourtXmlError;
    fn bad_value(&self, what: &str, value: &str, reason: &str) -> CourtXmlError;
    fn unsupported(&self, what: &str, reason: &str) -> CourtXmlError;
}

impl Read for Element {
    fn req_text_attr(&self, name: &str) -> Result<String, CourtXmlError> {
        match self.attr(name) {
            Some(v) => Ok(v.trim().to_string()),
            None => Err(self.missing(&format!("@{name}"))),
        }
    }

    fn opt_date(&self, name: &str) -> Result<Option<NaiveDate>, CourtXmlError> {
        match self.opt_text_attr(name) {
            None => Ok(None),
            Some(v) => parse_date(&v)
                .map(Some)
                .ok_or_else(|| self.bad_value(&format!("@{name}"), &v, "is not a date (xs:date)")),
        }
    }

    fn req_amount(&self, name: &str) -> Result<Decimal, CourtXmlError> {
        self.req_decimal(name, "is not a decimal amount")
    }

    fn req_decimal(&self, name: &str, reason: &str) -> Result<Decimal, CourtXmlError> {
        let v = self.req_text_attr(name)?;
        parse_decimal(&v).ok_or_else(|| self.bad_value(&format!("@{name}"), &v, reason))
    }

    fn opt_bool(&self, name: &str) -> Result<Option<bool>, CourtXmlError> {
        match self.opt_text_attr(name) {
            None => Ok(None),
            Some(v) => parse_bool(&v)
                .map(Some)
                .ok_or_else(|| self.bad_value(&format!("@{name}"), &v, "is not a boolean")),
        }
    }

    fn req_bool(&self, name: &str) -> Result<bool, CourtXmlError> {
        self.opt_bool(name)?
            .ok_or_else(|| self.missing(&format!("@{name}")))
    }

    fn req_child(&self, name: &str) -> Result<&Element, CourtXmlError> {
        self.child(name).ok_or_else(|| self.missing(name))
    }

    fn only_children(&self, known: &[&str]) -> Result<(), CourtXmlError> {
        match self
            .court_children()
            .find(|c| !known.contains(&c.name.as_str()))
        {
            Some(c) => Err(CourtXmlError::Structure {
                line: c.line,
                path: format!("{}/{}", self.name, c.name),
                reason: "unknown element".into(),
            }),
            None => Ok(()),
        }
    }

    fn missing(&self, what: &str) -> CourtXmlError {
        CourtXmlError::Missing {
            line: self.line,
            path: format!("{}/{what}", self.name),
        }
    }

    fn bad_value(&self, what: &str, value: &str, reason: &str) -> CourtXmlError {
        CourtXmlError::Value {
            line: self.line,
            path: path(self, what),
            value: value.to_string(),
            reason: reason.to_string(),
        }
    }

    fn unsupported(&self, what: &str, reason: &str) -> CourtXmlError {
        CourtXmlError::Unsupported {
            line: self.line,
            path: path(self, what),
            reason: reason.to_string(),
        }
    }
}

/// `Element/what`, or the element's name alone when `what` is empty.
fn path(e: &Element, what: &str) -> String {
    if what.is_empty() {
        e.name.clone()
    } else {
        format!("{}/{what}", e.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filing::render::fixtures::sample_proposal;
    use crate::filing::render::render_proposal;
    use crate::filing::validate::test_support::court_sample;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse::<Decimal>().unwrap()
    }

    fn sample_text() -> Option<String> {
        court_sample().map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn court_sample_act_568_imports_as_written() {
        let Some(sample) = court_sample() else { return };
        let import = import_shipment(&sample).expect("imports");
        assert_eq!(import.proposals.len(), 1);
        let codes: Vec<&str> = import.skipped.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["566", "536"]);
        assert_eq!(
            import.skipped[0].name,
            "Potrdilo o pravnomočnosti in izvršljivosti"
        );
        assert_eq!(import.skipped[1].line, 131);

        let p = &import.proposals[0];
        assert_eq!(p.sent_date, Some(d(2016, 8, 11)));
        let filer = p.filer.as_ref().expect("filer");
        assert_eq!(
            (filer.first_name.as_str(), filer.name.as_str()),
            ("Srečko", "Nesrečnik")
        );
        assert_eq!(filer.kind, PartyKind::Natural);

        let c = &p.claim;
        let cr = &c.creditor;
        assert_eq!(cr.party.name, "KAO storitveno podjetje d.o.o.");
        assert_eq!(cr.party.first_name, "");
        assert_eq!(cr.party.kind, PartyKind::Legal);
        assert_eq!(cr.party.tax_number.as_deref(), Some("619234287"));
        assert_eq!(
            cr.party.registration_number.as_deref(),
            Some("530674234230")
        );
        assert_eq!(cr.party.emso, None);
        assert_eq!(cr.party.address.street, "Meljska cesta");
        assert_eq!(cr.party.address.country, "SVN");
        assert_eq!(cr.iban.as_deref(), Some("SI_IBAN SI56022222222222222"));
        assert_eq!(cr.account_holder, "KAO D.O.O.");
        let rep = cr.representative.as_ref().expect("representative");
        assert_eq!(rep.party.first_name, "Srečko");
        assert_eq!(rep.party.name, "Nesrečnik");
        assert_eq!(rep.party.kind, PartyKind::Natural);
        assert_eq!(rep.party.tax_number, None);
        assert_eq!(rep.party.emso, None);
        assert_eq!(rep.party.address, Address::default());
        assert_eq!(rep.position, "Poslovodja");

        let db = &c.debtor;
        assert_eq!(db.party.name, "AVTOMOBILI in KARJOLE, d.o.o.");
        assert_eq!(db.party.kind, PartyKind::Legal);
        assert_eq!(db.party.tax_number.as_deref(), Some("80223423"));
        assert_eq!(db.party.registration_number.as_deref(), Some("6207428067"));
        assert_eq!(db.party.address.house_number, "1000");
        assert_eq!(db.party.address.city, "");
        assert!(db.means.movables);
        assert!(db.means.bank_funds);
        assert_eq!(
            db.means.bank_accounts,
            [BankAccount {
                iban: "SI56022222222222222".into(),
                bank_name: String::new()
            }]
        );

        let expected = [
            (
                "2600718",
                "219.60",
                d(2016, 3, 29),
                d(2016, 4, 28),
                d(2016, 4, 29),
            ),
            (
                "2601390",
                "486.02",
                d(2016, 7, 6),
                d(2016, 8, 5),
                d(2016, 8, 6),
            ),
            (
                "1602127",
                "524.44",
                d(2016, 7, 12),
                d(2016, 7, 12),
                d(2016, 7, 13),
            ),
        ];
        assert_eq!(c.documents.len(), 3);
        for (doc, (number, amount, issued, due, from)) in c.documents.iter().zip(expected) {
            assert_eq!(doc.kind_code, 1);
            assert_eq!(doc.number, number);
            assert_eq!(doc.amount, dec(amount));
            assert_eq!(doc.amount.to_string(), amount, "scale kept");
            assert_eq!(doc.currency, "EUR");
            assert_eq!(doc.issue_date, Some(issued));
            assert_eq!(doc.due_date, Some(due));
            assert_eq!(
                doc.interest,
                InterestClaim::Statutory {
                    from: Some(from),
                    to: None
                }
            );
        }
        assert_eq!(c.principal(), dec("1230.06"));
        assert_eq!(
            c.costs,
            [CostItem {
                description: "STROŠKI SESTAVE PREDLOGA".into(),
                amount: dec("50.00"),
                currency: "EUR".into()
            }]
        );
        assert!(c.claim_court_fee);
        assert!(c.interest_on_costs);
        assert!(c.commercial);
        let bailiff = c.bailiff.as_ref().expect("bailiff");
        assert_eq!(
            (bailiff.first_name.as_str(), bailiff.name.as_str()),
            ("Živa", "Groza")
        );
        assert_eq!(bailiff.kind, PartyKind::Natural);
        assert_eq!(bailiff.emso.as_deref(), Some("4512330334"));
        assert_eq!(bailiff.tax_number.as_deref(), Some("124527653"));
        assert_eq!(c.external_ref, None);

        assert_eq!(parse_proposals(&sample).unwrap(), import.proposals);
    }

    #[test]
    fn namespace_not_prefix_decides() {
        let Some(sample) = sample_text() else { return };
        let reference = parse_proposals(sample.as_bytes()).unwrap();
        let other_prefix = sample
            .replace("izv:", "s:")
            .replace("xmlns:izv=", "xmlns:s=");
        assert_eq!(parse_proposals(other_prefix.as_bytes()).unwrap(), reference);
        let default_ns = sample.replace("izv:", "").replace("xmlns:izv=", "xmlns=");
        assert_eq!(parse_proposals(default_ns.as_bytes()).unwrap(), reference);
        let wrong_ns = sample.replace("http://sodisce.si/izvrsba", "http://example.com/izvrsba");
        let e = parse_proposals(wrong_ns.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("root element must be OpisPosiljke"), "{e}");
        let signed = sample.replace(
            "</izv:Vsebina>",
            "</izv:Vsebina><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo/></ds:Signature>",
        );
        assert_eq!(parse_proposals(signed.as_bytes()).unwrap(), reference);
    }

    #[test]
    fn errors_name_the_place_the_value_and_the_reason() {
        let Some(sample) = sample_text() else { return };
        let err = |from: &str, to: &str| {
            assert!(sample.contains(from), "{from}");
            parse_proposals(sample.replacen(from, to, 1).as_bytes())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("znesek=\"219.60\"", "znesek=\"12,x\""),
            "line 45: VerodostojnaListina/@znesek: '12,x' is not a decimal amount"
        );
        assert_eq!(
            err(
                "datumZapadlosti=\"2016-04-28+02:00\"",
                "datumZapadlosti=\"28.04.2016\""
            ),
            "line 45: VerodostojnaListina/@datumZapadlosti: '28.04.2016' is not a date (xs:date)"
        );
        assert_eq!(
            err("odDatuma=\"2016-04-29+02:00\"", "odDatuma=\"2016-02-30\""),
            "line 47: ObrestZakonska/@odDatuma: '2016-02-30' is not a date (xs:date)"
        );
        assert_eq!(
            err(" oznaka=\"2600718\"", ""),
            "line 45: VerodostojnaListina/@oznaka: missing"
        );
        assert_eq!(
            err("vrsta=\"pravna\" zastopa", "vrsta=\"xyz\" zastopa"),
            "line 21: Oseba/@vrsta: 'xyz' is not a party kind (pravna, fizicna, s.p.)"
        );
        assert_eq!(
            err("gospodarska=\"true\"", "gospodarska=\"da\""),
            "line 13: Predlog/@gospodarska: 'da' is not a boolean"
        );
        assert_eq!(
            err("sifListina=\"1\"", "sifListina=\"ena\""),
            "line 45: VerodostojnaListina/@sifListina: 'ena' is not a document kind code"
        );
        assert_eq!(
            err(
                "<izv:PrilozenIzvrsilniNaslov>",
                "<izv:Neznano/><izv:PrilozenIzvrsilniNaslov>"
            ),
            "line 74: Predlog/Neznano: unknown element"
        );
        for bad in ["+219.60", "2.1e3", "1_000", "219.", ".5", "", " "] {
            let e = err("znesek=\"219.60\"", &format!("znesek=\"{bad}\""));
            assert!(e.ends_with("is not a decimal amount"), "{bad}: {e}");
        }
        let e = err(
            "</izv:Dolznik>",
            "</izv:Dolznik><izv:Dolznik><izv:Oseba/></izv:Dolznik>",
        );
        assert!(
            e.contains("Dolzniki/Dolznik: not supported") && e.contains("2 debtors"),
            "{e}"
        );
        let e = err("</izv:Izvrsitelj>", "</izv:Izvrsitelj><izv:Izvrsitelj/>");
        assert!(e.contains("2 bailiffs"), "{e}");
        let e = err("prezivnina=\"false\"", "prezivnina=\"true\"");
        assert!(e.contains("maintenance claim"), "{e}");
        let e = err(
            "<izv:ObrestZakonska odDatuma=\"2016-04-29+02:00\"/>",
            "<izv:ObrestZakonska odDatuma=\"2016-04-29+02:00\"/><izv:ObrestZakonska odDatuma=\"2016-05-29\"/>",
        );
        assert!(e.contains("2 interest claims on one document"), "{e}");
        assert_eq!(
            err(
                ">false</izv:PrilozenIzvrsilniNaslov>",
                ">ne</izv:PrilozenIzvrsilniNaslov>"
            ),
            "line 74: PrilozenIzvrsilniNaslov: 'ne' is not a boolean"
        );
        let e = err(
            ">false</izv:PrilozenIzvrsilniNaslov>",
            "> true </izv:PrilozenIzvrsilniNaslov>",
        );
        assert!(e.contains("enforcement title attached"), "{e}");
        let char_ref = sample.replacen(
            ">false</izv:PrilozenIzvrsilniNaslov>",
            ">&#102;als&#x65;</izv:PrilozenIzvrsilniNaslov>",
            1,
        );
        assert!(parse_proposals(char_ref.as_bytes()).is_ok());
        let e = err("</izv:Predlog>", "</izv:Predlog");
        assert!(e.contains("not well-formed"), "{e}");
    }

    #[test]
    fn other_inputs() {
        let e = parse_proposals(b"\xff\xfe<a/>").unwrap_err().to_string();
        assert!(e.contains("not UTF-8"), "{e}");
        let e = parse_proposals(b"").unwrap_err().to_string();
        assert!(e.contains("no root element"), "{e}");
        let only_566 = br#"<OpisPosiljke xmlns="http://sodisce.si/izvrsba" schemaVersion="1.1"><Glava/><Vsebina><ProcesnoDejanje sifProcesnoDejanje="566" nazivProcesnoDejanje="x"/></Vsebina></OpisPosiljke>"#;
        let import = import_shipment(only_566).unwrap();
        assert!(import.proposals.is_empty());
        assert_eq!(import.skipped.len(), 1);
    }

    #[test]
    fn reader_refusals_keep_the_line() {
        let doctype = b"<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e \"1\">]>\n<OpisPosiljke/>";
        let e = parse_proposals(doctype).unwrap_err();
        assert!(
            matches!(&e, CourtXmlError::Structure { line: 2, path, .. } if path == "<!DOCTYPE>"),
            "{e}"
        );
        let e = parse_proposals(b"<OpisPosiljke>\n&e;</OpisPosiljke>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2: not well-formed XML: unknown entity &e;"
        );
    }

    #[test]
    fn dates_and_decimals() {
        assert_eq!(parse_date("2016-04-28+02:00"), Some(d(2016, 4, 28)));
        assert_eq!(parse_date("2016-04-28-05:00"), Some(d(2016, 4, 28)));
        assert_eq!(parse_date("2016-04-28Z"), Some(d(2016, 4, 28)));
        assert_eq!(parse_date("2016-04-28"), Some(d(2016, 4, 28)));
        for bad in [
            "28.04.2016",
            "2016-4-28",
            "2016-04-28+2:00",
            "2016-04-28T00:00:00",
            "2016-02-30",
            "20160428",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(parse_decimal("219.6").unwrap().scale(), 1);
        assert_eq!(parse_decimal("219.600").unwrap().scale(), 3);
        assert_eq!(parse_decimal("-5").unwrap(), dec("-5"));
        assert_eq!(parse_decimal("12345678901234567890123456789"), None);
    }

    #[test]
    fn rendered_sample_proposal_round_trips() {
        let p = sample_proposal();
        let xml = render_proposal(&p).unwrap();
        let import = import_shipment(&xml).unwrap();
        assert!(import.skipped.is_empty());
        let [back] = import.proposals.as_slice() else {
            panic!("one proposal")
        };
        let mut expected = p.claim.clone();
        expected.external_ref = None; // not part of the court's vocabulary
        // The model's defaults, made explicit by the renderer:
        expected.creditor.account_holder = expected.creditor.party.display_name();
        for doc in &mut expected.documents {
            let start = doc.due_date.map(|d| d + chrono::Duration::days(1));
            match &mut doc.interest {
                InterestClaim::Statutory { from, .. } | InterestClaim::Contractual { from, .. } => {
                    *from = from.or(start)
                }
                InterestClaim::None => {}
            }
        }
        assert_eq!(back.claim, expected);
        assert_eq!(back.filer.as_ref(), Some(&p.filer));
        assert_eq!(back.sent_date, Some(d(2026, 3, 30)));
    }

    #[test]
    fn escaped_text_round_trips() {
        let mut p = sample_proposal();
        p.claim.debtor.party.name = "A<B> & \"C\" 'D' Čšž".into();
        p.claim.costs[0].description = "vrstica 1\nvrstica 2\ttab".into();
        let back = parse_proposals(&render_proposal(&p).unwrap()).unwrap();
        assert_eq!(back[0].claim.debtor.party.name, p.claim.debtor.party.name);
        assert_eq!(
            back[0].claim.costs[0].description,
            p.claim.costs[0].description
        );
    }

    mod roundtrip {
        use super::super::*;
        use crate::filing::model::{Court, Proposal};
        use crate::filing::render::fixtures::creditor_party;
        use crate::filing::render::render_proposal;
        use crate::filing::validate::CourtSchema;
        use chrono::{TimeZone, Utc};
        use proptest::collection::vec;
        use proptest::option;
        use proptest::prelude::*;

        /// Text that survives trimming: no leading/trailing whitespace; XML specials included.
        fn text() -> impl Strategy<Value = String> {
            "[A-Za-z0-9ČŠŽčšžĐđ&<>\"'.,/()-]([A-Za-z0-9ČŠŽčšž&<>\"' .,/-]{0,14}[A-Za-z0-9.])?"
        }

        fn text_or_empty() -> impl Strategy<Value = String> {
            prop_oneof![Just(String::new()), text()]
        }

        fn date() -> impl Strategy<Value = NaiveDate> {
            (0i64..20_000).prop_map(|n| {
                NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::Duration::days(n)
            })
        }

        fn cents() -> impl Strategy<Value = Decimal> {
            (0i64..100_000_000_000).prop_map(|c| Decimal::new(c, 2))
        }

        fn currency() -> impl Strategy<Value = String> {
            prop_oneof![Just("EUR"), Just("USD"), Just("CHF"), Just("SIT")].prop_map(str::to_string)
        }

        fn address() -> impl Strategy<Value = Address> {
            (
                text_or_empty(),
                text_or_empty(),
                "[0-9]{0,4}",
                text_or_empty(),
                text_or_empty(),
                prop_oneof![Just(String::new()), "[A-Z]{3}"],
            )
                .prop_map(
                    |(street, house_number, post_code, city, post_name, country)| Address {
                        street,
                        house_number,
                        post_code,
                        city,
                        post_name,
                        country,
                    },
                )
        }

        fn party() -> impl Strategy<Value = Party> {
            (
                prop_oneof![
                    Just(PartyKind::Natural),
                    Just(PartyKind::Legal),
                    Just(PartyKind::SoleTrader)
                ],
                text_or_empty(),
                text(),
                option::of("[0-9A-Z]{1,12}"),
                option::of("[0-9]{1,13}"),
                option::of(date()),
                address(),
            )
                .prop_map(
                    |(kind, first_name, name, tax_number, id, birth_date, address)| {
                        let (registration_number, emso) = match kind {
                            PartyKind::Natural => (None, id),
                            _ => (id, None),
                        };
                        Party {
                            kind,
                            first_name,
                            name,
                            tax_number,
                            registration_number,
                            emso,
                            birth_date,
                            address,
                        }
                    },
                )
        }

        fn interest() -> impl Strategy<Value = InterestClaim> {
            prop_oneof![
                Just(InterestClaim::None),
                (date(), option::of(date()))
                    .prop_map(|(f, to)| InterestClaim::Statutory { from: Some(f), to }),
                ((0i64..100_000), 0u32..=4, date()).prop_map(|(r, scale, f)| {
                    InterestClaim::Contractual {
                        rate_percent: Decimal::new(r, scale),
                        from: Some(f),
                    }
                }),
            ]
        }

        fn document() -> impl Strategy<Value = AuthenticDocument> {
            (
                1u8..=10,
                text(),
                option::of(date()),
                option::of(date()),
                cents(),
                currency(),
                interest(),
            )
                .prop_map(
                    |(kind_code, number, issue_date, due_date, amount, currency, interest)| {
                        AuthenticDocument {
                            kind_code,
                            number,
                            issue_date,
                            due_date,
                            amount,
                            currency,
                            interest,
                        }
                    },
                )
        }

        fn creditor() -> impl Strategy<Value = Creditor> {
            (
                party(),
                option::of(("[A-Z]{2}[0-9]{2}[0-9 ]{4,20}[0-9]", text())),
                option::of((party(), text_or_empty())),
            )
                .prop_map(|(party, account, rep)| {
                    let (iban, account_holder) = match account {
                        Some((iban, holder)) => (Some(iban), holder),
                        None => (None, String::new()),
                    };
                    Creditor {
                        party,
                        iban,
                        account_holder,
                        representative: rep
                            .map(|(party, position)| Representative { party, position }),
                    }
                })
        }

        fn debtor() -> impl Strategy<Value = Debtor> {
            (
                party(),
                any::<bool>(),
                any::<bool>(),
                vec(
                    (
                        "[A-Z]{2}[0-9]{2}[0-9 ]{4,20}[0-9]|[0-9]{15}",
                        text_or_empty(),
                    ),
                    0..3,
                ),
            )
                .prop_map(|(party, bank_funds, movables, accounts)| {
                    // At least one means; accounts only with bank funds.
                    let movables = movables || !bank_funds;
                    Debtor {
                        party,
                        means: Means {
                            bank_funds,
                            bank_accounts: if bank_funds {
                                accounts
                                    .into_iter()
                                    .map(|(iban, bank_name)| BankAccount { iban, bank_name })
                                    .collect()
                            } else {
                                Vec::new()
                            },
                            movables,
                        },
                    }
                })
        }

        fn claim() -> impl Strategy<Value = Claim> {
            (
                creditor(),
                debtor(),
                vec(document(), 1..5),
                vec((text(), cents(), currency()), 0..3),
                any::<(bool, bool, bool)>(),
                option::of(party()),
            )
                .prop_map(|(creditor, debtor, documents, costs, flags, bailiff)| {
                    Claim {
                        external_ref: None,
                        creditor,
                        debtor,
                        documents,
                        costs: costs
                            .into_iter()
                            .map(|(description, amount, currency)| CostItem {
                                description,
                                amount,
                                currency,
                            })
                            .collect(),
                        claim_court_fee: flags.0,
                        interest_on_costs: flags.1,
                        bailiff,
                        commercial: flags.2,
                    }
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]

            #[test]
            fn render_then_parse_gives_the_same_claim(claim in claim(), secs in 0i64..2_000_000_000) {
                let p = Proposal {
                    id: "p".into(),
                    filer: creditor_party(),
                    court: Court::covl(),
                    claim: claim.clone(),
                    created_at: Utc.timestamp_opt(secs, 0).unwrap(),
                };
                let xml = render_proposal(&p).expect("renders");
                if let Err(e) = CourtSchema::shared().validate(&xml) {
                    panic!("schema refuses the rendered claim: {e}\n{}", String::from_utf8_lossy(&xml));
                }
                let back = parse_proposals(&xml).expect("parses");
                prop_assert_eq!(back.len(), 1);
                prop_assert_eq!(&back[0].claim, &claim);
                prop_assert_eq!(back[0].filer.as_ref(), Some(&p.filer));
                prop_assert_eq!(back[0].sent_date, Some(crate::law::ljubljana_date(p.created_at)));
            }
        }
    }
}
