//! Diagnostics: located errors and warnings collected across the IR stages.
//!
//! Stages push into a [`Diagnostics`] and keep going, so one run reports every problem in a document;
//! the pipeline stops once, at a stage boundary, when any error was recorded.

use std::fmt;

use crate::pointer::JsonPointer;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Generation can go on; the output may be less precise than the document intends.
    Warning,
    /// Generation stops before anything is emitted.
    Error,
}

/// One located message about the input document.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Where in the document the problem is.
    pub pointer: JsonPointer,
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong, lower-case, no trailing period.
    pub message: String,
    /// What the generator did about it or what the author can do, if anything.
    pub note: Option<String>,
    /// Line and column (1-based) in the source text, when known.
    pub location: Option<(usize, usize)>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}\n  --> {}", self.message, self.pointer)?;
        if let Some((line, column)) = self.location {
            write!(f, " (line {line}, column {column})")?;
        }
        if let Some(note) = &self.note {
            write!(f, "\n  = note: {note}")?;
        }
        Ok(())
    }
}

/// An accumulator of diagnostics, sorted by location when read.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records an error.
    pub fn error(&mut self, pointer: &JsonPointer, message: impl Into<String>) {
        self.push(pointer, Severity::Error, message.into(), None);
    }

    /// Records an error with a note.
    pub fn error_with_note(
        &mut self,
        pointer: &JsonPointer,
        message: impl Into<String>,
        note: impl Into<String>,
    ) {
        self.push(pointer, Severity::Error, message.into(), Some(note.into()));
    }

    /// Records a warning with a note.
    pub fn warning(
        &mut self,
        pointer: &JsonPointer,
        message: impl Into<String>,
        note: impl Into<String>,
    ) {
        self.push(
            pointer,
            Severity::Warning,
            message.into(),
            Some(note.into()),
        );
    }

    fn push(
        &mut self,
        pointer: &JsonPointer,
        severity: Severity,
        message: String,
        note: Option<String>,
    ) {
        self.items.push(Diagnostic {
            pointer: pointer.clone(),
            severity,
            message,
            note,
            location: None,
        });
    }

    /// True when at least one error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Adds every diagnostic of `other`.
    pub fn extend(&mut self, other: Self) {
        self.items.extend(other.items);
    }

    /// The diagnostics in document order (by pointer, then severity and message), without duplicates.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort();
        self.items.dedup();
        self.items
    }
}
