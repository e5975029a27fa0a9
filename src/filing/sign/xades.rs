//! XAdES-BES (ETSI EN 319 132-1) qualifying properties: building `SignedProperties` and checking
//! them on verification.
//!
//! `IssuerSerialV2` is the base64 of the DER `IssuerSerial` of RFC 5035 (as EN 319 132-1 5.2.2
//! prescribes and the EU DSS produces):
//!
//! ```text
//! IssuerSerial ::= SEQUENCE {
//!     issuer        GeneralNames,            -- SEQUENCE OF GeneralName, here one
//!                                            --   directoryName [4] EXPLICIT Name (issuer DN)
//!     serialNumber  CertificateSerialNumber  -- INTEGER
//! }
//! ```
//!
//! i.e. `30 L { 30 L { A4 L { <issuer Name DER> } } 02 L <serial> }`.

use chrono::{DateTime, SecondsFormat, Utc};
use openssl::bn::BigNum;
use openssl::nid::Nid;
use openssl::x509::{X509Name, X509NameRef, X509Ref};
use uppsala::{Document, NodeId};

use super::c14n::{self, attr, element_children, is_elem};
use super::dsig::{DSIG_NS, DigestAlgorithm, b64, b64_decode, esc};
use super::error::{SignError, VerifyError};

/// XAdES 1.3.2 namespace (also used by EN 319 132-1 for the V2 elements).
pub const XADES_NS: &str = "http://uri.etsi.org/01903/v1.3.2#";
/// `ds:Reference/@Type` of the reference to `SignedProperties`.
pub const SIGNED_PROPERTIES_TYPE: &str = "http://uri.etsi.org/01903#SignedProperties";

/// `xades:SignedProperties` for one signing certificate. `data_ref_id` is the `Id` of the reference
/// to the signed document (named by `DataObjectFormat`, as XAdES baseline B-B asks).
pub(crate) fn signed_properties_xml(
    id: &str,
    data_ref_id: &str,
    signing_time: DateTime<Utc>,
    cert: &X509Ref,
    digest: DigestAlgorithm,
) -> Result<String, SignError> {
    let der = cert.to_der()?;
    let cert_digest = b64(&digest.digest(&der)?);
    let issuer_serial = b64(&issuer_serial_v2_der(cert)?);
    Ok(format!(
        concat!(
            r#"<xades:SignedProperties Id="{id}">"#,
            r#"<xades:SignedSignatureProperties>"#,
            r#"<xades:SigningTime>{time}</xades:SigningTime>"#,
            r#"<xades:SigningCertificateV2><xades:Cert>"#,
            r#"<xades:CertDigest><ds:DigestMethod Algorithm="{dm}"/><ds:DigestValue>{cd}</ds:DigestValue></xades:CertDigest>"#,
            r#"<xades:IssuerSerialV2>{is}</xades:IssuerSerialV2>"#,
            r#"</xades:Cert></xades:SigningCertificateV2>"#,
            r#"</xades:SignedSignatureProperties>"#,
            r#"<xades:SignedDataObjectProperties>"#,
            r##"<xades:DataObjectFormat ObjectReference="#{data_ref}"><xades:MimeType>text/xml</xades:MimeType></xades:DataObjectFormat>"##,
            r#"</xades:SignedDataObjectProperties>"#,
            r#"</xades:SignedProperties>"#
        ),
        id = esc(id),
        time = signing_time.to_rfc3339_opts(SecondsFormat::Secs, true),
        dm = digest.uri(),
        cd = cert_digest,
        is = issuer_serial,
        data_ref = esc(data_ref_id),
    ))
}

// ---------------------------------------------------------------------------------------------
// DER for IssuerSerialV2

fn der_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    der_len(content.len(), &mut out);
    out.extend_from_slice(content);
    out
}

