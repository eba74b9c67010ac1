//! Human output helpers: colour when the stream is a terminal, progress bars that
//! hide themselves when stderr is not one.

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
            std::env::var_os("NO_COLOR").is_none()
                && if stderr {
                    std::io::stderr().is_terminal()
                } else {
                    std::io::stdout().is_terminal()
                }
        }
    }
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
/// (exit 2), not a panic.
pub fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut so = std::io::stdout().lock();
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

/// A progress bar on stderr, hidden unless stderr is a terminal.
pub fn progress(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if !std::io::stderr().is_terminal() {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    }
    if let Ok(style) = ProgressStyle::with_template("{prefix:>12} [{bar:30}] {pos}/{len}") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_prefix(what.to_string());
    pb
}
