//! Tests of the insolvency watch: formats, matching, effects, deadlines, claim draft, source
//! health, and the simulator over HTTP on loopback.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::filing::model::{
    Address, AuthenticDocument, Claim, CostItem, Creditor, Debtor, InterestClaim, Means, Party,
    PartyKind,
};
use crate::law::calendar::Calendar;
use crate::law::ids::{CaseNumber, RegistrationNumber, TaxNumber};
use crate::law::interest::DayCount;
use crate::law::rates::RateTable;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// 12345679: check digit 9 (8+14+18+20+20+18+14 = 112; 112 mod 11 = 2; 11 − 2 = 9).
const TAX_A: &str = "12345679";

fn legal(name: &str, tax: Option<&str>, reg: Option<&str>) -> Party {
    Party {
        kind: PartyKind::Legal,
        first_name: String::new(),
        name: name.into(),
        tax_number: tax.map(Into::into),
        registration_number: reg.map(Into::into),
        emso: None,
        birth_date: None,
        address: Address {
            street: "Dunajska cesta".into(),
            house_number: "5".into(),
            post_code: "1000".into(),
            city: "Ljubljana".into(),
            post_name: "Ljubljana".into(),
            country: "SVN".into(),
        },
    }
}

fn person(first: &str, surname: &str, birth: NaiveDate, street: &str, no: &str) -> Party {
    Party {
        kind: PartyKind::Natural,
        first_name: first.into(),
        name: surname.into(),
        tax_number: None,
        registration_number: None,
        emso: None,
        birth_date: Some(birth),
        address: Address {
            street: street.into(),
            house_number: no.into(),
            post_code: "2000".into(),
            city: "Maribor".into(),
            post_name: "Maribor".into(),
            country: "SVN".into(),
        },
    }
}

fn rec(r: &str, party: Party) -> DebtorRecord {
    DebtorRecord {
        debtor_ref: r.into(),
        party,
    }
}

fn valid_reg() -> RegistrationNumber {
    (100_000..)
        .find_map(|n: u32| RegistrationNumber::complete(&n.to_string()))
        .unwrap()
}

fn notice(kind: DebtorKind, pt: ProceedingsType) -> Notice {
    Notice {
        notice_id: "N-1".into(),
        debtor: NoticeDebtor {
            kind,
            name: "Gradbeništvo Kovač d. o. o.".into(),
            registration_number: None,
            tax_number: Some(TaxNumber::parse(TAX_A).unwrap()),
            address: NoticeAddress {
                street: "Dunajska cesta 5".into(),
                post_code: "1000".into(),
                city: "Ljubljana".into(),
            },
            birth_date: None,
        },
        court: "Okrožno sodišče v Ljubljani".into(),
        case_number: CaseNumber::parse("St 1234/2026").unwrap(),
        proceedings_type: pt,
        opening_date: ymd(2026, 11, 3),
        publication_date: ymd(2026, 11, 4),
        claim_deadline: None,
        administrator: Some("Mojca Upraviteljica".into()),
    }
}

fn consumer_notice(name: &str, birth: NaiveDate, street: &str) -> Notice {
    let mut n = notice(DebtorKind::Consumer, ProceedingsType::PersonalBankruptcy);
    n.debtor = NoticeDebtor {
        kind: DebtorKind::Consumer,
        name: name.into(),
        registration_number: None,
        tax_number: None,
        address: NoticeAddress {
            street: street.into(),
            post_code: "2000".into(),
            city: "Maribor".into(),
        },
        birth_date: Some(birth),
    };
    n
}

// ------------------------------------------------------------------------------------------
// Formats

const LIST_CSV: &str = "#writ-cif-daily-list v1
#list_date=2026-11-03
#sequence=212
#producer=CIF
tax_number,proceedings_start_date,proceedings_type
12345679,2026-11-03,bankruptcy
SI 5022 3054,03.11.2026,prisilna_poravnava
";

#[test]
fn daily_list_csv_and_xml_round_trip() {
    let l = parse_daily_list(LIST_CSV.as_bytes()).unwrap();
    assert_eq!(
        (
            l.list_date,
            l.sequence,
            l.producer.as_str(),
            l.entries.len()
        ),
        (ymd(2026, 11, 3), 212, "CIF", 2)
    );
    assert_eq!(l.entries[1].tax_number.as_str(), "50223054");
    assert_eq!(
        l.entries[1].proceedings_type,
        ProceedingsType::CompulsorySettlement
    );
    assert_eq!(
        parse_daily_list(write_daily_list_csv(&l).as_bytes()).unwrap(),
        l
    );
    let xml = write_daily_list_xml(&l);
    assert!(xml.contains("<Entry taxNumber=\"12345679\""));
    assert_eq!(parse_daily_list(xml.as_bytes()).unwrap(), l);
    // An empty list is a list.
    let empty = DailyList {
        entries: vec![],
        ..l
    };
    assert_eq!(
        parse_daily_list(write_daily_list_csv(&empty).as_bytes()).unwrap(),
        empty
    );
}

