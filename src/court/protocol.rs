//! The messages of the court exchange (`urn:writ:court-exchange:1.0`, schema
//! `xsd/court-exchange-1.0.xsd`, described in `docs/court-exchange.md`): rendering and parsing.
//! Both sides validate every message against the schema before they trust it.

use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use uppsala::{Document, NodeId};

use crate::filing::sign::c14n::{attr, element_children, is_elem};
use crate::filing::validate::{ValidateError, XmlSchema};

/// The protocol namespace (ours).
pub const NAMESPACE: &str = "urn:writ:court-exchange:1.0";
/// The schema text, embedded.
pub const XSD: &str = include_str!("../../xsd/court-exchange-1.0.xsd");
/// Content type of every request and answer body.
pub const CONTENT_TYPE: &str = "application/xml; charset=utf-8";
/// Header naming the filer (tax number) on list/take/confirm when no client certificate
/// identifies it (the simulator over plain HTTP on loopback).
pub const FILER_HEADER: &str = "x-writ-filer";

/// Error and rejection codes, in the style of the banks' IzvrsbeXml code list
/// (`IzvrsbeXml_tipi_SifrantNapaka.xsd`): the ZBS number where one fits, our own (2004x)
/// otherwise.
pub mod codes {
    /// Not well-formed, or not valid against its schema (envelope, package or proposal).
    pub const XML: &str = "20000-NAPAKA_XML";
    /// The proposal was received before (same id or same bytes in another package).
    pub const DUPLICATE: &str = "20002-DUPLIKAT";
    /// A signature does not verify, or its certificate does not chain to a trusted CA.
    pub const SIGNATURE: &str = "20003-NEUSTREZEN_PODPIS";
    /// Package and items disagree: count, control sum, ids or order.
    pub const PACKAGE_ELEMENTS: &str = "20004-NEUSTREZNI_ELEMENTI_PAKETA";
    /// The package id was used before for a different package.
    pub const ID_REUSED: &str = "20006-PODVAJANJE_ID";
    /// Data the court needs is missing (e.g. a due date of an authentic document, ZIZ 41(5)).
    pub const INCOMPLETE: &str = "20015-POMANJKLJIVI_PODATKI";
    /// No such document for this filer.
    pub const DOCUMENT_ID: &str = "20021-ID_DOKUMENTA_NAPACEN";
    /// The request is too large.
    pub const TOO_LARGE: &str = "20025-PREVELIKA_DATOTEKA";
    /// The proposal's SHA-256 differs from the one the package lists (ours).
    pub const SHA256_MISMATCH: &str = "20040-NEUJEMANJE_SHA256";
    /// No filer identity (ours).
    pub const NO_FILER: &str = "20041-NI_VLAGATELJA";
    /// Anything else, including a failure of the court's own system.
    pub const OTHER: &str = "20099-NAPAKA_OSTALO";
}

/// Receipt status: the items were examined one by one (ZBS 10001-OBDELAN).
pub const STATUS_PROCESSED: &str = "10001-OBDELAN";
/// Receipt status: the package as a whole was rejected (ZBS 10002-ZAVRNJEN).
pub const STATUS_REJECTED: &str = "10002-ZAVRNJEN";

/// A message that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("the {what} does not match the court exchange schema: {source}")]
    Schema {
        what: &'static str,
        #[source]
        source: ValidateError,
    },
    #[error("the {what} is not readable: {message}")]
    Malformed { what: &'static str, message: String },
}

fn malformed(what: &'static str, message: impl Into<String>) -> ProtocolError {
    ProtocolError::Malformed {
        what,
        message: message.into(),
    }
}

/// The compiled protocol schema.
pub fn schema() -> &'static XmlSchema {
    static SCHEMA: OnceLock<XmlSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        // The embedded schema is tested; failing to compile it is a build defect.
        XmlSchema::compile(XSD, None, Some("court-exchange-1.0.xsd"))
            .expect("embedded court-exchange-1.0.xsd compiles")
    })
}

