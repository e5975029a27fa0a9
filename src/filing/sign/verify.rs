//! XML-DSig verification with XAdES and certificate-chain checks on top.
//!
//! Order of checks (the first failure is returned):
//! 1. parse (no DOCTYPE), choose the signature, check its structure against the XML-DSig schema;
//! 2. algorithm policy (MD5 refused, XPath/XSLT refused, HMAC needs a key and ≥ max(80, hash/2) bits);
//! 3. every reference: resolve (same document only, unique Id), transforms, digest;
//! 4. SignedInfo canonicalization and the signature value (RSA key from KeyInfo, or HMAC key);
//! 5. coverage: an enveloped signature must cover the document root, an enveloping one its own
//!    `ds:Object`;
//! 6. XAdES: SignedProperties covered, SigningCertificate(V2) names the KeyInfo certificate;
//! 7. chain to the trusted CAs and validity at `at` (or now), unless `check_chain` is false.

use chrono::{DateTime, Utc};
use openssl::bn::BigNum;
use openssl::pkey::{PKey, Public};
use openssl::rsa::Rsa;
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::{X509VerifyFlags, X509VerifyParam};
use openssl::x509::{X509, X509StoreContext};
use serde::Serialize;
use uppsala::{Document, NodeId};

use bergshamra_xml::NodeSet;

use super::c14n::{self, C14nMode, attr, element_children, is_elem};
use super::dsig::{
    BASE64_TRANSFORM, DSIG_NS, DigestAlgorithm, ENVELOPED_SIGNATURE, EXC_C14N_NS,
    FORBIDDEN_TRANSFORMS, SignatureAlgorithm, b64_decode,
};
use super::error::VerifyError;
use super::keys::{asn1_display, name_to_string, valid_at};
use super::xades::{self, CoveredTarget};

/// What to trust and when. `Default` checks the chain (and so needs `trusted_cas`); use
/// [`VerifyOptions::crypto_only`] to check cryptography and XAdES properties alone.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Trust anchors (roots or intermediates). A bare RSAKeyValue is trusted only if it equals the
    /// key of one of these certificates.
    pub trusted_cas: Vec<X509>,
    /// Validation time for the chain and certificate validity; `None` = now.
    pub at: Option<DateTime<Utc>>,
    /// Check chain and validity. `false` checks cryptography and XAdES properties only.
    pub check_chain: bool,
    /// Key for HMAC signatures (never guessed; HMAC without a key fails).
    pub hmac_key: Option<Vec<u8>>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            trusted_cas: Vec::new(),
            at: None,
            check_chain: true,
            hmac_key: None,
        }
    }
}

impl VerifyOptions {
    /// Chain and validity checked against `trusted_cas` at `at` (or now).
    pub fn with_trusted_cas(trusted_cas: Vec<X509>, at: Option<DateTime<Utc>>) -> Self {
        Self {
            trusted_cas,
            at,
            ..Self::default()
        }
    }

    /// Cryptography and XAdES properties only; no chain, no validity period.
    pub fn crypto_only() -> Self {
        Self {
            check_chain: false,
            ..Self::default()
        }
    }
}

/// Where the signature sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SignatureKind {
    /// Inside the document it signs; a reference covers the document root.
    Enveloped,
    /// The signature is the document root and signs its own `ds:Object`.
    Enveloping,
}

/// Where the key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum KeySource {
    X509Certificate,
    RsaKeyValue,
    Hmac,
}

/// One reference whose digest matched.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedReference {
    pub uri: String,
    pub id: Option<String>,
    pub type_uri: Option<String>,
    pub transforms: Vec<String>,
    pub digest_algorithm: String,
    /// What it selects: `document`, `root element <name>`, `SignedProperties`, `ds:Object`, …
    pub covers: String,
}