#[test]
fn daily_list_errors_name_line_field_value_reason() {
    let bad = LIST_CSV.replace("12345679,", "12345678,");
    let e = parse_daily_list(bad.as_bytes()).unwrap_err();
    assert_eq!(
        (e.line, e.field.as_str(), e.value.as_str()),
        (6, "tax_number", "12345678")
    );
    assert!(e.reason.contains("check digit"), "{e}");

    let bad = LIST_CSV.replace("03.11.2026", "04.11.2026");
    let e = parse_daily_list(bad.as_bytes()).unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (7, "proceedings_start_date"));
    assert!(e.reason.contains("after the list's date"));

    let bad = LIST_CSV.replace("bankruptcy", "insolvency");
    let e = parse_daily_list(bad.as_bytes()).unwrap_err();
    assert_eq!(
        (e.line, e.field.as_str(), e.value.as_str()),
        (6, "proceedings_type", "insolvency")
    );

    let bad = LIST_CSV.replace("#sequence=212\n", "");
    let e = parse_daily_list(bad.as_bytes()).unwrap_err();
    assert_eq!(e.field, "sequence");

    let bad = LIST_CSV.replace("proceedings_type\n", "kind\n");
    let e = parse_daily_list(bad.as_bytes()).unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (5, "proceedings_type"));

    let xml = "<?xml version=\"1.0\"?>\n<DailyList date=\"2026-11-03\" sequence=\"1\" producer=\"CIF\">\n  <Entry taxNumber=\"12345679\" startDate=\"2026-11-03\" type=\"bankruptcy\"/>\n  <Entry taxNumber=\"1234\" startDate=\"2026-11-03\" type=\"bankruptcy\"/>\n</DailyList>\n";
    let e = parse_daily_list(xml.as_bytes()).unwrap_err();
    assert_eq!(
        (e.line, e.field.as_str(), e.value.as_str()),
        (4, "taxNumber", "1234")
    );
    let e = parse_daily_list(b"<DailyList date=\"2026-13-01\" sequence=\"1\" producer=\"x\"/>")
        .unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (1, "date"));
    assert!(
        parse_daily_list(&[0x23, 0xff, 0xfe])
            .unwrap_err()
            .reason
            .contains("UTF-8")
    );
}

#[test]
fn notices_round_trip_in_both_forms() {
    let mut a = notice(DebtorKind::LegalPerson, ProceedingsType::Bankruptcy);
    a.debtor.registration_number = Some(valid_reg());
    a.claim_deadline = Some(ymd(2027, 2, 4));
    let b = consumer_notice("Janez Novak", ymd(1980, 5, 1), "Partizanska cesta 12");
    let v = vec![a, b];
    let nd = write_notices_ndjson(&v);
    assert_eq!(nd.lines().count(), 2);
    assert!(!nd.contains("emso"));
    assert_eq!(parse_notices(nd.as_bytes()).unwrap(), v);
    let csv = write_notices_csv(&v);
    assert!(csv.starts_with("notice_id,debtor_kind,"));
    assert_eq!(parse_notices(csv.as_bytes()).unwrap(), v);
}

#[test]
fn notice_errors_name_line_field_value_reason() {
    let good = write_notices_ndjson(&[consumer_notice(
        "Janez Novak",
        ymd(1980, 5, 1),
        "Partizanska cesta 12",
    )]);
    // A consumer notice carrying a tax number is refused (ZFPPIPP 122(2)).
    let bad = format!(
        "\n{}",
        good.replace("\"tax_number\":null", "\"tax_number\":\"12345679\"")
    );
    let e = parse_notices(bad.as_bytes()).unwrap_err();
    assert_eq!(
        (e.line, e.field.as_str(), e.value.as_str()),
        (2, "tax_number", "12345679")
    );
    assert!(e.reason.contains("122(2)"));
    // EMŠO is refused by name.
    let bad = good.replace(
        "{\"notice_id\"",
        "{\"emso\":\"0101980500006\",\"notice_id\"",
    );
    let e = parse_notices(bad.as_bytes()).unwrap_err();
    assert_eq!(e.field, "emso");
    let bad = good.replace("\"court\"", "\"kourt\"");
    let e = parse_notices(bad.as_bytes()).unwrap_err();
    assert_eq!(e.field, "kourt");
    // CSV: bad case number on line 3, a publication before the opening on line 2.
    let mut n1 = notice(DebtorKind::LegalPerson, ProceedingsType::Bankruptcy);
    n1.notice_id = "N-2".into();
    let csv = write_notices_csv(&[
        notice(DebtorKind::LegalPerson, ProceedingsType::Bankruptcy),
        n1,
    ]);
    let idx = csv.rfind("St 1234/2026").unwrap();
    let bad = format!(
        "{}1234-2026{}",
        &csv[..idx],
        &csv[idx + "St 1234/2026".len()..]
    );
    let e = parse_notices(bad.as_bytes()).unwrap_err();
    assert_eq!(
        (e.line, e.field.as_str(), e.value.as_str()),
        (3, "case_number", "1234-2026")
    );
    let bad = csv.replacen("2026-11-04", "2026-11-02", 1);
    let e = parse_notices(bad.as_bytes()).unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (2, "publication_date"));
    let e = parse_notices(b"notice_id,debtor_kind,name,court,case_number,emso\n").unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (1, "emso"));
    // A legal person without any identifier.
    let bad = csv.replacen(TAX_A, "", 1);
    let e = parse_notices(bad.as_bytes()).unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (2, "registration_number"));
}

