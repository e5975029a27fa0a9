//! XML-DSig core: algorithm identifiers and the enveloped signer.
//!
//! The signature is built as text (all dynamic values are base64, generated ids or escaped), the
//! document is re-parsed, and every digest and the signature value are computed over bytes from
//! `bergshamra-c14n`. Layout of what [`Signer::sign_enveloped`] appends as the last child of the
//! document root:
//!
//! ```text
//! ds:Signature Id=S
//!   ds:SignedInfo (exc-c14n, rsa-sha256)
//!     ds:Reference Id=S-ref-doc URI=""            enveloped-signature + exc-c14n, sha256
//!     ds:Reference URI="#S-signedprops" Type=…#SignedProperties   exc-c14n, sha256
//!   ds:SignatureValue Id=S-value
//!   ds:KeyInfo/ds:X509Data/ds:X509Certificate+    signing certificate first, then its chain
//!   ds:Object/xades:QualifyingProperties Target=#S/xades:SignedProperties Id=S-signedprops
//! ```

use chrono::{DateTime, Utc};
use openssl::base64;
use openssl::hash::{MessageDigest, hash};
use serde::Serialize;

use super::c14n::{self, C14nMode};
use super::error::{SignError, VerifyError};
use super::keys::{self, Signer};
use super::xades;

/// `http://www.w3.org/2000/09/xmldsig#`
pub const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// Exclusive C14N 1.0 without comments.
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// The enveloped-signature transform.
pub const ENVELOPED_SIGNATURE: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// The base64 transform.
pub const BASE64_TRANSFORM: &str = "http://www.w3.org/2000/09/xmldsig#base64";
/// Namespace of `InclusiveNamespaces` (exclusive C14N PrefixList).
pub const EXC_C14N_NS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

const MD5_URIS: [&str; 3] = [
    "http://www.w3.org/2001/04/xmldsig-more#md5",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-md5",
    "http://www.w3.org/2001/04/xmldsig-more#hmac-md5",
];

/// Transforms that are refused outright (they can select or rewrite anything).
pub(crate) const FORBIDDEN_TRANSFORMS: [&str; 3] = [
    "http://www.w3.org/TR/1999/REC-xpath-19991116",
    "http://www.w3.org/2002/06/xmldsig-filter2",
    "http://www.w3.org/TR/1999/REC-xslt-19991116",
];

/// A message digest usable in `DigestMethod`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DigestAlgorithm {
    /// Verification only; writ never makes new SHA-1 signatures.
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlgorithm {
    pub fn uri(self) -> &'static str {
        match self {
            Self::Sha1 => "http://www.w3.org/2000/09/xmldsig#sha1",
            Self::Sha224 => "http://www.w3.org/2001/04/xmldsig-more#sha224",
            Self::Sha256 => "http://www.w3.org/2001/04/xmlenc#sha256",
            Self::Sha384 => "http://www.w3.org/2001/04/xmldsig-more#sha384",
            Self::Sha512 => "http://www.w3.org/2001/04/xmlenc#sha512",
        }
    }

    /// Parse a `DigestMethod/@Algorithm`. MD5 is refused, unknown URIs are unsupported.
    pub fn from_uri(uri: &str) -> Result<Self, VerifyError> {
        Ok(match uri {
            "http://www.w3.org/2000/09/xmldsig#sha1" => Self::Sha1,
            "http://www.w3.org/2001/04/xmldsig-more#sha224" => Self::Sha224,
            "http://www.w3.org/2001/04/xmlenc#sha256" => Self::Sha256,
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => Self::Sha384,
            "http://www.w3.org/2001/04/xmlenc#sha512" => Self::Sha512,
            u if MD5_URIS.contains(&u) => {
                return Err(VerifyError::WeakAlgorithm(format!(
                    "MD5 digest {u} is broken"
                )));
            }
            u => {
                return Err(VerifyError::UnsupportedAlgorithm {
                    what: "digest",
                    uri: u.to_owned(),
                });
            }
        })
    }

    pub(crate) fn md(self) -> MessageDigest {
        match self {
            Self::Sha1 => MessageDigest::sha1(),
            Self::Sha224 => MessageDigest::sha224(),
            Self::Sha256 => MessageDigest::sha256(),
            Self::Sha384 => MessageDigest::sha384(),
            Self::Sha512 => MessageDigest::sha512(),
        }
    }

    /// Output size in bits.
    pub fn bits(self) -> usize {
        match self {
            Self::Sha1 => 160,
            Self::Sha224 => 224,
            Self::Sha256 => 256,
            Self::Sha384 => 384,
            Self::Sha512 => 512,
        }
    }

    /// Too weak for new signatures.
    pub fn is_weak(self) -> bool {
        matches!(self, Self::Sha1)
    }

    pub(crate) fn digest(self, data: &[u8]) -> Result<Vec<u8>, openssl::error::ErrorStack> {
        Ok(hash(self.md(), data)?.to_vec())
    }
}

