//! Errors of the signing module. Every variant's `Display` says the reason in plain words, because
//! these messages reach legal staff through the CLI and the web UI.

use std::path::PathBuf;

/// Why a document could not be signed (or a key could not be loaded).
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("cannot read the PKCS#12 password: {0}")]
    Password(String),

    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot open the PKCS#12 file: {0}")]
    Pkcs12(String),

    #[error("the PKCS#12 file holds no {0}")]
    Pkcs12Incomplete(&'static str),

    #[error("the private key in the PKCS#12 file does not belong to its certificate {subject}")]
    KeyMismatch { subject: String },

    #[error("only RSA keys can sign (RSA-SHA256); the key of {subject} is {kind}")]
    UnsupportedKey { subject: String, kind: String },

    #[error(
        "the RSA key of {subject} has {bits} bits; at least 2048 bits are required for signing"
    )]
    WeakKey { subject: String, bits: u32 },

    #[error(
        "certificate {subject} is not valid at the signing time {at}: it is valid from {not_before} \
         to {not_after}"
    )]
    CertificateNotValid {
        subject: String,
        not_before: String,
        not_after: String,
        at: String,
    },

    #[error(
        "certificate {subject} (valid from {not_before} to {not_after}) may not sign documents: its \
         key usage allows neither digitalSignature nor nonRepudiation"
    )]
    KeyUsage {
        subject: String,
        not_before: String,
        not_after: String,
    },

    #[error(
        "refusing to make a new signature with {0}: SHA-1 and MD5 are too weak; use SHA-256 or stronger"
    )]
    WeakAlgorithm(String),

    #[error("the document to sign is not usable XML: {0}")]
    Xml(String),

    #[error("canonicalization failed: {0}")]
    C14n(String),

    #[error("OpenSSL error: {0}")]
    Crypto(#[from] openssl::error::ErrorStack),

    #[error("the signature just made does not verify ({0}); nothing was written")]
    SelfCheck(Box<VerifyError>),
}

/// Why a signature was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("the document is not usable XML: {0}")]
    Xml(String),

    #[error("the document contains no XML signature (ds:Signature)")]
    NoSignature,

    #[error("cannot tell which signature to check: {0}")]
    AmbiguousSignature(String),

    #[error("the signature is not schema-valid: {0}")]
    Schema(String),

    #[error("unsupported {what} algorithm {uri}")]
    UnsupportedAlgorithm { what: &'static str, uri: String },

    #[error("refused: {0}")]
    WeakAlgorithm(String),

    #[error("refused: transform {0} (XPath/XSLT transforms are not allowed)")]
    ForbiddenTransform(String),

    #[error(
        "refused: reference URI {0:?} points outside the document; only same-document references are supported"
    )]
    ExternalReference(String),

    #[error("reference URI #{0} points to no element with that Id/ID/id")]
    IdNotFound(String),

    #[error(
        "refused: {count} elements carry the Id {id:?}; a signed element must be unique (possible signature wrapping)"
    )]
    DuplicateId { id: String, count: usize },

    #[error("reference {uri:?}: {reason}")]
    Transform { uri: String, reason: String },

    #[error("the content was changed after signing: digest of reference {uri:?} does not match")]
    DigestMismatch { uri: String },

    #[error(
        "the signature value does not match SignedInfo (wrong key, or the signed information was changed)"
    )]
    BadSignature,

    #[error("the signature uses HMAC but no HMAC key was given")]
    HmacKeyMissing,

    #[error(
        "refused: HMAC output truncated to {bits} bits; at least {min} bits are required \
         (CVE-2009-0217)"
    )]
    HmacTruncated { bits: usize, min: usize },

    #[error(
        "the signature carries no usable key (KeyInfo has neither X509Certificate nor RSAKeyValue)"
    )]
    NoKey,

    #[error("KeyInfo is inconsistent: {0}")]
    KeyInfo(String),

    #[error("the signature does not cover what it should: {0}")]
    Coverage(String),

    #[error("XAdES check failed: {0}")]
    Xades(String),

    #[error(
        "cannot check the certificate chain: no trusted CA is configured; pass --trusted-ca PEM or \
         set trusted CAs in configuration"
    )]
    NoTrustedCas,

    #[error(
        "certificate {subject} is not valid at {at}: it is valid from {not_before} to {not_after}"
    )]
    CertificateNotValid {
        subject: String,
        not_before: String,
        not_after: String,
        at: String,
    },

    #[error("certificate {subject} does not chain to a trusted CA at {at}: {reason}")]
    Chain {
        subject: String,
        at: String,
        reason: String,
    },

    #[error(
        "the signature carries only a bare RSA key, and it matches none of the trusted certificates"
    )]
    UntrustedKey,

    #[error("OpenSSL error: {0}")]
    Crypto(#[from] openssl::error::ErrorStack),
}