/// A signature that passed every requested check.
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedSignature {
    pub kind: SignatureKind,
    pub key_source: KeySource,
    /// Subject of the signing certificate (`None` for HMAC or a bare RSA key).
    pub signer_subject: Option<String>,
    pub signer_issuer: Option<String>,
    /// Serial number in hex.
    pub signer_serial: Option<String>,
    /// DER of the signing certificate.
    #[serde(skip)]
    pub signer_certificate: Option<Vec<u8>>,
    /// XAdES SigningTime (claimed by the signer).
    pub signing_time: Option<DateTime<Utc>>,
    pub canonicalization: String,
    pub signature_algorithm: String,
    pub references: Vec<CheckedReference>,
    /// XAdES SignedProperties were present, covered and matched the certificate.
    pub xades_checked: bool,
    /// The certificate (or pinned key) chained to a trusted CA and was valid at `validated_at`.
    pub chain_checked: bool,
    /// Subjects of the verified chain, signer first.
    pub chain: Vec<String>,
    pub validated_at: Option<DateTime<Utc>>,
}

// ---------------------------------------------------------------------------------------------
// Parsed structure

struct Transform {
    uri: String,
    prefixes: Vec<String>,
}

struct Reference {
    id: Option<String>,
    uri: Option<String>,
    type_uri: Option<String>,
    transforms: Vec<Transform>,
    digest: DigestAlgorithm,
    digest_value: Vec<u8>,
}

struct SignatureParts {
    signed_info: NodeId,
    c14n: C14nMode,
    c14n_uri: String,
    c14n_prefixes: Vec<String>,
    method: SignatureAlgorithm,
    hmac_output_bits: Option<usize>,
    references: Vec<Reference>,
    value: Vec<u8>,
    key_info: Option<NodeId>,
}

fn schema(msg: impl Into<String>) -> VerifyError {
    VerifyError::Schema(msg.into())
}

/// Element children, refusing non-whitespace text (mixed content is not allowed in these parts
/// of the schema).
fn strict_children(doc: &Document<'_>, node: NodeId) -> Result<Vec<NodeId>, VerifyError> {
    let mut out = Vec::new();
    for c in doc.children_iter(node) {
        match doc.node_kind(c) {
            Some(uppsala::NodeKind::Element(_)) => out.push(c),
            Some(uppsala::NodeKind::Text(t)) | Some(uppsala::NodeKind::CData(t))
                if !t.trim().is_empty() =>
            {
                return Err(schema(format!(
                    "unexpected text {:?} inside {}",
                    t.trim(),
                    c14n::describe(doc, node)
                )));
            }
            _ => {}
        }
    }
    Ok(out)
}

fn expect_ds(
    doc: &Document<'_>,
    node: Option<&NodeId>,
    local: &str,
    parent: &str,
) -> Result<NodeId, VerifyError> {
    match node {
        Some(n) if is_elem(doc, *n, DSIG_NS, local) => Ok(*n),
        Some(n) => Err(schema(format!(
            "{parent} has {} where ds:{local} is required",
            c14n::describe(doc, *n)
        ))),
        None => Err(schema(format!("{parent} lacks ds:{local}"))),
    }
}

fn required_attr<'d>(
    doc: &'d Document<'_>,
    node: NodeId,
    name: &str,
) -> Result<&'d str, VerifyError> {
    attr(doc, node, name).ok_or_else(|| {
        schema(format!(
            "{} lacks the {name} attribute",
            c14n::describe(doc, node)
        ))
    })
}

fn inclusive_prefixes(doc: &Document<'_>, method: NodeId) -> Result<Vec<String>, VerifyError> {
    let mut out = Vec::new();
    for c in strict_children(doc, method)? {
        if is_elem(doc, c, EXC_C14N_NS, "InclusiveNamespaces") {
            if let Some(list) = attr(doc, c, "PrefixList") {
                // "#default" is passed through: bergshamra-c14n understands it.
                out.extend(list.split_whitespace().map(str::to_owned));
            }
        } else if is_elem(doc, c, DSIG_NS, "XPath") {
            // Checked (and refused) by the transform policy.
        } else if doc
            .element(c)
            .is_some_and(|e| e.name.namespace_uri.as_deref() == Some(DSIG_NS))
        {
            return Err(schema(format!(
                "unexpected {} inside {}",
                c14n::describe(doc, c),
                c14n::describe(doc, method)
            )));
        }
    }
    Ok(out)
}

