//! writ's wire formats for insolvency data (docs/insolvency-sources.md): the CIF daily list
//! (ZFPPIPP 122.a) as CSV or XML, published notices (ZFPPIPP 122) as NDJSON or CSV, and the
//! query service's yes/no answer as JSON. One `parse_*` per format family (the form is sniffed),
//! one `write_*` per form. Every parse error names the line, the field, the value and the reason.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use serde::{Deserialize, Serialize};

use super::{DebtorKind, ProceedingsType, QueryAnswer};
use crate::law::ids::{CaseNumber, RegistrationNumber, TaxNumber};

/// A parse error: where and why. `line` is 1-based (0 when the input as a whole is at fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
pub struct ParseError {
    /// 1-based line of the input.
    pub line: usize,
    /// Field (column, attribute or JSON key); `(file)` / `(record)` / `(header)` for structure.
    pub field: String,
    /// The value as found (truncated to 80 characters).
    pub value: String,
    /// Why it is refused.
    pub reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, field {}, value {:?}: {}",
            self.line, self.field, self.value, self.reason
        )
    }
}

pub(crate) fn err(line: usize, field: &str, value: &str, reason: impl Into<String>) -> ParseError {
    let mut v: String = value.chars().take(80).collect();
    if value.chars().count() > 80 {
        v.push('…');
    }
    ParseError {
        line,
        field: field.to_string(),
        value: v,
        reason: reason.into(),
    }
}

/// One row of a daily list: a debtor against whom proceedings started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyListEntry {
    /// The debtor's tax number (the only identifier the list carries).
    pub tax_number: TaxNumber,
    /// Start date of the proceedings (začetek postopka).
    pub start_date: NaiveDate,
    /// Type of proceedings.
    pub proceedings_type: ProceedingsType,
}

/// The CIF daily list of one working day (ZFPPIPP 122.a).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyList {
    /// The working day the list covers.
    pub list_date: NaiveDate,
    /// Producer's running number of the list.
    pub sequence: u32,
    /// Who produced it (e.g. `CIF Vrhovno sodišče RS`, `writ-registry-sim`).
    pub producer: String,
    /// Rows (may be empty: a day with no new proceedings still has a list).
    pub entries: Vec<DailyListEntry>,
}

/// A published address (as AJPES shows it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeAddress {
    /// Street and house number, e.g. `Slovenska cesta 1`.
    pub street: String,
    /// Post code, e.g. `1000`.
    pub post_code: String,
    /// Place, e.g. `Ljubljana`.
    pub city: String,
}

/// The insolvent debtor as published. Invariants (checked at parse): legal persons and
/// entrepreneurs carry a matična and/or tax number; consumers carry neither, but a birth date.
/// No EMŠO ever (ZFPPIPP 122(2)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeDebtor {
    /// Kind.
    pub kind: DebtorKind,
    /// Firm (legal person, entrepreneur) or personal name (consumer).
    pub name: String,
    /// Matična številka (legal persons, entrepreneurs).
    pub registration_number: Option<RegistrationNumber>,
    /// Davčna številka (legal persons, entrepreneurs).
    pub tax_number: Option<TaxNumber>,
    /// Seat / address.
    pub address: NoticeAddress,
    /// Birth date (consumers).
    pub birth_date: Option<NaiveDate>,
}

/// A published notice (oklic / objava) about an opened proceedings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Publisher's id of the notice.
    pub notice_id: String,
    /// The debtor.
    pub debtor: NoticeDebtor,
    /// Insolvency court, e.g. `Okrožno sodišče v Ljubljani`.
    pub court: String,
    /// Case number, e.g. `St 1234/2026`.
    pub case_number: CaseNumber,
    /// Type of proceedings.
    pub proceedings_type: ProceedingsType,
    /// Opening date (začetek postopka).
    pub opening_date: NaiveDate,
    /// Publication date of the notice (the claim deadline runs from it, ZFPPIPP 59).
    pub publication_date: NaiveDate,
    /// Claim deadline as stated in the notice, if stated.
    pub claim_deadline: Option<NaiveDate>,
    /// Administrator (upravitelj), if named.
    pub administrator: Option<String>,
}

