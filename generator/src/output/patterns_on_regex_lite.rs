//! typify checks a string's `pattern` with regress, an ECMA-262 engine that alone takes about
//! 4.5 s of CPU in a cold build (regex-lite: under 1 s), more than the SDK crate with one tag.
//! OpenAPI's patterns are ECMA-262 regular expressions; the ones this API uses are classes,
//! anchors, groups and counts, which regex-lite reads alike once the few places where the two
//! syntaxes differ are spelled out ([`translate`]). With `Settings::patterns_on_regex_lite`, the
//! pass rewrites every `::regress::Regex` to `::regex_lite::Regex` and every pattern to regex-lite's
//! syntax. A pattern outside what is known to match alike stops the generator, naming the
//! pattern's place in the spec, rather than changing what it accepts.

use serde_json::Value;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};

use super::expect;
use crate::error::Error;

const PASS: &str = "patterns_on_regex_lite";

/// Rewrites regress to regex-lite throughout `file`. Finding no pattern while `doc` has a string
/// schema with a `pattern`, or any mention of regress left afterwards, is an error.
pub fn run(file: &mut syn::File, doc: &Value) -> Result<(), Error> {
    let mut rewrite = Rewrite { patterns: 0, failure: None };
    rewrite.visit_file_mut(file);
    if let Some((pattern, message)) = rewrite.failure {
        let pointer = pattern_pointer(doc, &pattern).unwrap_or_default();
        return Err(Error::spec(
            "openapi (merged)",
            pointer,
            format!("pattern `{pattern}` cannot be checked with regex-lite as ECMA-262 checks it: {message}"),
        ));
    }
    let mut left = Left(false);
    left.visit_file(file);
    if left.0 {
        return Err(expect::nothing_found(
            PASS,
            "every mention of `regress` as `::regress::Regex::new(\"...\")` or `::regress::Regex`",
        ));
    }
    expect::changed(
        PASS,
        rewrite.patterns,
        has_string_pattern(doc),
        "`::regress::Regex::new(\"...\")` for each string `pattern`",
    )
}

struct Rewrite {
    patterns: usize,
    failure: Option<(String, String)>,
}

impl VisitMut for Rewrite {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        if let syn::Expr::Path(func) = &*call.func
            && is_regress(&func.path, &["Regex", "new"])
            && let [syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(lit), .. })] =
                call.args.iter().collect::<Vec<_>>().as_slice()
        {
            let pattern = lit.value();
            match translate(&pattern) {
                Ok(translated) => {
                    call.args[0] = syn::parse_quote! { #translated };
                    self.patterns += 1;
                }
                Err(message) => {
                    self.failure.get_or_insert((pattern, message));
                }
            }
        }
        visit_mut::visit_expr_call_mut(self, call);
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_some() && path.segments.first().is_some_and(|s| s.ident == "regress") {
            path.segments[0].ident = syn::Ident::new("regex_lite", path.segments[0].ident.span());
        }
        visit_mut::visit_path_mut(self, path);
    }
}

/// `::regress::{rest}`.
fn is_regress(path: &syn::Path, rest: &[&str]) -> bool {
    path.leading_colon.is_some()
        && path.segments.len() == rest.len() + 1
        && path.segments[0].ident == "regress"
        && path.segments.iter().skip(1).zip(rest).all(|(s, r)| s.ident == r)
}

/// Whether any `regress` is left, by any path or in any macro's tokens.
struct Left(bool);

impl<'a> Visit<'a> for Left {
    fn visit_ident(&mut self, ident: &'a proc_macro2::Ident) {
        self.0 |= ident == "regress";
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        self.0 |= mac.tokens.to_string().contains("regress");
        syn::visit::visit_macro(self, mac);
    }
}

