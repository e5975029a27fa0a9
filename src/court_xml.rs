//! The court's XML (`http://sodisce.si/izvrsba`) read into a small element tree: one reader for
//! the filing import ([`crate::filing::import::court_xml`]) and the tracker
//! ([`crate::tracker::acts`]). It depends on neither; each maps [`ReadError`] into its own error.
//!
//! What the tree keeps, per element: its namespace ([`Ns`], resolved by URI, never by prefix),
//! its local name, its unqualified attributes (normalised as XML 1.0 requires: entities resolved,
//! tabs and newlines as spaces), the character data directly inside it (text, CDATA, character
//! references and the five predefined entities, untrimmed), its children and the line of its
//! start tag. Comments, processing instructions and the XML declaration are skipped.
//!
//! What it refuses: bytes that are not UTF-8, anything not well-formed (quick-xml's checks plus a
//! single root), a `DOCTYPE` (court documents have none; a DTD could declare entities or default
//! attributes the tree would silently miss), entities other than the predefined five, and
//! nesting deeper than [`MAX_DEPTH`] (the tree is dropped recursively, so depth must be bounded).

use std::collections::BTreeMap;

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use rust_decimal::Decimal;

/// The court's namespace (e-izvršba).
pub const NAMESPACE: &str = "http://sodisce.si/izvrsba";
/// XML-DSig's namespace (`ds:Signature`).
pub const DSIG_NAMESPACE: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The deepest nesting read; the court's documents, signature included, stay below 20.
pub const MAX_DEPTH: usize = 64;

/// The namespace of an element, by URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    /// [`NAMESPACE`], the court's vocabulary.
    Court,
    /// [`DSIG_NAMESPACE`], an enveloped signature.
    Dsig,
    /// Any other namespace, or none.
    Other,
}

/// One element of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Namespace, by URI.
    pub ns: Ns,
    /// Local name (without prefix).
    pub name: String,
    /// Unqualified attributes by name, normalised; `xmlns…` and qualified ones (`xsi:…`) are
    /// not the court's data and are left out.
    pub attrs: BTreeMap<String, String>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// Character data directly inside the element, unescaped and untrimmed.
    pub text: String,
    /// Line of the start tag (1-based).
    pub line: usize,
}

/// Why a document cannot be read into a tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not UTF-8, or not well-formed XML.
    #[error("line {line}: not well-formed XML: {message}")]
    Malformed {
        /// Line where the reader stopped.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Well-formed, but refused: a DOCTYPE, or nesting deeper than [`MAX_DEPTH`].
    #[error("line {line}: {path}: {reason}")]
    Refused {
        /// Line of the refused construct.
        line: usize,
        /// What was refused, e.g. `<!DOCTYPE>` or the element name.
        path: String,
        /// Why.
        reason: String,
    },
}

impl Element {
    /// In the court's namespace.
    pub fn is_court(&self) -> bool {
        self.ns == Ns::Court
    }

    /// Attribute as written (normalised, untrimmed).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }

    /// Trimmed attribute text, empty when absent.
    pub fn text_attr(&self, name: &str) -> String {
        self.attr(name)
            .map(str::trim)
            .unwrap_or_default()
            .to_string()
    }

    /// Trimmed attribute text, `None` when absent or empty.
    pub fn opt_text_attr(&self, name: &str) -> Option<String> {
        self.attr(name)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    /// The children in the court's namespace.
    pub fn court_children(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter(|c| c.is_court())
    }

    /// The first child of the court's namespace called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.court_children().find(|c| c.name == name)
    }

    /// The children of the court's namespace called `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.court_children().filter(move |c| c.name == name)
    }

    /// Trimmed text of the court child `name`; `None` when absent or empty.
    pub fn child_text(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }
}