/// A notice as flat text fields: the NDJSON object and the CSV row. Every field is optional at
/// this level so that validation can name what is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeRecord {
    pub notice_id: Option<String>,
    pub debtor_kind: Option<String>,
    pub name: Option<String>,
    pub registration_number: Option<String>,
    pub tax_number: Option<String>,
    pub street: Option<String>,
    pub post_code: Option<String>,
    pub city: Option<String>,
    pub birth_date: Option<String>,
    pub court: Option<String>,
    pub case_number: Option<String>,
    pub proceedings_type: Option<String>,
    pub opening_date: Option<String>,
    pub publication_date: Option<String>,
    pub claim_deadline: Option<String>,
    pub administrator: Option<String>,
    /// Never allowed: EMŠO is not published (ZFPPIPP 122(2)). Present only to refuse it by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emso: Option<String>,
}

/// CSV columns of the notice format, in order.
pub const NOTICE_COLUMNS: [&str; 16] = [
    "notice_id",
    "debtor_kind",
    "name",
    "registration_number",
    "tax_number",
    "street",
    "post_code",
    "city",
    "birth_date",
    "court",
    "case_number",
    "proceedings_type",
    "opening_date",
    "publication_date",
    "claim_deadline",
    "administrator",
];

/// CSV columns of the daily-list format.
pub const DAILY_LIST_COLUMNS: [&str; 3] =
    ["tax_number", "proceedings_start_date", "proceedings_type"];

/// Magic first line of the CSV daily list.
pub const DAILY_LIST_CSV_MAGIC: &str = "#writ-cif-daily-list v1";
/// Namespace of the XML daily list.
pub const DAILY_LIST_XML_NS: &str = "urn:writ:insolvency:daily-list:1";

impl From<&Notice> for NoticeRecord {
    fn from(n: &Notice) -> Self {
        let s = |v: &str| Some(v.to_string()).filter(|x| !x.is_empty());
        NoticeRecord {
            notice_id: s(&n.notice_id),
            debtor_kind: s(n.debtor.kind.code()),
            name: s(&n.debtor.name),
            registration_number: n.debtor.registration_number.as_ref().map(|r| r.to_string()),
            tax_number: n.debtor.tax_number.as_ref().map(|t| t.to_string()),
            street: s(&n.debtor.address.street),
            post_code: s(&n.debtor.address.post_code),
            city: s(&n.debtor.address.city),
            birth_date: n.debtor.birth_date.map(|d| d.to_string()),
            court: s(&n.court),
            case_number: s(n.case_number.as_str()),
            proceedings_type: s(n.proceedings_type.code()),
            opening_date: Some(n.opening_date.to_string()),
            publication_date: Some(n.publication_date.to_string()),
            claim_deadline: n.claim_deadline.map(|d| d.to_string()),
            administrator: n.administrator.clone(),
            emso: None,
        }
    }
}

/// Parses a date written `2026-11-03` or `3.11.2026` / `03. 11. 2026.`, as the import reads
/// dates ([`crate::filing::import::rows::parse_date`]): the year has four digits, so `3.11.26`
/// is refused, never read as the year 26.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    crate::filing::import::rows::parse_date(s.trim().trim_end_matches('.'))
}

fn date_field(line: usize, field: &str, value: &str) -> Result<NaiveDate, ParseError> {
    if value.trim().is_empty() {
        return Err(err(line, field, value, "is required"));
    }
    parse_date(value).ok_or_else(|| {
        err(
            line,
            field,
            value,
            "is not a date (write YYYY-MM-DD or DD.MM.YYYY)",
        )
    })
}