fn parse_signature(doc: &Document<'_>, sig: NodeId) -> Result<SignatureParts, VerifyError> {
    let kids = strict_children(doc, sig)?;
    let signed_info = expect_ds(doc, kids.first(), "SignedInfo", "ds:Signature")?;
    let value_node = expect_ds(doc, kids.get(1), "SignatureValue", "ds:Signature")
        .map_err(|_| schema("ds:Signature lacks ds:SignatureValue after ds:SignedInfo"))?;
    let mut key_info = None;
    for (i, k) in kids.iter().enumerate().skip(2) {
        if i == 2 && is_elem(doc, *k, DSIG_NS, "KeyInfo") {
            key_info = Some(*k);
        } else if !is_elem(doc, *k, DSIG_NS, "Object") {
            return Err(schema(format!(
                "unexpected {} in ds:Signature",
                c14n::describe(doc, *k)
            )));
        }
    }

    let si = strict_children(doc, signed_info)?;
    let cm = expect_ds(doc, si.first(), "CanonicalizationMethod", "ds:SignedInfo")?;
    let sm = expect_ds(doc, si.get(1), "SignatureMethod", "ds:SignedInfo")?;
    if si.len() < 3 {
        return Err(schema("ds:SignedInfo has no ds:Reference"));
    }
    let c14n_uri = required_attr(doc, cm, "Algorithm")?.to_owned();
    let c14n = C14nMode::from_uri(&c14n_uri).ok_or_else(|| VerifyError::UnsupportedAlgorithm {
        what: "canonicalization",
        uri: c14n_uri.clone(),
    })?;
    let c14n_prefixes = inclusive_prefixes(doc, cm)?;

    let method_uri = required_attr(doc, sm, "Algorithm")?;
    let mut hmac_output_bits = None;
    for c in strict_children(doc, sm)? {
        if is_elem(doc, c, DSIG_NS, "HMACOutputLength") {
            let t = doc.text_content_deep(c);
            let bits: usize = t
                .trim()
                .parse()
                .map_err(|_| schema(format!("HMACOutputLength {:?} is not a number", t.trim())))?;
            hmac_output_bits = Some(bits);
        } else {
            return Err(schema(format!(
                "unexpected {} in ds:SignatureMethod",
                c14n::describe(doc, c)
            )));
        }
    }

    let mut references = Vec::new();
    for r in &si[2..] {
        let r = expect_ds(doc, Some(r), "Reference", "ds:SignedInfo")?;
        references.push(parse_reference(doc, r)?);
    }

    let value = b64_decode(&doc.text_content_deep(value_node))
        .map_err(|e| schema(format!("ds:SignatureValue: {e}")))?;
    if value.is_empty() {
        return Err(schema("ds:SignatureValue is empty"));
    }
    // Algorithms are checked after the structure, so a schema error is reported as such.
    let method = SignatureAlgorithm::from_uri(method_uri)?;
    if hmac_output_bits.is_some() && !matches!(method, SignatureAlgorithm::Hmac(_)) {
        return Err(schema(
            "HMACOutputLength given for a non-HMAC signature method",
        ));
    }
    Ok(SignatureParts {
        signed_info,
        c14n,
        c14n_uri,
        c14n_prefixes,
        method,
        hmac_output_bits,
        references,
        value,
        key_info,
    })
}

