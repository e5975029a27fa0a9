//! The package (paket predlogov): at most N proposals with the package's own id, declared item
//! count and control sum of principal, listing each proposal's file and SHA-256. Our own
//! vocabulary (`urn:writ:package:1.0`, schema `xsd/writ-package-1.0.xsd`), signed as a whole.

use chrono::{DateTime, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use rust_decimal::Decimal;

/// The package namespace (ours; the court publishes none for packages).
pub const NAMESPACE: &str = "urn:writ:package:1.0";

/// One item of a package.
#[derive(Debug, Clone)]
pub struct PackageItem {
    pub seq: usize,
    pub proposal_id: String,
    pub claim_ref: String,
    /// Path of the proposal file relative to the package folder.
    pub file: String,
    pub principal: Decimal,
    pub sha256: String,
}

/// A package before signing.
#[derive(Debug, Clone)]
pub struct PackageDoc {
    pub id: String,
    pub created_at: DateTime<Utc>,
    /// The filer: the subject of the signing certificate (the one who answers for the package;
    /// a package may hold several creditors' proposals).
    pub filer_name: String,
    pub filer_certificate_serial: String,
    pub items: Vec<PackageItem>,
}

impl PackageDoc {
    /// The control sum: the principal of all items, to the cent.
    pub fn control_sum(&self) -> Decimal {
        self.items
            .iter()
            .map(|i| i.principal)
            .sum::<Decimal>()
            .round_dp(2)
    }

    /// Renders the unsigned package XML (deterministic).
    pub fn render(&self) -> Vec<u8> {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        let write = |w: &mut Writer<Vec<u8>>, e: Event<'_>| {
            // Writing to a Vec cannot fail.
            w.write_event(e).unwrap_or(());
        };
        write(
            &mut w,
            Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)),
        );
        let count = self.items.len().to_string();
        let sum = format!("{:.2}", self.control_sum());
        let created = self
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut root = BytesStart::new("pkg:Package");
        root.push_attribute(("xmlns:pkg", NAMESPACE));
        root.push_attribute(("id", self.id.as_str()));
        root.push_attribute(("created", created.as_str()));
        root.push_attribute(("itemCount", count.as_str()));
        root.push_attribute(("controlSum", sum.as_str()));
        root.push_attribute(("currency", "EUR"));
        write(&mut w, Event::Start(root));
        let mut filer = BytesStart::new("pkg:Filer");
        filer.push_attribute(("name", self.filer_name.as_str()));
        filer.push_attribute(("certificateSerial", self.filer_certificate_serial.as_str()));
        write(&mut w, Event::Empty(filer));
        for it in &self.items {
            let seq = it.seq.to_string();
            let principal = format!("{:.2}", it.principal);
            let mut e = BytesStart::new("pkg:Item");
            e.push_attribute(("seq", seq.as_str()));
            e.push_attribute(("id", it.proposal_id.as_str()));
            e.push_attribute(("claimRef", it.claim_ref.as_str()));
            e.push_attribute(("file", it.file.as_str()));
            e.push_attribute(("principal", principal.as_str()));
            e.push_attribute(("sha256", it.sha256.as_str()));
            write(&mut w, Event::Empty(e));
        }
        write(&mut w, Event::End(BytesEnd::new("pkg:Package")));
        let mut out = w.into_inner();
        out.push(b'\n');
        out
    }
}

/// SHA-256 in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(openssl::sha::sha256(bytes))
}

/// A new random id with a prefix, e.g. `P-9f2c…` (128 bits).
pub fn new_id(prefix: &str) -> String {
    let mut b = [0u8; 16];
    // The OS RNG failing is not recoverable; fall back to time-based bytes rather than panic.
    if openssl::rand::rand_bytes(&mut b).is_err() {
        let t = Utc::now().timestamp_nanos_opt().unwrap_or(0).to_be_bytes();
        b[..8].copy_from_slice(&t);
    }
    format!("{prefix}-{}", hex::encode(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn control_sum_and_count_are_declared() {
        let doc = PackageDoc {
            id: "PKG-1".into(),
            created_at: DateTime::parse_from_rfc3339("2026-12-03T10:00:00Z")
                .unwrap()
                .into(),
            filer_name: "ACME & Co".into(),
            filer_certificate_serial: "01".into(),
            items: (1..=3)
                .map(|i| PackageItem {
                    seq: i,
                    proposal_id: format!("P-{i}"),
                    claim_ref: format!("C{i}"),
                    file: format!("proposals/P-{i}.xml"),
                    principal: Decimal::from_str("100.10").unwrap(),
                    sha256: "ab".repeat(32),
                })
                .collect(),
        };
        let xml = String::from_utf8(doc.render()).unwrap();
        assert!(xml.contains(r#"itemCount="3""#), "{xml}");
        assert!(xml.contains(r#"controlSum="300.30""#), "{xml}");
        assert!(xml.contains("ACME &amp; Co"), "{xml}");
    }
}