/// DER `IssuerSerial` (RFC 5035) of `cert`.
pub fn issuer_serial_v2_der(cert: &X509Ref) -> Result<Vec<u8>, openssl::error::ErrorStack> {
    let issuer = cert.issuer_name().to_der()?;
    let directory_name = der_tlv(0xA4, &issuer);
    let general_names = der_tlv(0x30, &directory_name);
    let serial_bn = cert.serial_number().to_bn()?;
    let mut serial = serial_bn.to_vec();
    if serial.is_empty() || serial[0] & 0x80 != 0 {
        serial.insert(0, 0);
    }
    let serial = der_tlv(0x02, &serial);
    let mut body = general_names;
    body.extend_from_slice(&serial);
    Ok(der_tlv(0x30, &body))
}

/// One TLV: (tag, content, rest).
fn der_read(input: &[u8]) -> Result<(u8, &[u8], &[u8]), String> {
    let (&tag, rest) = input.split_first().ok_or("truncated DER")?;
    let (&first, mut rest) = rest.split_first().ok_or("truncated DER length")?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 || rest.len() < n {
            return Err("unsupported DER length".into());
        }
        let mut len = 0usize;
        for b in &rest[..n] {
            len = (len << 8) | usize::from(*b);
        }
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return Err("DER value runs past its end".into());
    }
    Ok((tag, &rest[..len], &rest[len..]))
}

/// Parse an `IssuerSerial` into (issuer directory names, serial number).
fn parse_issuer_serial(der: &[u8]) -> Result<(Vec<X509Name>, BigNum), String> {
    let (tag, body, rest) = der_read(der)?;
    if tag != 0x30 || !rest.is_empty() {
        return Err("not a DER SEQUENCE".into());
    }
    let (tag, mut names, rest) = der_read(body)?;
    if tag != 0x30 {
        return Err("issuer is not GeneralNames".into());
    }
    let mut dirs = Vec::new();
    while !names.is_empty() {
        let (tag, content, more) = der_read(names)?;
        if tag == 0xA4 {
            dirs.push(
                X509Name::from_der(content)
                    .map_err(|_| "issuer directoryName is not a valid Name".to_string())?,
            );
        }
        names = more;
    }
    let (tag, serial, rest) = der_read(rest)?;
    if tag != 0x02 || !rest.is_empty() || serial.is_empty() {
        return Err("serialNumber is not a DER INTEGER".into());
    }
    if serial[0] & 0x80 != 0 {
        return Err("negative serial number".into());
    }
    let serial = BigNum::from_slice(serial).map_err(|e| e.to_string())?;
    Ok((dirs, serial))
}

fn names_equal(a: &X509NameRef, b: &X509NameRef) -> bool {
    matches!(a.try_cmp(b), Ok(std::cmp::Ordering::Equal))
}

// ---------------------------------------------------------------------------------------------
// Verification

/// What the XAdES check found.
pub(crate) struct XadesOutcome {
    pub checked: bool,
    pub signing_time: Option<DateTime<Utc>>,
}

/// A verified reference: the element (or document) it selected, and its `Type`.
pub(crate) struct CoveredTarget<'r> {
    pub node: NodeId,
    pub type_uri: Option<&'r str>,
    pub uri: &'r str,
}

fn xerr(msg: impl Into<String>) -> VerifyError {
    VerifyError::Xades(msg.into())
}

fn xades_child(doc: &Document<'_>, node: NodeId, local: &str) -> Vec<NodeId> {
    element_children(doc, node)
        .into_iter()
        .filter(|c| is_elem(doc, *c, XADES_NS, local))
        .collect()
}

fn one_xades_child(
    doc: &Document<'_>,
    node: NodeId,
    local: &str,
) -> Result<Option<NodeId>, VerifyError> {
    let found = xades_child(doc, node, local);
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        _ => Err(xerr(format!("more than one xades:{local}"))),
    }
}

fn text_of(doc: &Document<'_>, node: NodeId) -> String {
    doc.text_content_deep(node).trim().to_owned()
}

