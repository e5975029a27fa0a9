//! In-process XSD validation of court XML (`http://sodisce.si/izvrsba`, schemaVersion 1.1)
//! against writ's schema `xsd/izvrsba-1.1.xsd`, with `uppsala` ([`CourtSchema`]); and of any
//! other self-contained schema of writ's ([`XmlSchema`]).
//!
//! The schema checks structure only (elements, order, enumerations, dates, decimals); meaning
//! (check digits, completeness) is lint's job. Compile the schema once ([`CourtSchema::embedded`],
//! [`CourtSchema::shared`] or [`CourtSchema::load`]) and validate many documents with it.
//! Independent oracle in tests: `xmllint --nonet --schema`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use uppsala::XsdValidator;

/// File name of the schema inside the `xsd/` folder.
pub const SCHEMA_FILE: &str = "izvrsba-1.1.xsd";

/// The schema text compiled into the binary, so that validation works from any directory.
pub const EMBEDDED_XSD: &str = include_str!("../../xsd/izvrsba-1.1.xsd");

/// One problem found in a document, with its position when known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Issue {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => write!(f, "{}", self.message),
        }
    }
}

/// Why a schema could not be loaded or a document is not valid.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    #[error("cannot read schema {}: {source}", path.display())]
    SchemaIo {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("schema {origin} cannot be compiled: {message}")]
    Schema { origin: String, message: String },
    #[error("document is not well-formed XML: {0}")]
    NotWellFormed(Issue),
    #[error("document is not valid against {schema} ({} issue(s)):\n{}", issues.len(), list(issues))]
    Invalid { schema: String, issues: Vec<Issue> },
}

impl ValidateError {
    /// Every issue found (a single one for a document that is not well-formed; none for a
    /// schema error).
    pub fn issues(&self) -> Vec<Issue> {
        match self {
            ValidateError::NotWellFormed(i) => vec![i.clone()],
            ValidateError::Invalid { issues, .. } => issues.clone(),
            _ => Vec::new(),
        }
    }
}

