//! The simulated court's documents: one `OpisPosiljke` per act, in the court's vocabulary
//! (`http://sodisce.si/izvrsba`, `xsd/izvrsba-1.1.xsd`), addressed to the creditor. Rendered
//! unsigned here; the court validates each against the court schema and signs it.

use std::io;

use chrono::NaiveDate;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use rust_decimal::Decimal;

use super::state::{SimCase, SimParty};
use crate::tracker::acts;

/// The court fee account written on orders (ZST-1 payments to the court).
pub const COURT_FEE_ACCOUNT: &str = "SI56 0110 0845 0100 810";
const COURT_NAME: &str = "SIM Okrajno sodišče v Ljubljani";
const COURT_REG: &str = "5023025001";
const BAILIFF_FIRST: &str = "Živa";
const BAILIFF_NAME: &str = "Groza (SIM)";
const BANK_NAME: &str = "SIM BANKA d.d.";

/// One act the simulated court issues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimAct {
    /// 536, with the creditor's costs allowed (claimed costs + court fee).
    EnforcementOrder { on: NaiveDate, costs: Decimal },
    /// 9002.
    FeeOrder { on: NaiveDate, deadline: NaiveDate },
    /// 9003.
    DeemedWithdrawn { on: NaiveDate },
    /// 9004.
    Rejection { on: NaiveDate },
    /// 9001 (objection against the payment order).
    Objection {
        on: NaiveDate,
        lodged: NaiveDate,
        order_served: NaiveDate,
    },
    /// 566.
    Finality {
        on: NaiveDate,
        order_date: NaiveDate,
        finality: NaiveDate,
        served: NaiveDate,
    },
    /// 9005: to the local court for enforcement, or to litigation after an objection.
    Transfer { on: NaiveDate, litigation: bool },
    /// 9006: no funds, or a payment.
    BankNotice {
        on: NaiveDate,
        paid: Option<Decimal>,
    },
}

impl SimAct {
    /// The act code.
    pub fn code(&self) -> &'static str {
        match self {
            SimAct::EnforcementOrder { .. } => acts::CODE_ENFORCEMENT_ORDER,
            SimAct::FeeOrder { .. } => acts::CODE_FEE_ORDER,
            SimAct::DeemedWithdrawn { .. } => acts::CODE_DEEMED_WITHDRAWN,
            SimAct::Rejection { .. } => acts::CODE_REJECTION,
            SimAct::Objection { .. } => acts::CODE_OBJECTION_NOTICE,
            SimAct::Finality { .. } => acts::CODE_FINALITY_CERTIFICATE,
            SimAct::Transfer { .. } => acts::CODE_TRANSFER,
            SimAct::BankNotice { .. } => acts::CODE_BANK_NOTICE,
        }
    }
}

struct X {
    w: Writer<Vec<u8>>,
}

fn q(name: &str) -> String {
    format!("izv:{name}")
}