fn type_field(line: usize, field: &str, value: &str) -> Result<ProceedingsType, ParseError> {
    ProceedingsType::parse(value).ok_or_else(|| {
        err(
            line,
            field,
            value,
            "unknown proceedings type (bankruptcy, personal_bankruptcy, compulsory_settlement, simplified_compulsory_settlement, liquidation)",
        )
    })
}

fn tax_field(line: usize, field: &str, value: &str) -> Result<TaxNumber, ParseError> {
    TaxNumber::parse(value).map_err(|e| err(line, field, value, e.to_string()))
}

fn utf8(bytes: &[u8]) -> Result<&str, ParseError> {
    let s = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        err(line, "(file)", "", "the file is not UTF-8")
    })?;
    Ok(s.strip_prefix('\u{feff}').unwrap_or(s))
}

fn first_char(s: &str) -> Option<char> {
    s.chars().find(|c| !c.is_whitespace())
}

// ---------------------------------------------------------------------------------------------
// Daily list

/// Parses a daily list in either form: XML when the first non-blank character is `<`, else CSV.
pub fn parse_daily_list(bytes: &[u8]) -> Result<DailyList, ParseError> {
    let s = utf8(bytes)?;
    if first_char(s) == Some('<') {
        parse_daily_list_xml(s)
    } else {
        parse_daily_list_csv(s)
    }
}

fn parse_daily_list_csv(s: &str) -> Result<DailyList, ParseError> {
    let mut meta: HashMap<String, (usize, String)> = HashMap::new();
    let mut offset = 0usize; // bytes of the metadata block
    let mut meta_lines = 0usize;
    for raw in s.split_inclusive('\n') {
        let line = raw.trim();
        if !(line.starts_with('#') || line.is_empty()) {
            break;
        }
        offset += raw.len();
        meta_lines += 1;
        let body = line.trim_start_matches('#').trim();
        if body.is_empty() || (meta_lines == 1 && line.starts_with("#writ-cif-daily-list")) {
            if meta_lines == 1
                && line.starts_with("#writ-cif-daily-list")
                && line != DAILY_LIST_CSV_MAGIC
            {
                return Err(err(
                    1,
                    "(header)",
                    line,
                    format!("unsupported version; expected `{DAILY_LIST_CSV_MAGIC}`"),
                ));
            }
            continue;
        }
        let Some((k, v)) = body.split_once('=') else {
            return Err(err(
                meta_lines,
                "(header)",
                line,
                "a metadata line must read `#key=value`",
            ));
        };
        meta.insert(k.trim().to_string(), (meta_lines, v.trim().to_string()));
    }
    let get = |k: &str| -> Result<(usize, String), ParseError> {
        meta.get(k).cloned().ok_or_else(|| {
            err(
                meta_lines.max(1),
                k,
                "",
                format!("the metadata line `#{k}=…` is required before the column header"),
            )
        })
    };
    let (l, v) = get("list_date")?;
    let list_date = date_field(l, "list_date", &v)?;
    let (l, v) = get("sequence")?;
    let sequence: u32 = v
        .parse()
        .map_err(|_| err(l, "sequence", &v, "must be a whole number"))?;
    let (l, producer) = get("producer")?;
    if producer.is_empty() {
        return Err(err(l, "producer", "", "is required"));
    }

    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(&s.as_bytes()[offset..]);
    let header_line = meta_lines + 1;
    let headers = rdr
        .headers()
        .map_err(|e| err(header_line, "(header)", "", e.to_string()))?
        .clone();
    let mut idx = [0usize; 3];
    for (i, col) in DAILY_LIST_COLUMNS.iter().enumerate() {
        idx[i] = headers.iter().position(|h| h == *col).ok_or_else(|| {
            err(
                header_line,
                col,
                &headers.iter().collect::<Vec<_>>().join(","),
                format!(
                    "column missing; the header must name {}",
                    DAILY_LIST_COLUMNS.join(", ")
                ),
            )
        })?;
    }
    let mut entries = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e
                .position()
                .map(|p| p.line() as usize + meta_lines)
                .unwrap_or(0);
            err(line, "(record)", "", e.to_string())
        })?;
        let line = rec
            .position()
            .map(|p| p.line() as usize + meta_lines)
            .unwrap_or(0);
        let f = |i: usize| rec.get(idx[i]).unwrap_or("");
        entries.push(daily_entry(
            line,
            list_date,
            ("tax_number", f(0)),
            ("proceedings_start_date", f(1)),
            ("proceedings_type", f(2)),
        )?);
    }
    Ok(DailyList {
        list_date,
        sequence,
        producer,
        entries,
    })
}