/// A `SignatureMethod`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with the given digest.
    Rsa(DigestAlgorithm),
    /// HMAC with the given digest (shared key).
    Hmac(DigestAlgorithm),
}

impl SignatureAlgorithm {
    pub fn uri(self) -> &'static str {
        use DigestAlgorithm::*;
        match self {
            Self::Rsa(Sha1) => "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            Self::Rsa(Sha224) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha224",
            Self::Rsa(Sha256) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            Self::Rsa(Sha384) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
            Self::Rsa(Sha512) => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
            Self::Hmac(Sha1) => "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
            Self::Hmac(Sha224) => "http://www.w3.org/2001/04/xmldsig-more#hmac-sha224",
            Self::Hmac(Sha256) => "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
            Self::Hmac(Sha384) => "http://www.w3.org/2001/04/xmldsig-more#hmac-sha384",
            Self::Hmac(Sha512) => "http://www.w3.org/2001/04/xmldsig-more#hmac-sha512",
        }
    }

    /// Parse a `SignatureMethod/@Algorithm`. MD5 is refused, DSA/ECDSA are unsupported.
    pub fn from_uri(uri: &str) -> Result<Self, VerifyError> {
        use DigestAlgorithm::*;
        Ok(match uri {
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => Self::Rsa(Sha1),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha224" => Self::Rsa(Sha224),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => Self::Rsa(Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => Self::Rsa(Sha384),
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => Self::Rsa(Sha512),
            "http://www.w3.org/2000/09/xmldsig#hmac-sha1" => Self::Hmac(Sha1),
            "http://www.w3.org/2001/04/xmldsig-more#hmac-sha224" => Self::Hmac(Sha224),
            "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256" => Self::Hmac(Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#hmac-sha384" => Self::Hmac(Sha384),
            "http://www.w3.org/2001/04/xmldsig-more#hmac-sha512" => Self::Hmac(Sha512),
            u if MD5_URIS.contains(&u) => {
                return Err(VerifyError::WeakAlgorithm(format!(
                    "MD5 signature method {u} is broken"
                )));
            }
            u => {
                return Err(VerifyError::UnsupportedAlgorithm {
                    what: "signature",
                    uri: u.to_owned(),
                });
            }
        })
    }

    pub fn digest(self) -> DigestAlgorithm {
        match self {
            Self::Rsa(d) | Self::Hmac(d) => d,
        }
    }
}

/// Base64 without line breaks.
pub(crate) fn b64(data: &[u8]) -> String {
    base64::encode_block(data)
}

/// Decode base64 that may contain XML whitespace (line breaks, indentation).
pub(crate) fn b64_decode(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Ok(Vec::new());
    }
    if !compact.len().is_multiple_of(4) {
        return Err("base64 text has a length that is not a multiple of 4".into());
    }
    base64::decode_block(&compact).map_err(|_| "invalid base64 text".to_string())
}

/// Escape text for element content or a double-quoted attribute.
pub(crate) fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// Ids of the parts of one signature, all derived from a random base.
struct SigIds {
    sig: String,
    doc_ref: String,
    signed_props: String,
    value: String,
}

impl SigIds {
    fn fresh(document: &str) -> Result<Self, SignError> {
        loop {
            let mut rnd = [0u8; 8];
            openssl::rand::rand_bytes(&mut rnd)?;
            let sig = format!("writ-sig-{}", hex::encode(rnd));
            if !document.contains(&sig) {
                return Ok(Self {
                    doc_ref: format!("{sig}-ref-doc"),
                    signed_props: format!("{sig}-signedprops"),
                    value: format!("{sig}-value"),
                    sig,
                });
            }
        }
    }
}