/// Reads a whole document into its root element. A UTF-8 byte-order mark is allowed.
pub fn parse(xml: &[u8]) -> Result<Element, ReadError> {
    let text = std::str::from_utf8(xml).map_err(|e| ReadError::Malformed {
        line: xml[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1,
        message: "the document is not UTF-8".into(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = Lines::new(text);
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let line = lines.line(reader.buffer_position());
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ResolveResult::Bound(n), e)) if n.as_ref() == NAMESPACE => (Ns::Court, e),
            Ok((ResolveResult::Bound(n), e)) if n.as_ref() == DSIG_NAMESPACE => (Ns::Dsig, e),
            Ok((_, e)) => (Ns::Other, e),
            Err(e) => return Err(malformed(lines.line(reader.error_position()), e)),
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if root.is_some() {
                    return Err(malformed(line, "content after the root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(ReadError::Refused {
                        line,
                        path: e.local_name().as_ref().to_string(),
                        reason: format!("nested deeper than {MAX_DEPTH} elements"),
                    });
                }
                let element = Element {
                    ns,
                    name: e.local_name().as_ref().to_string(),
                    attrs: read_attrs(&reader, e, line)?,
                    children: Vec::new(),
                    text: String::new(),
                    line,
                };
                if matches!(event, Event::Start(_)) {
                    stack.push(element);
                } else {
                    attach(&mut stack, &mut root, element);
                }
            }
            Event::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| malformed(line, "unexpected end tag"))?;
                attach(&mut stack, &mut root, element);
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t.into_inner()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or_else(|| malformed(line, format!("unknown entity &{};", &*r)))?
                        .to_string(),
                    Err(e) => return Err(malformed(line, e)),
                };
                push_text(&mut stack, &resolved);
            }
            Event::DocType(_) => {
                return Err(ReadError::Refused {
                    line,
                    path: "<!DOCTYPE>".into(),
                    reason: "a document type declaration is refused (court documents have \
                             none; DTDs and entity declarations are not read)"
                        .into(),
                });
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(malformed(
            lines.line(reader.buffer_position()),
            "unclosed element",
        ));
    }
    root.ok_or_else(|| malformed(1, "no root element"))
}

/// The unqualified attributes of a start tag, normalised.
fn read_attrs(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
    line: usize,
) -> Result<BTreeMap<String, String>, ReadError> {
    let mut attrs = BTreeMap::new();
    for a in start.attributes() {
        let a = a.map_err(|e| malformed(line, e))?;
        let (ns, local) = reader.resolver().resolve_attribute(a.key);
        if !matches!(ns, ResolveResult::Unbound) || a.key.as_ref().starts_with("xmlns") {
            continue;
        }
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| malformed(line, e))?;
        attrs.insert(local.as_ref().to_string(), value.into_owned());
    }
    Ok(attrs)
}

/// A finished element goes to its parent, or becomes the root.
fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

/// Character data goes to the open element (outside the root there is none but whitespace).
fn push_text(stack: &mut [Element], text: &str) {
    if let Some(open) = stack.last_mut() {
        open.text.push_str(text);
    }
}

fn malformed(line: usize, message: impl std::fmt::Display) -> ReadError {
    ReadError::Malformed {
        line,
        message: message.to_string(),
    }
}

/// Line numbers from byte offsets.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        Lines(
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        )
    }

    fn line(&self, offset: u64) -> usize {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        self.0.partition_point(|&start| start <= offset).max(1)
    }
}

/// A court decimal as written: optional '-', digits, optional '.' and digits; the scale is
/// kept exactly. More than 28 significant digits (what rust_decimal holds) is refused rather
/// than rounded.
pub fn parse_decimal(v: &str) -> Option<Decimal> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !ok(int) || frac.is_some_and(|f| !ok(f)) || int.len() + frac.map_or(0, str::len) > 28 {
        return None;
    }
    <Decimal as std::str::FromStr>::from_str(v).ok()
}

