//! Where in a JSON body serde_json stopped, as a path (`droplets[3].networks`), read off the
//! body and the error's line and column alone. Knowing nothing of the type being decoded, it
//! costs nothing per type: naming the field by decoding again through a path-tracking
//! deserializer instantiated every response type's decoder a second time, two fifths of the
//! SDK's machine code with every tag on.

/// The path of the value serde_json was reading when `error` arose in `body`; `None` at the
/// top level or when the error has no position.
pub(crate) fn at_error(body: &[u8], error: &serde_json::Error) -> Option<String> {
    let mut end = offset(body, error.line(), error.column())?;
    // An error no token caused, in an element of an array that is not its last, is placed
    // after the array's next comma (serde_json reads on to the array's end before placing
    // it): the element is the one before that comma. A body cut off just past a comma is the
    // other error placed there, and is no data error.
    let trimmed = body[..end].trim_ascii_end();
    if let Some(before_comma) = trimmed.strip_suffix(b",")
        && error.classify() == serde_json::error::Category::Data
    {
        end = before_comma.trim_ascii_end().len();
    }
    // serde_json places an error that no token caused (a struct missing a field, a value
    // its type refuses once read) just past the container the failing call was reading
    // in. For a struct's own check that container is the struct, which is the place to
    // name; for a member's check it is the member's parent, and the member is the place.
    let own = ["missing field `", "invalid length "];
    let message = error.to_string();
    let closed_is_failing = own.iter().any(|m| message.starts_with(m));
    path(&scan(&body[..end], closed_is_failing))
}

/// The byte offset just past line `line`, column `column` (both as serde_json counts them:
/// lines from 1, columns in bytes from 1).
fn offset(body: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let line_start = if line == 1 {
        0
    } else {
        body.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2).map(|(i, _)| i + 1)?
    };
    Some((line_start + column).min(body.len()))
}

/// One open container.
enum Frame {
    /// The key of the member being read, once its key is whole.
    Object(Option<String>),
    /// The index of the element being read, once it has started.
    Array(usize, bool),
}