impl X {
    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        let n = q(name);
        let mut e = BytesStart::new(n.as_str());
        for a in attrs {
            e.push_attribute(*a);
        }
        self.w.write_event(Event::Start(e))
    }

    fn close(&mut self, name: &str) -> io::Result<()> {
        self.w.write_event(Event::End(BytesEnd::new(q(name))))
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        let n = q(name);
        let mut e = BytesStart::new(n.as_str());
        for a in attrs {
            e.push_attribute(*a);
        }
        self.w.write_event(Event::Empty(e))
    }

    fn text(&mut self, name: &str, value: &str) -> io::Result<()> {
        self.open(name, &[])?;
        self.w.write_event(Event::Text(BytesText::new(value)))?;
        self.close(name)
    }

    fn date(&mut self, name: &str, d: NaiveDate) -> io::Result<()> {
        self.text(name, &d.format("%Y-%m-%d").to_string())
    }

    fn amount(&mut self, name: &str, a: Decimal) -> io::Result<()> {
        self.text(name, &format!("{:.2}", a.round_dp(2)))
    }

    fn case(&mut self, c: &SimCase, name: &str) -> io::Result<()> {
        let year = format!("{:04}", c.year);
        let number = c.number.to_string();
        self.empty(
            name,
            &[
                ("vpisnik", "VL"),
                ("zadevaLeto", year.as_str()),
                ("zadevaStevilka", number.as_str()),
            ],
        )
    }

    fn person_attrs(p: &SimParty) -> Vec<(&str, &str)> {
        let mut v = vec![
            ("ime-naziv", p.first_name.as_str()),
            ("priimek-naziv", p.name.as_str()),
        ];
        if let Some(t) = &p.tax_number {
            v.push(("davcna", t.as_str()));
        }
        if matches!(p.kind.as_str(), "pravna" | "fizicna" | "s.p.") {
            v.push(("vrsta", p.kind.as_str()));
        }
        v
    }

    fn address(&mut self, p: &SimParty) -> io::Result<()> {
        self.empty(
            "Naslov",
            &[
                ("drzava", "SVN"),
                ("ulica", p.street.as_str()),
                ("sifPosta", p.post_code.as_str()),
                ("kraj", p.city.as_str()),
            ],
        )
    }

    /// A `Prejemnik` with its role and, when given, the date of service.
    fn recipient(&mut self, p: &SimParty, role: &str, served: Option<NaiveDate>) -> io::Result<()> {
        self.open("Prejemnik", &Self::person_attrs(p))?;
        self.address(p)?;
        self.empty("Vloga", &[("nazivVloga", role)])?;
        if let Some(d) = served {
            self.date("datumVrocitve", d)?;
        }
        self.close("Prejemnik")
    }

    fn parties(&mut self, c: &SimCase) -> io::Result<()> {
        self.open("Dolzniki", &[])?;
        self.open("Dolznik", &[])?;
        self.open("Oseba", &Self::person_attrs(&c.debtor))?;
        self.address(&c.debtor)?;
        self.close("Oseba")?;
        self.close("Dolznik")?;
        self.close("Dolzniki")?;
        self.open("Upniki", &[])?;
        self.open("Upniki", &[])?;
        self.open("Oseba", &Self::person_attrs(&c.creditor))?;
        self.address(&c.creditor)?;
        self.close("Oseba")?;
        self.close("Upniki")?;
        self.close("Upniki")
    }

    fn bailiff(&mut self) -> io::Result<()> {
        self.empty(
            "Izvrsitelj",
            &[
                ("ime-naziv", BAILIFF_FIRST),
                ("priimek-naziv", BAILIFF_NAME),
            ],
        )
    }
}

fn bank() -> SimParty {
    SimParty {
        first_name: String::new(),
        name: BANK_NAME.into(),
        kind: "pravna".into(),
        tax_number: None,
        street: "Trg republike 2".into(),
        post_code: "1000".into(),
        city: "Ljubljana".into(),
    }
}