/// An `xs:boolean` as written: `true`, `1`, `false`, `0`.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> Result<Element, ReadError> {
        parse(xml.as_bytes())
    }

    fn message(xml: &str) -> String {
        read(xml).unwrap_err().to_string()
    }

    #[test]
    fn names_are_resolved_by_namespace_not_prefix() {
        let doc = read(
            r#"<c:Root xmlns:c="http://sodisce.si/izvrsba" xmlns:x="urn:other" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" a="1" xsi:type="t">
  <c:A/>
  <A xmlns="http://sodisce.si/izvrsba"><B/></A>
  <x:A/>
  <A/>
  <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/>
</c:Root>"#,
        )
        .unwrap();
        assert_eq!((doc.ns, doc.name.as_str()), (Ns::Court, "Root"));
        // Unqualified attributes only: neither xmlns… nor xsi:type.
        assert_eq!(
            doc.attrs.iter().collect::<Vec<_>>(),
            [(&"a".to_string(), &"1".to_string())]
        );
        let kinds: Vec<(Ns, &str)> = doc
            .children
            .iter()
            .map(|c| (c.ns, c.name.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (Ns::Court, "A"),
                (Ns::Court, "A"),
                (Ns::Other, "A"),
                (Ns::Other, "A"),
                (Ns::Dsig, "Signature"),
            ]
        );
        // A default namespace is inherited by un-prefixed children.
        assert_eq!(doc.children[1].children[0].ns, Ns::Court);
        assert_eq!(doc.children_named("A").count(), 2);
        assert_eq!(doc.court_children().count(), 2);
        assert!(
            doc.child("Signature").is_none(),
            "not the court's namespace"
        );

        let plain = read("<Root><A/></Root>").unwrap();
        assert_eq!((plain.ns, plain.name.as_str()), (Ns::Other, "Root"));
        assert!(plain.child("A").is_none());
    }

    #[test]
    fn text_and_attributes_are_unescaped_as_written() {
        let doc = read(
            "\u{feff}<?xml version=\"1.0\"?>\n<!-- c --><R xmlns=\"http://sodisce.si/izvrsba\" \
             v=\" a&amp;b\tc&#10;d \"><T> x &lt;&#x10D;<![CDATA[<y>]]><?pi?> </T><E></E></R>",
        )
        .unwrap();
        assert_eq!(doc.attr("v"), Some(" a&b c\nd "), "normalised, untrimmed");
        assert_eq!(doc.text_attr("v"), "a&b c\nd");
        assert_eq!(doc.opt_text_attr("missing"), None);
        assert_eq!(doc.text_attr("missing"), "");
        assert_eq!(doc.children[0].text, " x <č<y> ", "untrimmed");
        assert_eq!(doc.child_text("T").as_deref(), Some("x <č<y>"));
        assert_eq!(doc.child_text("E"), None, "empty is None");
        assert_eq!(doc.child_text("Missing"), None);
    }

    #[test]
    fn lines_of_elements_and_errors() {
        let doc = read("<R>\n  <A/>\n\n  <B>\n    <C/></B></R>").unwrap();
        let lines: Vec<usize> = doc.children.iter().map(|c| c.line).collect();
        assert_eq!(
            (doc.line, lines, doc.children[1].children[0].line),
            (1, vec![2, 4], 5)
        );

        let e = message("<R>\n<A>\n</B>\n</R>");
        assert!(
            e.starts_with("line 3: not well-formed XML:") && e.contains("expected `</A>`"),
            "{e}"
        );
        assert!(
            message("<R>\n<A a=\"1\" a=\"2\"/></R>").starts_with("line 2: not well-formed XML:")
        );
        assert_eq!(
            message("<R>\n<A>\n"),
            "line 3: not well-formed XML: unclosed element"
        );
        assert_eq!(
            message("<R/>\n<S/>"),
            "line 2: not well-formed XML: content after the root element"
        );
    }

    #[test]
    fn malformed_documents_are_refused() {
        for (xml, want) in [
            (&b""[..], "line 1: not well-formed XML: no root element"),
            (
                b"  <!-- only a comment -->",
                "line 1: not well-formed XML: no root element",
            ),
            (
                b"<R>\n\xff</R>",
                "line 2: not well-formed XML: the document is not UTF-8",
            ),
        ] {
            assert_eq!(parse(xml).unwrap_err().to_string(), want);
        }
        for xml in [
            "<R",
            "<R></S>",
            "<R a=1/>",
            "</R>",
            "<R>&#0;</R>",
            "<R><</R>",
        ] {
            assert!(
                matches!(read(xml), Err(ReadError::Malformed { .. })),
                "{xml}"
            );
        }
    }

    #[test]
    fn doctype_and_entities_are_refused() {
        let xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE R [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<R>&xxe;</R>";
        let e = read(xxe).unwrap_err();
        assert!(
            matches!(&e, ReadError::Refused { line: 2, path, .. } if path == "<!DOCTYPE>"),
            "{e}"
        );
        assert!(
            e.to_string()
                .contains("document type declaration is refused"),
            "{e}"
        );
        assert!(matches!(
            read("<!DOCTYPE R><R/>"),
            Err(ReadError::Refused { .. })
        ));
        // Without a DOCTYPE an entity other than the predefined five is unknown, never expanded.
        assert_eq!(
            message("<R>\n&xxe;</R>"),
            "line 2: not well-formed XML: unknown entity &xxe;"
        );
        assert!(matches!(
            read("<R a=\"&xxe;\"/>"),
            Err(ReadError::Malformed { .. })
        ));
    }

    #[test]
    fn nesting_is_bounded() {
        let nested = |depth: usize| format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        assert!(read(&nested(MAX_DEPTH)).is_ok());
        let e = read(&nested(MAX_DEPTH + 1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("line 1: a: nested deeper than {MAX_DEPTH} elements")
        );
        let leaf = format!(
            "{}<a/>{}",
            "<a>".repeat(MAX_DEPTH),
            "</a>".repeat(MAX_DEPTH)
        );
        assert!(read(&leaf).is_err(), "an empty element counts too");
        // Within quick-xml's own limit (65 535), yet deep enough that building and dropping
        // the tree overflowed a 2 MiB thread stack (the process aborted) before the bound.
        assert!(matches!(
            read(&nested(65_000)),
            Err(ReadError::Refused { .. })
        ));
    }
}