#[test]
fn query_answer_wire() {
    for a in [QueryAnswer::InProceedings, QueryAnswer::NotInProceedings] {
        assert_eq!(
            parse_query_answer(write_query_answer(a).as_bytes()).unwrap(),
            a
        );
    }
    assert!(parse_query_answer(b"{\"in_proceedings\":true,\"case\":\"St 1/2026\"}").is_err());
}

// ------------------------------------------------------------------------------------------
// Matching

#[test]
fn names_normalise_legal_forms_case_and_whitespace_keeping_diacritics() {
    assert_eq!(
        normalize_name("Gradbeništvo  KOVAČ d. o. o."),
        "gradbeništvo kovač doo"
    );
    assert_eq!(
        normalize_name("gradbeništvo kovač D.O.O"),
        normalize_name("Gradbeništvo Kovač, doo")
    );
    assert_eq!(normalize_name("Janez Novak s. p."), "janez novak sp");
    assert_ne!(
        normalize_name("Kovač d.o.o."),
        normalize_name("Kovac d.o.o.")
    );
}

#[test]
fn daily_list_matches_exactly_on_tax_number_only() {
    let ix = DebtorIndex::build([
        rec(
            "D1",
            legal("Gradbeništvo Kovač d.o.o.", Some("SI 12345679"), None),
        ),
        rec("D2", legal("Drugo d.o.o.", Some("50223054"), None)),
        rec("D3", legal("Gradbeništvo Kovač d.o.o.", None, None)),
    ]);
    let l = parse_daily_list(LIST_CSV.as_bytes()).unwrap();
    let m = ix.check_daily_list(&l);
    let refs: Vec<_> = m.iter().map(|m| m.debtor_ref.as_str()).collect();
    assert_eq!(refs, ["D1", "D2"]);
    assert!(m.iter().all(Match::is_exact));
}

#[test]
fn notice_matches_exactly_on_maticna_or_tax_number() {
    let reg = valid_reg();
    let unit = format!("{}001", reg.as_str());
    let ix = DebtorIndex::build([
        rec("BY-TAX", legal("X d.o.o.", Some(TAX_A), None)),
        rec("BY-REG-UNIT", legal("Y d.o.o.", None, Some(&unit))),
        rec("BOTH", legal("Z d.o.o.", Some(TAX_A), Some(reg.as_str()))),
    ]);
    let mut n = notice(DebtorKind::LegalPerson, ProceedingsType::Bankruptcy);
    n.debtor.registration_number = Some(reg);
    let m = ix.check_notice(&n);
    let mut got: Vec<_> = m
        .iter()
        .map(|m| (m.debtor_ref.as_str(), m.strength.clone()))
        .collect();
    got.sort_by_key(|x| x.0);
    assert_eq!(
        got,
        [
            (
                "BOTH",
                Strength::Exact {
                    on: IdField::TaxNumber
                }
            ),
            (
                "BY-REG-UNIT",
                Strength::Exact {
                    on: IdField::RegistrationNumber
                }
            ),
            (
                "BY-TAX",
                Strength::Exact {
                    on: IdField::TaxNumber
                }
            ),
        ]
    );
}

#[test]
fn firm_name_without_identifiers_is_only_a_candidate() {
    let ix = DebtorIndex::build([
        rec("NOID", legal("GRADBENIŠTVO KOVAČ, d.o.o.", None, None)),
        // Same name but a different tax number: a different company, no candidate.
        rec(
            "OTHER",
            legal("Gradbeništvo Kovač d.o.o.", Some("50223054"), None),
        ),
    ]);
    let m = ix.check_notice(&notice(
        DebtorKind::LegalPerson,
        ProceedingsType::Bankruptcy,
    ));
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].debtor_ref, "NOID");
    let Strength::Candidate { score, reasons } = &m[0].strength else {
        panic!("expected a candidate")
    };
    assert_eq!(*score, 80);
    assert!(reasons[0].contains("firm name equal"));
    assert!(matches!(lint_finding(&m[0]), LintFinding::Review(_)));
}