/// Validates `xml` against the protocol schema, naming the message in the error.
pub fn validate(what: &'static str, xml: &[u8]) -> Result<(), ProtocolError> {
    schema()
        .validate(xml)
        .map_err(|source| ProtocolError::Schema { what, source })
}

// ---------------------------------------------------------------------------------------------
// Rendering helpers

fn esc(s: &str) -> String {
    crate::filing::sign::dsig::esc(s)
}

fn b64(bytes: &[u8]) -> String {
    // Line breaks every 76 characters keep the body readable; base64Binary allows them.
    let all = openssl::base64::encode_block(bytes);
    let mut out = String::with_capacity(all.len() + all.len() / 76 + 1);
    for (i, c) in all.chars().enumerate() {
        if i > 0 && i % 76 == 0 {
            out.push('\n');
        }
        out.push(c);
    }
    out
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn head(root: &str, attrs: &[(&str, String)]) -> String {
    let mut s =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ce:{root} xmlns:ce=\"{NAMESPACE}\"");
    for (k, v) in attrs {
        s.push_str(&format!(" {k}=\"{}\"", esc(v)));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Parsing helpers

struct Parsed<'a> {
    doc: Document<'a>,
    root: NodeId,
}

fn parse<'a>(what: &'static str, xml: &'a [u8], root: &str) -> Result<Parsed<'a>, ProtocolError> {
    validate(what, xml)?;
    let text = std::str::from_utf8(xml).map_err(|_| malformed(what, "not UTF-8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = uppsala::parse(text).map_err(|e| malformed(what, e.to_string()))?;
    let root_id = doc
        .document_element()
        .ok_or_else(|| malformed(what, "no root element"))?;
    if !is_elem(&doc, root_id, NAMESPACE, root) {
        return Err(malformed(
            what,
            format!("the root element is not ce:{root}"),
        ));
    }
    Ok(Parsed { doc, root: root_id })
}

impl Parsed<'_> {
    fn attr(&self, what: &'static str, node: NodeId, name: &str) -> Result<String, ProtocolError> {
        attr(&self.doc, node, name)
            .map(str::to_string)
            .ok_or_else(|| malformed(what, format!("attribute {name} missing")))
    }

    fn opt(&self, node: NodeId, name: &str) -> Option<String> {
        attr(&self.doc, node, name).map(str::to_string)
    }

    fn children(&self, node: NodeId, local: &str) -> Vec<NodeId> {
        element_children(&self.doc, node)
            .into_iter()
            .filter(|c| is_elem(&self.doc, *c, NAMESPACE, local))
            .collect()
    }

    fn text(&self, node: NodeId) -> String {
        self.doc.text_content_deep(node)
    }
}

fn parse_time(what: &'static str, s: &str) -> Result<DateTime<Utc>, ProtocolError> {
    DateTime::parse_from_rfc3339(s)
        .map(Into::into)
        .map_err(|e| malformed(what, format!("time {s}: {e}")))
}

fn un_b64(what: &'static str, s: &str) -> Result<Vec<u8>, ProtocolError> {
    crate::filing::sign::dsig::b64_decode(s).map_err(|e| malformed(what, e))
}

// ---------------------------------------------------------------------------------------------
// Upload

/// One proposal in an upload: its id, its place in the package and its exact signed bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadProposal {
    pub seq: u32,
    pub id: String,
    pub xml: Vec<u8>,
}

/// `POST /v1/packages`: the signed package and its signed proposals, each as base64 so the
/// court receives the very bytes that were signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub package_id: String,
    pub package: Vec<u8>,
    pub proposals: Vec<UploadProposal>,
}