/// Renders `act` of case `c` as a court document (unsigned).
pub fn render(c: &SimCase, act: &SimAct) -> io::Result<Vec<u8>> {
    let mut x = X {
        w: Writer::new_with_indent(Vec::new(), b' ', 2),
    };
    x.w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut root = BytesStart::new("izv:OpisPosiljke");
    root.push_attribute(("schemaVersion", "1.1"));
    root.push_attribute(("xmlns:izv", acts::NAMESPACE));
    x.w.write_event(Event::Start(root))?;
    x.open("Glava", &[])?;
    x.open(
        "Posiljatelj",
        &[("ime-naziv", COURT_NAME), ("maticna", COURT_REG)],
    )?;
    x.empty(
        "Naslov",
        &[
            ("drzava", "SVN"),
            ("ulica", "Miklošičeva cesta"),
            ("hisnaStevilka", "10"),
            ("sifPosta", "1000"),
            ("kraj", "Ljubljana"),
        ],
    )?;
    x.close("Posiljatelj")?;
    x.recipient(&c.creditor, "upnik", None)?;
    x.close("Glava")?;
    x.open("Vsebina", &[])?;
    let (element, name) = acts::KNOWN_ACTS
        .iter()
        .find(|(code, _, _)| *code == act.code())
        .map(|(_, name, el)| (*el, *name))
        .unwrap_or(("SklepOIzvrsbi", "?"));
    x.open(
        "ProcesnoDejanje",
        &[
            ("sifProcesnoDejanje", act.code()),
            ("nazivProcesnoDejanje", name),
        ],
    )?;
    x.open(element, &[])?;
    let fee_account = [("racun", COURT_FEE_ACCOUNT)];
    match act {
        SimAct::EnforcementOrder { on, costs } => {
            x.parties(c)?;
            x.case(c, "OpravilnaStevilka")?;
            x.empty("RacunSodnikTaks", &fee_account)?;
            x.date("datumSklepaOIzvrsbi", *on)?;
            x.bailiff()?;
            x.amount("vrednostIzvrsbe", c.value)?;
            x.text("Valuta", "EUR")?;
            x.text("podpisnik", "Višji sodniški pomočnik (SIM)")?;
            x.text("oprostitevTakse", "false")?;
            x.text("Sklic", &c.fee_reference)?;
            x.text("PristojnoSodisce", "Okrajno sodišče v Ljubljani")?;
            x.amount("stroskiUpnika", *costs)?;
        }
        SimAct::FeeOrder { on, deadline } => {
            x.case(c, "OpravilnaStevilka")?;
            x.date("datumNaloga", *on)?;
            x.amount("znesekTakse", c.fee_amount)?;
            x.text("Valuta", "EUR")?;
            x.empty("RacunSodnikTaks", &fee_account)?;
            x.text("Sklic", &c.fee_reference)?;
            x.date("rokPlacila", *deadline)?;
            x.date("datumVrocitve", *on)?;
        }
        SimAct::DeemedWithdrawn { on } => {
            x.case(c, "OpravilnaStevilka")?;
            x.date("datumSklepa", *on)?;
            x.text("razlog", "taksa ni bila plačana (ZIZ 29.b)")?;
            x.date("datumVrocitve", *on)?;
        }
        SimAct::Rejection { on } => {
            x.case(c, "OpravilnaStevilka")?;
            x.date("datumSklepa", *on)?;
            x.text("vrstaOdlocitve", "zavrženje")?;
            x.text("razlog", "predlog je nepopoln (simulirano)")?;
            x.date("datumVrocitve", *on)?;
        }
        SimAct::Objection {
            on,
            lodged,
            order_served,
        } => {
            x.case(c, "OpravilnaStevilka")?;
            x.date("datumObvestila", *on)?;
            x.empty("Ugovornik", &X::person_attrs(&c.debtor))?;
            x.date("datumUgovora", *lodged)?;
            x.date("datumVrocitveSklepa", *order_served)?;
            x.text("obsegUgovora", "plačilni nalog")?;
            x.date("datumVrocitve", *on)?;
        }
        SimAct::Finality {
            on,
            order_date,
            finality,
            served,
        } => {
            x.parties(c)?;
            x.case(c, "OpravilnaStevilka")?;
            x.date("trenutniDatum", *on)?;
            x.date("datumSklepaOIzvrsbi", *order_date)?;
            x.bailiff()?;
            x.amount("vrednostIzvrsbe", c.value)?;
            x.text("Valuta", "EUR")?;
            x.date("datumPravnomocnosti", *finality)?;
            x.text("podpisnik", "Višji sodniški pomočnik (SIM)")?;
            x.text("pristojnoSodisce", "Okrajno sodišče v Ljubljani")?;
            x.open("PrejemnikiPravnomocnegaSklepa", &[])?;
            x.recipient(&c.creditor, "upnik", None)?;
            x.recipient(&bank(), "dolžnikov dolžnik", None)?;
            x.close("PrejemnikiPravnomocnegaSklepa")?;
            x.open("PrejemnikiSklepa", &[])?;
            x.recipient(&c.debtor, "dolžnik", Some(*served))?;
            x.recipient(&c.creditor, "upnik", Some(*served))?;
            x.close("PrejemnikiSklepa")?;
        }
        SimAct::Transfer { on, litigation } => {
            x.case(c, "OpravilnaStevilka")?;
            x.date("datumSklepa", *on)?;
            x.text(
                "namenOdstopa",
                if *litigation { "pravda" } else { "izvršba" },
            )?;
            x.text("PristojnoSodisce", "Okrajno sodišče v Ljubljani")?;
            x.text("brezVirov", "false")?;
            x.date("datumVrocitve", *on)?;
        }
        SimAct::BankNotice { on, paid } => {
            x.case(c, "OpravilnaStevilka")?;
            x.date("datumObvestila", *on)?;
            x.empty(
                "Banka",
                &[
                    ("ime-naziv", ""),
                    ("priimek-naziv", BANK_NAME),
                    ("vrsta", "pravna"),
                ],
            )?;
            match paid {
                Some(a) => {
                    x.text("vrstaObvestila", "plačilo")?;
                    x.amount("znesek", *a)?;
                    x.text("Valuta", "EUR")?;
                }
                None => x.text("vrstaObvestila", "ni sredstev")?,
            }
            x.date("datumVrocitve", *on)?;
        }
    }
    x.close(element)?;
    x.close("ProcesnoDejanje")?;
    x.close("Vsebina")?;
    x.w.write_event(Event::End(BytesEnd::new("izv:OpisPosiljke")))?;
    let mut out = x.w.into_inner();
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::court::sim::state::SimStage;
    use crate::filing::validate::CourtSchema;
    use crate::tracker::{SourceMode, parse_document};

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    pub(crate) fn case() -> SimCase {
        let party = |first: &str, name: &str, kind: &str| SimParty {
            first_name: first.into(),
            name: name.into(),
            kind: kind.into(),
            tax_number: Some("12345679".into()),
            street: "Slovenska cesta 1".into(),
            post_code: "1000".into(),
            city: "Ljubljana".into(),
        };
        SimCase {
            case_number: "VL 7/2026".into(),
            year: 2026,
            number: 7,
            filer: "01".into(),
            submitted_on: d(12, 3),
            fee_amount: Decimal::new(4400, 2),
            fee_reference: "SI12202600000070".into(),
            fee_due: d(12, 11),
            fee_paid_on: None,
            debtor: party("Janez", "Novak & <Sin>", "fizicna"),
            creditor: party("", "KAO d.o.o.", "pravna"),
            value: Decimal::new(123006, 2),
            costs: Decimal::new(5000, 2),
            fate: 50,
            stage: SimStage::Submitted,
        }
    }

    #[test]
    fn every_act_is_valid_and_reads_back() {
        let c = case();
        let all = [
            SimAct::EnforcementOrder {
                on: d(12, 7),
                costs: Decimal::new(9400, 2),
            },
            SimAct::FeeOrder {
                on: d(12, 11),
                deadline: d(12, 21),
            },
            SimAct::DeemedWithdrawn { on: d(12, 22) },
            SimAct::Rejection { on: d(12, 6) },
            SimAct::Objection {
                on: d(12, 15),
                lodged: d(12, 14),
                order_served: d(12, 10),
            },
            SimAct::Finality {
                on: d(12, 21),
                order_date: d(12, 7),
                finality: d(12, 18),
                served: d(12, 10),
            },
            SimAct::Transfer {
                on: d(12, 28),
                litigation: false,
            },
            SimAct::BankNotice {
                on: d(12, 29),
                paid: Some(Decimal::new(10000, 2)),
            },
        ];
        for act in &all {
            let xml = render(&c, act).unwrap();
            CourtSchema::shared()
                .validate(&xml)
                .unwrap_or_else(|e| panic!("{act:?}: {e}\n{}", String::from_utf8_lossy(&xml)));
            let doc = parse_document(&xml, SourceMode::UnsignedImport).unwrap();
            assert_eq!(doc.acts.len(), 1);
            assert_eq!(doc.acts[0].code(), act.code());
            assert_eq!(doc.acts[0].case().unwrap().as_str(), "VL 7/2026");
            assert!(doc.mismatches.is_empty(), "{:?}", doc.mismatches);
        }
    }
}