#[test]
fn consumer_notice_gives_candidates_never_exact() {
    let b = ymd(1980, 5, 1);
    let mut with_ids = person("Janez", "Novak", b, "Partizanska cesta", "12");
    with_ids.tax_number = Some(TAX_A.into());
    with_ids.emso = Some("0105980500002".into());
    let ix = DebtorIndex::build([
        rec("SAME", with_ids),
        rec(
            "TYPO",
            person("Janez", "Novakk", b, "Partizanska cesta", "12"),
        ),
        rec(
            "OTHER-BIRTH",
            person("Janez", "Novak", ymd(1981, 5, 1), "Partizanska cesta", "12"),
        ),
        rec(
            "OTHER-NAME",
            person("Marija", "Horvat", b, "Partizanska cesta", "12"),
        ),
    ]);
    let n = consumer_notice("NOVAK  Janez", b, "Partizanska cesta 12");
    let m = ix.check_notice(&n);
    let refs: BTreeSet<_> = m.iter().map(|m| m.debtor_ref.as_str()).collect();
    assert_eq!(refs, BTreeSet::from(["SAME", "TYPO"]));
    for x in &m {
        assert!(!x.is_exact());
        assert!(matches!(lint_finding(x), LintFinding::Review(_)));
    }
    let same = m.iter().find(|x| x.debtor_ref == "SAME").unwrap();
    assert!(matches!(
        same.strength,
        Strength::Candidate { score: 100, .. }
    ));
}

#[test]
fn query_answers_match_exactly_on_the_identifier_asked() {
    let mut p = person("Janez", "Novak", ymd(1980, 5, 1), "Partizanska cesta", "12");
    let emso = crate::law::ids::Emso::complete("010598050000").unwrap();
    p.emso = Some(emso.to_string());
    let ix = DebtorIndex::build([rec("P", p)]);
    let targets = ix.query_targets(IdField::Emso);
    assert_eq!(
        targets,
        vec![("P".to_string(), QueryId::Emso(emso.clone()))]
    );
    let id_text = emso.to_string();
    let id = QueryId::Emso(emso);
    assert!(
        ix.match_query(&id, QueryAnswer::NotInProceedings, ymd(2026, 11, 5))
            .is_empty()
    );
    let m = ix.match_query(&id, QueryAnswer::InProceedings, ymd(2026, 11, 5));
    assert_eq!(m[0].strength, Strength::Exact { on: IdField::Emso });
    let LintFinding::Block(b) = lint_finding(&m[0]) else {
        panic!()
    };
    assert_eq!(
        b.reason,
        format!(
            "Insolvency proceedings are pending against EMŠO {id_text} (CIF query answer of 05.11.2026; the query service gives no case number or court, ZFPPIPP 122(3)); ZFPPIPP 131 forbids a new enforcement order"
        )
    );
}

fn name_strategy() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "Janez Novak",
        "Novak Janez",
        "JANEZ NOVAK",
        "Janez Novakk",
        "Jánez Novák",
        "Kovač d.o.o.",
        "KOVAČ d. o. o.",
        "Kovac doo",
        "Marija Horvat",
    ])
    .prop_map(String::from)
}

proptest! {
    /// A fuzzy name match never produces Exact: consumer notices (whatever our records hold,
    /// identifiers included) and firm notices whose identifiers are not ours give candidates
    /// at most, and candidates never block.
    #[test]
    fn fuzzy_name_match_never_exact(
        names in prop::collection::vec(name_strategy(), 1..6),
        notice_name in name_strategy(),
        with_ids in any::<bool>(),
        legal_notice in any::<bool>(),
    ) {
        let b = ymd(1980, 5, 1);
        let debtors: Vec<DebtorRecord> = names.iter().enumerate().map(|(i, n)| {
            let mut p = if i % 2 == 0 {
                person("", n, b, "Partizanska cesta", "12")
            } else {
                legal(n, None, None)
            };
            if with_ids {
                p.tax_number = Some("50223054".into());
            }
            rec(&format!("D{i}"), p)
        }).collect();
        let ix = DebtorIndex::build(debtors);
        let n = if legal_notice {
            // Tax number TAX_A belongs to none of our debtors.
            let mut n = notice(DebtorKind::LegalPerson, ProceedingsType::Bankruptcy);
            n.debtor.name = notice_name;
            n
        } else {
            consumer_notice(&notice_name, b, "Partizanska cesta 12")
        };
        for m in ix.check_notice(&n) {
            prop_assert!(!m.is_exact());
            let is_review = matches!(lint_finding(&m), LintFinding::Review(_));
            prop_assert!(is_review);
        }
    }
}

#[test]
fn index_check_costs_o_list() {
    let r = bench_check(100_000, 500);
    assert_eq!(r.matches, 250);
    assert!(r.check.as_millis() < 500, "{r:?}");
}

/// The full size named in the brief; slow in debug builds (run with `--release --ignored`).
#[test]
#[ignore]
fn bench_one_million_debtors() {
    let r = bench_check(1_000_000, 500);
    assert_eq!(r.matches, 250);
    eprintln!("{r:?}");
}

// ------------------------------------------------------------------------------------------
// Effects

#[test]
fn block_message_names_the_daily_list() {
    let ix = DebtorIndex::build([rec("D1", legal("X d.o.o.", Some(TAX_A), None))]);
    let l = parse_daily_list(LIST_CSV.as_bytes()).unwrap();
    let m = ix.check_daily_list(&l);
    let LintFinding::Block(b) = lint_finding(&m[0]) else {
        panic!()
    };
    assert_eq!(
        b.reason,
        "Insolvency proceedings (bankruptcy) against tax number 12345679 started on 03.11.2026 (CIF daily list of 03.11.2026); ZFPPIPP 131 forbids a new enforcement order"
    );
    assert_eq!(b.citation, "ZFPPIPP 131");
}