fn list(issues: &[Issue]) -> String {
    issues
        .iter()
        .map(|i| format!("  - {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Any compiled XSD (a self-contained one, or one whose includes resolve against a folder).
/// [`CourtSchema`] is the court vocabulary's; writ's other schemas (e.g. the package) use this.
pub struct XmlSchema {
    validator: XsdValidator,
    name: String,
}

impl fmt::Debug for XmlSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XmlSchema")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl std::str::FromStr for XmlSchema {
    type Err = ValidateError;

    fn from_str(xsd: &str) -> Result<Self, ValidateError> {
        XmlSchema::compile(xsd, None, None)
    }
}

impl XmlSchema {
    /// Compiles a self-contained schema from its text (e.g. `include_str!`). Named after its
    /// `targetNamespace` in messages.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(xsd: &str) -> Result<Self, ValidateError> {
        Self::compile(xsd, None, None)
    }

    /// Loads a schema file; `xs:include`/`xs:import` resolve against its folder.
    pub fn load(path: &Path) -> Result<Self, ValidateError> {
        let text = std::fs::read_to_string(path).map_err(|source| ValidateError::SchemaIo {
            path: path.to_path_buf(),
            source,
        })?;
        // uppsala resolves schemaLocation against the base path; give it an absolute, existing
        // folder (a relative one would depend on the process's current directory).
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let base = std::fs::canonicalize(dir).map_err(|source| ValidateError::SchemaIo {
            path: dir.to_path_buf(),
            source,
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Self::compile(&text, Some(&base), Some(&name))
    }

    /// Compiles schema text, with an optional base folder for includes and a name for messages.
    pub fn compile(
        xsd: &str,
        base: Option<&Path>,
        name: Option<&str>,
    ) -> Result<Self, ValidateError> {
        let doc = uppsala::parse(xsd).map_err(|e| ValidateError::Schema {
            origin: name.unwrap_or("schema").to_string(),
            message: e.to_string(),
        })?;
        let name = match name {
            Some(n) => n.to_string(),
            None => doc
                .document_element()
                .and_then(|root| doc.element(root))
                .and_then(|e| e.get_attribute("targetNamespace").map(str::to_string))
                .unwrap_or_else(|| "schema".to_string()),
        };
        let validator = XsdValidator::from_schema_with_base_path(&doc, base).map_err(|e| {
            ValidateError::Schema {
                origin: name.clone(),
                message: e.to_string(),
            }
        })?;
        Ok(XmlSchema { validator, name })
    }

    /// The name used in messages (file name or target namespace).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Validates a document; the error lists every issue with its line number.
    pub fn validate(&self, xml: &[u8]) -> Result<(), ValidateError> {
        // Parse from a borrowed UTF-8 string so that the document keeps its source text and uppsala
        // can report line numbers (a document from `parse_bytes` has lost it); other encodings
        // (UTF-16) go through `parse_bytes`, and their issues carry no line numbers.
        match std::str::from_utf8(xml) {
            Ok(text) => {
                let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                let doc = uppsala::parse(text)
                    .map_err(|e| ValidateError::NotWellFormed(xml_issue(&e)))?;
                self.check(&doc)
            }
            Err(_) => {
                let doc = uppsala::parse_bytes(xml)
                    .map_err(|e| ValidateError::NotWellFormed(xml_issue(&e)))?;
                self.check(&doc)
            }
        }
    }

    fn check(&self, doc: &uppsala::Document<'_>) -> Result<(), ValidateError> {
        let mut issues: Vec<Issue> = self
            .validator
            .validate(doc)
            .into_iter()
            .map(|e| Issue {
                line: e.line,
                column: e.column,
                message: e.message,
            })
            .collect();
        if issues.is_empty() {
            return Ok(());
        }
        // In document order (stable: uppsala's order within a line is kept), each issue once.
        issues.sort_by_key(|i| (i.line, i.column));
        let mut seen = std::collections::HashSet::new();
        issues.retain(|i| seen.insert(i.clone()));
        Err(ValidateError::Invalid {
            schema: self.name.clone(),
            issues,
        })
    }
}

/// The compiled court schema (`izvrsba-1.1.xsd`).
#[derive(Debug)]
pub struct CourtSchema {
    schema: XmlSchema,
}

impl CourtSchema {
    /// Loads `izvrsba-1.1.xsd` from `xsd_dir` (e.g. the crate's `xsd/` folder).
    pub fn load(xsd_dir: &Path) -> Result<Self, ValidateError> {
        Ok(CourtSchema {
            schema: XmlSchema::load(&xsd_dir.join(SCHEMA_FILE))?,
        })
    }

    /// Compiles the schema embedded in the binary. The schema is self-contained (no include or
    /// import), so no base path is needed and this works from any directory.
    pub fn embedded() -> Result<Self, ValidateError> {
        Ok(CourtSchema {
            schema: XmlSchema::compile(EMBEDDED_XSD, None, Some(SCHEMA_FILE))?,
        })
    }

    /// The embedded schema, compiled once per process.
    pub fn shared() -> &'static CourtSchema {
        static SHARED: OnceLock<CourtSchema> = OnceLock::new();
        SHARED.get_or_init(|| {
            // The embedded schema is tested; failing to compile it is a build defect.
            CourtSchema::embedded().expect("embedded izvrsba-1.1.xsd compiles")
        })
    }

    /// Validates a document; the error lists every issue with its line number.
    pub fn validate(&self, xml: &[u8]) -> Result<(), ValidateError> {
        self.schema.validate(xml)
    }

    /// The underlying compiled schema.
    pub fn as_xml_schema(&self) -> &XmlSchema {
        &self.schema
    }
}

fn xml_issue(e: &uppsala::XmlError) -> Issue {
    use uppsala::XmlError as E;
    match e {
        E::WellFormedness(w) => Issue {
            line: Some(w.line),
            column: Some(w.column),
            message: w.message.clone(),
        },
        E::Namespace(n) => Issue {
            line: Some(n.line),
            column: Some(n.column),
            message: n.message.clone(),
        },
        E::Parse(p) => Issue {
            line: Some(p.line),
            column: Some(p.column),
            message: p.message.clone(),
        },
        E::Validation(v) => Issue {
            line: v.line,
            column: v.column,
            message: v.message.clone(),
        },
        other => Issue {
            line: None,
            column: None,
            message: other.to_string(),
        },
    }
}

/// Helpers shared by the court-XML tests: the public corpus and the xmllint oracle.
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::PathBuf;
    use std::process::Command;

    /// True when `WRIT_REQUIRE_CORPUS=1`: a missing corpus or checker is a failure, not a skip.
    pub fn required() -> bool {
        std::env::var("WRIT_REQUIRE_CORPUS").is_ok_and(|v| v == "1")
    }

    /// The crate's `xsd/` folder.
    pub fn xsd_dir() -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/xsd"))
    }

    /// The public corpus (`$WRIT_CORPUS_DIR`, default `../shared/corpus`), or `None` with a
    /// printed notice when it is absent (a panic when `WRIT_REQUIRE_CORPUS=1`).
    pub fn corpus_dir() -> Option<PathBuf> {
        let dir = std::env::var_os("WRIT_CORPUS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"))
            });
        if dir.is_dir() {
            return Some(dir);
        }
        if required() {
            panic!(
                "WRIT_REQUIRE_CORPUS=1 but the corpus {} is absent",
                dir.display()
            );
        }
        eprintln!(
            "notice: corpus {} absent; skipping (set WRIT_CORPUS_DIR)",
            dir.display()
        );
        None
    }

    /// The court's own sample `court/court-eizvrsba.xml`, when the corpus is present.
    pub fn court_sample() -> Option<Vec<u8>> {
        let path = corpus_dir()?.join("court/court-eizvrsba.xml");
        match std::fs::read(&path) {
            Ok(b) => Some(b),
            Err(e) if required() => panic!("cannot read {}: {e}", path.display()),
            Err(e) => {
                eprintln!("notice: cannot read {}: {e}; skipping", path.display());
                None
            }
        }
    }

    /// Validates with `xmllint --nonet --noout --schema xsd/izvrsba-1.1.xsd`: `Some(Ok)` valid,
    /// `Some(Err(stderr))` invalid, `None` (with a notice) when xmllint is not installed.
    pub fn xmllint(xml: &[u8]) -> Option<Result<(), String>> {
        static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let available = *AVAILABLE.get_or_init(|| {
            let found = Command::new("xmllint").arg("--version").output().is_ok();
            if !found && !required() {
                eprintln!("notice: xmllint not installed; skipping the independent check");
            }
            found
        });
        if !available {
            if required() {
                panic!(
                    "WRIT_REQUIRE_CORPUS=1 but xmllint is not installed (apt-get install libxml2-utils)"
                );
            }
            return None;
        }
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut file, xml).expect("write temp file");
        let out = Command::new("xmllint")
            .arg("--nonet")
            .arg("--noout")
            .arg("--schema")
            .arg(xsd_dir().join(super::SCHEMA_FILE))
            .arg(file.path())
            .output()
            .expect("run xmllint");
        if out.status.success() {
            Some(Ok(()))
        } else {
            Some(Err(String::from_utf8_lossy(&out.stderr).into_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{court_sample, xmllint, xsd_dir};
    use super::*;

    /// Mutated copies of the court's sample that must be refused: (name, from, to, line of the
    /// element uppsala must point at).
    const MUTATIONS: &[(&str, &str, &str, usize)] = &[
        (
            "wrong element order (Vlagatelj before Sodisce)",
            "<izv:Sodisce>",
            "<izv:Vlagatelj ime-naziv=\"X\"/><izv:Sodisce>",
            13,
        ),
        (
            "unknown element",
            "<izv:PrilozenIzvrsilniNaslov>",
            "<izv:Neznano/><izv:PrilozenIzvrsilniNaslov>",
            13,
        ),
        (
            "vrsta=\"xyz\"",
            "vrsta=\"pravna\" zastopaDrzavnoPravobranilstvo",
            "vrsta=\"xyz\" zastopaDrzavnoPravobranilstvo",
            21,
        ),
        (
            "znesek=\"12,50\"",
            "znesek=\"219.60\"",
            "znesek=\"12,50\"",
            45,
        ),
        (
            "datumZapadlosti=\"28.04.2016\"",
            "datumZapadlosti=\"2016-04-28+02:00\"",
            "datumZapadlosti=\"28.04.2016\"",
            45,
        ),
        (
            "three decimals",
            "znesek=\"486.02\"",
            "znesek=\"486.020\"",
            50,
        ),
        ("unknown currency", "valuta=\"EUR\"", "valuta=\"EUX\"", 45),
        (
            "impossible date",
            "odDatuma=\"2016-04-29+02:00\"",
            "odDatuma=\"2016-04-31\"",
            47,
        ),
        (
            "date with surrounding spaces",
            "datum=\"2016-03-29+02:00\"",
            "datum=\" 2016-03-29 \"",
            45,
        ),
        (
            "boolean 'da'",
            "gospodarska=\"true\"",
            "gospodarska=\"da\"",
            13,
        ),
        (
            "datetime as a date",
            "dtSprejeto=\"2016-08-11T00:00:00.000+02:00\"",
            "dtSprejeto=\"2016-08-11\"",
            13,
        ),
        (
            "unknown account kind",
            "vrstaRacuna=\"SI_IBAN\"",
            "vrstaRacuna=\"XX\"",
            27,
        ),
        (
            "document kind 11",
            "sifListina=\"1\"",
            "sifListina=\"11\"",
            45,
        ),
        (
            "country not alpha-3",
            "drzava=\"SVN\" ulica=\"Cafova 1\"",
            "drzava=\"SI\" ulica=\"Cafova 1\"",
            4,
        ),
        (
            "schemaVersion 1.0",
            "schemaVersion=\"1.1\"",
            "schemaVersion=\"1.0\"",
            1,
        ),
        (
            "signature not last",
            "</izv:Glava>",
            "</izv:Glava><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>",
            1,
        ),
        (
            "foreign element where the signature goes",
            "</izv:Vsebina>",
            "</izv:Vsebina><x:Signature xmlns:x=\"urn:other\"/>",
            166,
        ),
        (
            "missing required attribute",
            " tipEopravila=\"011\"",
            "",
            13,
        ),
        (
            "no means of enforcement",
            "<izv:PredlaganaIzvrsba>",
            "<izv:PredlaganaIzvrsba/><izv:Ignored>",
            24,
        ),
    ];

    fn mutate(sample: &str, from: &str, to: &str) -> String {
        assert!(
            sample.contains(from),
            "mutation anchor {from:?} not in the sample"
        );
        let mut s = sample.replacen(from, to, 1);
        if to.ends_with("<izv:Ignored>") {
            // "no means": drop the original PredlaganaIzvrsba content and the helper tag.
            let start = s.find("<izv:Ignored>").unwrap();
            let end =
                s.find("</izv:PredlaganaIzvrsba>").unwrap() + "</izv:PredlaganaIzvrsba>".len();
            s.replace_range(start..end, "");
        }
        s
    }

    #[test]
    fn embedded_schema_compiles_and_matches_the_file() {
        CourtSchema::embedded().expect("embedded schema compiles");
        let on_disk = std::fs::read_to_string(xsd_dir().join(SCHEMA_FILE)).unwrap();
        assert_eq!(on_disk, EMBEDDED_XSD);
        let _ = CourtSchema::shared();
    }

    #[test]
    fn load_from_a_directory_absolute_or_relative() {
        CourtSchema::load(&xsd_dir()).expect("absolute dir");
        // cargo runs tests from the package root, so "xsd" is a relative path to the same folder.
        CourtSchema::load(Path::new("xsd")).expect("relative dir");
        let err = CourtSchema::load(Path::new("/nonexistent/xsd")).unwrap_err();
        assert!(matches!(err, ValidateError::SchemaIo { .. }), "{err}");
    }

    #[test]
    fn court_sample_is_valid_for_uppsala_and_xmllint() {
        let Some(sample) = court_sample() else { return };
        CourtSchema::shared()
            .validate(&sample)
            .unwrap_or_else(|e| panic!("uppsala refuses the court's sample: {e}"));
        if let Some(r) = xmllint(&sample) {
            r.unwrap_or_else(|e| panic!("xmllint refuses the court's sample: {e}"));
        }
    }

    #[test]
    fn mutated_samples_are_refused_by_both_with_line_numbers() {
        let Some(sample) = court_sample() else { return };
        let sample = String::from_utf8(sample).unwrap();
        for (name, from, to, line) in MUTATIONS {
            let doc = mutate(&sample, from, to);
            let err = CourtSchema::shared()
                .validate(doc.as_bytes())
                .expect_err(&format!("uppsala accepts mutation '{name}'"));
            let issues = err.issues();
            assert!(!issues.is_empty(), "{name}: no issues listed");
            assert!(
                issues.iter().any(|i| i.line == Some(*line)),
                "{name}: expected an issue on line {line}, got:\n{err}"
            );
            if let Some(r) = xmllint(doc.as_bytes()) {
                assert!(
                    r.is_err(),
                    "xmllint accepts mutation '{name}' that uppsala refuses"
                );
            }
        }
    }

    #[test]
    fn accepted_variants_are_accepted_by_both() {
        let Some(sample) = court_sample() else { return };
        let sample = String::from_utf8(sample).unwrap();
        let variants: &[(&str, &str, &str)] = &[
            (
                "enveloped signature as the last child",
                "</izv:Vsebina>",
                "</izv:Vsebina><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo/></ds:Signature>",
            ),
            (
                "XAdES-BES enveloped signature",
                "</izv:Vsebina>",
                concat!(
                    "</izv:Vsebina>\n<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" Id=\"sig-1\">",
                    "<ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
                    "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>",
                    "<ds:Reference URI=\"\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/></ds:Transforms>",
                    "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference>",
                    "</ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue>",
                    "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>AAAA</ds:X509Certificate></ds:X509Data></ds:KeyInfo>",
                    "<ds:Object><xades:QualifyingProperties xmlns:xades=\"http://uri.etsi.org/01903/v1.3.2#\" Target=\"#sig-1\">",
                    "<xades:SignedProperties Id=\"sp\"><xades:SignedSignatureProperties><xades:SigningTime>2026-12-03T10:00:00Z</xades:SigningTime>",
                    "</xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature>\n"
                ),
            ),
            (
                "plain date without offset",
                "datumZapadlosti=\"2016-04-28+02:00\"",
                "datumZapadlosti=\"2016-04-28\"",
            ),
            ("one decimal", "znesek=\"219.60\"", "znesek=\"219.6\""),
            (
                "bank funds without a known account",
                "<izv:TRR nazivBanke=\"\" racun=\"SI56022222222222222\" sklic=\"\" vrstaRacuna=\"SI_IBAN\"/>",
                "",
            ),
            (
                "default namespace instead of a prefix",
                "<izv:OpisPosiljke schemaVersion=\"1.1\" xmlns:izv=\"http://sodisce.si/izvrsba\">",
                "<izv:OpisPosiljke schemaVersion=\"1.1\" xmlns:izv=\"http://sodisce.si/izvrsba\" xmlns=\"urn:unused\">",
            ),
        ];
        for (name, from, to) in variants {
            let doc = mutate(&sample, from, to);
            CourtSchema::shared()
                .validate(doc.as_bytes())
                .unwrap_or_else(|e| panic!("uppsala refuses '{name}': {e}"));
            if let Some(r) = xmllint(doc.as_bytes()) {
                r.unwrap_or_else(|e| panic!("xmllint refuses '{name}': {e}"));
            }
        }
    }

    #[test]
    fn every_issue_is_listed_with_its_line() {
        let Some(sample) = court_sample() else { return };
        let sample = String::from_utf8(sample).unwrap();
        let doc = mutate(&sample, "znesek=\"219.60\"", "znesek=\"12,50\"");
        let doc = mutate(
            &doc,
            "vrsta=\"pravna\" zastopaDrzavnoPravobranilstvo",
            "vrsta=\"xyz\" zastopaDrzavnoPravobranilstvo",
        );
        let err = CourtSchema::shared().validate(doc.as_bytes()).unwrap_err();
        let lines: Vec<_> = err.issues().iter().filter_map(|i| i.line).collect();
        assert!(lines.contains(&21) && lines.contains(&45), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("line 21") && text.contains("line 45"),
            "{text}"
        );
    }

    #[test]
    fn any_self_contained_schema() {
        let xsd = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" elementFormDefault="qualified">
            <xs:element name="a"><xs:complexType><xs:attribute name="n" type="xs:positiveInteger" use="required"/></xs:complexType></xs:element>
        </xs:schema>"#;
        let schema = XmlSchema::from_str(xsd).unwrap();
        assert_eq!(schema.name(), "urn:t");
        schema.validate(br#"<a xmlns="urn:t" n="1"/>"#).unwrap();
        let e = schema
            .validate(b"<a xmlns=\"urn:t\"\n n=\"x\"/>")
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("document is not valid against urn:t (1 issue(s))"),
            "{e}"
        );
        let parsed: XmlSchema = xsd.parse().unwrap();
        assert_eq!(parsed.name(), "urn:t");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.xsd"), xsd).unwrap();
        let loaded = XmlSchema::load(&dir.path().join("t.xsd")).unwrap();
        assert_eq!(loaded.name(), "t.xsd");
        assert!(matches!(
            XmlSchema::from_str("<xs:schema"),
            Err(ValidateError::Schema { .. })
        ));
    }

    #[test]
    fn not_well_formed_is_reported_with_a_line() {
        let err = CourtSchema::shared()
            .validate(b"<a>\n<b>\n</a>")
            .unwrap_err();
        match err {
            ValidateError::NotWellFormed(i) => assert!(i.line.is_some(), "{i}"),
            other => panic!("unexpected {other}"),
        }
    }
}
