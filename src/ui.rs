//! Human output helpers: colour when the stream is a terminal, progress bars that
//! hide themselves when stderr is not one, and how much is said on stderr
//! (`-q` keeps findings, warnings and errors only; `-v` adds details).

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU8, Ordering};

use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// When to colour output (`--color`).
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour when writing to a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

static COLOR: AtomicU8 = AtomicU8::new(0);

/// How much a command says on stderr besides findings, warnings and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// `-q`: no summaries, notes or progress bars.
    Quiet = 0,
    /// The default: a summary line, notes, progress bars on a terminal.
    Normal = 1,
    /// `-v`: also the root and configuration used, counts and times.
    Verbose = 2,
}

static VERBOSITY: AtomicU8 = AtomicU8::new(Verbosity::Normal as u8);

/// Set the verbosity once, from the command line.
pub fn set_verbosity(v: Verbosity) {
    VERBOSITY.store(v as u8, Ordering::Relaxed);
}

/// The verbosity set by [`set_verbosity`].
pub fn verbosity() -> Verbosity {
    match VERBOSITY.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        2 => Verbosity::Verbose,
        _ => Verbosity::Normal,
    }
}

/// Whether `-q` was given.
pub fn quiet() -> bool {
    verbosity() == Verbosity::Quiet
}

/// Print a status line (a summary, "nothing to do") to stderr, unless `-q`.
pub fn status(msg: &str) {
    if !quiet() {
        eprintln!("{msg}");
    }
}

/// Print text that is already one or more status lines to stderr, unless `-q`.
pub fn status_text(text: &str) {
    if !quiet() {
        eprint!("{text}");
    }
}

/// Print a detail line to stderr with `-v`: `info: …`.
pub fn detail(msg: &str) {
    if verbosity() == Verbosity::Verbose {
        eprintln!("{}: {msg}", paint("info", AnsiColor::Cyan, false, true));
    }
}

/// Set the colour choice once, from the command line.
pub fn set_color(c: ColorChoice) {
    let v = match c {
        ColorChoice::Auto => 0,
        ColorChoice::Always => 1,
        ColorChoice::Never => 2,
    };
    COLOR.store(v, Ordering::Relaxed);
}

fn enabled(stderr: bool) -> bool {
    match COLOR.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            !vetoed(std::env::var_os("NO_COLOR"))
                && if stderr {
                    std::io::stderr().is_terminal()
                } else {
                    std::io::stdout().is_terminal()
                }
        }
    }
}

/// Whether a `NO_COLOR` value turns colour off: any value but an empty one
/// (<https://no-color.org>).
fn vetoed(no_color: Option<std::ffi::OsString>) -> bool {
    no_color.is_some_and(|v| !v.is_empty())
}

/// Paint `text` for stdout (or stderr) if colour is on.
pub fn paint(text: &str, color: AnsiColor, bold: bool, stderr: bool) -> String {
    if !enabled(stderr) {
        return text.to_string();
    }
    let mut s = Style::new().fg_color(Some(color.into()));
    if bold {
        s = s.bold();
    }
    format!("{s}{text}{s:#}")
}

/// Write a whole output to stdout; a closed pipe or a full disk is an error
/// (exit 2), not a panic. Colour was decided by [`paint`] (`--color always`
/// colours a pipe too); the stream only translates it for a legacy Windows
/// console, or strips stray escapes when colour is off.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let choice = if enabled(false) {
        anstream::ColorChoice::Always
    } else {
        anstream::ColorChoice::Never
    };
    let mut so = anstream::AutoStream::new(std::io::stdout().lock(), choice);
    so.write_all(bytes)
        .and_then(|_| so.flush())
        .map_err(|e| anyhow::anyhow!("cannot write output: {e}"))
}

/// Print a warning line to stderr: `warning: …`.
pub fn warn(msg: &str) {
    eprintln!("{}: {msg}", paint("warning", AnsiColor::Yellow, true, true));
}

/// Print an error line to stderr: `error: …`.
pub fn error(msg: &str) {
    eprintln!("{}: {msg}", paint("error", AnsiColor::Red, true, true));
}

/// A progress bar on stderr for `len` steps, or (`None`) a spinner with the
/// time spent, for work whose steps cannot be counted. Hidden unless stderr is
/// a terminal, and with `-q`; the caller clears it when done.
pub fn progress(len: Option<u64>, what: &str) -> ProgressBar {
    if quiet() || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    let template = match len {
        Some(_) => "{prefix:>12} [{bar:30}] {pos}/{len}",
        None => "{prefix:>12} {spinner} {elapsed}",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_prefix(what.to_string());
    if len.is_none() {
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
    }
    pb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_non_empty_no_color_turns_colour_off() {
        assert!(vetoed(Some("1".into())));
        assert!(vetoed(Some("false".into())));
        assert!(!vetoed(Some("".into())));
        assert!(!vetoed(None));
    }
}