#[test]
fn block_message_names_case_number_and_court_when_a_notice_is_known() {
    let ix = DebtorIndex::build([rec("D1", legal("X d.o.o.", Some(TAX_A), None))]);
    let m = ix.check_notice(&notice(
        DebtorKind::LegalPerson,
        ProceedingsType::CompulsorySettlement,
    ));
    let LintFinding::Block(b) = lint_finding(&m[0]) else {
        panic!()
    };
    assert!(
        b.reason
            .contains("(compulsory settlement, St 1234/2026 at Okrožno sodišče v Ljubljani)"),
        "{}",
        b.reason
    );
    assert!(b.reason.contains("opened on 03.11.2026"));
}

#[test]
fn case_effects_per_type() {
    let open = ymd(2026, 11, 3);
    let bank = |d: Option<NaiveDate>| MeansState::BankFunds { served_on_bank: d };
    for pt in [
        ProceedingsType::CompulsorySettlement,
        ProceedingsType::SimplifiedCompulsorySettlement,
    ] {
        assert!(matches!(
            case_effect(pt, open, &bank(Some(ymd(2026, 1, 1)))),
            CaseEffect::Stay {
                citation: "ZFPPIPP 132(1), 132(2)",
                ..
            }
        ));
    }
    for pt in [
        ProceedingsType::Bankruptcy,
        ProceedingsType::PersonalBankruptcy,
    ] {
        assert!(matches!(
            case_effect(pt, open, &bank(None)),
            CaseEffect::Stop { .. }
        ));
        assert!(matches!(
            case_effect(pt, open, &bank(Some(ymd(2026, 11, 2)))),
            CaseEffect::Continue {
                citation: "ZFPPIPP 132(4)3, 132(6)",
                ..
            }
        ));
        let CaseEffect::Stop { note, .. } = case_effect(pt, open, &bank(Some(open))) else {
            panic!()
        };
        assert!(note.contains("check the hour"));
        let other = |r, s| MeansState::Other {
            separate_satisfaction_right: r,
            sale_done: s,
        };
        assert!(matches!(
            case_effect(pt, open, &other(false, false)),
            CaseEffect::Stop { .. }
        ));
        assert!(matches!(
            case_effect(pt, open, &other(true, false)),
            CaseEffect::Stay { .. }
        ));
        assert!(matches!(
            case_effect(pt, open, &other(true, true)),
            CaseEffect::Continue { .. }
        ));
    }
    let CaseEffect::Stop { note, .. } =
        case_effect(ProceedingsType::Liquidation, open, &bank(None))
    else {
        panic!()
    };
    assert!(note.contains("to verify"));
}

#[test]
fn claim_deadlines_one_and_three_months_moved_off_closed_days() {
    let c = Calendar::slovenia();
    // Compulsory settlement published Friday 30.1.2026: one month → Saturday 28.2.2026
    // (no 30 February) → Monday 2.3.2026.
    let mut n = notice(
        DebtorKind::LegalPerson,
        ProceedingsType::CompulsorySettlement,
    );
    n.opening_date = ymd(2026, 1, 29);
    n.publication_date = ymd(2026, 1, 30);
    let d = claim_deadline(&n, &c).unwrap();
    let comp = d.computed.clone().unwrap();
    assert_eq!(
        (comp.nominal_end, comp.end, d.file_by),
        (ymd(2026, 2, 28), ymd(2026, 3, 2), ymd(2026, 3, 2))
    );
    assert!(comp.citation.starts_with("ZFPPIPP 59"));
    // Bankruptcy published Friday 25.9.2026: three months → Friday 25.12.2026 (Christmas),
    // 26.12. holiday, weekend → Monday 28.12.2026.
    let mut n = notice(DebtorKind::LegalPerson, ProceedingsType::Bankruptcy);
    n.opening_date = ymd(2026, 9, 24);
    n.publication_date = ymd(2026, 9, 25);
    let d = claim_deadline(&n, &c).unwrap();
    assert_eq!(d.file_by, ymd(2026, 12, 28));
    assert!(d.computed.unwrap().moved_because.unwrap().contains("božič"));
    assert!(d.consequence.contains("296(5)"));
    // A stated deadline earlier than the computed one wins, with a warning.
    n.claim_deadline = Some(ymd(2026, 12, 24));
    let d = claim_deadline(&n, &c).unwrap();
    assert_eq!(d.file_by, ymd(2026, 12, 24));
    assert!(d.warnings[0].contains("file by the earlier"));
    // Personal bankruptcy: 3 months as bankruptcy.
    n.proceedings_type = ProceedingsType::PersonalBankruptcy;
    n.claim_deadline = None;
    assert_eq!(claim_deadline(&n, &c).unwrap().file_by, ymd(2026, 12, 28));
    // Liquidation: only a stated deadline.
    n.proceedings_type = ProceedingsType::Liquidation;
    let e = claim_deadline(&n, &c).unwrap_err();
    assert_eq!(e.alert(n.publication_date).kind, AlertKind::DeadlineUnknown);
    n.claim_deadline = Some(ymd(2026, 12, 1));
    assert_eq!(claim_deadline(&n, &c).unwrap().file_by, ymd(2026, 12, 1));
}