/// The containers open at the end of `json`, outermost first; a container closed by the
/// last byte counts as open unless `pop_last_close`. Tolerant: `json` is cut anywhere, and
/// was accepted by serde_json up to there.
fn scan(json: &[u8], pop_last_close: bool) -> Vec<Frame> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < json.len() {
        let b = json[i];
        match b {
            b'{' | b'[' => {
                start_value(&mut stack);
                stack.push(if b == b'{' { Frame::Object(None) } else { Frame::Array(0, false) });
            }
            b'}' | b']' => {
                if i + 1 < json.len() || pop_last_close {
                    stack.pop();
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key)) => *key = None,
                Some(Frame::Array(index, started)) => {
                    *index += 1;
                    *started = false;
                }
                None => {}
            },
            b'"' => {
                let start = i;
                i += 1;
                while i < json.len() && json[i] != b'"' {
                    i += if json[i] == b'\\' { 2 } else { 1 };
                }
                let whole = i < json.len();
                match stack.last_mut() {
                    Some(Frame::Object(key @ None)) => {
                        if whole {
                            *key = Some(key_text(&json[start..=i]));
                        }
                    }
                    _ => start_value(&mut stack),
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' | b':' => {}
            // A number or a literal: one value, however many bytes.
            _ => {
                start_value(&mut stack);
                while i + 1 < json.len() && !matches!(json[i + 1], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    stack
}

fn start_value(stack: &mut [Frame]) {
    if let Some(Frame::Array(_, started)) = stack.last_mut() {
        *started = true;
    }
}

/// A key as the body spells it, escapes read.
fn key_text(quoted: &[u8]) -> String {
    serde_json::from_slice::<String>(quoted)
        .unwrap_or_else(|_| String::from_utf8_lossy(&quoted[1..quoted.len() - 1]).into_owned())
}

/// `a.b[2].c`: keys joined by dots, indexes in brackets; `None` for no segment at all.
fn path(stack: &[Frame]) -> Option<String> {
    let mut out = String::new();
    for frame in stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Frame::Array(index, true) => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
            Frame::Object(None) | Frame::Array(_, false) => break,
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::at_error;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        action: Inner,
        list: Option<Vec<Inner>>,
        tag: Option<Unit>,
        tagged: Option<Tagged>,
        tagged_list: Option<Vec<Tagged>>,
        pair: Option<(String, u64)>,
        either: Option<Either>,
        eithers: Option<Vec<Either>>,
        map: Option<BTreeMap<String, Inner>>,
        checked: Option<Vec<Checked>>,
    }

    /// A string its type checks once read, as the generated types check a `pattern`.
    #[derive(Deserialize)]
    #[serde(try_from = "String")]
    struct Checked(#[allow(dead_code)] String);

    impl TryFrom<String> for Checked {
        type Error = &'static str;
        fn try_from(s: String) -> Result<Self, Self::Error> {
            if s.contains('!') { Err("no `!` allowed") } else { Ok(Checked(s)) }
        }
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        id: u64,
        name: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Unit {
        A,
    }

    #[derive(Deserialize)]
    #[serde(tag = "type", rename_all = "lowercase")]
    #[allow(dead_code)]
    enum Tagged {
        A { x: u64 },
        B,
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum Either {
        Number(u64),
        Inner(Inner),
    }

    /// The bodies where the path read off the text must be the one a path-tracking decode
    /// names: wrong types, missing fields, refused variants at every depth, in arrays and
    /// maps, with spacing and escapes.
    const SAME: &[&str] = &[
        r#"{"action":{}}"#,
        r#"{}"#,
        r#"{"action":{"id":null}}"#,
        r#"{"action":{"id":"x"}}"#,
        r#"{"action":{"id":1,"name":5}}"#,
        r#"{"action":{"id":1,"name":{"a":[1]}}}"#,
        r#"{"action":{"id":1},"list":[{"id":1},{"id":2,"name":[]}]}"#,
        r#"{"action":{"id":1},"list":[{"id":1},{}]}"#,
        r#"{"action":{"id":1},"list":[{"id":1},7]}"#,
        r#"{"action":{"id":1},"list":{}}"#,
        r#"{"action":{"id":1},"list":[[]]}"#,
        r#"{"action":{"id":1},"list":[{"id":1},{"id":2, "name":"x"} ,{"id":-1}]}"#,
        r#"{"action" : {"id": 1} , "list" : [ {"id" : 1} , { } ] }"#,
        r#"{"action":{"id":1},"tag":"c"}"#,
        r#"{"action":{"id":1},"tag":"c","list":[]}"#,
        r#"{"tagged":{"type":"c"},"action":{"id":1}}"#,
        r#"{"tagged":{"type":"a"},"action":{"id":1}}"#,
        r#"{"action":{"id":1},"tagged":{"x":1}}"#,
        r#"{"action":{"id":1},"tagged_list":[{"type":"b"},{"type":"a","x":"s"}]}"#,
        r#"{"action":{"id":1},"pair":["a"]}"#,
        r#"{"action":{"id":1},"either":"c"}"#,
        r#"{"action":{"id":1},"either":{"id":"z"}  }"#,
        r#"{"action":{"id":1},"eithers":[1,{"id":2},"q"]}"#,
        r#"{"action":{"id":1},"eithers":[1,{"id":2},"q"], "list": []}"#,
        r#"{"action":{"id":1},"eithers":[1,"q",2]}"#,
        r#"{"action":{"id":1},"eithers":[1, "q" ,
          2]}"#,
        r#"{"action":{"id":1},"checked":["a","b!","c"]}"#,
        r#"{"action":{"id":1},"checked":["a","b","c!"]}"#,
        r#"{"action":{"id":1},"tagged_list":[{"type":"a"},{"type":"b"}]}"#,
        r#"{"action":{"id":1},"list":[{"id":1},{},{"id":3}]}"#,
        r#"{"action":{"id":1},"map":{"k\"ey":{"id":2},"a.b":{"id":"2"}}}"#,
        r#"{"action":{"id":1},"map":{"k\"ey":{"id":2},"a\u0062":{}}}"#,
        "{\n \"action\" : {\n  \"id\" : true }\n}",
        "{\r\n\"list\":[],\r\n\"action\":\r\n{\"id\":1.5}}",
        r#"[1]"#,
    ];

    #[test]
    fn names_the_place_a_path_tracking_decode_names() {
        for body in SAME {
            let err = serde_json::from_str::<Outer>(body).err().unwrap_or_else(|| panic!("{body} decoded"));
            let mut de = serde_json::Deserializer::from_str(body);
            let tracked = serde_path_to_error::deserialize::<_, Outer>(&mut de).err().expect("fails alike");
            let expected = Some(tracked.path().to_string()).filter(|p| p != ".");
            assert_eq!(at_error(body.as_bytes(), &err), expected, "{body}: {err}");
        }
    }

    #[test]
    fn where_a_path_tracking_decode_has_no_name_says_where_the_text_is() {
        // Cut off inside a key: the tracking decode says `action.?`.
        let body = r#"{"action": {"id": 1,"#;
        let err = serde_json::from_str::<Outer>(body).err().expect("fails");
        assert_eq!(at_error(body.as_bytes(), &err).as_deref(), Some("action"));
        // Too many elements: the tracking decode names the pair, this the element too many.
        let body = r#"{"action":{"id":1},"pair":["a", 1, 2]}"#;
        let err = serde_json::from_str::<Outer>(body).err().expect("fails");
        assert_eq!(at_error(body.as_bytes(), &err).as_deref(), Some("pair[2]"));
        // An internally tagged variant missing a field as the last member of its parent: the
        // error is placed past the parent, as a struct's own missing field is placed past the
        // struct, and the text cannot tell the two apart, so the parent is named (here, the
        // top). Such enums are request bodies in the API, hardly ever decoded.
        let body = r#"{"action":{"id":1},"tagged":{"type":"a"}}"#;
        let err = serde_json::from_str::<Outer>(body).err().expect("fails");
        assert_eq!(at_error(body.as_bytes(), &err), None);
    }

    #[test]
    fn an_error_without_a_position_has_no_path() {
        let err = serde_json::from_value::<Inner>(serde_json::json!({"id": "x"})).err().expect("fails");
        assert_eq!(err.line(), 0);
        assert_eq!(at_error(br#"{"id":"x"}"#, &err), None);
    }
}