impl Upload {
    pub fn to_xml(&self) -> Vec<u8> {
        let mut s = head("Upload", &[("packageId", self.package_id.clone())]);
        s.push_str(">\n  <ce:Package>");
        s.push_str(&b64(&self.package));
        s.push_str("</ce:Package>\n");
        for p in &self.proposals {
            s.push_str(&format!(
                "  <ce:Proposal seq=\"{}\" id=\"{}\">{}</ce:Proposal>\n",
                p.seq,
                esc(&p.id),
                b64(&p.xml)
            ));
        }
        s.push_str("</ce:Upload>\n");
        s.into_bytes()
    }

    /// Validates and reads an upload.
    pub fn parse(xml: &[u8]) -> Result<Upload, ProtocolError> {
        const W: &str = "upload";
        let p = parse(W, xml, "Upload")?;
        let package_node = p
            .children(p.root, "Package")
            .into_iter()
            .next()
            .ok_or_else(|| malformed(W, "ce:Package missing"))?;
        let mut proposals = Vec::new();
        for n in p.children(p.root, "Proposal") {
            let seq = p.attr(W, n, "seq")?;
            proposals.push(UploadProposal {
                seq: seq
                    .parse()
                    .map_err(|_| malformed(W, format!("seq {seq} is not a number")))?,
                id: p.attr(W, n, "id")?,
                xml: un_b64(W, &p.text(n))?,
            });
        }
        Ok(Upload {
            package_id: p.attr(W, p.root, "packageId")?,
            package: un_b64(W, &p.text(package_node))?,
            proposals,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Receipt

/// The court's verdict on one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verdict {
    /// Received: the court's receipt id, the case number (`VL n/yyyy`), and the court fee to pay
    /// with its SI12 reference by its due date (8 days from submission, ZIZ 29.b).
    Accepted {
        court_receipt_id: String,
        case_number: Option<String>,
        fee_amount: Decimal,
        fee_reference: String,
        fee_due_date: NaiveDate,
    },
    /// Not received, with a code (see [`codes`]) and a message.
    Rejected { code: String, message: String },
}

/// One item of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptItem {
    pub seq: u32,
    pub proposal_id: String,
    pub verdict: Verdict,
}

/// The answer to an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub receipt_id: String,
    pub package_id: String,
    pub package_sha256: String,
    pub received: DateTime<Utc>,
    /// Set when the package as a whole was rejected (status 10002-ZAVRNJEN): code, message.
    pub package_rejection: Option<(String, String)>,
    pub items: Vec<ReceiptItem>,
}

impl Receipt {
    pub fn accepted(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.verdict, Verdict::Accepted { .. }))
            .count()
    }

    /// The unsigned receipt (the court signs it enveloped).
    pub fn to_xml(&self) -> Vec<u8> {
        let accepted = self.accepted();
        let mut attrs = vec![
            ("receiptId", self.receipt_id.clone()),
            ("packageId", self.package_id.clone()),
            ("packageSha256", self.package_sha256.clone()),
            ("received", time(self.received)),
            (
                "status",
                if self.package_rejection.is_some() {
                    STATUS_REJECTED
                } else {
                    STATUS_PROCESSED
                }
                .to_string(),
            ),
            ("accepted", accepted.to_string()),
            ("rejected", (self.items.len() - accepted).to_string()),
        ];
        if let Some((code, message)) = &self.package_rejection {
            attrs.push(("code", code.clone()));
            attrs.push(("message", message.clone()));
        }
        let mut s = head("Receipt", &attrs);
        s.push_str(">\n");
        for it in &self.items {
            s.push_str(&format!(
                "  <ce:Item seq=\"{}\" proposalId=\"{}\"",
                it.seq,
                esc(&it.proposal_id)
            ));
            match &it.verdict {
                Verdict::Accepted {
                    court_receipt_id,
                    case_number,
                    fee_amount,
                    fee_reference,
                    fee_due_date,
                } => {
                    s.push_str(&format!(
                        " status=\"accepted\" courtReceiptId=\"{}\"",
                        esc(court_receipt_id)
                    ));
                    if let Some(c) = case_number {
                        s.push_str(&format!(" caseNumber=\"{}\"", esc(c)));
                    }
                    s.push_str(&format!(
                        " feeAmount=\"{fee_amount:.2}\" feeReference=\"{}\" feeDueDate=\"{fee_due_date}\"",
                        esc(fee_reference)
                    ));
                }
                Verdict::Rejected { code, message } => {
                    s.push_str(&format!(
                        " status=\"rejected\" code=\"{}\" message=\"{}\"",
                        esc(code),
                        esc(message)
                    ));
                }
            }
            s.push_str("/>\n");
        }
        s.push_str("</ce:Receipt>\n");
        s.into_bytes()
    }

    /// Validates and reads a receipt (the signature is checked separately).
    pub fn parse(xml: &[u8]) -> Result<Receipt, ProtocolError> {
        const W: &str = "receipt";
        let p = parse(W, xml, "Receipt")?;
        let r = p.root;
        let status = p.attr(W, r, "status")?;
        let package_rejection = if status == STATUS_REJECTED {
            Some((
                p.attr(W, r, "code")?,
                p.opt(r, "message").unwrap_or_default(),
            ))
        } else {
            None
        };
        let mut items = Vec::new();
        for n in p.children(r, "Item") {
            let seq = p.attr(W, n, "seq")?;
            let verdict = match p.attr(W, n, "status")?.as_str() {
                "accepted" => {
                    let amount = p.attr(W, n, "feeAmount")?;
                    let due = p.attr(W, n, "feeDueDate")?;
                    Verdict::Accepted {
                        court_receipt_id: p.attr(W, n, "courtReceiptId")?,
                        case_number: p.opt(n, "caseNumber"),
                        fee_amount: Decimal::from_str(&amount)
                            .map_err(|_| malformed(W, format!("feeAmount {amount}")))?,
                        fee_reference: p.attr(W, n, "feeReference")?,
                        fee_due_date: NaiveDate::from_str(&due)
                            .map_err(|_| malformed(W, format!("feeDueDate {due}")))?,
                    }
                }
                _ => Verdict::Rejected {
                    code: p.attr(W, n, "code")?,
                    message: p.opt(n, "message").unwrap_or_default(),
                },
            };
            items.push(ReceiptItem {
                seq: seq
                    .parse()
                    .map_err(|_| malformed(W, format!("seq {seq}")))?,
                proposal_id: p.attr(W, n, "proposalId")?,
                verdict,
            });
        }
        Ok(Receipt {
            receipt_id: p.attr(W, r, "receiptId")?,
            package_id: p.attr(W, r, "packageId")?,
            package_sha256: p.attr(W, r, "packageSha256")?,
            received: parse_time(W, &p.attr(W, r, "received")?)?,
            package_rejection,
            items,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Documents

/// One untaken document in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentEntry {
    pub id: String,
    pub created: DateTime<Utc>,
    pub sha256: String,
}

/// `GET /v1/documents`: the documents addressed to the filer and not yet confirmed, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentList {
    pub documents: Vec<DocumentEntry>,
}

impl DocumentList {
    pub fn to_xml(&self) -> Vec<u8> {
        let mut s = head(
            "DocumentList",
            &[("count", self.documents.len().to_string())],
        );
        if self.documents.is_empty() {
            s.push_str("/>\n");
            return s.into_bytes();
        }
        s.push_str(">\n");
        for d in &self.documents {
            s.push_str(&format!(
                "  <ce:Document id=\"{}\" created=\"{}\" sha256=\"{}\"/>\n",
                esc(&d.id),
                time(d.created),
                esc(&d.sha256)
            ));
        }
        s.push_str("</ce:DocumentList>\n");
        s.into_bytes()
    }

    pub fn parse(xml: &[u8]) -> Result<DocumentList, ProtocolError> {
        const W: &str = "document list";
        let p = parse(W, xml, "DocumentList")?;
        let mut documents = Vec::new();
        for n in p.children(p.root, "Document") {
            documents.push(DocumentEntry {
                id: p.attr(W, n, "id")?,
                created: parse_time(W, &p.attr(W, n, "created")?)?,
                sha256: p.attr(W, n, "sha256")?,
            });
        }
        Ok(DocumentList { documents })
    }
}

/// `POST /v1/documents/{id}/confirm`: the document left the untaken list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Confirmation {
    pub document_id: String,
    pub confirmed: DateTime<Utc>,
}