#[test]
fn late_knowledge_alert_after_eight_days() {
    let n = notice(DebtorKind::LegalPerson, ProceedingsType::Bankruptcy); // published 4.11.2026
    assert!(late_knowledge_alert(&n, ymd(2026, 11, 4), None).is_none());
    assert!(late_knowledge_alert(&n, ymd(2026, 11, 12), None).is_none());
    let a = late_knowledge_alert(&n, ymd(2026, 11, 13), Some(ymd(2027, 2, 4))).unwrap();
    assert_eq!(
        (a.kind, a.date),
        (AlertKind::LateKnowledge, ymd(2026, 11, 4))
    );
    assert!(
        a.message
            .contains("deemed from 12.11.2026 (ZFPPIPP 122(4)), 1 day(s)"),
        "{}",
        a.message
    );
    assert!(a.message.contains("83 day(s) remain"), "{}", a.message);
    let a = late_knowledge_alert(&n, ymd(2027, 3, 1), Some(ymd(2027, 2, 4))).unwrap();
    assert!(a.message.contains("has already passed"));
}

// ------------------------------------------------------------------------------------------
// Claim draft

fn sample_claim() -> Claim {
    let doc = |no: &str, amount: &str, due: NaiveDate| AuthenticDocument {
        kind_code: 1,
        number: no.into(),
        issue_date: Some(due - chrono::Days::new(30)),
        due_date: Some(due),
        amount: dec(amount),
        currency: "EUR".into(),
        interest: InterestClaim::Statutory {
            from: None,
            to: None,
        },
    };
    Claim {
        external_ref: Some("C-1".into()),
        creditor: Creditor {
            party: legal("Upnik d.o.o.", Some("50223054"), None),
            iban: Some("SI56 1910 0000 0123 438".into()),
            account_holder: String::new(),
            representative: None,
        },
        debtor: Debtor {
            party: legal("Gradbeništvo Kovač d.o.o.", Some(TAX_A), None),
            means: Means::default(),
        },
        documents: vec![
            doc("R-2025-100", "1000.00", ymd(2025, 12, 31)),
            doc("R-2025-050", "500.00", ymd(2025, 6, 30)),
        ],
        costs: vec![CostItem {
            description: "stroški sestave predloga".into(),
            amount: dec("45.00"),
            currency: "EUR".into(),
        }],
        claim_court_fee: false,
        interest_on_costs: false,
        bailiff: None,
        commercial: true,
    }
}

#[test]
fn claim_draft_amounts_checked_by_hand() {
    let mut n = notice(DebtorKind::LegalPerson, ProceedingsType::Bankruptcy);
    n.opening_date = ymd(2026, 3, 2);
    n.publication_date = ymd(2026, 3, 3);
    let cases = [EnforcementCaseRef {
        court: "Okrajno sodišče v Ljubljani".into(),
        case_number: Some(CaseNumber::parse("VL 190522/2025").unwrap()),
        note: Some("order issued".into()),
    }];
    let rates = RateTable::builtin();
    let cal = Calendar::slovenia();
    let d = claim_draft(
        &sample_claim(),
        &n,
        &cases,
        &rates,
        &DayCount::default(),
        InterestCutoff::DayBeforeOpening,
        &cal,
    )
    .unwrap();
    // By hand, interest to 1.3.2026 (the day before the opening), both ends counted, /365:
    // R-2025-100: 1.1.–1.3.2026 = 60 days × 10.15 % × 1000 / 365 = 16.684… → 16.68.
    // R-2025-050: 1.7.–31.12.2025 = 184 days × 10.15 % × 500 / 365 = 25.583… → 25.58;
    //             1.1.–1.3.2026 = 60 days × 10.15 % × 500 / 365 = 8.342… → 8.34; sum 33.92.
    assert_eq!(d.interest_last_day, ymd(2026, 3, 1));
    assert_eq!(d.interest[0].amount, dec("16.68"));
    assert_eq!(d.interest[1].amount, dec("33.92"));
    assert_eq!(d.principal_total, dec("1500.00"));
    assert_eq!(d.interest_total, dec("50.60"));
    assert_eq!(d.costs_total, dec("45.00"));
    assert_eq!(d.total, dec("1595.60"));
    let md = d.render_markdown();
    for needle in [
        "# PRIJAVA TERJATVE",
        "St 1234/2026",
        "| **SKUPAJ (total claimed)** | **1.595,60** |",
        "VL 190522/2025",
        "SI56 1910 0000 0123 438",
        "ZFPPIPP 60(2)2",
        "01.01.2026 – 01.03.2026: 1.000,00 × 10.15 % × 60 / 365 = 16,68 EUR",
        "File by 03.06.2026",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in\n{md}");
    }
    // With the opening day included: 61 days on the first document → 16.96.
    let d2 = claim_draft(
        &sample_claim(),
        &n,
        &cases,
        &rates,
        &DayCount::default(),
        InterestCutoff::OpeningDate,
        &cal,
    )
    .unwrap();
    assert_eq!(d2.interest[0].amount, dec("16.96"));
}

