//! Every way generation can fail, each naming the file and the place in it.

use std::fmt;
use std::path::PathBuf;

/// A failure to turn a spec into code. Its `Display` is the message a user reads: it names the
/// file, the JSON pointer (or line and column) and what is wrong.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is not valid YAML or JSON.
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line, when the parser knows it.
        line: Option<usize>,
        /// 1-based column, when the parser knows it.
        column: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// The document parses but is not an OpenAPI 3.0 document this generator accepts.
    Spec {
        /// The file the problem is in.
        path: PathBuf,
        /// A JSON pointer (RFC 6901) to the offending value; empty for the whole document.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// progenitor refused the document or panicked while generating.
    Progenitor {
        /// The operation progenitor was working on, when it could be found.
        operation: Option<String>,
        /// progenitor's message (or panic payload).
        message: String,
    },
    /// A generator setting holds something that cannot be used (a type that does not parse).
    Settings {
        /// The setting's field name in [`crate::Settings`].
        setting: &'static str,
        /// What it held.
        value: String,
        /// Why it cannot be used.
        message: String,
    },
    /// An output pass found nothing of what it rewrites although the spec says it is there:
    /// progenitor's output changed shape, and the pass would otherwise do nothing silently.
    OutputPass {
        /// The pass (its module name).
        pass: &'static str,
        /// What it looked for.
        looked_for: String,
    },
    /// A resource handle cannot be written for an operation (a method name that clashes or is
    /// not a Rust identifier, a builder of an unexpected shape).
    Handle {
        /// The operationId.
        operation: String,
        /// What is wrong, and what to do about it.
        message: String,
    },
    /// A generated type would fail a whole response over a value the spec does not foresee
    /// (with [`crate::Settings::refuse_strict_shapes`]).
    StrictShape {
        /// The type, and its field where the shape is a field's.
        item: String,
        /// What is strict about it.
        what: String,
    },
    /// The generated tokens are not valid Rust (a generator bug, reported rather than hidden).
    Emit {
        /// syn's message.
        message: String,
    },
}

impl Error {
    pub(crate) fn spec(path: impl Into<PathBuf>, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Spec { path: path.into(), pointer: pointer.into(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Syntax { path, line, column, message } => match (line, column) {
                (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: syntax error: {message}", path.display()),
                _ => write!(f, "{}: syntax error: {message}", path.display()),
            },
            Error::Spec { path, pointer, message } => {
                let at = if pointer.is_empty() { "(document root)" } else { pointer.as_str() };
                write!(f, "{}: at {at}: {message}", path.display())
            }
            Error::Progenitor { operation: Some(op), message } => {
                write!(f, "progenitor failed on operation `{op}`: {message}")
            }
            Error::Progenitor { operation: None, message } => write!(f, "progenitor failed: {message}"),
            Error::Settings { setting, value, message } => {
                write!(f, "generator setting `{setting}` = `{value}` cannot be used: {message}")
            }
            Error::OutputPass { pass, looked_for } => write!(
                f,
                "output pass `{pass}` found nothing to change: it looked for {looked_for}; \
                 progenitor's output has changed shape (is progenitor still =0.15.1?)"
            ),
            Error::Handle { operation, message } => write!(f, "operation `{operation}`: {message}"),
            Error::StrictShape { item, what } => write!(
                f,
                "`{item}` would fail a response over a value the spec does not foresee: {what}; \
                 open it with a normalization pass or a generator setting"
            ),
            Error::Emit { message } => write!(f, "generated code does not parse as Rust: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub(crate) fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Joins reference tokens into a JSON pointer.
pub(crate) fn pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    tokens.into_iter().map(|t| format!("/{}", escape_token(t))).collect()
}