/// Check the qualifying properties of the signature `sig`:
/// - a reference typed SignedProperties must select a `xades:SignedProperties`;
/// - when `QualifyingProperties` exist, their `SignedProperties` must be covered by a verified
///   reference, and `SigningCertificateV2` (or `SigningCertificate`) must name `signer` by digest
///   and issuer/serial.
pub(crate) fn check(
    doc: &Document<'_>,
    sig: NodeId,
    covered: &[CoveredTarget<'_>],
    signer: Option<&X509Ref>,
) -> Result<XadesOutcome, VerifyError> {
    for c in covered {
        if c.type_uri == Some(SIGNED_PROPERTIES_TYPE)
            && !is_elem(doc, c.node, XADES_NS, "SignedProperties")
        {
            return Err(xerr(format!(
                "reference {:?} is typed SignedProperties but selects {}",
                c.uri,
                c14n::describe(doc, c.node)
            )));
        }
    }

    let mut qps = Vec::new();
    for obj in element_children(doc, sig) {
        if is_elem(doc, obj, DSIG_NS, "Object") {
            qps.extend(xades_child(doc, obj, "QualifyingProperties"));
        }
    }
    let qp = match qps.as_slice() {
        [] => {
            if covered
                .iter()
                .any(|c| is_elem(doc, c.node, XADES_NS, "SignedProperties"))
            {
                return Err(xerr(
                    "SignedProperties are referenced but are not inside this signature's QualifyingProperties",
                ));
            }
            return Ok(XadesOutcome {
                checked: false,
                signing_time: None,
            });
        }
        [one] => *one,
        _ => return Err(xerr("the signature has more than one QualifyingProperties")),
    };

    if let (Some(target), Some(sig_id)) = (attr(doc, qp, "Target"), attr(doc, sig, "Id"))
        && target.strip_prefix('#') != Some(sig_id)
    {
        return Err(xerr(format!(
            "QualifyingProperties Target {target:?} does not name this signature (Id {sig_id:?})"
        )));
    }

    let sp = one_xades_child(doc, qp, "SignedProperties")?
        .ok_or_else(|| xerr("QualifyingProperties hold no SignedProperties"))?;
    if !covered.iter().any(|c| c.node == sp) {
        return Err(xerr(
            "QualifyingProperties are present but no reference covers SignedProperties, so signing \
             time and signing certificate are not protected",
        ));
    }
    for c in covered {
        if c.node != sp && is_elem(doc, c.node, XADES_NS, "SignedProperties") {
            return Err(xerr(
                "a reference selects a SignedProperties element that is not this signature's",
            ));
        }
    }

    let ssp = one_xades_child(doc, sp, "SignedSignatureProperties")?
        .ok_or_else(|| xerr("SignedProperties hold no SignedSignatureProperties"))?;

    let signing_time = match one_xades_child(doc, ssp, "SigningTime")? {
        Some(t) => Some(parse_xs_datetime(&text_of(doc, t)).ok_or_else(|| {
            xerr(format!(
                "SigningTime {:?} is not a valid xs:dateTime",
                text_of(doc, t)
            ))
        })?),
        None => None,
    };

    let v2 = one_xades_child(doc, ssp, "SigningCertificateV2")?;
    let v1 = one_xades_child(doc, ssp, "SigningCertificate")?;
    let (sc, is_v2) = match (v2, v1) {
        (Some(v2), None) => (v2, true),
        (None, Some(v1)) => (v1, false),
        (Some(_), Some(_)) => {
            return Err(xerr(
                "both SigningCertificate and SigningCertificateV2 are present",
            ));
        }
        (None, None) => {
            return Err(xerr(
                "SignedProperties name no signing certificate (SigningCertificateV2 or SigningCertificate)",
            ));
        }
    };
    let signer = signer.ok_or_else(|| {
        xerr("the signing certificate cannot be bound: KeyInfo carries no X509Certificate")
    })?;
    check_signing_certificate(doc, sc, is_v2, signer)?;

    Ok(XadesOutcome {
        checked: true,
        signing_time,
    })
}

/// Find the `Cert` whose digest names `signer`, then check its issuer and serial.
fn check_signing_certificate(
    doc: &Document<'_>,
    sc: NodeId,
    is_v2: bool,
    signer: &X509Ref,
) -> Result<(), VerifyError> {
    let der = signer.to_der()?;
    let certs = xades_child(doc, sc, "Cert");
    if certs.is_empty() {
        return Err(xerr("SigningCertificate lists no Cert"));
    }
    let mut matched = None;
    for cert in &certs {
        let cd = one_xades_child(doc, *cert, "CertDigest")?
            .ok_or_else(|| xerr("Cert without CertDigest"))?;
        let kids = element_children(doc, cd);
        let (dm, dv) = match kids.as_slice() {
            [dm, dv]
                if is_elem(doc, *dm, DSIG_NS, "DigestMethod")
                    && is_elem(doc, *dv, DSIG_NS, "DigestValue") =>
            {
                (*dm, *dv)
            }
            _ => {
                return Err(xerr(
                    "CertDigest must hold ds:DigestMethod and ds:DigestValue",
                ));
            }
        };
        let alg = attr(doc, dm, "Algorithm")
            .ok_or_else(|| xerr("CertDigest DigestMethod without Algorithm"))?;
        let alg = DigestAlgorithm::from_uri(alg)?;
        let expected = b64_decode(&text_of(doc, dv))
            .map_err(|e| xerr(format!("CertDigest DigestValue: {e}")))?;
        let actual = alg.digest(&der)?;
        if expected.len() == actual.len() && openssl::memcmp::eq(&expected, &actual) {
            matched = Some(*cert);
            break;
        }
    }
    let cert = matched.ok_or_else(|| {
        xerr(format!(
            "SigningCertificate{} does not name the certificate in KeyInfo ({}): no CertDigest matches",
            if is_v2 { "V2" } else { "" },
            super::keys::name_to_string(signer.subject_name())
        ))
    })?;

    if is_v2 {
        if let Some(is) = one_xades_child(doc, cert, "IssuerSerialV2")? {
            let der = b64_decode(&text_of(doc, is))
                .map_err(|e| xerr(format!("IssuerSerialV2 is not base64: {e}")))?;
            let (issuers, serial) = parse_issuer_serial(&der)
                .map_err(|e| xerr(format!("IssuerSerialV2 is not a DER IssuerSerial: {e}")))?;
            let cert_serial = signer.serial_number().to_bn()?;
            if serial != cert_serial {
                return Err(xerr(format!(
                    "IssuerSerialV2 serial {} does not match the certificate serial {}",
                    serial.to_hex_str()?,
                    cert_serial.to_hex_str()?
                )));
            }
            if !issuers.iter().any(|n| names_equal(n, signer.issuer_name())) {
                return Err(xerr(format!(
                    "IssuerSerialV2 issuer does not match the certificate issuer {}",
                    super::keys::name_to_string(signer.issuer_name())
                )));
            }
        }
    } else {
        let is = one_xades_child(doc, cert, "IssuerSerial")?
            .ok_or_else(|| xerr("SigningCertificate/Cert without IssuerSerial"))?;
        let mut name = None;
        let mut serial = None;
        for k in element_children(doc, is) {
            if is_elem(doc, k, DSIG_NS, "X509IssuerName") {
                name = Some(text_of(doc, k));
            } else if is_elem(doc, k, DSIG_NS, "X509SerialNumber") {
                serial = Some(text_of(doc, k));
            }
        }
        let (Some(name), Some(serial)) = (name, serial) else {
            return Err(xerr(
                "IssuerSerial needs X509IssuerName and X509SerialNumber",
            ));
        };
        let serial_bn = BigNum::from_dec_str(&serial).map_err(|_| {
            xerr(format!(
                "X509SerialNumber {serial:?} is not a decimal number"
            ))
        })?;
        if serial_bn != *signer.serial_number().to_bn()? {
            return Err(xerr(format!(
                "IssuerSerial serial {serial} does not match the certificate"
            )));
        }
        if !dn_string_matches(&name, signer.issuer_name()) {
            return Err(xerr(format!(
                "IssuerSerial issuer {name:?} does not match the certificate issuer {}",
                super::keys::name_to_string(signer.issuer_name())
            )));
        }
    }
    Ok(())
}

/// Parse an xs:dateTime; a value without zone is taken as UTC.
pub(crate) fn parse_xs_datetime(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|n| n.and_utc())
}