#[test]
fn claim_draft_refuses_foreign_currency_and_missing_interest_start() {
    let n = notice(DebtorKind::LegalPerson, ProceedingsType::Bankruptcy);
    let args = (RateTable::builtin(), Calendar::slovenia());
    let mut c = sample_claim();
    c.documents[0].currency = "USD".into();
    let e = claim_draft(
        &c,
        &n,
        &[],
        &args.0,
        &DayCount::default(),
        InterestCutoff::default(),
        &args.1,
    )
    .unwrap_err();
    assert!(matches!(e, DraftError::Currency { .. }));
    let mut c = sample_claim();
    c.documents[0].due_date = None;
    let e = claim_draft(
        &c,
        &n,
        &[],
        &args.0,
        &DayCount::default(),
        InterestCutoff::default(),
        &args.1,
    )
    .unwrap_err();
    assert!(e.to_string().contains("R-2025-100"));
}

// ------------------------------------------------------------------------------------------
// Source health

#[test]
fn missing_lists_are_working_days_only() {
    let c = Calendar::slovenia();
    // Last success Friday 30.10.2026; 31.10. (Saturday, dan reformacije), 1.11. (Sunday) expect
    // nothing; 2.–5.11. are working days; the list of 4.11. did not arrive.
    let exp = expected_daily_lists(&c, ymd(2026, 10, 30), ymd(2026, 11, 5)).unwrap();
    assert_eq!(
        exp,
        [
            ymd(2026, 11, 2),
            ymd(2026, 11, 3),
            ymd(2026, 11, 4),
            ymd(2026, 11, 5)
        ]
    );
    let got = BTreeSet::from([ymd(2026, 11, 2), ymd(2026, 11, 3), ymd(2026, 11, 5)]);
    let a = missing_daily_lists(&c, ymd(2026, 10, 30), ymd(2026, 11, 5), &got).unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(
        (a[0].kind, a[0].date),
        (AlertKind::MissingDailyList, ymd(2026, 11, 4))
    );
    assert!(a[0].message.contains("04.11.2026"));
    // Christmas week 2026: 25.12. (Fri) and 26.12. (Sat) closed.
    let exp = expected_daily_lists(&c, ymd(2026, 12, 23), ymd(2026, 12, 28)).unwrap();
    assert_eq!(exp, [ymd(2026, 12, 24), ymd(2026, 12, 28)]);
}

// ------------------------------------------------------------------------------------------
// Memory source and the simulator over HTTP

#[tokio::test]
async fn memory_source_serves_imported_files() {
    let mut s = MemorySource::default();
    s.add_daily_list(parse_daily_list(LIST_CSV.as_bytes()).unwrap());
    s.notices
        .push(notice(DebtorKind::LegalPerson, ProceedingsType::Bankruptcy));
    let t = TaxNumber::parse(TAX_A).unwrap();
    s.insolvent_ids.insert(QueryId::TaxNumber(t.clone()));
    assert!(s.daily_list(ymd(2026, 11, 3)).await.unwrap().is_some());
    assert!(s.daily_list(ymd(2026, 11, 4)).await.unwrap().is_none());
    assert_eq!(
        s.notices_since(ymd(2026, 11, 4))
            .await
            .unwrap()
            .notices
            .len(),
        1
    );
    assert!(
        s.notices_since(ymd(2026, 11, 5))
            .await
            .unwrap()
            .notices
            .is_empty()
    );
    assert_eq!(
        s.query(&QueryId::TaxNumber(t)).await.unwrap(),
        QueryAnswer::InProceedings
    );
}

/// A raw GET for what the client does not ask (XML form, a doubled identifier).
async fn raw_get(base: &str, path: &str) -> (u16, Vec<u8>) {
    let r = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = r.status().as_u16();
    (status, r.bytes().await.unwrap().to_vec())
}

fn sim_config() -> SimConfig {
    let mut cfg = SimConfig::new(42);
    cfg.noise_per_day = 3;
    cfg.skipped_days.insert(ymd(2026, 11, 4));
    cfg.published_through = Some(ymd(2026, 11, 6));
    cfg.insolvent.push(SimDebtor {
        kind: DebtorKind::LegalPerson,
        name: "Gradbeništvo Kovač d.o.o.".into(),
        tax_number: TaxNumber::parse(TAX_A).unwrap(),
        registration_number: Some(valid_reg()),
        emso: None,
        birth_date: None,
        address: NoticeAddress {
            street: "Dunajska cesta 5".into(),
            post_code: "1000".into(),
            city: "Ljubljana".into(),
        },
        proceedings_type: ProceedingsType::Bankruptcy,
        opening_date: ymd(2026, 11, 3),
        publication_date: ymd(2026, 11, 3),
        claim_deadline: None,
        court: "Okrožno sodišče v Ljubljani".into(),
        case_number: CaseNumber::parse("St 1234/2026").unwrap(),
        administrator: Some("Mojca Upraviteljica".into()),
    });
    cfg
}