fn daily_entry(
    line: usize,
    list_date: NaiveDate,
    tax: (&str, &str),
    start: (&str, &str),
    kind: (&str, &str),
) -> Result<DailyListEntry, ParseError> {
    let tax_number = tax_field(line, tax.0, tax.1)?;
    let start_date = date_field(line, start.0, start.1)?;
    if start_date > list_date {
        return Err(err(
            line,
            start.0,
            start.1,
            format!(
                "the proceedings start after the list's date {list_date}; a list reports proceedings started up to its day"
            ),
        ));
    }
    let proceedings_type = type_field(line, kind.0, kind.1)?;
    Ok(DailyListEntry {
        tax_number,
        start_date,
        proceedings_type,
    })
}

fn line_at(s: &str, pos: u64) -> usize {
    let pos = usize::try_from(pos).unwrap_or(usize::MAX).min(s.len());
    1 + s.as_bytes()[..pos].iter().filter(|&&b| b == b'\n').count()
}

fn xml_attrs(e: &BytesStart<'_>, line: usize) -> Result<HashMap<String, String>, ParseError> {
    let mut out = HashMap::new();
    for a in e.attributes() {
        let a = a.map_err(|x| err(line, "(attribute)", "", x.to_string()))?;
        let key = a.key.local_name().as_ref().to_string();
        let v = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|x| err(line, &key, "", x.to_string()))?;
        out.insert(key, v.into_owned());
    }
    Ok(out)
}