/// Where the signature goes in the original text.
struct Splice<'t> {
    before: &'t str,
    /// For a self-closing root: the text that reopens it (`>`), and the end tag to add.
    reopen: Option<String>,
    after: &'t str,
}

impl Splice<'_> {
    fn with(&self, signature: &str) -> String {
        let mut out =
            String::with_capacity(self.before.len() + signature.len() + self.after.len() + 64);
        out.push_str(self.before);
        match &self.reopen {
            Some(end_tag) => {
                out.push('>');
                out.push_str(signature);
                out.push_str(end_tag);
            }
            None => out.push_str(signature),
        }
        out.push_str(self.after);
        out
    }
}

fn splice_point(text: &str) -> Result<Splice<'_>, SignError> {
    let doc = c14n::parse(text).map_err(SignError::Xml)?;
    c14n::check_declared_encoding(&doc).map_err(SignError::Xml)?;
    let root = doc
        .document_element()
        .ok_or_else(|| SignError::Xml("the document has no root element".into()))?;
    if c14n::element_children(&doc, root)
        .into_iter()
        .any(|c| c14n::is_elem(&doc, c, DSIG_NS, "Signature"))
    {
        return Err(SignError::Xml(
            "the document root already carries a ds:Signature; sign the unsigned document".into(),
        ));
    }
    let range = doc
        .node_range(root)
        .ok_or_else(|| SignError::Xml("cannot locate the root element in the text".into()))?;
    let src = &text[range.clone()];
    if src.ends_with("/>") {
        let at = range.end - 2;
        Ok(Splice {
            before: &text[..at],
            reopen: Some(format!("</{}>", c14n::qname(&doc, root))),
            after: &text[range.end..],
        })
    } else {
        let close = src
            .rfind("</")
            .ok_or_else(|| SignError::Xml("the root element has no end tag".into()))?;
        let at = range.start + close;
        Ok(Splice {
            before: &text[..at],
            reopen: None,
            after: &text[at..],
        })
    }
}