impl Confirmation {
    pub fn to_xml(&self) -> Vec<u8> {
        let mut s = head(
            "Confirmation",
            &[
                ("documentId", self.document_id.clone()),
                ("confirmed", time(self.confirmed)),
            ],
        );
        s.push_str("/>\n");
        s.into_bytes()
    }

    pub fn parse(xml: &[u8]) -> Result<Confirmation, ProtocolError> {
        const W: &str = "confirmation";
        let p = parse(W, xml, "Confirmation")?;
        Ok(Confirmation {
            document_id: p.attr(W, p.root, "documentId")?,
            confirmed: parse_time(W, &p.attr(W, p.root, "confirmed")?)?,
        })
    }
}

/// `POST /v1/sim/documents` (simulator only): the id given to an enqueued document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enqueued {
    pub document_id: String,
}

impl Enqueued {
    pub fn to_xml(&self) -> Vec<u8> {
        let mut s = head("Enqueued", &[("documentId", self.document_id.clone())]);
        s.push_str("/>\n");
        s.into_bytes()
    }

    pub fn parse(xml: &[u8]) -> Result<Enqueued, ProtocolError> {
        const W: &str = "enqueued answer";
        let p = parse(W, xml, "Enqueued")?;
        Ok(Enqueued {
            document_id: p.attr(W, p.root, "documentId")?,
        })
    }
}