fn parse_daily_list_xml(s: &str) -> Result<DailyList, ParseError> {
    let mut reader = quick_xml::Reader::from_str(s);
    let mut header: Option<(NaiveDate, u32, String)> = None;
    let mut entries = Vec::new();
    loop {
        let before = reader.buffer_position();
        let ev = reader.read_event().map_err(|e| {
            err(
                line_at(s, reader.error_position()),
                "(xml)",
                "",
                e.to_string(),
            )
        })?;
        // Whitespace is its own Text event, so `before` is the position of the tag's `<`.
        let line = line_at(s, before);
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name().as_ref().to_string();
                let at = xml_attrs(&e, line)?;
                let get = |k: &str| at.get(k).map(String::as_str).unwrap_or("");
                match name.as_str() {
                    "DailyList" => {
                        let date = date_field(line, "date", get("date"))?;
                        let seq_s = get("sequence");
                        let seq: u32 = seq_s
                            .trim()
                            .parse()
                            .map_err(|_| err(line, "sequence", seq_s, "must be a whole number"))?;
                        let producer = get("producer").trim().to_string();
                        if producer.is_empty() {
                            return Err(err(line, "producer", "", "is required"));
                        }
                        header = Some((date, seq, producer));
                    }
                    "Entry" => {
                        let Some((list_date, ..)) = header else {
                            return Err(err(
                                line,
                                "Entry",
                                "",
                                "an Entry outside a DailyList element",
                            ));
                        };
                        entries.push(daily_entry(
                            line,
                            list_date,
                            ("taxNumber", get("taxNumber")),
                            ("startDate", get("startDate")),
                            ("type", get("type")),
                        )?);
                    }
                    other => {
                        return Err(err(
                            line,
                            other,
                            "",
                            "unknown element; expected DailyList or Entry",
                        ));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let Some((list_date, sequence, producer)) = header else {
        return Err(err(
            1,
            "DailyList",
            "",
            "the root element DailyList is missing",
        ));
    };
    Ok(DailyList {
        list_date,
        sequence,
        producer,
        entries,
    })
}

/// Writes the CSV form of a daily list.
pub fn write_daily_list_csv(list: &DailyList) -> String {
    let mut out = format!(
        "{DAILY_LIST_CSV_MAGIC}\n#list_date={}\n#sequence={}\n#producer={}\n{}\n",
        list.list_date,
        list.sequence,
        list.producer.replace('\n', " "),
        DAILY_LIST_COLUMNS.join(",")
    );
    for e in &list.entries {
        out.push_str(&format!(
            "{},{},{}\n",
            e.tax_number,
            e.start_date,
            e.proceedings_type.code()
        ));
    }
    out
}

/// Writes the XML form of a daily list.
pub fn write_daily_list_xml(list: &DailyList) -> String {
    let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DailyList xmlns=\"{DAILY_LIST_XML_NS}\" date=\"{}\" sequence=\"{}\" producer=\"{}\">\n",
        list.list_date,
        list.sequence,
        esc(&list.producer)
    );
    for e in &list.entries {
        out.push_str(&format!(
            "  <Entry taxNumber=\"{}\" startDate=\"{}\" type=\"{}\"/>\n",
            e.tax_number,
            e.start_date,
            e.proceedings_type.code()
        ));
    }
    out.push_str("</DailyList>\n");
    out
}

// ---------------------------------------------------------------------------------------------
// Notices

/// Parses notices in either form: NDJSON (one JSON object per line) when the first non-blank
/// character is `{`, else CSV with the [`NOTICE_COLUMNS`] header. All or nothing: the first bad
/// record is the error (a clerk's file is fixed and loaded again).
pub fn parse_notices(bytes: &[u8]) -> Result<Vec<Notice>, ParseError> {
    let batch = parse_notices_lenient(bytes)?;
    match batch.refused.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(batch.notices),
    }
}

/// Notices read record by record: the good ones, and every refused record with its line,
/// field, value and reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeBatch {
    pub notices: Vec<Notice>,
    pub refused: Vec<ParseError>,
}

/// Parses notices record by record, as [`parse_notices`] does, but keeps going past a bad
/// record: one malformed publication must not stop the watch over every other debtor. Only a
/// fault of the whole input (not UTF-8, a bad CSV header) is an error.
pub fn parse_notices_lenient(bytes: &[u8]) -> Result<NoticeBatch, ParseError> {
    let s = utf8(bytes)?;
    if first_char(s) == Some('{') {
        Ok(parse_notices_ndjson(s))
    } else {
        parse_notices_csv(s)
    }
}

fn parse_notices_ndjson(s: &str) -> NoticeBatch {
    let mut out = NoticeBatch::default();
    for (i, line) in s.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let rec: Result<NoticeRecord, _> = serde_json::from_str(line);
        let parsed = rec
            .map_err(|e| {
                let msg = e.to_string();
                // serde names an unknown key as "unknown field `x`": report it as the field.
                let field = msg
                    .split('`')
                    .nth(1)
                    .filter(|_| msg.starts_with("unknown field"))
                    .unwrap_or("(record)")
                    .to_string();
                err(n, &field, line, msg)
            })
            .and_then(|rec| validate_notice(n, rec));
        match parsed {
            Ok(notice) => out.notices.push(notice),
            Err(e) => out.refused.push(e),
        }
    }
    out
}