#[tokio::test]
async fn over_http_a_listed_debtor_is_blocked_and_a_skipped_list_alerts() {
    let (addr, server) = spawn(sim_config()).await.unwrap();
    let base = format!("http://{addr}");
    let src = RegistryClient::new(&base).unwrap();
    let ix = DebtorIndex::build([
        rec(
            "OURS",
            legal("Gradbeništvo Kovač d.o.o.", Some(TAX_A), None),
        ),
        rec("HEALTHY", legal("Zdravo d.o.o.", Some("50223054"), None)),
    ]);
    let cal = Calendar::slovenia();
    let (last_success, through) = (ymd(2026, 10, 30), ymd(2026, 11, 5));
    let mut received = BTreeSet::new();
    let mut blocks = Vec::new();
    for day in expected_daily_lists(&cal, last_success, through).unwrap() {
        if let Some(list) = src.daily_list(day).await.unwrap() {
            assert_eq!(list.list_date, day);
            assert_eq!(list.entries.len(), 3 + usize::from(day == ymd(2026, 11, 3)));
            received.insert(day);
            for m in ix.check_daily_list(&list) {
                if let LintFinding::Block(b) = lint_finding(&m) {
                    blocks.push(b);
                }
            }
        }
    }
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0].debtor_ref, "OURS");
    assert_eq!(
        blocks[0].reason,
        "Insolvency proceedings (bankruptcy) against tax number 12345679 started on 03.11.2026 (CIF daily list of 03.11.2026); ZFPPIPP 131 forbids a new enforcement order"
    );
    let alerts = missing_daily_lists(&cal, last_success, through, &received).unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        (alerts[0].kind, alerts[0].date),
        (AlertKind::MissingDailyList, ymd(2026, 11, 4))
    );

    // Weekends and days after the simulator's "today" have no list; XML is served on request.
    assert!(src.daily_list(ymd(2026, 10, 31)).await.unwrap().is_none());
    assert!(src.daily_list(ymd(2026, 11, 9)).await.unwrap().is_none());
    let (s, body) = raw_get(&base, "/v1/daily-lists/2026-11-03?format=xml").await;
    assert_eq!(s, 200);
    assert_eq!(parse_daily_list(&body).unwrap().entries.len(), 4);

    // Notices: the case number and court reach the block message.
    let notices = src.notices_since(ymd(2026, 11, 3)).await.unwrap().notices;
    let ours = ix.check_notices(&notices);
    assert_eq!(ours.len(), 1);
    let LintFinding::Block(b) = lint_finding(&ours[0]) else {
        panic!()
    };
    assert!(
        b.reason
            .contains("St 1234/2026 at Okrožno sodišče v Ljubljani")
    );
    // Deterministic with the seed.
    assert_eq!(
        notices,
        src.notices_since(ymd(2026, 11, 3)).await.unwrap().notices
    );

    // Query service: yes/no only; one identifier, not both.
    let yes = QueryId::TaxNumber(TaxNumber::parse(TAX_A).unwrap());
    let no = QueryId::TaxNumber(TaxNumber::parse("50223054").unwrap());
    assert_eq!(src.query(&yes).await.unwrap(), QueryAnswer::InProceedings);
    assert_eq!(src.query(&no).await.unwrap(), QueryAnswer::NotInProceedings);
    let (s, _) = raw_get(&base, "/v1/query?tax=12345679&emso=0105980500002").await;
    assert_eq!(s, 400);
    server.abort();
}

/// One malformed publication is refused with its line; the notices around it are kept (the
/// watch over every other debtor goes on). `parse_notices` (a clerk's file) stays all or nothing.
#[test]
fn a_bad_notice_among_good_ones_is_refused_alone() {
    let good =
        write_notices_ndjson(&[notice(DebtorKind::LegalPerson, ProceedingsType::Bankruptcy)]);
    let good = good.trim_end();
    let body = format!("{good}\n{{\"notice_id\": 7}}\n{good}\n");
    let b = parse_notices_lenient(body.as_bytes()).unwrap();
    assert_eq!(b.notices.len(), 2);
    assert_eq!(b.refused.len(), 1);
    assert_eq!(b.refused[0].line, 2);
    assert_eq!(parse_notices(body.as_bytes()).unwrap_err().line, 2);
    // A fault of the whole input is still an error.
    assert!(parse_notices_lenient(&[0xff, 0xfe]).is_err());
}

/// A registry's date with a two-digit year is refused, as in every other date writ reads (a
/// review found `3.11.26` read as the year 26 here only).
#[test]
fn registry_dates_need_a_four_digit_year() {
    let d = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
    for ok in ["2026-11-03", "3.11.2026", "03. 11. 2026.", " 03.11.2026 "] {
        assert_eq!(formats::parse_date(ok), Some(d), "{ok}");
    }
    for bad in ["3.11.26", "26-11-03", "0026-11-03", "3.11.0026"] {
        assert_eq!(formats::parse_date(bad), None, "{bad}");
    }
}