/// Any error answer: a code (see [`codes`]) and a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorMessage {
    pub code: String,
    pub message: String,
}

impl ErrorMessage {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_string(),
            message: message.into(),
        }
    }

    pub fn to_xml(&self) -> Vec<u8> {
        let mut s = head("Error", &[("code", self.code.clone())]);
        s.push_str(&format!(
            ">\n  <ce:Message>{}</ce:Message>\n</ce:Error>\n",
            esc(&self.message)
        ));
        s.into_bytes()
    }

    pub fn parse(xml: &[u8]) -> Result<ErrorMessage, ProtocolError> {
        const W: &str = "error answer";
        let p = parse(W, xml, "Error")?;
        let message = p
            .children(p.root, "Message")
            .into_iter()
            .next()
            .map(|n| p.text(n))
            .unwrap_or_default();
        Ok(ErrorMessage {
            code: p.attr(W, p.root, "code")?,
            message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-03T10:00:00Z")
            .unwrap()
            .into()
    }

    pub(crate) fn sample_messages() -> Vec<(&'static str, Vec<u8>)> {
        let upload = Upload {
            package_id: "PKG-1".into(),
            package: b"<pkg/>".to_vec(),
            proposals: vec![UploadProposal {
                seq: 1,
                id: "P-1".into(),
                xml: vec![b'x'; 200],
            }],
        };
        let receipt = Receipt {
            receipt_id: "R-1".into(),
            package_id: "PKG-1".into(),
            package_sha256: "ab".repeat(32),
            received: t(),
            package_rejection: None,
            items: vec![
                ReceiptItem {
                    seq: 1,
                    proposal_id: "P-1".into(),
                    verdict: Verdict::Accepted {
                        court_receipt_id: "CR-1".into(),
                        case_number: Some("VL 1/2026".into()),
                        fee_amount: Decimal::new(4400, 2),
                        fee_reference: "SI1220260000013".into(),
                        fee_due_date: NaiveDate::from_ymd_opt(2026, 12, 11).unwrap(),
                    },
                },
                ReceiptItem {
                    seq: 2,
                    proposal_id: "P-2".into(),
                    verdict: Verdict::Rejected {
                        code: codes::SIGNATURE.into(),
                        message: "bad <signature> & more".into(),
                    },
                },
            ],
        };
        vec![
            ("upload", upload.to_xml()),
            ("receipt", receipt.to_xml()),
            (
                "list",
                DocumentList {
                    documents: vec![DocumentEntry {
                        id: "D-1".into(),
                        created: t(),
                        sha256: "cd".repeat(32),
                    }],
                }
                .to_xml(),
            ),
            ("empty list", DocumentList { documents: vec![] }.to_xml()),
            (
                "confirmation",
                Confirmation {
                    document_id: "D-1".into(),
                    confirmed: t(),
                }
                .to_xml(),
            ),
            (
                "enqueued",
                Enqueued {
                    document_id: "D-1".into(),
                }
                .to_xml(),
            ),
            (
                "error",
                ErrorMessage::new(codes::XML, "line 3: <oops>").to_xml(),
            ),
        ]
    }

    #[test]
    fn every_message_round_trips_and_is_schema_valid() {
        for (name, xml) in sample_messages() {
            validate("message", &xml)
                .unwrap_or_else(|e| panic!("{name}: {e}\n{}", String::from_utf8_lossy(&xml)));
        }
        let m = sample_messages();
        let up = Upload::parse(&m[0].1).unwrap();
        assert_eq!(up.proposals[0].xml, vec![b'x'; 200]);
        assert_eq!(up.package, b"<pkg/>");
        let r = Receipt::parse(&m[1].1).unwrap();
        assert_eq!(r.accepted(), 1);
        assert_eq!(r.to_xml(), m[1].1, "rendering is deterministic");
        assert_eq!(DocumentList::parse(&m[2].1).unwrap().documents.len(), 1);
        assert!(DocumentList::parse(&m[3].1).unwrap().documents.is_empty());
        assert_eq!(Confirmation::parse(&m[4].1).unwrap().document_id, "D-1");
        assert_eq!(Enqueued::parse(&m[5].1).unwrap().document_id, "D-1");
        assert_eq!(
            ErrorMessage::parse(&m[6].1).unwrap().message,
            "line 3: <oops>"
        );
    }

    #[test]
    fn schema_rejects_bad_codes_and_case_numbers() {
        let bad = ErrorMessage::new("BAD", "x").to_xml();
        assert!(ErrorMessage::parse(&bad).is_err());
        let m = sample_messages();
        let r = String::from_utf8(m[1].1.clone())
            .unwrap()
            .replace("VL 1/2026", "VL 0/26");
        assert!(Receipt::parse(r.as_bytes()).is_err());
    }

    #[test]
    fn xmllint_agrees_with_our_validator() {
        use crate::filing::validate::test_support::required;
        if std::process::Command::new("xmllint")
            .arg("--version")
            .output()
            .is_err()
        {
            assert!(!required(), "WRIT_REQUIRE_CORPUS=1 but xmllint is absent");
            eprintln!("notice: xmllint not installed; skipping");
            return;
        }
        let xsd = concat!(env!("CARGO_MANIFEST_DIR"), "/xsd/court-exchange-1.0.xsd");
        for (name, xml) in sample_messages() {
            let mut f = tempfile::NamedTempFile::new().unwrap();
            std::io::Write::write_all(&mut f, &xml).unwrap();
            let o = std::process::Command::new("xmllint")
                .args(["--nonet", "--noout", "--schema", xsd])
                .arg(f.path())
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "xmllint rejects {name}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, &ErrorMessage::new("BAD", "x").to_xml()).unwrap();
        let o = std::process::Command::new("xmllint")
            .args(["--nonet", "--noout", "--schema", xsd])
            .arg(f.path())
            .output()
            .unwrap();
        assert!(!o.status.success(), "xmllint must reject a bad code too");
    }
}