fn parse_notices_csv(s: &str) -> Result<NoticeBatch, ParseError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(s.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| err(1, "(header)", "", e.to_string()))?
        .clone();
    if let Some(h) = headers.iter().find(|h| h.eq_ignore_ascii_case("emso")) {
        return Err(err(
            1,
            h,
            h,
            "EMŠO is not published (ZFPPIPP 122(2)); a notice file must not carry it",
        ));
    }
    let mut idx = Vec::new();
    for col in NOTICE_COLUMNS {
        idx.push(headers.iter().position(|h| h == col));
    }
    for required in ["notice_id", "debtor_kind", "name", "court", "case_number"] {
        if !headers.iter().any(|h| h == required) {
            return Err(err(
                1,
                required,
                &headers.iter().collect::<Vec<_>>().join(","),
                "column missing from the header",
            ));
        }
    }
    let mut out = NoticeBatch::default();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                out.refused.push(err(line, "(record)", "", e.to_string()));
                continue;
            }
        };
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        let g = |i: usize| {
            idx[i]
                .and_then(|j| rec.get(j))
                .map(str::to_string)
                .filter(|v| !v.is_empty())
        };
        let r = NoticeRecord {
            notice_id: g(0),
            debtor_kind: g(1),
            name: g(2),
            registration_number: g(3),
            tax_number: g(4),
            street: g(5),
            post_code: g(6),
            city: g(7),
            birth_date: g(8),
            court: g(9),
            case_number: g(10),
            proceedings_type: g(11),
            opening_date: g(12),
            publication_date: g(13),
            claim_deadline: g(14),
            administrator: g(15),
            emso: None,
        };
        match validate_notice(line, r) {
            Ok(n) => out.notices.push(n),
            Err(e) => out.refused.push(e),
        }
    }
    Ok(out)
}

/// Checks one notice record and builds the [`Notice`]; `line` is used in errors.
pub fn validate_notice(line: usize, r: NoticeRecord) -> Result<Notice, ParseError> {
    let t = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_string();
    let required = |field: &str, v: &Option<String>| -> Result<String, ParseError> {
        let s = t(v);
        if s.is_empty() {
            Err(err(line, field, "", "is required"))
        } else {
            Ok(s)
        }
    };
    if let Some(e) = r.emso.as_deref().filter(|e| !e.trim().is_empty()) {
        return Err(err(
            line,
            "emso",
            e,
            "EMŠO is not published (ZFPPIPP 122(2)); a notice must not carry it",
        ));
    }
    let notice_id = required("notice_id", &r.notice_id)?;
    let kind_s = required("debtor_kind", &r.debtor_kind)?;
    let kind = DebtorKind::parse(&kind_s).ok_or_else(|| {
        err(
            line,
            "debtor_kind",
            &kind_s,
            "unknown debtor kind (legal_person, entrepreneur, consumer)",
        )
    })?;
    let name = required("name", &r.name)?;
    let reg_s = t(&r.registration_number);
    let tax_s = t(&r.tax_number);
    let address = NoticeAddress {
        street: t(&r.street),
        post_code: t(&r.post_code),
        city: t(&r.city),
    };
    let birth_s = t(&r.birth_date);
    let (registration_number, tax_number, birth_date) = match kind {
        DebtorKind::Consumer => {
            for (field, v) in [("registration_number", &reg_s), ("tax_number", &tax_s)] {
                if !v.is_empty() {
                    return Err(err(
                        line,
                        field,
                        v,
                        "a consumer's identifiers are not published (ZFPPIPP 122(2)): only name, address and birth date",
                    ));
                }
            }
            if address.street.is_empty() && address.city.is_empty() {
                return Err(err(
                    line,
                    "street",
                    "",
                    "a consumer notice must carry the address (street and/or city)",
                ));
            }
            (None, None, Some(date_field(line, "birth_date", &birth_s)?))
        }
        DebtorKind::LegalPerson | DebtorKind::Entrepreneur => {
            if reg_s.is_empty() && tax_s.is_empty() {
                return Err(err(
                    line,
                    "registration_number",
                    "",
                    "a legal person or entrepreneur must carry its matična and/or tax number",
                ));
            }
            let reg = if reg_s.is_empty() {
                None
            } else {
                Some(
                    RegistrationNumber::parse(&reg_s)
                        .map_err(|e| err(line, "registration_number", &reg_s, e.to_string()))?,
                )
            };
            let tax = if tax_s.is_empty() {
                None
            } else {
                Some(tax_field(line, "tax_number", &tax_s)?)
            };
            let birth = if birth_s.is_empty() {
                None
            } else {
                Some(date_field(line, "birth_date", &birth_s)?)
            };
            (reg, tax, birth)
        }
    };
    let court = required("court", &r.court)?;
    let case_s = required("case_number", &r.case_number)?;
    let case_number =
        CaseNumber::parse(&case_s).map_err(|e| err(line, "case_number", &case_s, e.to_string()))?;
    let pt_s = required("proceedings_type", &r.proceedings_type)?;
    let proceedings_type = type_field(line, "proceedings_type", &pt_s)?;
    let opening_date = date_field(line, "opening_date", &t(&r.opening_date))?;
    let pub_s = t(&r.publication_date);
    let publication_date = date_field(line, "publication_date", &pub_s)?;
    if publication_date < opening_date {
        return Err(err(
            line,
            "publication_date",
            &pub_s,
            format!("is before the opening date {opening_date}"),
        ));
    }
    let cd_s = t(&r.claim_deadline);
    let claim_deadline = if cd_s.is_empty() {
        None
    } else {
        let d = date_field(line, "claim_deadline", &cd_s)?;
        if d <= publication_date {
            return Err(err(
                line,
                "claim_deadline",
                &cd_s,
                format!("is not after the publication date {publication_date}"),
            ));
        }
        Some(d)
    };
    let administrator = Some(t(&r.administrator)).filter(|a| !a.is_empty());
    Ok(Notice {
        notice_id,
        debtor: NoticeDebtor {
            kind,
            name,
            registration_number,
            tax_number,
            address,
            birth_date,
        },
        court,
        case_number,
        proceedings_type,
        opening_date,
        publication_date,
        claim_deadline,
        administrator,
    })
}