fn parse_reference(doc: &Document<'_>, r: NodeId) -> Result<Reference, VerifyError> {
    let kids = strict_children(doc, r)?;
    let mut idx = 0;
    let mut transforms = Vec::new();
    if kids
        .first()
        .is_some_and(|k| is_elem(doc, *k, DSIG_NS, "Transforms"))
    {
        let ts = strict_children(doc, kids[0])?;
        if ts.is_empty() {
            return Err(schema("ds:Transforms without ds:Transform"));
        }
        for t in ts {
            let t = expect_ds(doc, Some(&t), "Transform", "ds:Transforms")?;
            let uri = required_attr(doc, t, "Algorithm")?.to_owned();
            let prefixes = inclusive_prefixes(doc, t)?;
            transforms.push(Transform { uri, prefixes });
        }
        idx = 1;
    }
    let uri = attr(doc, r, "URI").map(str::to_owned);
    let what = format!("ds:Reference URI={:?}", uri.as_deref().unwrap_or("(none)"));
    let dm = expect_ds(doc, kids.get(idx), "DigestMethod", &what)?;
    let dv = expect_ds(doc, kids.get(idx + 1), "DigestValue", &what)?;
    if let Some(extra) = kids.get(idx + 2) {
        return Err(schema(format!(
            "unexpected {} in {what}",
            c14n::describe(doc, *extra)
        )));
    }
    let digest_value = b64_decode(&doc.text_content_deep(dv))
        .map_err(|e| schema(format!("{what} DigestValue: {e}")))?;
    let digest = DigestAlgorithm::from_uri(required_attr(doc, dm, "Algorithm")?)?;
    Ok(Reference {
        id: attr(doc, r, "Id").map(str::to_owned),
        uri,
        type_uri: attr(doc, r, "Type").map(str::to_owned),
        transforms,
        digest,
        digest_value,
    })
}

// ---------------------------------------------------------------------------------------------
// Choosing the signature

