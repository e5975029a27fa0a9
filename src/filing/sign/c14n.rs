//! Parsing and canonicalization. All canonical bytes come from `bergshamra-c14n` (byte-identical
//! to libxml2, stack.md C.3); this file only chooses the mode and the node set.
//!
//! Node sets follow XML-DSig 4.3.3.3: `URI=""` is the whole document without comments,
//! `#id` the element's subtree without comments, `#xpointer(/)` and `#xpointer(id('…'))` keep
//! comments; the enveloped-signature transform subtracts the `ds:Signature` subtree.

use std::collections::HashMap;

pub use bergshamra_c14n::C14nMode;
use bergshamra_xml::NodeSet;
use uppsala::{Document, NodeId, NodeKind};

/// Parse XML text. DOCTYPE declarations are refused: entity expansion and DTD-declared IDs make
/// the signed node set depend on the parser.
pub(crate) fn parse(text: &str) -> Result<Document<'_>, String> {
    uppsala::Parser::new()
        .with_forbid_dtd(true)
        .parse(text)
        .map_err(|e| e.to_string())
}

/// The document as UTF-8 text (a UTF-8 byte-order mark is kept; other encodings are refused).
pub(crate) fn utf8_text(xml: &[u8]) -> Result<&str, String> {
    if xml.starts_with(&[0xFF, 0xFE]) || xml.starts_with(&[0xFE, 0xFF]) {
        return Err("UTF-16 documents are not supported; use UTF-8".into());
    }
    std::str::from_utf8(xml).map_err(|e| format!("not UTF-8: {e}"))
}

/// Refuse a document whose XML declaration names an encoding other than UTF-8.
pub(crate) fn check_declared_encoding(doc: &Document<'_>) -> Result<(), String> {
    if let Some(enc) = doc
        .xml_declaration
        .as_ref()
        .and_then(|d| d.encoding.as_deref())
        && !enc.eq_ignore_ascii_case("utf-8")
        && !enc.eq_ignore_ascii_case("utf8")
    {
        return Err(format!(
            "the document declares encoding {enc}; only UTF-8 is supported"
        ));
    }
    Ok(())
}

/// Canonicalize a node set of `doc` into bytes.
pub(crate) fn canonicalize(
    doc: &Document<'_>,
    mode: C14nMode,
    set: &NodeSet,
    inclusive_prefixes: &[String],
) -> Result<Vec<u8>, String> {
    bergshamra_c14n::canonicalize_doc(doc, mode, Some(set), inclusive_prefixes)
        .map_err(|e| e.to_string())
}

/// Canonicalize a whole parsed document (used when a transform turned the data into octets and
/// a later C14N transform has to read them back as XML).
pub(crate) fn canonicalize_octets(
    octets: &[u8],
    mode: C14nMode,
    prefixes: &[String],
) -> Result<Vec<u8>, String> {
    let text = utf8_text(octets)?;
    let doc = parse(text)?;
    let set = whole_document(&doc, mode.with_comments());
    canonicalize(&doc, mode, &set, prefixes)
}

/// Canonicalize a complete XML document with the given mode (public helper for other parts of
/// writ, e.g. to store the canonical digest of a filed document).
pub fn canonicalize_document(xml: &[u8], mode: C14nMode) -> Result<Vec<u8>, String> {
    canonicalize_octets(xml, mode, &[])
}

pub(crate) fn whole_document(doc: &Document<'_>, with_comments: bool) -> NodeSet {
    if with_comments {
        NodeSet::all(doc)
    } else {
        NodeSet::all_without_comments(doc)
    }
}

pub(crate) fn subtree(doc: &Document<'_>, node: NodeId, with_comments: bool) -> NodeSet {
    if with_comments {
        NodeSet::tree_with_comments(node, doc)
    } else {
        NodeSet::tree_without_comments(node, doc)
    }
}

/// `set` minus the subtree rooted at `node` (the enveloped-signature transform).
pub(crate) fn without_subtree(doc: &Document<'_>, set: &NodeSet, node: NodeId) -> NodeSet {
    set.subtract(&NodeSet::tree_with_comments(node, doc))
}

/// Concatenated text of the text nodes visible in `set` under `root` (input of the base64
/// transform when it receives a node set: `self::text()` then string-value).
pub(crate) fn visible_text(doc: &Document<'_>, set: &NodeSet, root: NodeId) -> String {
    let mut out = String::new();
    for id in std::iter::once(root).chain(doc.descendants(root)) {
        if !set.contains_id(id) {
            continue;
        }
        match doc.node_kind(id) {
            Some(NodeKind::Text(t)) | Some(NodeKind::CData(t)) => out.push_str(t),
            _ => {}
        }
    }
    out
}

/// Is `node` an element named `{ns}local`?
pub(crate) fn is_elem(doc: &Document<'_>, node: NodeId, ns: &str, local: &str) -> bool {
    doc.element(node)
        .is_some_and(|e| e.name.namespace_uri.as_deref() == Some(ns) && e.name.local_name == local)
}

/// Element children of `node`, in order.
pub(crate) fn element_children(doc: &Document<'_>, node: NodeId) -> Vec<NodeId> {
    doc.children_iter(node)
        .filter(|c| doc.element(*c).is_some())
        .collect()
}

/// Value of an attribute without namespace.
pub(crate) fn attr<'d>(doc: &'d Document<'_>, node: NodeId, name: &str) -> Option<&'d str> {
    doc.element(node)?
        .attributes
        .iter()
        .find(|a| {
            a.name.namespace_uri.is_none() && a.name.prefix.is_none() && a.name.local_name == name
        })
        .map(|a| &*a.value)
}

/// Every element carrying an ID-like attribute (`Id`, `ID` or `id`, no namespace), by value.
/// Values that occur more than once keep all their elements so callers can refuse them.
pub(crate) fn id_map(doc: &Document<'_>) -> HashMap<String, Vec<NodeId>> {
    let mut map: HashMap<String, Vec<NodeId>> = HashMap::new();
    for node in doc.descendants(doc.root()) {
        for name in ["Id", "ID", "id"] {
            if let Some(v) = attr(doc, node, name) {
                map.entry(v.to_owned()).or_default().push(node);
            }
        }
    }
    map
}

/// The qualified name of an element as written (`prefix:local`).
pub(crate) fn qname(doc: &Document<'_>, node: NodeId) -> String {
    doc.element(node)
        .map(|e| e.name.prefixed_name().into_owned())
        .unwrap_or_default()
}

/// Human-readable `{ns}local` for error messages.
pub(crate) fn describe(doc: &Document<'_>, node: NodeId) -> String {
    match doc.element(node) {
        Some(e) => e.name.prefixed_name().into_owned(),
        None => "(not an element)".into(),
    }
}