// ---------------------------------------------------------------------------------------------
// Distinguished-name strings (X509IssuerName, RFC 2253/4514 style)

fn norm_attr_type(t: &str) -> String {
    let t = t.trim();
    let t = t
        .strip_prefix("OID.")
        .or_else(|| t.strip_prefix("oid."))
        .unwrap_or(t);
    if t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && let Ok(obj) = openssl::asn1::Asn1Object::from_str(t)
        && let Ok(sn) = obj.nid().short_name()
    {
        return sn.to_ascii_uppercase();
    }
    match t.to_ascii_uppercase().as_str() {
        "E" | "EMAIL" | "EMAILADDRESS" => "EMAILADDRESS".into(),
        "S" | "ST" | "STATEORPROVINCENAME" => "ST".into(),
        "SERIALNUMBER" => "SERIALNUMBER".into(),
        "COMMONNAME" => "CN".into(),
        "COUNTRYNAME" => "C".into(),
        "ORGANIZATIONNAME" => "O".into(),
        "ORGANIZATIONALUNITNAME" => "OU".into(),
        "LOCALITYNAME" => "L".into(),
        "ORGANIZATIONIDENTIFIER" => "ORGANIZATIONIDENTIFIER".into(),
        other => other.to_owned(),
    }
}

fn norm_value(v: &str) -> String {
    v.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Split a DN string into (type, value) pairs, honouring `\` escapes and quotes.
fn parse_dn(s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut key = String::new();
    let mut val: Vec<u8> = Vec::new();
    let mut in_value = false;
    let mut quoted = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_value {
            match b {
                b'\\' if i + 1 < bytes.len() => {
                    let next = bytes[i + 1];
                    if next.is_ascii_hexdigit()
                        && i + 2 < bytes.len()
                        && bytes[i + 2].is_ascii_hexdigit()
                    {
                        let h = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
                        val.push(u8::from_str_radix(h, 16).ok()?);
                        i += 3;
                        continue;
                    }
                    val.push(next);
                    i += 2;
                    continue;
                }
                b'"' => quoted = !quoted,
                b',' | b';' | b'+' if !quoted => {
                    out.push((
                        norm_attr_type(&key),
                        norm_value(&String::from_utf8(std::mem::take(&mut val)).ok()?),
                    ));
                    key.clear();
                    in_value = false;
                }
                _ => val.push(b),
            }
        } else if b == b'=' {
            in_value = true;
        } else {
            key.push(char::from(b));
        }
        i += 1;
    }
    if in_value {
        out.push((
            norm_attr_type(&key),
            norm_value(&String::from_utf8(val).ok()?),
        ));
    } else if !key.trim().is_empty() {
        return None;
    }
    Some(out)
}

/// Does the DN string name the same entity as `name` (order-insensitive, case-insensitive)?
pub(crate) fn dn_string_matches(s: &str, name: &X509NameRef) -> bool {
    let Some(mut a) = parse_dn(s) else {
        return false;
    };
    let mut b: Vec<(String, String)> = name
        .entries()
        .map(|e| {
            let nid = e.object().nid();
            let key = if nid == Nid::UNDEF {
                e.object().to_string()
            } else {
                nid.short_name().unwrap_or("").to_owned()
            };
            let v = e.data().to_string().unwrap_or_default();
            (norm_attr_type(&key), norm_value(&v))
        })
        .collect();
    a.sort();
    b.sort();
    a == b
}