impl Signer {
    /// Sign `xml` with an enveloped XAdES-BES signature (see the module docs for the layout).
    ///
    /// The certificate must be valid at `signing_time`. The result is verified once more
    /// (cryptography and XAdES properties, no chain) before it is returned.
    pub fn sign_enveloped(
        &self,
        xml: &[u8],
        signing_time: DateTime<Utc>,
    ) -> Result<Vec<u8>, SignError> {
        keys::check_certificate_for_signing(self.certificate(), signing_time)?;
        let digest = self.digest_algorithm();
        if digest.is_weak() {
            return Err(SignError::WeakAlgorithm(digest.uri().into()));
        }
        let method = SignatureAlgorithm::Rsa(digest);

        let text = c14n::utf8_text(xml).map_err(SignError::Xml)?;
        let splice = splice_point(text)?;
        let ids = SigIds::fresh(text)?;

        let signed_props = xades::signed_properties_xml(
            &ids.signed_props,
            &ids.doc_ref,
            signing_time,
            self.certificate(),
            digest,
        )?;
        let mut key_info = String::from("<ds:KeyInfo><ds:X509Data>");
        for cert in
            std::iter::once(self.certificate()).chain(self.chain().iter().map(|c| c.as_ref()))
        {
            key_info.push_str("<ds:X509Certificate>");
            key_info.push_str(&b64(&cert.to_der()?));
            key_info.push_str("</ds:X509Certificate>");
        }
        key_info.push_str("</ds:X509Data></ds:KeyInfo>");

        let build = |doc_digest: &str, props_digest: &str, value: &str| -> String {
            format!(
                concat!(
                    r#"<ds:Signature xmlns:ds="{ds}" Id="{sig}">"#,
                    r#"<ds:SignedInfo>"#,
                    r#"<ds:CanonicalizationMethod Algorithm="{exc}"/>"#,
                    r#"<ds:SignatureMethod Algorithm="{method}"/>"#,
                    r#"<ds:Reference Id="{doc_ref}" URI="">"#,
                    r#"<ds:Transforms><ds:Transform Algorithm="{env}"/><ds:Transform Algorithm="{exc}"/></ds:Transforms>"#,
                    r#"<ds:DigestMethod Algorithm="{dm}"/><ds:DigestValue>{d1}</ds:DigestValue>"#,
                    r#"</ds:Reference>"#,
                    r##"<ds:Reference Type="{sp_type}" URI="#{sp}">"##,
                    r#"<ds:Transforms><ds:Transform Algorithm="{exc}"/></ds:Transforms>"#,
                    r#"<ds:DigestMethod Algorithm="{dm}"/><ds:DigestValue>{d2}</ds:DigestValue>"#,
                    r#"</ds:Reference>"#,
                    r#"</ds:SignedInfo>"#,
                    r#"<ds:SignatureValue Id="{value_id}">{value}</ds:SignatureValue>"#,
                    "{key_info}",
                    r##"<ds:Object><xades:QualifyingProperties xmlns:xades="{xades}" Target="#{sig}">"##,
                    "{props}",
                    r#"</xades:QualifyingProperties></ds:Object>"#,
                    r#"</ds:Signature>"#
                ),
                ds = DSIG_NS,
                sig = ids.sig,
                exc = EXC_C14N,
                method = method.uri(),
                doc_ref = ids.doc_ref,
                env = ENVELOPED_SIGNATURE,
                dm = digest.uri(),
                d1 = doc_digest,
                sp_type = xades::SIGNED_PROPERTIES_TYPE,
                sp = ids.signed_props,
                d2 = props_digest,
                value_id = ids.value,
                value = value,
                key_info = key_info,
                xades = xades::XADES_NS,
                props = signed_props,
            )
        };

        // Pass 1: digests of the document (minus the signature) and of SignedProperties.
        let draft = splice.with(&build("", "", ""));
        let (d1, d2) = {
            let doc = c14n::parse(&draft).map_err(SignError::Xml)?;
            let ids_map = c14n::id_map(&doc);
            let find = |id: &str| -> Result<_, SignError> {
                match ids_map.get(id).map(Vec::as_slice) {
                    Some([one]) => Ok(*one),
                    _ => Err(SignError::Xml(format!("generated id {id} is not unique"))),
                }
            };
            let sig = find(&ids.sig)?;
            let props = find(&ids.signed_props)?;
            let no_prefixes: [String; 0] = [];
            let set = c14n::without_subtree(&doc, &c14n::whole_document(&doc, false), sig);
            let doc_bytes = c14n::canonicalize(&doc, C14nMode::Exclusive, &set, &no_prefixes)
                .map_err(SignError::C14n)?;
            let props_set = c14n::subtree(&doc, props, false);
            let props_bytes =
                c14n::canonicalize(&doc, C14nMode::Exclusive, &props_set, &no_prefixes)
                    .map_err(SignError::C14n)?;
            (
                b64(&digest.digest(&doc_bytes)?),
                b64(&digest.digest(&props_bytes)?),
            )
        };

        // Pass 2: sign the canonical SignedInfo.
        let draft = splice.with(&build(&d1, &d2, ""));
        let value = {
            let doc = c14n::parse(&draft).map_err(SignError::Xml)?;
            let ids_map = c14n::id_map(&doc);
            let sig = ids_map
                .get(&ids.sig)
                .and_then(|v| v.first().copied())
                .ok_or_else(|| SignError::Xml("generated signature not found".into()))?;
            let signed_info = c14n::element_children(&doc, sig)
                .into_iter()
                .next()
                .ok_or_else(|| SignError::Xml("generated SignedInfo not found".into()))?;
            let no_prefixes: [String; 0] = [];
            let si_set = c14n::subtree(&doc, signed_info, false);
            let si_bytes = c14n::canonicalize(&doc, C14nMode::Exclusive, &si_set, &no_prefixes)
                .map_err(SignError::C14n)?;
            let mut signer = openssl::sign::Signer::new(digest.md(), self.private_key())?;
            signer.set_rsa_padding(openssl::rsa::Padding::PKCS1)?;
            b64(&signer.sign_oneshot_to_vec(&si_bytes)?)
        };

        let signed = splice.with(&build(&d1, &d2, &value)).into_bytes();

        // Never hand out a signature we cannot verify ourselves.
        let check = super::verify::VerifyOptions::crypto_only();
        super::verify::verify(&signed, &check).map_err(|e| SignError::SelfCheck(Box::new(e)))?;
        Ok(signed)
    }
}