/// Writes notices as NDJSON (one object per line, the HTTP form).
pub fn write_notices_ndjson(notices: &[Notice]) -> String {
    let mut out = String::new();
    for n in notices {
        // A NoticeRecord of strings always serialises.
        if let Ok(s) = serde_json::to_string(&NoticeRecord::from(n)) {
            out.push_str(&s);
            out.push('\n');
        }
    }
    out
}

/// Writes notices as CSV with the [`NOTICE_COLUMNS`] header (the clerk's file form).
pub fn write_notices_csv(notices: &[Notice]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(NOTICE_COLUMNS);
    for n in notices {
        let r = NoticeRecord::from(n);
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        let _ = w.write_record([
            o(&r.notice_id),
            o(&r.debtor_kind),
            o(&r.name),
            o(&r.registration_number),
            o(&r.tax_number),
            o(&r.street),
            o(&r.post_code),
            o(&r.city),
            o(&r.birth_date),
            o(&r.court),
            o(&r.case_number),
            o(&r.proceedings_type),
            o(&r.opening_date),
            o(&r.publication_date),
            o(&r.claim_deadline),
            o(&r.administrator),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Query answer

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueryAnswerWire {
    in_proceedings: bool,
}

/// Parses the query service's answer `{"in_proceedings": true|false}`.
pub fn parse_query_answer(bytes: &[u8]) -> Result<QueryAnswer, ParseError> {
    let s = utf8(bytes)?;
    let w: QueryAnswerWire = serde_json::from_str(s).map_err(|e| {
        err(
            e.line(),
            "in_proceedings",
            s.trim(),
            format!("expected {{\"in_proceedings\": true|false}}: {e}"),
        )
    })?;
    Ok(if w.in_proceedings {
        QueryAnswer::InProceedings
    } else {
        QueryAnswer::NotInProceedings
    })
}

/// Writes the query answer.
pub fn write_query_answer(a: QueryAnswer) -> String {
    format!("{{\"in_proceedings\":{}}}", a == QueryAnswer::InProceedings)
}