fn find_signature(doc: &Document<'_>) -> Result<NodeId, VerifyError> {
    let root = doc
        .document_element()
        .ok_or_else(|| VerifyError::Xml("the document has no root element".into()))?;
    if is_elem(doc, root, DSIG_NS, "Signature") {
        return Ok(root);
    }
    let all: Vec<NodeId> = doc
        .descendants(root)
        .into_iter()
        .filter(|n| is_elem(doc, *n, DSIG_NS, "Signature"))
        .collect();
    let on_root: Vec<NodeId> = element_children(doc, root)
        .into_iter()
        .filter(|n| is_elem(doc, *n, DSIG_NS, "Signature"))
        .collect();
    match (on_root.as_slice(), all.as_slice()) {
        ([one], _) => Ok(*one),
        ([], []) => Err(VerifyError::NoSignature),
        ([], [one]) => Ok(*one),
        ([], many) => Err(VerifyError::AmbiguousSignature(format!(
            "{} signatures, none of them directly under the document root",
            many.len()
        ))),
        (many, _) => Err(VerifyError::AmbiguousSignature(format!(
            "{} signatures directly under the document root",
            many.len()
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// References

enum Data {
    Nodes {
        set: NodeSet,
        apex: NodeId,
        with_comments: bool,
    },
    Octets(Vec<u8>),
}

/// Resolve a same-document URI to (selected node, with comments).
fn dereference(
    doc: &Document<'_>,
    ids: &std::collections::HashMap<String, Vec<NodeId>>,
    uri: &str,
) -> Result<(NodeId, bool), VerifyError> {
    if uri.is_empty() {
        return Ok((doc.root(), false));
    }
    let Some(frag) = uri.strip_prefix('#') else {
        return Err(VerifyError::ExternalReference(uri.to_owned()));
    };
    if frag == "xpointer(/)" {
        return Ok((doc.root(), true));
    }
    let (id, with_comments) = match bergshamra_xml::xpath::parse_xpointer_id(frag) {
        Some(id) => (id, true),
        None if frag.starts_with("xpointer(") => {
            return Err(VerifyError::ForbiddenTransform(format!(
                "XPointer expression {frag}"
            )));
        }
        None => (frag, false),
    };
    match ids.get(id).map(Vec::as_slice) {
        None | Some([]) => Err(VerifyError::IdNotFound(id.to_owned())),
        Some([one]) => Ok((*one, with_comments)),
        Some(many) => Err(VerifyError::DuplicateId {
            id: id.to_owned(),
            count: many.len(),
        }),
    }
}

fn apply_transforms(
    doc: &Document<'_>,
    sig: NodeId,
    uri: &str,
    start: (NodeId, bool),
    transforms: &[Transform],
) -> Result<Vec<u8>, VerifyError> {
    let terr = |reason: String| VerifyError::Transform {
        uri: uri.to_owned(),
        reason,
    };
    let (apex, with_comments) = start;
    let set = if apex == doc.root() {
        c14n::whole_document(doc, with_comments)
    } else {
        c14n::subtree(doc, apex, with_comments)
    };
    let mut data = Data::Nodes {
        set,
        apex,
        with_comments,
    };
    for t in transforms {
        let alg = t.uri.as_str();
        if FORBIDDEN_TRANSFORMS.contains(&alg) {
            return Err(VerifyError::ForbiddenTransform(alg.to_owned()));
        }
        data = if alg == ENVELOPED_SIGNATURE {
            match data {
                Data::Nodes {
                    set,
                    apex,
                    with_comments,
                } => {
                    if !bergshamra_xml::xpath::is_ancestor_or_self(doc, apex, sig) {
                        return Err(terr(
                            "the enveloped-signature transform is applied to content that does not contain the signature"
                                .into(),
                        ));
                    }
                    Data::Nodes {
                        set: c14n::without_subtree(doc, &set, sig),
                        apex,
                        with_comments,
                    }
                }
                Data::Octets(_) => {
                    return Err(terr(
                        "enveloped-signature transform after an octet transform".into(),
                    ));
                }
            }
        } else if let Some(mode) = C14nMode::from_uri(alg) {
            let prefixes = if mode.is_exclusive() {
                t.prefixes.clone()
            } else {
                Vec::new()
            };
            match data {
                Data::Nodes { set, .. } => {
                    Data::Octets(c14n::canonicalize(doc, mode, &set, &prefixes).map_err(terr)?)
                }
                Data::Octets(o) => {
                    Data::Octets(c14n::canonicalize_octets(&o, mode, &prefixes).map_err(terr)?)
                }
            }
        } else if alg == BASE64_TRANSFORM {
            let text = match data {
                Data::Nodes { set, apex, .. } => c14n::visible_text(doc, &set, apex),
                Data::Octets(o) => String::from_utf8(o)
                    .map_err(|_| terr("base64 transform input is not text".into()))?,
            };
            Data::Octets(b64_decode(&text).map_err(|e| terr(format!("base64 transform: {e}")))?)
        } else {
            return Err(VerifyError::UnsupportedAlgorithm {
                what: "transform",
                uri: alg.to_owned(),
            });
        };
    }
    Ok(match data {
        Data::Octets(o) => o,
        Data::Nodes {
            set, with_comments, ..
        } => {
            let mode = if with_comments {
                C14nMode::InclusiveWithComments
            } else {
                C14nMode::Inclusive
            };
            c14n::canonicalize(doc, mode, &set, &[]).map_err(terr)?
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Keys

struct KeyMaterial {
    certs: Vec<X509>,
    rsa_key: Option<PKey<Public>>,
}

fn read_key_info(doc: &Document<'_>, key_info: Option<NodeId>) -> Result<KeyMaterial, VerifyError> {
    let mut km = KeyMaterial {
        certs: Vec::new(),
        rsa_key: None,
    };
    let Some(ki) = key_info else { return Ok(km) };
    for item in element_children(doc, ki) {
        if is_elem(doc, item, DSIG_NS, "X509Data") {
            for x in element_children(doc, item) {
                if is_elem(doc, x, DSIG_NS, "X509Certificate") {
                    let der = b64_decode(&doc.text_content_deep(x))
                        .map_err(|e| VerifyError::KeyInfo(format!("X509Certificate: {e}")))?;
                    let cert = X509::from_der(&der).map_err(|_| {
                        VerifyError::KeyInfo("X509Certificate is not a DER certificate".into())
                    })?;
                    km.certs.push(cert);
                }
            }
        } else if is_elem(doc, item, DSIG_NS, "KeyValue") {
            for kv in element_children(doc, item) {
                if is_elem(doc, kv, DSIG_NS, "RSAKeyValue") {
                    let mut modulus = None;
                    let mut exponent = None;
                    for p in element_children(doc, kv) {
                        if is_elem(doc, p, DSIG_NS, "Modulus") {
                            modulus = Some(doc.text_content_deep(p));
                        } else if is_elem(doc, p, DSIG_NS, "Exponent") {
                            exponent = Some(doc.text_content_deep(p));
                        }
                    }
                    let (Some(m), Some(e)) = (modulus, exponent) else {
                        return Err(schema("RSAKeyValue needs Modulus and Exponent"));
                    };
                    let n = b64_decode(&m)
                        .map_err(|e| VerifyError::KeyInfo(format!("RSA Modulus: {e}")))?;
                    let e = b64_decode(&e)
                        .map_err(|e| VerifyError::KeyInfo(format!("RSA Exponent: {e}")))?;
                    let rsa = Rsa::from_public_components(
                        BigNum::from_slice(&n)?,
                        BigNum::from_slice(&e)?,
                    )?;
                    km.rsa_key = Some(PKey::from_rsa(rsa)?);
                }
            }
        }
    }
    Ok(km)
}

fn rsa_verifies(
    key: &openssl::pkey::PKeyRef<Public>,
    md: openssl::hash::MessageDigest,
    data: &[u8],
    sig: &[u8],
) -> bool {
    let Ok(mut v) = openssl::sign::Verifier::new(md, key) else {
        return false;
    };
    if v.set_rsa_padding(openssl::rsa::Padding::PKCS1).is_err() {
        return false;
    }
    v.verify_oneshot(sig, data).unwrap_or(false)
}

// ---------------------------------------------------------------------------------------------
// Chain

fn fmt_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn check_chain(
    signer: &X509,
    others: &[X509],
    opts: &VerifyOptions,
    at: DateTime<Utc>,
) -> Result<Vec<String>, VerifyError> {
    let subject = name_to_string(signer.subject_name());
    if !valid_at(signer, at)? {
        return Err(VerifyError::CertificateNotValid {
            subject,
            not_before: asn1_display(signer.not_before()),
            not_after: asn1_display(signer.not_after()),
            at: fmt_time(at),
        });
    }
    let mut store = X509StoreBuilder::new()?;
    for ca in &opts.trusted_cas {
        store.add_cert(ca.clone())?;
    }
    let mut param = X509VerifyParam::new()?;
    param.set_time(at.timestamp() as _);
    // A configured intermediate is a trust anchor too.
    param.set_flags(X509VerifyFlags::PARTIAL_CHAIN)?;
    store.set_param(&param)?;
    let store = store.build();
    let mut untrusted = Stack::new()?;
    for c in others {
        untrusted.push(c.clone())?;
    }
    let mut ctx = X509StoreContext::new()?;
    let outcome = ctx.init(&store, signer, &untrusted, |c| {
        let ok = c.verify_cert()?;
        let chain = c
            .chain()
            .map(|s| {
                s.iter()
                    .map(|x| name_to_string(x.subject_name()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let failing = c.current_cert().map(|x| name_to_string(x.subject_name()));
        Ok((ok, c.error(), c.error_depth(), chain, failing))
    })?;
    let (ok, err, depth, chain, failing) = outcome;
    if !ok {
        let mut reason = err.error_string().to_owned();
        if depth > 0
            && let Some(f) = failing
        {
            reason = format!("{reason} (at {f})");
        }
        return Err(VerifyError::Chain {
            subject,
            at: fmt_time(at),
            reason,
        });
    }
    Ok(chain)
}

// ---------------------------------------------------------------------------------------------

/// Verify the XML signature in `xml` (see the module docs for what is checked, in which order).
pub fn verify(xml: &[u8], opts: &VerifyOptions) -> Result<VerifiedSignature, VerifyError> {
    let text = c14n::utf8_text(xml).map_err(VerifyError::Xml)?;
    let doc = c14n::parse(text).map_err(VerifyError::Xml)?;
    c14n::check_declared_encoding(&doc).map_err(VerifyError::Xml)?;
    let sig = find_signature(&doc)?;
    let parts = parse_signature(&doc, sig)?;

    // HMAC policy before any work.
    let hmac_key = match parts.method {
        SignatureAlgorithm::Hmac(d) => {
            let key = opts.hmac_key.as_ref().ok_or(VerifyError::HmacKeyMissing)?;
            let full = d.bits();
            let min = 80.max(full / 2);
            let bits = parts.hmac_output_bits.unwrap_or(full);
            if bits < min {
                return Err(VerifyError::HmacTruncated { bits, min });
            }
            if bits > full || !bits.is_multiple_of(8) {
                return Err(schema(format!(
                    "HMACOutputLength {bits} must be a multiple of 8 and at most {full}"
                )));
            }
            Some((key.clone(), bits / 8))
        }
        SignatureAlgorithm::Rsa(_) => None,
    };

    // References.
    let ids = c14n::id_map(&doc);
    let mut targets = Vec::with_capacity(parts.references.len());
    for r in &parts.references {
        let uri = r
            .uri
            .as_deref()
            .ok_or_else(|| schema("a ds:Reference without URI is not supported (the application must know what it signs)"))?;
        let start = dereference(&doc, &ids, uri)?;
        let bytes = apply_transforms(&doc, sig, uri, start, &r.transforms)?;
        let actual = r.digest.digest(&bytes)?;
        if actual.len() != r.digest_value.len() || !openssl::memcmp::eq(&actual, &r.digest_value) {
            return Err(VerifyError::DigestMismatch {
                uri: uri.to_owned(),
            });
        }
        targets.push(start.0);
    }

    // SignedInfo and the signature value.
    let si_set = c14n::subtree(&doc, parts.signed_info, parts.c14n.with_comments());
    let prefixes = if parts.c14n.is_exclusive() {
        parts.c14n_prefixes.clone()
    } else {
        Vec::new()
    };
    let si_bytes = c14n::canonicalize(&doc, parts.c14n, &si_set, &prefixes).map_err(|e| {
        VerifyError::Transform {
            uri: "SignedInfo".into(),
            reason: e,
        }
    })?;

    let km = read_key_info(&doc, parts.key_info)?;
    let digest = parts.method.digest();
    let (key_source, signer_idx) = match &hmac_key {
        Some((key, len)) => {
            let pkey = PKey::hmac(key)?;
            let mut s = openssl::sign::Signer::new(digest.md(), &pkey)?;
            let mac = s.sign_oneshot_to_vec(&si_bytes)?;
            if parts.value.len() != *len || !openssl::memcmp::eq(&mac[..*len], &parts.value) {
                return Err(VerifyError::BadSignature);
            }
            (KeySource::Hmac, None)
        }
        None => {
            if km.certs.is_empty() && km.rsa_key.is_none() {
                return Err(VerifyError::NoKey);
            }
            let mut found = None;
            for (i, c) in km.certs.iter().enumerate() {
                let key = c.public_key()?;
                if rsa_verifies(&key, digest.md(), &si_bytes, &parts.value) {
                    found = Some(i);
                    break;
                }
            }
            match (found, &km.rsa_key) {
                (Some(i), Some(k)) => {
                    if !km.certs[i].public_key()?.public_eq(k) {
                        return Err(VerifyError::KeyInfo(
                            "RSAKeyValue and X509Certificate carry different keys".into(),
                        ));
                    }
                    (KeySource::X509Certificate, Some(i))
                }
                (Some(i), None) => (KeySource::X509Certificate, Some(i)),
                (None, Some(k)) if km.certs.is_empty() => {
                    if !rsa_verifies(k, digest.md(), &si_bytes, &parts.value) {
                        return Err(VerifyError::BadSignature);
                    }
                    (KeySource::RsaKeyValue, None)
                }
                _ => return Err(VerifyError::BadSignature),
            }
        }
    };

    // Coverage.
    let root = doc
        .document_element()
        .ok_or_else(|| VerifyError::Xml("the document has no root element".into()))?;
    let kind = if sig == root {
        SignatureKind::Enveloping
    } else {
        SignatureKind::Enveloped
    };
    let is_own_object = |n: NodeId| {
        let mut cur = Some(n);
        while let Some(c) = cur {
            if is_elem(&doc, c, DSIG_NS, "Object") && doc.parent(c) == Some(sig) {
                return true;
            }
            if c == sig {
                return false;
            }
            cur = doc.parent(c);
        }
        false
    };
    let is_props = |n: NodeId| is_elem(&doc, n, xades::XADES_NS, "SignedProperties");
    let data_targets: Vec<NodeId> = targets.iter().copied().filter(|t| !is_props(*t)).collect();
    match kind {
        SignatureKind::Enveloped => {
            if !data_targets.iter().any(|t| *t == doc.root() || *t == root) {
                return Err(VerifyError::Coverage(format!(
                    "no reference covers the document root <{}> (expected URI=\"\" or the root's Id); the signed \
                     content may have been moved or wrapped",
                    c14n::qname(&doc, root)
                )));
            }
        }
        SignatureKind::Enveloping => {
            if !data_targets.iter().any(|t| is_own_object(*t)) {
                return Err(VerifyError::Coverage(
                    "the enveloping signature signs none of its own ds:Object elements".into(),
                ));
            }
        }
    }

    // XAdES.
    let signer_cert = signer_idx.map(|i| &km.certs[i]);
    let covered: Vec<CoveredTarget<'_>> = parts
        .references
        .iter()
        .zip(&targets)
        .map(|(r, t)| CoveredTarget {
            node: *t,
            type_uri: r.type_uri.as_deref(),
            uri: r.uri.as_deref().unwrap_or(""),
        })
        .collect();
    let xo = xades::check(&doc, sig, &covered, signer_cert.map(|c| c.as_ref()))?;

    // Chain.
    let mut chain = Vec::new();
    let mut chain_checked = false;
    let mut validated_at = None;
    if opts.check_chain && key_source != KeySource::Hmac {
        let at = opts.at.unwrap_or_else(Utc::now);
        if opts.trusted_cas.is_empty() {
            return Err(VerifyError::NoTrustedCas);
        }
        match signer_cert {
            Some(cert) => {
                let others: Vec<X509> = km
                    .certs
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| Some(*i) != signer_idx)
                    .map(|(_, c)| c.clone())
                    .collect();
                chain = check_chain(cert, &others, opts, at)?;
            }
            None => {
                let key = km.rsa_key.as_ref().ok_or(VerifyError::NoKey)?;
                let pinned = opts
                    .trusted_cas
                    .iter()
                    .find(|c| c.public_key().is_ok_and(|k| k.public_eq(key)))
                    .ok_or(VerifyError::UntrustedKey)?;
                if !valid_at(pinned, at)? {
                    return Err(VerifyError::CertificateNotValid {
                        subject: name_to_string(pinned.subject_name()),
                        not_before: asn1_display(pinned.not_before()),
                        not_after: asn1_display(pinned.not_after()),
                        at: fmt_time(at),
                    });
                }
                chain = vec![name_to_string(pinned.subject_name())];
            }
        }
        chain_checked = true;
        validated_at = Some(at);
    }

    let references = parts
        .references
        .iter()
        .zip(&targets)
        .map(|(r, t)| CheckedReference {
            uri: r.uri.clone().unwrap_or_default(),
            id: r.id.clone(),
            type_uri: r.type_uri.clone(),
            transforms: r.transforms.iter().map(|t| t.uri.clone()).collect(),
            digest_algorithm: r.digest.uri().to_owned(),
            covers: if *t == doc.root() {
                "document".into()
            } else if *t == root {
                format!("root element <{}>", c14n::qname(&doc, root))
            } else if is_props(*t) {
                "SignedProperties".into()
            } else if is_own_object(*t) {
                "ds:Object".into()
            } else {
                format!("element <{}>", c14n::qname(&doc, *t))
            },
        })
        .collect();

    Ok(VerifiedSignature {
        kind,
        key_source,
        signer_subject: signer_cert.map(|c| name_to_string(c.subject_name())),
        signer_issuer: signer_cert.map(|c| name_to_string(c.issuer_name())),
        signer_serial: signer_cert.and_then(|c| {
            c.serial_number()
                .to_bn()
                .ok()?
                .to_hex_str()
                .ok()
                .map(|s| s.to_string())
        }),
        signer_certificate: signer_cert.and_then(|c| c.to_der().ok()),
        signing_time: xo.signing_time,
        canonicalization: parts.c14n_uri.clone(),
        signature_algorithm: parts.method.uri().to_owned(),
        references,
        xades_checked: xo.checked,
        chain_checked,
        chain,
        validated_at,
    })
}