/// `pattern`, an ECMA-262 regular expression (as JSON Schema and OpenAPI read them, without the
/// `u` flag), in regex-lite's syntax, matching the same strings; or what in it is not known to
/// match alike.
///
/// Where the two differ, and what is done:
/// - `.` excludes `\r`, U+2028 and U+2029 in ECMA-262 as well as `\n`: spelled out as a class.
/// - Inside a class, ECMA-262 reads `[`, `&&`, `--` and `~~` as plain characters and regex-lite
///   as nested classes and set operations: every punctuation character there is escaped, and a
///   `-` that makes no range is escaped too.
/// - A `{` that starts no count, and a lone `}` or `]`, are plain characters in ECMA-262
///   (Annex B): escaped.
/// - `\d`, `\w`, `\b` and their negations are ASCII in both (regex-lite has no Unicode classes).
///
/// Refused: `\s` (Unicode spaces in ECMA-262, ASCII in regex-lite), any other letter or digit
/// escape (back-references, `\u`, `\x`, control escapes), lookaround and named groups, `\b` in
/// a class (a backspace there), `[]` and `[^]`, and characters beyond U+FFFF (two code units
/// in ECMA-262, one in regex-lite).
pub fn translate(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if u32::from(c) > 0xFFFF {
            return Err(format!("`{c}` is beyond U+FFFF"));
        }
        match c {
            '\\' => {
                let e = *chars.get(i + 1).ok_or("it ends in a lone `\\`")?;
                out.push_str(&escape(e, false)?);
                i += 2;
            }
            '.' => {
                out.push_str(r"[^\n\r\x{2028}\x{2029}]");
                i += 1;
            }
            '(' => {
                if chars.get(i + 1) == Some(&'?') {
                    if chars.get(i + 2) != Some(&':') {
                        return Err("lookaround and named groups are not translated".into());
                    }
                    out.push_str("(?:");
                    i += 3;
                } else {
                    out.push('(');
                    i += 1;
                }
            }
            '[' => i = class(&chars, i, &mut out)?,
            '{' => match count(&chars, i) {
                Some(end) => {
                    out.extend(&chars[i..end]);
                    i = end;
                }
                None => {
                    out.push_str(r"\{");
                    i += 1;
                }
            },
            '}' | ']' => {
                out.push('\\');
                out.push(c);
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    regex_lite::Regex::new(&out).map_err(|e| format!("regex-lite refuses `{out}`: {e}"))?;
    Ok(out)
}

/// The escape `\e`, in or out of a class.
fn escape(e: char, in_class: bool) -> Result<String, String> {
    match e {
        'd' | 'D' | 'w' | 'W' => Ok(format!("\\{e}")),
        'b' | 'B' if !in_class => Ok(format!("\\{e}")),
        c if c.is_ascii_punctuation() => Ok(format!("\\{c}")),
        c => Err(format!("the escape `\\{c}` is not translated")),
    }
}

/// The class starting at `chars[start]` (`[`) into `out`; returns the index after its `]`.
fn class(chars: &[char], start: usize, out: &mut String) -> Result<usize, String> {
    let mut i = start + 1;
    out.push('[');
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    if chars.get(i) == Some(&']') {
        return Err("`[]` and `[^]` are not translated".into());
    }
    // Whether the last thing written is one character, which a following `-` makes a range from.
    let mut after_char = false;
    loop {
        let c = *chars.get(i).ok_or("a class is not closed")?;
        if u32::from(c) > 0xFFFF {
            return Err(format!("`{c}` is beyond U+FFFF"));
        }
        match c {
            ']' => {
                out.push(']');
                return Ok(i + 1);
            }
            '\\' => {
                let e = *chars.get(i + 1).ok_or("a class is not closed")?;
                out.push_str(&escape(e, true)?);
                after_char = e.is_ascii_punctuation();
                i += 2;
            }
            '-' if after_char && chars.get(i + 1).is_some_and(|n| *n != ']') => {
                let to = chars[i + 1];
                if to == '\\' {
                    let e = *chars.get(i + 2).ok_or("a class is not closed")?;
                    if !e.is_ascii_punctuation() {
                        return Err(format!("a range to `\\{e}` is not translated"));
                    }
                    out.push_str(&format!("-\\{e}"));
                    i += 3;
                } else {
                    out.push('-');
                    if to.is_ascii_punctuation() {
                        out.push('\\');
                    }
                    out.push(to);
                    i += 2;
                }
                after_char = false;
            }
            c => {
                if c.is_ascii_punctuation() {
                    out.push('\\');
                }
                out.push(c);
                after_char = true;
                i += 1;
            }
        }
    }
}

/// The index after a count `{n}`, `{n,}` or `{n,m}` starting at `chars[start]`, if it is one.
fn count(chars: &[char], start: usize) -> Option<usize> {
    let close = start + chars[start..].iter().position(|c| *c == '}')?;
    let inner: String = chars[start + 1..close].iter().collect();
    let (low, high) = inner.split_once(',').unwrap_or((&inner, &inner));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    (digits(low) && (high.is_empty() || digits(high))).then_some(close + 1)
}

/// Some schema has a `pattern` that typify checks: a string schema's, outside examples.
fn has_string_pattern(doc: &Value) -> bool {
    fn walk(v: &Value) -> bool {
        match v {
            Value::Object(m) => {
                (m.get("pattern").is_some_and(Value::is_string)
                    && m.get("type").and_then(Value::as_str) == Some("string"))
                    || m.iter().any(|(k, child)| k != "example" && k != "examples" && k != "parameters" && walk(child))
            }
            Value::Array(items) => items.iter().any(walk),
            _ => false,
        }
    }
    doc.get("components").is_some_and(walk)
}

/// The JSON pointer of the first `pattern` in `doc` that holds `pattern`.
fn pattern_pointer(doc: &Value, pattern: &str) -> Option<String> {
    fn walk(v: &Value, at: &mut Vec<String>, pattern: &str) -> bool {
        match v {
            Value::Object(m) => {
                if m.get("pattern").and_then(Value::as_str) == Some(pattern) {
                    at.push("pattern".into());
                    return true;
                }
                m.iter().any(|(k, child)| {
                    at.push(k.replace('~', "~0").replace('/', "~1"));
                    walk(child, at, pattern) || at.pop().is_none()
                })
            }
            Value::Array(items) => items.iter().enumerate().any(|(n, child)| {
                at.push(n.to_string());
                walk(child, at, pattern) || at.pop().is_none()
            }),
            _ => false,
        }
    }
    let mut at = Vec::new();
    walk(doc, &mut at, pattern).then(|| at.iter().map(|s| format!("/{s}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(code: &str, doc: &Value) -> Result<String, Error> {
        let mut file: syn::File = syn::parse_str(code).unwrap();
        run(&mut file, doc)?;
        Ok(prettyplease::unparse(&file))
    }

    const TYPIFY: &str = r#"
        impl ::std::str::FromStr for Name {
            type Err = self::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                static PATTERN: ::std::sync::LazyLock<::regress::Regex> =
                    ::std::sync::LazyLock::new(|| { ::regress::Regex::new("^[a-z.-]+.$").unwrap() });
                if PATTERN.find(value).is_none() {
                    return Err("doesn't match pattern \"^[a-z.-]+.$\"".into());
                }
                Ok(Self(value.to_string()))
            }
        }
    "#;

    fn doc_with(pattern: &str) -> Value {
        serde_json::json!({"components": {"schemas": {"name": {"type": "string", "pattern": pattern}}}})
    }

    #[test]
    fn typify_checks_are_rewritten_to_regex_lite_with_translated_patterns() {
        let code = rewritten(TYPIFY, &doc_with("^[a-z.-]+.$")).unwrap();
        assert!(!code.contains("regress"), "{code}");
        assert!(code.contains("::std::sync::LazyLock<::regex_lite::Regex>"), "{code}");
        assert!(code.contains(r#"::regex_lite::Regex::new("^[a-z\\.\\-]+[^\\n\\r\\x{2028}\\x{2029}]$")"#), "{code}");
        // The message keeps the pattern as the spec gives it.
        assert!(code.contains(r#"doesn't match pattern \"^[a-z.-]+.$\""#), "{code}");
    }

    #[test]
    fn an_untranslatable_pattern_names_its_place_in_the_spec() {
        let code = TYPIFY.replace("^[a-z.-]+.$", r"^\\s+$");
        let err = rewritten(&code, &doc_with(r"^\s+$")).unwrap_err().to_string();
        assert!(err.contains("/components/schemas/name/pattern"), "{err}");
        assert!(err.contains(r"the escape `\s`"), "{err}");
    }

    #[test]
    fn a_spec_with_patterns_and_code_without_them_is_an_error() {
        let err = rewritten("struct Name(String);", &doc_with("^a$")).unwrap_err().to_string();
        assert!(err.contains(PASS), "{err}");
        assert!(rewritten("struct Name(String);", &serde_json::json!({})).is_ok());
    }

    #[test]
    fn a_regress_path_the_pass_does_not_know_is_an_error() {
        let err = rewritten("fn f() { regress::Regex::new(\"a\"); }", &serde_json::json!({})).unwrap_err().to_string();
        assert!(err.contains(PASS) && err.contains("regress"), "{err}");
    }

    #[test]
    fn translations() {
        for (ecma, lite) in [
            ("^[a-zA-Z0-9_\\-\\:]+$", r"^[a-zA-Z0-9\_\-\:]+$"),
            ("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", r"^[a-z][a-z0-9\-]{0,30}[a-z0-9]$"),
            ("a{,2}b{x}]", r"a\{,2\}b\{x\}\]"),
            ("[[&&~~]", r"[\[\&\&\~\~]"),
            ("(?:ab)|\\bc\\d", r"(?:ab)|\bc\d"),
            ("[--/]", r"[\--\/]"),
        ] {
            assert_eq!(translate(ecma).as_deref(), Ok(lite), "{ecma}");
        }
        for refused in ["\\s", "\\1", "(?=a)", "(?<n>a)", "[\\b]", "[]", "[^]", "\\u0041", "[a", "a\\", "😀"] {
            assert!(translate(refused).is_err(), "{refused}");
        }
    }
}
